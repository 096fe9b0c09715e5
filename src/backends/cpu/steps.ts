import type { Padding } from "../../ir/types.js";
import {
  isDepthwise,
  isPlainPointwise,
  nodeMacs,
  type Activation,
  type ConvNode,
  type Graph,
  type Node,
} from "../../ir/graph.js";
import { batchNormScaleShift, packConv, packFc, roundUp } from "../../runtime/runtime.js";

/*
 * How the CPU runtime computes a graph: one step per node, saying which kernel or operation runs
 * with which constants. `stepCalls` (calls.ts) turns each into the runtime calls it makes, which
 * the CPU plan (plan.ts) binds to closures over its memory and the TypeScript generator
 * (backends/ts) prints as code. Sizes are one sample's: both run a batch sample by sample.
 */

/** The sizes of a convolution that im2col needs. */
export interface ConvGeometry {
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
}

/** An activation as the WebAssembly kernels take it. */
export interface KernelActivation {
  /**
   * 0 none, 1 relu, 2 relu6, 3 leaky_relu, 4 hardsigmoid, 5 hardswish, 6 sigmoid, 7 silu,
   * 8 tanh (kernels.wat).
   */
  code: number;
  slope: number;
}

interface StepBase {
  /** Index of the node in the graph (whose packed weights the step uses). */
  node: number;
  /** The source layers, for comments. */
  layers: string[];
  /** Multiply-adds per sample. */
  macs: number;
}

export type StepDescriptor = StepBase &
  (
    | { kind: "depthwise"; x: number; out: number; geometry: ConvGeometry; act: KernelActivation }
    | {
        kind: "pointwise";
        x: number;
        out: number;
        pixels: number;
        inC: number;
        outC: number;
        act: KernelActivation;
      }
    | {
        kind: "conv";
        x: number;
        out: number;
        geometry: ConvGeometry;
        groups: number;
        /** Input channels per group: the im2col row is kh·kw·cig long. */
        cig: number;
        cog: number;
        outC: number;
        act: KernelActivation;
      }
    | { kind: "fc"; x: number; out: number; inF: number; outF: number; act: KernelActivation }
    | {
        kind: "affine";
        x: number;
        out: number;
        pixels: number;
        channels: number;
        act: KernelActivation;
      }
    | { kind: "activation"; x: number; out: number; length: number; act: KernelActivation }
    | { kind: "add"; a: number; b: number; out: number; length: number; act: KernelActivation }
    | {
        kind: "mul";
        a: number;
        b: number;
        out: number;
        pixels: number;
        c: number;
        /** `b` is 1x1xc, one gate per sample read at every pixel of `a`. */
        broadcast: boolean;
      }
    | {
        kind: "concat";
        /** Each input with its channel count, in the output's channel order. */
        parts: { x: number; c: number }[];
        out: number;
        pixels: number;
        c: number;
      }
    | {
        kind: "slice";
        x: number;
        out: number;
        pixels: number;
        inC: number;
        start: number;
        c: number;
      }
    | { kind: "shuffle"; x: number; out: number; pixels: number; c: number; groups: number }
    | {
        kind: "pool";
        x: number;
        out: number;
        max: boolean;
        h: number;
        w: number;
        c: number;
        oh: number;
        ow: number;
        kernel: [number, number];
        stride: [number, number];
        padding: Padding;
      }
    | { kind: "globalPool"; x: number; out: number; max: boolean; pixels: number; c: number }
    | { kind: "flatten"; x: number; out: number; h: number; w: number; c: number }
    | { kind: "softmax"; x: number; out: number; pixels: number; c: number }
    | { kind: "copy"; x: number; out: number; length: number }
  );

/** Output rows of im2col per matrix product: enough to keep gemm busy, small enough for cache. */
export const IM2COL_ROWS = 256;

/** The steps of a graph, in order (the input node has none). */
export function planSteps(graph: Graph): StepDescriptor[] {
  const steps: StepDescriptor[] = [];
  graph.nodes.forEach((node, index) => {
    const step = describe(graph, node, index);
    if (step) steps.push(step);
  });
  return steps;
}

