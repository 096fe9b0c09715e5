/**
 * The GPU benchmark: MobileNetV2 1.0/224, batch 1, through Dawn in Node — dsnet's WGSL (fused
 * separable kernels, and without fusion) against onnxruntime-web's WebGPU execution provider on
 * the same ONNX network, in the same run. Each forward pass includes the upload of the input and
 * the read-back of the output, for both. Bundled and run on a GPU machine by bench/gpu/run.sh:
 *
 *   node bench.mjs MODEL.onnx [RUNS]
 */
import { readFileSync } from "node:fs";
import { CpuPlan } from "../../src/backends/cpu/plan.js";
import { createWebGpuRunner, requestWebGpuDevice } from "../../src/backends/wgsl/index.js";
import { checkFile } from "../../src/check/program.js";
import { summarize } from "../../src/cost/summarize.js";
import { compileGraph } from "../../src/compile.js";
import { initialWeights, Random } from "../../src/weights/init.js";

const [onnxPath, runsText = "100"] = process.argv.slice(2);
const runs = Number(runsText);

async function time(label: string, body: () => Promise<unknown>, macs: number) {
  for (let i = 0; i < Math.min(20, runs); i++) await body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label.padEnd(42)} median ${median.toFixed(3)} ms, min ${times[0].toFixed(3)} ms, ${((2 * macs) / (median * 1e6)).toFixed(1)} GFLOP/s`,
  );
  return median;
}

const network = checkFile("examples/mobilenet_v2.dsnet").networks[0];
const macs = summarize(network).totals.macs;
const weights = initialWeights(network).map((t) => t.data);
const graph = compileGraph(network, weights, { target: "cpu" });
const random = new Random(3);
const input = Float32Array.from({ length: 224 * 224 * 3 }, () => random.uniform(-1, 1));

const device = await requestWebGpuDevice();
const info = (
  device as unknown as {
    adapterInfo?: { vendor?: string; architecture?: string; description?: string };
  }
).adapterInfo;
console.log(`WebGPU adapter: ${JSON.stringify(info ?? {})}`);
const reference = new CpuPlan(graph).forward(input);
for (const fuseSeparable of [true, false]) {
  const gpuGraph = compileGraph(network, weights, { target: "wgsl", fuseSeparable });
  const runner = await createWebGpuRunner(gpuGraph, 1, { device });
  const output = await runner.forward(input);
  const diff = output.reduce((d, v, i) => Math.max(d, Math.abs(v - reference[i])), 0);
  console.log(
    `dsnet WGSL (${fuseSeparable ? "fused" : "unfused"}) vs CPU plan: max |difference| ${diff.toExponential(2)}`,
  );
  await time(
    `dsnet WGSL (${fuseSeparable ? "fused separable" : "unfused"})`,
    () => runner.forward(input),
    macs,
  );
  runner.dispose();
}

if (onnxPath) {
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  (globalThis as unknown as { navigator: { gpu: unknown } }).navigator = { gpu: create([]) };
  // Dawn for Node refuses views of shared memory; ORT's WebAssembly heap is a SharedArrayBuffer.
  const queue = (globalThis as unknown as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const writeBuffer = queue.writeBuffer;
  queue.writeBuffer = function (
    this: GPUQueue,
    buffer: GPUBuffer,
    offset: number,
    data: BufferSource,
    dataOffset = 0,
    size?: number,
  ) {
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
      const per = (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const start = dataOffset * per;
      const end = size === undefined ? bytes.length : start + size * per;
      return writeBuffer.call(this, buffer, offset, bytes.slice(start, end));
    }
    return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
  } as GPUQueue["writeBuffer"];
  const ort = await import("onnxruntime-web/webgpu");
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(onnxPath), {
    executionProviders: ["webgpu"],
  });
  const nchw = new Float32Array(3 * 224 * 224).map(
    (_, i) => input[(i % (224 * 224)) * 3 + Math.floor(i / (224 * 224))],
  );
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", nchw, [1, 3, 224, 224]) };
  await time("onnxruntime-web WebGPU EP", () => session.run(feeds), macs);
}
process.exit(0);
