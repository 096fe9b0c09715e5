import { planBuffers, type BufferPlan } from "../../ir/buffers.js";
import type { Activation, ConvNode, FcNode, Graph, Node } from "../../ir/graph.js";
import { instantiateKernels, type Kernels } from "./kernels.js";
import * as ops from "./ops.js";
import { packDepthwise, packPanels, padBias, roundUp } from "./pack.js";

/** What a step of the plan is, for timing by kind (`dsnet bench`). */
export type StepKind = "conv" | "depthwise" | "pointwise" | "fc" | "other";

export interface Step {
  /** The source layers it computes. */
  layers: string[];
  kind: StepKind;
  /** Multiply-adds for one pass of the whole batch. */
  macs: number;
  run(): void;
}

export interface CpuPlanOptions {
  /** Samples per forward pass (N of NHWC); default 1. */
  batch?: number;
}

/** Rows of im2col scratch per matrix product: enough to keep gemm busy, small enough for cache. */
const IM2COL_ROWS = 256;

/**
 * The CPU backend: the IR turned into a list of steps over one preallocated WebAssembly memory
 * holding the packed weights, the activation arena (laid out by `planBuffers`) and im2col
 * scratch. Building the plan allocates everything; `forward` allocates nothing.
 */
export class CpuPlan {
  readonly batch: number;
  readonly steps: Step[] = [];
  readonly buffers: BufferPlan;
  /** Bytes of packed weights. */
  readonly weightBytes: number;
  private kernels: Kernels;
  private memory!: Float32Array;
  private valueAt: number[] = [];
  private inputLength: number;
  private outputLength: number;

  constructor(
    readonly graph: Graph,
    options: CpuPlanOptions = {},
  ) {
    this.batch = options.batch ?? 1;
    if (!Number.isInteger(this.batch) || this.batch < 1)
      throw new RangeError(`batch must be a whole number >= 1, got ${this.batch}`);
    this.kernels = instantiateKernels();
    this.buffers = planBuffers(graph);
    const [ih, iw, ic] = graph.values[graph.input];
    const [oh, ow, oc] = graph.values[graph.output];
    this.inputLength = this.batch * ih * iw * ic;
    this.outputLength = this.batch * oh * ow * oc;

    // Lay out memory: weights first (sized by a dry run of the packing), then the arena, then
    // im2col scratch. Everything is in elements of 4 bytes, aligned to 16 bytes.
    const packed = graph.nodes.map((node) => this.packWeights(node));
    let cursor = 4; // keep address 0 unused: a zero pointer is always a bug
    const weightOffsets = packed.map((tensors) =>
      tensors.map((t) => {
        const at = cursor;
        cursor += roundUp(t.length, 4) + 4;
        return at;
      }),
    );
    this.weightBytes = (cursor - 4) * 4;
    const arenaStart = cursor;
    cursor += this.batch * this.buffers.arenaElements + 4;
    const scratchStart = cursor;
    cursor += this.scratchElements() + 4;
    const bytes = cursor * 4;
    const pages = Math.ceil(bytes / 65536) - this.kernels.memory.buffer.byteLength / 65536;
    if (pages > 0) this.kernels.memory.grow(pages);
    this.memory = new Float32Array(this.kernels.memory.buffer);
    packed.forEach((tensors, i) =>
      tensors.forEach((t, j) => this.memory.set(t, weightOffsets[i][j])),
    );
    this.valueAt = this.buffers.offsets.map((o) => (o < 0 ? -1 : arenaStart + this.batch * o));
    graph.nodes.forEach((node, i) => this.addSteps(node, weightOffsets[i], scratchStart));
  }

  /**
   * Runs the network on `input` (N x H x W x C floats). The result is a view into the plan's
   * memory, valid until the next call: copy it to keep it.
   */
  forward(input: Float32Array): Float32Array {
    if (input.length !== this.inputLength) {
      throw new RangeError(`input has ${input.length} values; the plan takes ${this.inputLength}`);
    }
    this.memory.set(input, this.valueAt[this.graph.input]);
    for (const step of this.steps) step.run();
    const at = this.valueAt[this.graph.output];
    return this.memory.subarray(at, at + this.outputLength);
  }