/**
 * Input channels up to which a standard convolution (one group) runs as kernels.wat's
 * conv_direct, without im2col: a network's first layer on an RGB image, chiefly.
 */
export const DIRECT_CONV_CHANNELS = 4;

/** Whether a conv step runs conv_direct rather than im2col and gemm. */
export function isDirectConv(step: Extract<StepDescriptor, { kind: "conv" }>): boolean {
  return step.groups === 1 && step.cig <= DIRECT_CONV_CHANNELS;
}

/** im2col scratch the steps need, in elements. */
export function scratchElements(steps: StepDescriptor[]): number {
  let most = 0;
  for (const s of steps) {
    if (s.kind === "conv" && !isDirectConv(s))
      most = Math.max(most, IM2COL_ROWS * s.geometry.kernel[0] * s.geometry.kernel[1] * s.cig);
  }
  return most;
}

/** Elements in a 64-byte cache line: where weights, buffers and scratch start. */
export const LINE_ELEMENTS = 16;

/**
 * Elements in a 4 KB page: where the activation arena starts, so that where its buffers fall in
 * the cache's sets does not shift with the size of the weights before it.
 */
export const PAGE_ELEMENTS = 1024;

/**
 * Where each node's packed weights go in the runtime's memory, in elements: from element 16
 * (a zero address is always a bug), each tensor on a cache line of its own, since the kernels
 * load a line of 16 floats at a time and one that straddles two lines costs two; `end` is where
 * the last one ends (layOutMemory puts the arena on the page after it). Shared by the CPU plan
 * and the generated modules, whose memory is laid out alike.
 */
export function placeWeights(packed: Float32Array[][]): { weightAt: number[][]; end: number } {
  let cursor = LINE_ELEMENTS;
  const weightAt = packed.map((tensors) =>
    tensors.map((t) => {
      const at = cursor;
      cursor += roundUp(t.length, LINE_ELEMENTS);
      return at;
    }),
  );
  return { weightAt, end: cursor };
}

/** packConv's arguments after the weight and the bias, for a conv node. */
export function packConvShape(node: ConvNode): [number, number, number, number, number, boolean] {
  return [
    node.outChannels,
    node.inChannels,
    node.kernel[0],
    node.kernel[1],
    node.groups,
    isDepthwise(node),
  ];
}

/** A node's weights packed for the kernels (see packConv / packFc), in the order steps use. */
export function packNodeWeights(node: Node): Float32Array[] {
  switch (node.op) {
    case "conv":
      return packConv(node.weight, node.bias, ...packConvShape(node));
    case "fc":
      return packFc(node.weight, node.bias, node.outFeatures, node.inFeatures);
    case "affine":
      return [node.scale, node.shift];
    case "batchnorm": {
      const { scale, shift } = batchNormScaleShift(
        node.gamma,
        node.beta,
        node.mean,
        node.variance,
        node.eps,
      );
      return [scale, shift];
    }
    default:
      return [];
  }
}

