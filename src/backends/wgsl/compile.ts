import { formatShape, type Shape } from "../../ir/types.js";
import { planBuffers } from "../../ir/buffers.js";
import { checkAddressable } from "../errors.js";
import { foldBatchNorm } from "../../ir/passes.js";
import {
  describeActivation,
  isDepthwise,
  isPlainPointwise,
  nodeMacs,
  type Activation,
  type ConvNode,
  type Graph,
  type Node,
} from "../../ir/graph.js";
import { commentText } from "../comment.js";
import { gridOf, vec4s } from "./kernels/common.js";
import { depthwiseKernel } from "./kernels/depthwise.js";
import { elementwiseKernel } from "./kernels/elementwise.js";
import { flattenKernel } from "./kernels/flatten.js";
import { groupedConvKernel } from "./kernels/grouped.js";
import { MATMUL_TILE_ROWS, matmulKernel } from "./kernels/matmul.js";
import { matvecKernel } from "./kernels/matvec.js";
import { globalPoolKernel, poolKernel } from "./kernels/pool.js";
import { softmaxKernel } from "./kernels/softmax.js";
import type { ArenaTensor, Kernel, KernelIO, Window } from "./kernels/tensor.js";
import { hostModule, readme } from "./host.js";
import type { WgslManifest } from "./host-runtime.js";

export interface WgslOptions {
  /** Samples per forward pass; default 1. Offsets and dispatch sizes are baked in for it. */
  batch?: number;
  /** The source file, named in the generated comments. */
  sourceFile?: string;
  /** The network's name in comments and file headers; default the graph's. */
  networkName?: string;
}

export type WgslStepKind =
  | "fused-separable"
  | "depthwise"
  | "pointwise"
  | "conv"
  | "grouped-conv"
  | "fc"
  | "maxpool"
  | "avgpool"
  | "global-avgpool"
  | "global-maxpool"
  | "add"
  | "affine"
  | "activation"
  | "copy"
  | "flatten"
  | "softmax";

/** One compute shader and its dispatch. */
export interface WgslStep {
  /** `NN_<layer>`: the file name without `.wgsl`. */
  name: string;
  kind: WgslStepKind;
  /** The source layers it computes. */
  layers: string[];
  /** Per sample. */
  inputShapes: Shape[];
  outputShape: Shape;
  /** Multiply-adds for the whole batch. */
  macs: number;
  workgroups: [number, number, number];
  /** The shader, its header comment included. */
  code: string;
}

export interface WgslProgram {
  network: string;
  batch: number;
  steps: WgslStep[];
  /** What the host runtime takes; host.ts embeds the same object. */
  manifest: WgslManifest;
  /** The host module (host.ts): the runtime and the manifest, depending only on WebGPU. */
  host: string;
  /** How to use host.ts (README.md). */
  readme: string;
  /** The packed weights (weights.bin). */
  weights: ArrayBuffer;
  /** Bytes of the activation arena, and what one buffer per value would take. */
  arenaBytes: number;
  naiveArenaBytes: number;
  /** One line per step, for `--verbose`. */
  plan: string[];
}

/**
 * Compiles an optimised graph (see `optimize`) to WGSL: one compute shader per step with shapes,
 * offsets and filter geometry baked in as constants, the packed weights, and a host module that
 * runs them. Pure: nothing is read or written.
 */