  /** The packed tensors a node needs, in the order `addSteps` expects them. */
  private packWeights(node: Node): Float32Array[] {
    if (node.op === "fc") {
      const { inFeatures: k, outFeatures: n, weight } = node;
      return [packPanels(k, n, (i, c) => weight[c * k + i]), padBias(node.bias, n, 8)];
    }
    if (node.op !== "conv") return [];
    const [kh, kw] = node.kernel;
    if (isDepthwise(node)) {
      return [
        packDepthwise(node.weight, node.outChannels, kh, kw),
        padBias(node.bias, node.outChannels, 4),
      ];
    }
    // Per group, [kh][kw][cin/g] x [cout/g], from [cout][cin/g][kh][kw].
    const cig = node.inChannels / node.groups;
    const cog = node.outChannels / node.groups;
    const k = kh * kw * cig;
    const tensors: Float32Array[] = [];
    for (let g = 0; g < node.groups; g++) {
      tensors.push(
        packPanels(k, cog, (i, c) => {
          const ky = Math.floor(i / (kw * cig));
          const kx = Math.floor(i / cig) % kw;
          const ci = i % cig;
          return node.weight[(((g * cog + c) * cig + ci) * kh + ky) * kw + kx];
        }),
      );
      tensors.push(padBias(node.bias ? node.bias.subarray(g * cog, (g + 1) * cog) : null, cog, 8));
    }
    return tensors;
  }

  private scratchElements(): number {
    let most = 0;
    for (const node of this.graph.nodes) {
      if (node.op === "conv" && !isDepthwise(node) && !isPlainPointwise(node)) {
        const k = node.kernel[0] * node.kernel[1] * (node.inChannels / node.groups);
        most = Math.max(most, IM2COL_ROWS * k);
      }
    }
    return most;
  }

  private addSteps(node: Node, weights: number[], scratch: number): void {
    const m = () => this.memory;
    const at = (v: number) => this.valueAt[v];
    const N = this.batch;
    const shape = (v: number) => this.graph.values[v];
    const out = at(node.output);
    const [oh, ow, oc] = shape(node.output);
    const push = (kind: StepKind, macs: number, run: () => void) =>
      this.steps.push({ layers: node.layers, kind, macs, run });

    switch (node.op) {
      case "input":
        return;
      case "conv":
        return this.addConv(node, weights, scratch);
      case "fc": {
        const fused = kernelActivation(node.activation);
        const x = at(node.inputs[0]);
        const { inFeatures: k, outFeatures: n } = node;
        push("fc", N * k * n, () => {
          this.kernels.gemm(
            x * 4,
            k * 4,
            weights[0] * 4,
            weights[1] * 4,
            out * 4,
            n * 4,
            N,
            k,
            n,
            fused.code,
            fused.slope,
          );
          if (fused.after) ops.activateInPlace(m(), out, N * n, node.activation);
        });
        return;
      }
      case "batchnorm": {
        const scale = new Float32Array(node.channels);
        const shift = new Float32Array(node.channels);
        for (let c = 0; c < node.channels; c++) {
          scale[c] = node.gamma[c] / Math.sqrt(node.variance[c] + node.eps);
          shift[c] = node.beta[c] - node.mean[c] * scale[c];
        }
        return this.addAffine(node, scale, shift, node.activation);
      }
      case "affine":
        return this.addAffine(node, node.scale, node.shift, node.activation);
      case "activation": {
        const x = at(node.inputs[0]);
        const length = N * oh * ow * oc;
        push("other", 0, () => {
          if (x !== out) m().copyWithin(out, x, x + length);
          ops.activateInPlace(m(), out, length, node.activation);
        });
        return;
      }
      case "add": {
        const [a, b] = node.inputs.map(at);
        const length = N * oh * ow * oc;
        push("other", 0, () => {
          ops.add(m(), a, b, out, length);
          ops.activateInPlace(m(), out, length, node.activation);
        });
        return;
      }
      case "maxpool":
      case "avgpool": {
        const x = at(node.inputs[0]);
        const [h, w, c] = shape(node.inputs[0]);
        const window = {
          n: N,
          h,
          w,
          c,
          oh,
          ow,
          kernel: node.kernel,
          stride: node.stride,
          padding: node.padding,
        };
        const max = node.op === "maxpool";
        push("other", 0, () => ops.pool(m(), x, out, window, max));
        return;
      }
      case "globalavgpool":
      case "globalmaxpool": {
        const x = at(node.inputs[0]);
        const [h, w, c] = shape(node.inputs[0]);
        const max = node.op === "globalmaxpool";
        push("other", 0, () => ops.globalPool(m(), x, out, N, h * w, c, max));
        return;
      }
      case "flatten": {
        const x = at(node.inputs[0]);
        const [h, w, c] = shape(node.inputs[0]);
        push("other", 0, () => ops.flattenChannelMajor(m(), x, out, N, h, w, c));
        return;
      }
      case "softmax": {
        const x = at(node.inputs[0]);
        push("other", 0, () => ops.softmax(m(), x, out, N * oh * ow, oc));
        return;
      }
      case "identity": {
        const x = at(node.inputs[0]);
        const length = N * oh * ow * oc;
        push("other", 0, () => m().copyWithin(out, x, x + length));
        return;
      }
    }
  }

