import {
  describeActivation,
  isDepthwise,
  isPlainPointwise,
  type Activation,
  type ConvNode,
  type Node,
} from "../../ir/graph.js";
import { channelsKernel, concatMap } from "./kernels/channels.js";
import { vec4s } from "./kernels/common.js";
import { depthwiseKernel } from "./kernels/depthwise.js";
import { elementwiseKernel } from "./kernels/elementwise.js";
import { flattenKernel } from "./kernels/flatten.js";
import { groupedConvKernel } from "./kernels/grouped.js";
import { MATMUL_TILE_ROWS, matmulKernel } from "./kernels/matmul.js";
import { matvecKernel } from "./kernels/matvec.js";
import { globalPoolKernel, poolKernel } from "./kernels/pool.js";
import { softmaxKernel } from "./kernels/softmax.js";
import type { Kernel, KernelIO, Window } from "./kernels/tensor.js";
import { packDepthwiseFilters, packMatrix, padVec4, type WeightPacker } from "./pack.js";

/*
 * Which WGSL kernel each IR node runs as, with which constants, and its weights packed the way
 * that kernel reads them.
 */

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
  | "mul"
  | "concat"
  | "slice"
  | "shuffle"
  | "affine"
  | "activation"
  | "copy"
  | "flatten"
  | "softmax";

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
export function kernelFor(
  node: Node,
  io: KernelIO,
  weights: WeightPacker,
): { kind: WgslStepKind; kernel: Kernel; what: string } {
  if (node.op === "separable") {
    const { depthwise: dw, pointwise: pw } = node;
    const dwWeights = weights.add(packDepthwiseFilters(dw));
    const dwBias = weights.add(padVec4(dw.bias, dw.outChannels));
    const pwWeights = weights.add(
      packMatrix(pw.inChannels, pw.outChannels, (k, n) => pw.weight[n * pw.inChannels + k]),
    );
    const pwBias = weights.add(padVec4(pw.bias, pw.outChannels));
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
    case "mul": {
      const [a, b] = io.inputs;
      const broadcast = b.shape[0] * b.shape[1] === 1 && a.shape[0] * a.shape[1] > 1;
      return {
        kind: "mul",
        what: broadcast
          ? "element-wise product, 1x1xC broadcast over the pixels"
          : "element-wise product",
        kernel: elementwiseKernel(io, { kind: "mul", broadcast }, { kind: "none" }),
      };
    }
    case "concat":
      return {
        kind: "concat",
        what: `channels of ${io.inputs.map((x) => x.shape[2]).join(" + ")}`,
        kernel: channelsKernel(io, concatMap(io)),
      };
    case "slice": {
      const channels = io.output.shape[2];
      return {
        kind: "slice",
        what: `channels [${node.start}, ${node.start + channels}) of ${io.inputs[0].shape[2]}`,
        kernel: channelsKernel(io, {
          kind: "segments",
          segments: [{ input: 0, start: 0, from: node.start, channels }],
        }),
      };
    }
    case "shuffle":
      return {
        kind: "shuffle",
        what: `channel shuffle, ${node.groups} groups of ${io.output.shape[2] / node.groups}`,
        kernel: channelsKernel(io, { kind: "shuffle", groups: node.groups }),
      };
    case "conv":
      return convStep(node, io, weights);
    case "fc": {
      const { inFeatures: k, outFeatures: n, weight } = node;
      const b = weights.add(packMatrix(k, n, (i, o) => weight[o * k + i]));
      const bias = weights.add(padVec4(node.bias, n));
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
      throw new Error("internal: compileWgsl folds batch norms first");
    case "affine": {
      const c = io.output.shape[2];
      const op = {
        kind: "affine" as const,
        scale: weights.add(padVec4(node.scale, c)),
        shift: weights.add(padVec4(node.shift, c)),
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
  const bias = () => weights.add(padVec4(node.bias, node.outChannels));
  // A 1x1 convolution of one channel is both; it is a pointwise one.
  if (isDepthwise(node) && !isPlainPointwise(node)) {
    const w = weights.add(packDepthwiseFilters(node));
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
  const w = weights.add(padVec4(filters, filters.length));
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

export function describeConv(node: ConvNode): string {
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

export function describePadding(p: {
  top: number;
  bottom: number;
  left: number;
  right: number;
}): string {
  return `[${p.top}, ${p.bottom}, ${p.left}, ${p.right}]`;
}

function activationNote(a: Activation): string {
  return a.kind === "none" ? "" : `, ${describeActivation(a)}`;
}
