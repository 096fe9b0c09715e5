import { planBuffers, type BufferPlan } from "../../ir/buffers.js";
import { checkAddressable } from "../errors.js";
import type { Graph } from "../../ir/graph.js";
import { KERNELS_WASM_BASE64 } from "../../runtime/kernels.generated.js";
import * as rt from "../../runtime/runtime.js";
import {
  IM2COL_ROWS,
  packNodeWeights,
  placeWeights,
  planSteps,
  scratchElements,
  type StepDescriptor,
} from "./steps.js";

/** Floats of weights a node holds before packing (packing pads them a little). */
function unpackedWeights(node: Graph["nodes"][number]): number {
  if (node.op === "conv" || node.op === "fc") return node.weight.length + (node.bias?.length ?? 0);
  if (node.op === "affine") return 2 * node.scale.length;
  if (node.op === "batchnorm") return 2 * node.gamma.length;
  return 0;
}

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

/**
 * The CPU backend: the IR's steps (steps.ts) bound to one preallocated WebAssembly memory that
 * holds the packed weights, the activation arena laid out by `planBuffers`, and im2col scratch.
 * Building the plan allocates everything; `forward` allocates nothing.
 */
export class CpuPlan {
  readonly batch: number;
  readonly steps: Step[] = [];
  readonly buffers: BufferPlan;
  /** Bytes of packed weights. */
  readonly weightBytes: number;
  private kernels: rt.Kernels;
  private memory: Float32Array;
  private valueAt: number[];
  private inputLength: number;
  private outputLength: number;