export function compileWgsl(given: Graph, options: WgslOptions = {}): WgslProgram {
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`batch must be a whole number >= 1, got ${batch}`);
  }
  // Batch norms are gone from an optimised graph; any left become folds or affine nodes.
  const graph = given.nodes.some((n) => n.op === "batchnorm") ? foldBatchNorm(given) : given;
  const network = options.networkName ?? graph.name;
  const sourceFile = options.sourceFile ?? graph.source.file;
  const nodes = graph.nodes.filter((n) => n.op !== "input");

  // Plan the arena over the nodes as they run with channels padded to vec4s. A fused separable
  // node is one step, so its input and output never share memory and the depthwise output
  // needs none.
  const buffers = planBuffers({
    ...graph,
    values: graph.values.map(([h, w, c]): Shape => [h, w, vec4s(c) * 4]),
  });
  checkAddressable(buffers.arenaElements * batch * 4, "the activations", batch);
  const tensor = (v: number): ArenaTensor => ({
    offset: (buffers.offsets[v] * batch) / 4,
    shape: graph.values[v],
  });

  const weights = new WeightPacker();
  const digits = Math.max(2, String(nodes.length).length);
  const steps = nodes.map((node, i): WgslStep => {
    const io: KernelIO = { batch, inputs: node.inputs.map(tensor), output: tensor(node.output) };
    const { kind, kernel, what } = kernelFor(node, io, weights);
    const name = `${String(i + 1).padStart(digits, "0")}_${fileName(node)}`;
    const step = {
      name,
      kind,
      layers: node.layers,
      inputShapes: node.inputs.map((v) => graph.values[v]),
      outputShape: graph.values[node.output],
      macs: batch * nodeMacs(graph, node),
      workgroups: gridOf(kernel.workgroups),
    };
    const header = [
      `// dsnet: step ${i + 1} of ${nodes.length} of network ${commentText(network)}, batch ${batch}`,
      `// source: ${commentText(sourceFile)}`,
      `// ${kind}: ${what}`,
      `// layers: ${node.layers.map(commentText).join(", ")}`,
      `// ${step.inputShapes.map(formatShape).join(" + ")} -> ${formatShape(step.outputShape)} per sample${step.macs > 0 ? `; ${formatMacs(step.macs)} multiply-adds` : ""}`,
      `// dispatch: ${step.workgroups.join(" x ")} workgroups`,
    ].join("\n");
    return { ...step, code: `${header}\n\n${kernel.code}` };
  });

  const packed = weights.finish();
  const [ih, iw, ic] = graph.values[graph.input];
  const [oh, ow, oc] = graph.values[graph.output];
  const arenaBytes = buffers.arenaElements * batch * 4;
  const manifest: WgslManifest = {
    network,
    batch,
    arenaBytes,
    weightBytes: packed.byteLength,
    input: { offset: buffers.offsets[graph.input] * batch * 4, shape: [batch, ih, iw, ic] },
    output: { offset: buffers.offsets[graph.output] * batch * 4, shape: [batch, oh, ow, oc] },
    steps: steps.map((s) => ({ name: s.name, workgroups: s.workgroups, code: s.code })),
  };
  const program = {
    network,
    batch,
    steps,
    manifest,
    weights: packed,
    arenaBytes,
    naiveArenaBytes: buffers.naiveElements * batch * 4,
    plan: planListing(steps),
  };
  return {
    ...program,
    host: hostModule(manifest, sourceFile),
    readme: readme(program, sourceFile),
  };
}

/**
 * Vec4 columns per invocation of the tiled matrix products (see matmul.ts). The fused kernel
 * recomputes its depthwise tile once per tile of output channels, so it takes the wider tile.
 */
const FUSED_COLUMNS = 2;
const MATMUL_COLUMNS = 1;

/** `preferred`, unless the output fits one 32-channel tile. */
function columnsFor(channels: number, preferred: 1 | 2): 1 | 2 {
  return vec4s(channels) > 8 ? preferred : 1;
}