  private addAffine(node: Node, scale: Float32Array, shift: Float32Array, activation: Activation) {
    const x = this.valueAt[node.inputs[0]];
    const out = this.valueAt[node.output];
    const [h, w, c] = this.graph.values[node.output];
    const pixels = this.batch * h * w;
    this.steps.push({
      layers: node.layers,
      kind: "other",
      macs: 0,
      run: () => {
        ops.affine(this.memory, x, out, pixels, c, scale, shift);
        ops.activateInPlace(this.memory, out, pixels * c, activation);
      },
    });
  }

  private addConv(node: ConvNode, weights: number[], scratch: number): void {
    const N = this.batch;
    const x = this.valueAt[node.inputs[0]];
    const out = this.valueAt[node.output];
    const [h, w, c] = this.graph.values[node.inputs[0]];
    const [oh, ow, oc] = this.graph.values[node.output];
    const [kh, kw] = node.kernel;
    const fused = kernelActivation(node.activation);
    const macs = N * oh * ow * oc * kh * kw * (node.inChannels / node.groups);
    const finish = () => {
      if (fused.after) ops.activateInPlace(this.memory, out, N * oh * ow * oc, node.activation);
    };
    const k = this.kernels;

    if (isDepthwise(node)) {
      const { stride, dilation, padding } = node;
      this.steps.push({
        layers: node.layers,
        kind: "depthwise",
        macs,
        run: () => {
          k.depthwise(
            x * 4,
            weights[0] * 4,
            weights[1] * 4,
            out * 4,
            N,
            h,
            w,
            c,
            oh,
            ow,
            kh,
            kw,
            stride[0],
            stride[1],
            dilation[0],
            dilation[1],
            padding.top,
            padding.left,
            fused.code,
            fused.slope,
          );
          finish();
        },
      });
      return;
    }
    if (isPlainPointwise(node)) {
      this.steps.push({
        layers: node.layers,
        kind: "pointwise",
        macs,
        run: () => {
          k.gemm(
            x * 4,
            c * 4,
            weights[0] * 4,
            weights[1] * 4,
            out * 4,
            oc * 4,
            N * h * w,
            c,
            oc,
            fused.code,
            fused.slope,
          );
          finish();
        },
      });
      return;
    }
    // Everything else: im2col into scratch, a few hundred output pixels at a time, then gemm,
    // once per group, writing each group's columns into its slice of the output.
    const geometry = {
      h,
      w,
      c,
      oh,
      ow,
      kernel: node.kernel,
      stride: node.stride,
      dilation: node.dilation,
      padding: node.padding,
    };
    const cig = node.inChannels / node.groups;
    const cog = node.outChannels / node.groups;
    const kk = kh * kw * cig;
    const groups = node.groups;
    this.steps.push({
      layers: node.layers,
      kind: node.role === "pw" ? "pointwise" : node.role === "dw" ? "depthwise" : "conv",
      macs,
      run: () => {
        const m = this.memory;
        for (let n = 0; n < N; n++) {
          for (let p0 = 0; p0 < oh * ow; p0 += IM2COL_ROWS) {
            const rows = Math.min(IM2COL_ROWS, oh * ow - p0);
            for (let g = 0; g < groups; g++) {
              ops.im2col(m, x, scratch, geometry, n, p0, rows, g * cig, cig);
              const target = out + (n * oh * ow + p0) * oc + g * cog;
              k.gemm(
                scratch * 4,
                kk * 4,
                weights[2 * g] * 4,
                weights[2 * g + 1] * 4,
                target * 4,
                oc * 4,
                rows,
                kk,
                cog,
                fused.code,
                fused.slope,
              );
            }
          }
        }
        finish();
      },
    });
  }
}

/** One filter per channel with multiplier 1: the depthwise kernel's case. */
function isDepthwise(node: ConvNode): boolean {
  return node.groups === node.inChannels && node.outChannels === node.inChannels && node.groups > 1;
}

/** A 1x1 convolution over every pixel: a plain matrix product on the NHWC data. */
function isPlainPointwise(node: ConvNode): boolean {
  const { kernel, stride, padding, groups } = node;
  return (
    kernel[0] === 1 &&
    kernel[1] === 1 &&
    stride[0] === 1 &&
    stride[1] === 1 &&
    groups === 1 &&
    padding.top + padding.bottom + padding.left + padding.right === 0
  );
}

/** The kernels' activation code, or 0 and `after` for the ones applied in JavaScript. */
function kernelActivation(a: Activation): { code: number; slope: number; after: boolean } {
  switch (a.kind) {
    case "none":
      return { code: 0, slope: 0, after: false };
    case "relu":
      return { code: 1, slope: 0, after: false };
    case "relu6":
      return { code: 2, slope: 0, after: false };
    case "leaky_relu":
      return { code: 3, slope: a.slope, after: false };
    case "hardsigmoid":
      return { code: 4, slope: 0, after: false };
    case "hardswish":
      return { code: 5, slope: 0, after: false };
    default:
      return { code: 0, slope: 0, after: true };
  }
}

export type { FcNode };