function describe(graph: Graph, node: Node, index: number): StepDescriptor | undefined {
  const base = { node: index, layers: node.layers, macs: nodeMacs(graph, node) };
  const [oh, ow, oc] = graph.values[node.output];
  const [h, w, c] = node.inputs.length > 0 ? graph.values[node.inputs[0]] : [0, 0, 0];
  const x = node.inputs[0];
  const out = node.output;
  switch (node.op) {
    case "input":
      return undefined;
    case "conv": {
      const act = kernelActivation(node.activation);
      const { kernel, stride, dilation, padding } = node;
      const geometry = { h, w, c, oh, ow, kernel, stride, dilation, padding };
      if (isDepthwise(node)) return { ...base, kind: "depthwise", x, out, geometry, act };
      if (isPlainPointwise(node)) {
        return { ...base, kind: "pointwise", x, out, pixels: h * w, inC: c, outC: oc, act };
      }
      const cig = node.inChannels / node.groups;
      return {
        ...base,
        kind: "conv",
        x,
        out,
        geometry,
        groups: node.groups,
        cig,
        cog: oc / node.groups,
        outC: oc,
        act,
      };
    }
    case "fc":
      return {
        ...base,
        kind: "fc",
        x,
        out,
        inF: node.inFeatures,
        outF: node.outFeatures,
        act: kernelActivation(node.activation),
      };
    case "batchnorm":
    case "affine":
      return {
        ...base,
        kind: "affine",
        x,
        out,
        pixels: h * w,
        channels: c,
        act: kernelActivation(node.activation),
      };
    case "activation":
      return {
        ...base,
        kind: "activation",
        x,
        out,
        length: h * w * c,
        act: kernelActivation(node.activation),
      };
    case "add":
      return {
        ...base,
        kind: "add",
        a: node.inputs[0],
        b: node.inputs[1],
        out,
        length: oh * ow * oc,
        act: kernelActivation(node.activation),
      };
    case "maxpool":
    case "avgpool":
      return {
        ...base,
        kind: "pool",
        x,
        out,
        max: node.op === "maxpool",
        h,
        w,
        c,
        oh,
        ow,
        kernel: node.kernel,
        stride: node.stride,
        padding: node.padding,
      };
    case "globalavgpool":
    case "globalmaxpool":
      return {
        ...base,
        kind: "globalPool",
        x,
        out,
        max: node.op === "globalmaxpool",
        pixels: h * w,
        c,
      };
    case "flatten":
      return { ...base, kind: "flatten", x, out, h, w, c };
    case "softmax":
      return { ...base, kind: "softmax", x, out, pixels: oh * ow, c: oc };
    case "identity":
      return { ...base, kind: "copy", x, out, length: h * w * c };
    case "mul": {
      const [bh, bw] = graph.values[node.inputs[1]];
      const broadcast = bh * bw === 1 && oh * ow > 1;
      const b = node.inputs[1];
      return { ...base, kind: "mul", a: x, b, out, pixels: oh * ow, c: oc, broadcast };
    }
    case "concat": {
      const parts = node.inputs.map((v) => ({ x: v, c: graph.values[v][2] }));
      return { ...base, kind: "concat", parts, out, pixels: oh * ow, c: oc };
    }
    case "slice":
      return { ...base, kind: "slice", x, out, pixels: h * w, inC: c, start: node.start, c: oc };
    case "shuffle":
      return { ...base, kind: "shuffle", x, out, pixels: h * w, c, groups: node.groups };
    case "separable":
      // The CPU runtime has no fused kernel; compileGraph pairs them only for WGSL.
      throw new Error(
        "internal: the CPU runtime runs no fused separable nodes (compile the graph for cpu)",
      );
  }
}

function kernelActivation(a: Activation): KernelActivation {
  switch (a.kind) {
    case "none":
      return { code: 0, slope: 0 };
    case "relu":
      return { code: 1, slope: 0 };
    case "relu6":
      return { code: 2, slope: 0 };
    case "leaky_relu":
      return { code: 3, slope: a.slope };
    case "hardsigmoid":
      return { code: 4, slope: 0 };
    case "hardswish":
      return { code: 5, slope: 0 };
    case "sigmoid":
      return { code: 6, slope: 0 };
    case "silu":
      return { code: 7, slope: 0 };
    case "tanh":
      return { code: 8, slope: 0 };
  }
}

/** Which of kernels.wat's depthwise kernels a step calls: by filter size, or the generic one. */
export function depthwiseKernel(
  step: Extract<StepDescriptor, { kind: "depthwise" }>,
): "depthwise3x3" | "depthwise5x5" | "depthwise" {
  const [kh, kw] = step.geometry.kernel;
  if (kh === 3 && kw === 3) return "depthwise3x3";
  if (kh === 5 && kw === 5) return "depthwise5x5";
  return "depthwise";
}

/** The kernel or operation a step runs, as plan listings name it. */
export function stepKernel(step: StepDescriptor): string {
  switch (step.kind) {
    case "depthwise":
      return depthwiseKernel(step);
    case "pointwise":
    case "fc":
      return "gemm";
    case "conv":
      if (isDirectConv(step)) return "conv_direct";
      return step.groups > 1 ? `im2col+gemm x${step.groups} groups` : "im2col+gemm";
    default:
      return step.kind;
  }
}