/** The kernel a node runs as, with its weights packed into `weights`. */
function kernelFor(
  node: Node,
  io: KernelIO,
  weights: WeightPacker,
): { kind: WgslStepKind; kernel: Kernel; what: string } {
  if (node.op === "separable") {
    const { depthwise: dw, pointwise: pw } = node;
    const dwWeights = weights.add(packDepthwise(dw));
    const dwBias = weights.add(packBias(dw.bias, dw.outChannels));
    const pwWeights = weights.add(
      packMatrix(pw.inChannels, pw.outChannels, (k, n) => pw.weight[n * pw.inChannels + k]),
    );
    const pwBias = weights.add(packBias(pw.bias, pw.outChannels));
    return {
      kind: "fused-separable",
      what: `${describeConv(dw)}, then ${describeConv(pw)}, the depthwise result kept in workgroup memory`,
      kernel: matmulKernel(io, {
        source: {
          kind: "depthwise",
          window: windowOf(dw),
          weights: dwWeights,
          bias: dwBias,
          activation: dw.activation,
        },
        outChannels: pw.outChannels,
        activation: pw.activation,
        weights: pwWeights,
        bias: pwBias,
        columns: columnsFor(pw.outChannels, FUSED_COLUMNS),
      }),
    };
  }
  switch (node.op) {
    case "input":
      throw new Error("internal: the input node has no kernel");
    case "conv":
      return convStep(node, io, weights);
    case "fc": {
      const { inFeatures: k, outFeatures: n, weight } = node;
      const b = weights.add(packMatrix(k, n, (i, o) => weight[o * k + i]));
      const bias = weights.add(packBias(node.bias, n));
      const params = { outChannels: n, activation: node.activation, weights: b, bias };
      const columns = columnsFor(n, MATMUL_COLUMNS);
      return {
        kind: "fc",
        what: `fully connected ${k} -> ${n}${activationNote(node.activation)}`,
        // A batch smaller than a tile's 32 rows would leave the tiled product mostly idle.
        kernel:
          io.batch < MATMUL_TILE_ROWS
            ? matvecKernel(io, { ...params, inFeatures: k, outFeatures: n })
            : matmulKernel(io, { ...params, source: { kind: "rows" }, columns }),
      };
    }
    case "batchnorm":
      throw new Error("unreachable: compileWgsl folds batch norms first");
    case "affine": {
      const c = io.output.shape[2];
      const op = {
        kind: "affine" as const,
        scale: weights.add(padTo4(node.scale, c)),
        shift: weights.add(padTo4(node.shift, c)),
      };
      return {
        kind: "affine",
        what: `per-channel scale and shift${activationNote(node.activation)}`,
        kernel: elementwiseKernel(io, op, node.activation),
      };
    }
    case "activation":
      return {
        kind: "activation",
        what: describeActivation(node.activation),
        kernel: elementwiseKernel(io, { kind: "unary" }, node.activation),
      };
    case "identity":
      return {
        kind: "copy",
        what: "a copy (an inference no-op)",
        kernel: elementwiseKernel(io, { kind: "unary" }, { kind: "none" }),
      };
    case "add":
      return {
        kind: "add",
        what: `residual add${activationNote(node.activation)}`,
        kernel: elementwiseKernel(io, { kind: "add" }, node.activation),
      };
    case "maxpool":
    case "avgpool":
      return {
        kind: node.op,
        what: `${node.kernel.join("x")} s${node.stride.join(",")} pad ${describePadding(node.padding)}`,
        kernel: poolKernel(io, { max: node.op === "maxpool", ...node }),
      };
    case "globalavgpool":
    case "globalmaxpool":
      return {
        kind: node.op === "globalavgpool" ? "global-avgpool" : "global-maxpool",
        what: `over ${io.inputs[0].shape[0]}x${io.inputs[0].shape[1]} pixels`,
        kernel: globalPoolKernel(io, node.op === "globalmaxpool"),
      };
    case "flatten":
      return { kind: "flatten", what: "channel-major, as PyTorch", kernel: flattenKernel(io) };
    case "softmax":
      return { kind: "softmax", what: "over the channels", kernel: softmaxKernel(io) };
  }
}

function convStep(
  node: ConvNode,
  io: KernelIO,
  weights: WeightPacker,
): { kind: WgslStepKind; kernel: Kernel; what: string } {
  const what = describeConv(node);
  const bias = () => weights.add(packBias(node.bias, node.outChannels));
  // A 1x1 convolution of one channel is both; it is a pointwise one.
  if (isDepthwise(node) && !isPlainPointwise(node)) {
    const w = weights.add(packDepthwise(node));
    return {
      kind: "depthwise",
      what,
      kernel: depthwiseKernel(io, {
        ...windowOf(node),
        activation: node.activation,
        weights: w,
        bias: bias(),
      }),
    };
  }
  if (node.groups === 1) {
    const [kh, kw] = node.kernel;
    const cin = node.inChannels;
    const c4 = vec4s(cin);
    // K runs over (ky, kx, input channel padded to vec4s), as the implicit GEMM reads A.
    const b = weights.add(
      packMatrix(kh * kw * c4 * 4, node.outChannels, (k, o) => {
        const ci = k % (c4 * 4);
        const tap = Math.floor(k / (c4 * 4));
        if (ci >= cin) return 0;
        return node.weight[((o * cin + ci) * kh + Math.floor(tap / kw)) * kw + (tap % kw)];
      }),
    );
    const plain = isPlainPointwise(node);
    return {
      kind: plain ? "pointwise" : "conv",
      what: plain ? what : `${what}, as an implicit GEMM`,
      kernel: matmulKernel(io, {
        source: plain ? { kind: "rows" } : { kind: "im2col", window: windowOf(node) },
        outChannels: node.outChannels,
        columns: columnsFor(node.outChannels, MATMUL_COLUMNS),
        activation: node.activation,
        weights: b,
        bias: bias(),
      }),
    };
  }
  // Scalar filters reordered to [out][kh][kw][in / groups].
  const [kh, kw] = node.kernel;
  const cig = node.inChannels / node.groups;
  const filters = new Float32Array(node.weight.length);
  for (let o = 0; o < node.outChannels; o++)
    for (let ky = 0; ky < kh; ky++)
      for (let kx = 0; kx < kw; kx++)
        for (let i = 0; i < cig; i++)
          filters[((o * kh + ky) * kw + kx) * cig + i] =
            node.weight[((o * cig + i) * kh + ky) * kw + kx];
  const w = weights.add(padTo4(filters, filters.length));
  return {
    kind: "grouped-conv",
    what,
    kernel: groupedConvKernel(io, {
      ...windowOf(node),
      groups: node.groups,
      outChannels: node.outChannels,
      activation: node.activation,
      weights: w,
      bias: bias(),
    }),
  };
}

