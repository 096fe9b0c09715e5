/// <reference types="@webgpu/types" />

/*
 * The WebGPU host of a network compiled to WGSL by dsnet. It depends on nothing but the WebGPU
 * API: in a browser pass it the device from navigator.gpu, in Node the one from the `webgpu`
 * package (Dawn). `WgslNetwork.create` builds every pipeline, buffer and bind group once and
 * uploads the weights; `forward` writes the input, runs every step in one compute pass of one
 * command encoder, and reads the output back.
 *
 * Memory: two storage buffers. `weights` holds every packed weight tensor (read-only);
 * `arena` holds every activation, each at a fixed offset chosen by liveness so that values
 * that are never alive together share memory. Each shader has its offsets baked in, so all
 * steps share one bind group. In the arena a pixel's channels are padded to a multiple of 4
 * (zeros in the padding), which `forward` adds to the input and strips from the output.
 */

/** What the host needs to know about a compiled network. */
export interface WgslManifest {
  network: string;
  batch: number;
  /** Bytes of the activation arena. */
  arenaBytes: number;
  /** Bytes of the packed weights (weights.bin). */
  weightBytes: number;
  input: ArenaValue;
  output: ArenaValue;
  /** In execution order. */
  steps: ShaderStep[];
}

/** Where the network's input or output lives in the arena. */
export interface ArenaValue {
  /** Byte offset in the arena. */
  offset: number;
  /** [batch, height, width, channels]; the arena pads channels to a multiple of 4. */
  shape: [number, number, number, number];
}

export interface ShaderStep {
  name: string;
  /** Workgroups to dispatch, x by y by z. */
  workgroups: [number, number, number];
  /** WGSL with an entry point `main`, weights at binding 0 and the arena at binding 1. */
  code: string;
}

// Flag values from the WebGPU specification: Node's `webgpu` package does not put
// GPUBufferUsage and friends on globalThis.
const BUFFER_MAP_READ = 0x0001;
const BUFFER_COPY_SRC = 0x0004;
const BUFFER_COPY_DST = 0x0008;
const BUFFER_STORAGE = 0x0080;
const MAP_MODE_READ = 0x0001;
const SHADER_STAGE_COMPUTE = 0x4;

/** The device limits a network needs beyond WebGPU's defaults, for `requestDevice`. */
export function requiredLimits(manifest: WgslManifest): Record<string, number> {
  const largest = Math.max(manifest.arenaBytes, manifest.weightBytes);
  const limits: Record<string, number> = {};
  // WebGPU's defaults: 128 MiB per storage binding, 256 MiB per buffer.
  if (largest > 134217728) limits.maxStorageBufferBindingSize = largest;
  if (largest > 268435456) limits.maxBufferSize = largest;
  return limits;
}

/**
 * WebGPU's GPUDevice where the program has WebGPU's types (@webgpu/types, which the `webgpu`
 * package brings along), and any object where it has not: dsnet's declarations name the device
 * this way so that they type-check in projects without WebGPU's types.
 */
export type WebGpuDevice = typeof globalThis extends { GPUDevice: { prototype: infer D } }
  ? D
  : object;

export class WgslNetwork {
  private queued: Promise<unknown> = Promise.resolve();
  private readonly packedInput: Float32Array | undefined;

  private constructor(
    readonly device: WebGpuDevice,
    readonly manifest: WgslManifest,
    private readonly pipelines: GPUComputePipeline[],
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: { weights: GPUBuffer; arena: GPUBuffer; readback: GPUBuffer },
  ) {
    const [n, h, w, c] = manifest.input.shape;
    if (c % 4 !== 0) this.packedInput = new Float32Array(n * h * w * paddedChannels(c));
  }

  /** Compiles every step and uploads `weights` (the contents of weights.bin). */
  static async create(
    device: WebGpuDevice,
    manifest: WgslManifest,
    weights: ArrayBuffer,
  ): Promise<WgslNetwork> {
    if (weights.byteLength !== manifest.weightBytes) {
      throw new Error(
        `${manifest.network}: the weights are ${weights.byteLength} bytes, the network needs ${manifest.weightBytes}`,
      );
    }
    for (const [what, bytes] of [
      ["activation arena", manifest.arenaBytes],
      ["weights", manifest.weightBytes],
    ] as const) {
      if (
        bytes > device.limits.maxStorageBufferBindingSize ||
        bytes > device.limits.maxBufferSize
      ) {
        throw new Error(
          `${manifest.network}: the ${what} take ${bytes} bytes, more than this device allows in one ` +
            `storage buffer (maxStorageBufferBindingSize ${device.limits.maxStorageBufferBindingSize}, ` +
            `maxBufferSize ${device.limits.maxBufferSize}); request the adapter's limits with ` +
            `requiredLimits(manifest), or use a smaller batch`,
        );
      }
    }

    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    const popBoth = () => Promise.all([device.popErrorScope(), device.popErrorScope()]);
    const built = await build(device, manifest, weights).catch(async (e: unknown) => {
      await popBoth();
      throw e;
    });
    const errors = (await popBoth()).filter((e) => e !== null);
    if (errors.length > 0) {
      for (const buffer of Object.values(built.buffers)) buffer.destroy();
      throw new Error(
        `${manifest.network}: WebGPU failed: ${errors.map((e) => e.message).join("; ")}`,
      );
    }
    return new WgslNetwork(device, manifest, built.pipelines, built.bindGroup, built.buffers);
  }

