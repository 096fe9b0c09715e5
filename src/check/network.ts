import type { RelatedLocation } from "../diagnostics/diagnostic.js";
import type { Span } from "../syntax/source.js";
import type { Value } from "./values.js";

export type { Shape, Padding } from "../ir/types.js";
export { formatShape } from "../ir/types.js";
import type { Padding, Shape } from "../ir/types.js";

/** Where a layer came from: the source that wrote it and the block calls that expanded it. */
export interface Origin {
  span: Span;
  /** Innermost first, as in diagnostics. */
  expansion: RelatedLocation[];
}

interface LayerBase {
  /** Index in `Network.layers`; layers are in topological (execution) order. */
  id: number;
  /**
   * The layer's path, unique in the network (`conv1`, `stage2.repeat1.0.dw1`); weight tensors
   * are named `<name>.weight` and so on.
   */
  name: string;
  /** Ids of the layers whose outputs this layer reads. */
  inputs: number[];
  /** Output shape. */
  shape: Shape;
  origin: Origin;
}

export interface InputLayer extends LayerBase {
  op: "input";
}

/**
 * Convolutions. `dw` is depthwise (groups = in channels, out = in × multiplier), `pw` is a 1x1
 * convolution; both are kept distinct from `conv` so the cost model can find separable pairs.
 */
export interface ConvLayer extends LayerBase {
  op: "conv" | "dw" | "pw";
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
  groups: number;
  bias: boolean;
}

export interface BatchNormLayer extends LayerBase {
  op: "bn";
  channels: number;
  eps: number;
}

/**
 * Per-channel input scaling, y = x · scale[c] + shift[c] (`normalize mean= std=` is
 * scale = 1/std, shift = -mean/std): preprocessing written in the network, no weights.
 */
export interface NormalizeLayer extends LayerBase {
  op: "normalize";
  /** One value per channel. */
  scale: number[];
  shift: number[];
}

export type ActivationOp =
  "relu" | "relu6" | "leaky_relu" | "sigmoid" | "tanh" | "silu" | "hardswish" | "hardsigmoid";

export interface ActivationLayer extends LayerBase {
  op: ActivationOp;
  /** Negative slope of leaky_relu; 0 for the others. */
  slope: number;
}

/** Max pooling pads with -infinity; average pooling leaves padding out of the count. */
export interface PoolLayer extends LayerBase {
  op: "maxpool" | "avgpool";
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

export interface GlobalPoolLayer extends LayerBase {
  op: "gap" | "gmp";
}

export interface FcLayer extends LayerBase {
  op: "fc";
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

/**
 * Flattens [h, w, c] to [1, 1, h·w·c] in channel-major order (c, h, w), the order PyTorch's
 * flatten gives an NCHW tensor, so fc weights from PyTorch apply unchanged.
 */
export interface FlattenLayer extends LayerBase {
  op: "flatten";
}

/** Softmax over channels. */
export interface SoftmaxLayer extends LayerBase {
  op: "softmax";
}

/** Dropout: the identity at inference; kept so the summary mirrors the source. */
export interface DropoutLayer extends LayerBase {
  op: "dropout";
  p: number;
}

/** Element-wise sum of two tensors of the same shape: the end of a residual. */
export interface AddLayer extends LayerBase {
  op: "add";
}

/**
 * Element-wise product of two values of the same shape, or of a value and a 1x1xC one broadcast
 * over its height and width (squeeze-and-excitation's gate). `inputs[0]` is the full-size one.
 */
export interface MulLayer extends LayerBase {
  op: "mul";
}

/** Its inputs' channels one after another; every input has the same height and width. */
export interface ConcatLayer extends LayerBase {
  op: "concat";
}

/** Channels `start` to `start + shape[2]` of its input (a split is several slices). */
export interface SliceLayer extends LayerBase {
  op: "slice";
  start: number;
}

/**
 * ShuffleNet's channel shuffle: the C channels viewed as [groups, C / groups], transposed and
 * flattened, so output channel (c mod C/groups)·groups + ⌊c / (C/groups)⌋ is input channel c.
 */
export interface ShuffleLayer extends LayerBase {
  op: "shuffle";
  groups: number;
}

export type Layer =
  | InputLayer
  | MulLayer
  | ConcatLayer
  | SliceLayer
  | ShuffleLayer
  | ConvLayer
  | BatchNormLayer
  | NormalizeLayer
  | ActivationLayer
  | PoolLayer
  | GlobalPoolLayer
  | FcLayer
  | FlattenLayer
  | SoftmaxLayer
  | DropoutLayer
  | AddLayer;

export type LayerOp = Layer["op"];

/** A checked network: every shape known, every block and repeat expanded. */
export interface Network {
  name: string;
  /** The file that declares it. */
  file: string;
  /** Parameter values after defaults and `--set` overrides. */
  params: Record<string, Value>;
  input: Shape;
  /** Topological order; `layers[0]` is the input. */
  layers: Layer[];
  /** Id of the layer whose output is the network's output. */
  output: number;
  span: Span;
}

export function isConv(layer: Layer): layer is ConvLayer {
  return layer.op === "conv" || layer.op === "dw" || layer.op === "pw";
}