function windowOf(node: ConvNode): Window {
  const { kernel, stride, dilation, padding } = node;
  return { kernel, stride, dilation, padding };
}

/** Weights as one buffer of vec4s, each tensor starting on a vec4. */
class WeightPacker {
  private chunks: Float32Array[] = [];
  private vec4s = 0;

  /** Adds a tensor (a multiple of 4 floats long) and returns its offset in vec4s. */
  add(data: Float32Array): number {
    const at = this.vec4s;
    this.chunks.push(data);
    this.vec4s += data.length / 4;
    return at;
  }

  finish(): ArrayBuffer {
    const all = new Float32Array(this.vec4s * 4);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all.buffer;
  }
}

/** `data[0 .. length)` followed by zeros up to a multiple of 4. */
function padTo4(data: Float32Array, length: number): Float32Array {
  const out = new Float32Array(vec4s(length) * 4);
  out.set(data.subarray(0, length));
  return out;
}

function packBias(bias: Float32Array | null, channels: number): Float32Array {
  return bias ? padTo4(bias, channels) : new Float32Array(vec4s(channels) * 4);
}

/** Depthwise filters [c][1][kh][kw] as [kh][kw][c padded to vec4s]. */
function packDepthwise(node: ConvNode): Float32Array {
  const [kh, kw] = node.kernel;
  const c = node.outChannels;
  const stride = vec4s(c) * 4;
  const out = new Float32Array(kh * kw * stride);
  for (let ch = 0; ch < c; ch++)
    for (let t = 0; t < kh * kw; t++) out[t * stride + ch] = node.weight[ch * kh * kw + t];
  return out;
}

/** B of a matrix product as [k padded to vec4s][n padded to vec4s], zero in the padding. */
function packMatrix(k: number, n: number, at: (k: number, n: number) => number): Float32Array {
  const rows = vec4s(k) * 4;
  const stride = vec4s(n) * 4;
  const out = new Float32Array(rows * stride);
  for (let i = 0; i < k; i++) for (let o = 0; o < n; o++) out[i * stride + o] = at(i, o);
  return out;
}

function describeConv(node: ConvNode): string {
  const { kernel, stride, dilation, padding, inChannels, outChannels, groups } = node;
  const kind = isPlainPointwise(node)
    ? "pointwise"
    : isDepthwise(node)
      ? "depthwise"
      : groups > 1
        ? `grouped (${groups} groups)`
        : "conv";
  const geometry =
    kind === "pointwise"
      ? ""
      : ` ${kernel.join("x")} s${stride.join(",")} d${dilation.join(",")} pad ${describePadding(padding)}`;
  return `${kind}${geometry} ${inChannels} -> ${outChannels}${activationNote(node.activation)}`;
}

function describePadding(p: { top: number; bottom: number; left: number; right: number }): string {
  return `[${p.top}, ${p.bottom}, ${p.left}, ${p.right}]`;
}

function activationNote(a: Activation): string {
  return a.kind === "none" ? "" : `, ${describeActivation(a)}`;
}

function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)}G`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(2)}M`;
  if (macs >= 1e3) return `${(macs / 1e3).toFixed(1)}K`;
  return String(macs);
}

/** A file name from the step's layers: the first layer, and the pointwise one of a fused pair. */
function fileName(node: Node): string {
  const parts = node.op === "separable" ? [node.depthwise, node.pointwise] : [node];
  const names = parts.map((n) => n.layers[0] ?? n.op);
  return names.join("+").replace(/[^A-Za-z0-9_.+-]/g, "_");
}

function planListing(steps: WgslStep[]): string[] {
  const rows = steps.map((s) => [
    s.name,
    s.kind,
    `${s.inputShapes.map(formatShape).join(" + ")} -> ${formatShape(s.outputShape)}`,
    `dispatch ${s.workgroups.join("x")}`,
    s.macs > 0 ? `${formatMacs(s.macs)} MACs` : "",
    s.layers.join(" "),
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