  /**
   * Runs the network on `input` (batch x height x width x channels floats, NHWC) and resolves to
   * the output in the same layout. Calls run one after the other.
   */
  forward(input: Float32Array): Promise<Float32Array> {
    const run = this.queued.then(() => this.run(input));
    this.queued = run.catch(() => undefined);
    return run;
  }

  /** Frees the buffers; the device stays the caller's. */
  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
  }

  private async run(input: Float32Array): Promise<Float32Array> {
    const { manifest, device, buffers } = this;
    const [n, h, w, c] = manifest.input.shape;
    if (input.length !== n * h * w * c) {
      throw new RangeError(
        `${manifest.network} takes ${n}x${h}x${w}x${c} = ${n * h * w * c} floats, got ${input.length}`,
      );
    }
    const data = this.packedInput ? padChannels(input, c, this.packedInput) : input;
    const source = data.buffer as ArrayBuffer;
    device.queue.writeBuffer(
      buffers.arena,
      manifest.input.offset,
      source,
      data.byteOffset,
      data.byteLength,
    );

    const encoder = device.createCommandEncoder({ label: manifest.network });
    const pass = encoder.beginComputePass();
    pass.setBindGroup(0, this.bindGroup);
    this.pipelines.forEach((pipeline, i) => {
      pass.setPipeline(pipeline);
      pass.dispatchWorkgroups(...manifest.steps[i].workgroups);
    });
    pass.end();
    const bytes = arenaBytesOf(manifest.output);
    encoder.copyBufferToBuffer(buffers.arena, manifest.output.offset, buffers.readback, 0, bytes);
    device.queue.submit([encoder.finish()]);

    await buffers.readback.mapAsync(MAP_MODE_READ, 0, bytes);
    const padded = new Float32Array(buffers.readback.getMappedRange(0, bytes).slice(0));
    buffers.readback.unmap();
    const oc = manifest.output.shape[3];
    return oc % 4 === 0 ? padded : unpadChannels(padded, oc);
  }
}

/** The pipelines, buffers and bind group of a network, with the weights uploaded. */
async function build(device: GPUDevice, manifest: WgslManifest, weights: ArrayBuffer) {
  const modules = manifest.steps.map((step) =>
    device.createShaderModule({ label: step.name, code: step.code }),
  );
  await Promise.all(modules.map((module, i) => checkCompilation(module, manifest.steps[i])));
  const layout = device.createBindGroupLayout({
    label: `${manifest.network} bindings`,
    entries: [
      { binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: "read-only-storage" } },
      { binding: 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type: "storage" } },
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  // createComputePipelineAsync would let the driver compile in parallel, but Dawn for Node
  // with SwiftShader aborts in it (a futex error); the synchronous call works everywhere.
  const pipelines = modules.map((module, i) =>
    device.createComputePipeline({
      label: manifest.steps[i].name,
      layout: pipelineLayout,
      compute: { module, entryPoint: "main" },
    }),
  );

  // Bindings may not be empty: keep at least one vec4 in each buffer.
  const weightBuffer = device.createBuffer({
    label: `${manifest.network} weights`,
    size: Math.max(manifest.weightBytes, 16),
    usage: BUFFER_STORAGE | BUFFER_COPY_DST,
    mappedAtCreation: true,
  });
  new Uint8Array(weightBuffer.getMappedRange()).set(new Uint8Array(weights));
  weightBuffer.unmap();
  const arena = device.createBuffer({
    label: `${manifest.network} arena`,
    size: Math.max(manifest.arenaBytes, 16),
    usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST,
  });
  const readback = device.createBuffer({
    label: `${manifest.network} output`,
    size: arenaBytesOf(manifest.output),
    usage: BUFFER_MAP_READ | BUFFER_COPY_DST,
  });
  const bindGroup = device.createBindGroup({
    layout,
    entries: [
      { binding: 0, resource: { buffer: weightBuffer } },
      { binding: 1, resource: { buffer: arena } },
    ],
  });
  return { pipelines, bindGroup, buffers: { weights: weightBuffer, arena, readback } };
}

function paddedChannels(c: number): number {
  return Math.ceil(c / 4) * 4;
}

function arenaBytesOf(value: ArenaValue): number {
  const [n, h, w, c] = value.shape;
  return n * h * w * paddedChannels(c) * 4;
}

function padChannels(input: Float32Array, c: number, out: Float32Array): Float32Array {
  const stride = paddedChannels(c);
  for (let p = 0, q = 0; p < input.length; p += c, q += stride) {
    out.set(input.subarray(p, p + c), q);
  }
  return out;
}

function unpadChannels(padded: Float32Array, c: number): Float32Array {
  const stride = paddedChannels(c);
  const pixels = padded.length / stride;
  const out = new Float32Array(pixels * c);
  for (let p = 0; p < pixels; p++) out.set(padded.subarray(p * stride, p * stride + c), p * c);
  return out;
}

async function checkCompilation(module: GPUShaderModule, step: ShaderStep): Promise<void> {
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === "error");
  if (errors.length === 0) return;
  const lines = step.code.split("\n");
  const text = errors
    .map(
      (m) =>
        `${step.name}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}\n  ${lines[m.lineNum - 1] ?? ""}`,
    )
    .join("\n");
  throw new Error(`WGSL compilation failed:\n${text}`);
}