  constructor(
    readonly graph: Graph,
    options: CpuPlanOptions = {},
  ) {
    this.batch = options.batch ?? 1;
    if (!Number.isInteger(this.batch) || this.batch < 1) {
      throw new RangeError(`batch must be a whole number >= 1, got ${this.batch}`);
    }
    const descriptors = planSteps(graph);
    this.buffers = planBuffers(graph);
    const size = (v: number) => graph.values[v].reduce((a, b) => a * b, 1);
    this.inputLength = this.batch * size(graph.input);
    this.outputLength = this.batch * size(graph.output);

    // Memory, in 4-byte elements, 16-byte aligned: weights, then the arena, then im2col scratch.
    // Address 0 stays unused: a zero pointer is always a bug.
    // Refuse what WebAssembly cannot address before allocating any of it.
    const weightElements = graph.nodes.reduce((a, n) => a + unpackedWeights(n), 0);
    const needed =
      weightElements + this.batch * this.buffers.arenaElements + scratchElements(descriptors);
    checkAddressable(needed * 4, "the weights and activations", this.batch);
    const packed = graph.nodes.map(packNodeWeights);
    const { weightAt, end } = placeWeights(packed);
    let cursor = end;
    this.weightBytes = (end - 4) * 4;
    const arena = cursor;
    cursor += this.batch * this.buffers.arenaElements + 4;
    const scratch = cursor;
    cursor += scratchElements(descriptors) + 4;
    ({ kernels: this.kernels, memory: this.memory } = rt.instantiateKernels(
      KERNELS_WASM_BASE64,
      cursor,
    ));
    packed.forEach((tensors, i) => rt.place(this.memory, weightAt[i], tensors));
    this.valueAt = this.buffers.offsets.map((o) => (o < 0 ? -1 : arena + this.batch * o));
    for (const d of descriptors) this.steps.push(this.bind(d, weightAt[d.node], scratch));
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

  /** A step descriptor as a closure over this plan's memory and addresses. */
  private bind(d: StepDescriptor, w: number[], scratch: number): Step {
    const m = this.memory;
    const k = this.kernels;
    const N = this.batch;
    const at = (v: number) => this.valueAt[v];
    const step = (kind: StepKind, run: () => void): Step => ({
      layers: d.layers,
      kind,
      macs: N * d.macs,
      run,
    });
    switch (d.kind) {
      case "depthwise": {
        const [x, out] = [at(d.x), at(d.out)];
        const after = d.act.after;
        const g = d.geometry;
        const [kh, kw] = g.kernel;
        // The same arguments for both kernels, but the generic one also takes the window size.
        type Eight = [number, number, number, number, number, number, number, number];
        const head = [x * 4, w[0] * 4, w[1] * 4, out * 4, N, g.h, g.w, g.c, g.oh, g.ow] as const;
        const tail: Eight = [
          g.stride[0],
          g.stride[1],
          g.dilation[0],
          g.dilation[1],
          g.padding.top,
          g.padding.left,
          d.act.code,
          d.act.slope,
        ];
        const run =
          kh === 3 && kw === 3
            ? () => k.depthwise3x3(...head, ...tail)
            : () => k.depthwise(...head, kh, kw, ...tail);
        return step("depthwise", () => {
          run();
          if (after) rt.activateInPlace(m, out, N * g.oh * g.ow * g.c, after);
        });
      }
      case "pointwise": {
        const [x, out] = [at(d.x), at(d.out)];
        const after = d.act.after;
        return step("pointwise", () => {
          k.gemm(
            x * 4,
            d.inC * 4,
            w[0] * 4,
            w[1] * 4,
            out * 4,
            d.outC * 4,
            N * d.pixels,
            d.inC,
            d.outC,
            d.act.code,
            d.act.slope,
          );
          if (after) rt.activateInPlace(m, out, N * d.pixels * d.outC, after);
        });
      }
      case "conv": {
        // im2col into scratch a few hundred output pixels at a time, then gemm, once per
        // group, each group writing its columns of the output.
        const [x, out] = [at(d.x), at(d.out)];
        const g = d.geometry;
        const pixels = g.oh * g.ow;
        const kk = g.kernel[0] * g.kernel[1] * d.cig;
        const after = d.act.after;
        const node = this.graph.nodes[d.node];
        const role = node.op === "conv" ? node.role : "conv";
        return step(role === "dw" ? "depthwise" : role === "pw" ? "pointwise" : "conv", () => {
          for (let n = 0; n < N; n++) {
            for (let p0 = 0; p0 < pixels; p0 += IM2COL_ROWS) {
              const rows = Math.min(IM2COL_ROWS, pixels - p0);
              for (let group = 0; group < d.groups; group++) {
                k.im2col(
                  x * 4,
                  scratch * 4,
                  n,
                  g.h,
                  g.w,
                  g.c,
                  g.ow,
                  g.kernel[0],
                  g.kernel[1],
                  g.stride[0],
                  g.stride[1],
                  g.dilation[0],
                  g.dilation[1],
                  g.padding.top,
                  g.padding.left,
                  p0,
                  rows,
                  group * d.cig,
                  d.cig,
                );
                const target = out + (n * pixels + p0) * d.outC + group * d.cog;
                k.gemm(
                  scratch * 4,
                  kk * 4,
                  w[2 * group] * 4,
                  w[2 * group + 1] * 4,
                  target * 4,
                  d.outC * 4,
                  rows,
                  kk,
                  d.cog,
                  d.act.code,
                  d.act.slope,
                );
              }
            }
          }
          if (after) rt.activateInPlace(m, out, N * pixels * d.outC, after);
        });
      }
      case "fc": {
        const [x, out] = [at(d.x), at(d.out)];
        const after = d.act.after;
        return step("fc", () => {
          k.gemm(
            x * 4,
            d.inF * 4,
            w[0] * 4,
            w[1] * 4,
            out * 4,
            d.outF * 4,
            N,
            d.inF,
            d.outF,
            d.act.code,
            d.act.slope,
          );
          if (after) rt.activateInPlace(m, out, N * d.outF, after);
        });
      }
      case "affine": {
        const [x, out] = [at(d.x), at(d.out)];
        const scale = m.subarray(w[0], w[0] + d.channels);
        const shift = m.subarray(w[1], w[1] + d.channels);
        return step("other", () => {
          rt.affine(m, x, out, N * d.pixels, d.channels, scale, shift);
          rt.activateInPlace(m, out, N * d.pixels * d.channels, d.act);
        });
      }
      case "activation": {
        const [x, out] = [at(d.x), at(d.out)];
        return step("other", () => {
          m.copyWithin(out, x, x + N * d.length);
          rt.activateInPlace(m, out, N * d.length, d.act);
        });
      }
      case "add": {
        const [a, b, out] = [at(d.a), at(d.b), at(d.out)];
        return step("other", () => {
          rt.add(m, a, b, out, N * d.length);
          rt.activateInPlace(m, out, N * d.length, d.act);
        });
      }
      case "pool": {
        const [x, out] = [at(d.x), at(d.out)];
        // The step carries the window's sizes; the runtime's pool wants the batch with them.
        const window = { ...d, n: N };
        return step("other", () => rt.pool(m, x, out, window, d.max));
      }
      case "globalPool": {
        const [x, out] = [at(d.x), at(d.out)];
        return step("other", () => rt.globalPool(m, x, out, N, d.pixels, d.c, d.max));
      }
      case "flatten": {
        const [x, out] = [at(d.x), at(d.out)];
        return step("other", () => rt.flattenChannelMajor(m, x, out, N, d.h, d.w, d.c));
      }
      case "softmax": {
        const [x, out] = [at(d.x), at(d.out)];
        return step("other", () => rt.softmax(m, x, out, N * d.pixels, d.c));
      }
      case "copy": {
        const [x, out] = [at(d.x), at(d.out)];
        return step("other", () => m.copyWithin(out, x, x + N * d.length));
      }
    }
  }
}
