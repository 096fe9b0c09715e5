import type { Activation, Padding, Shape } from "./types.js";

/*
 * The network IR: a typed graph of operations over values (tensors), with the weights attached.
 * A checked network lowers to it one node per layer (ir/lower.ts); the passes (ir/passes.ts)
 * then drop inference no-ops, fold batch norm into convolutions, fuse activations into the
 * operations that produce their input and, for backends with a fused kernel, pair depthwise
 * and pointwise convolutions. The graph is the one thing a backend receives: everything a
 * backend needs to know (which batch norms a node absorbed, with their eps; the tensors as the
 * weights file names them; the source line of each layer) is recorded here.
 *
 * Layout: activations are NHWC; weights keep PyTorch's layouts (conv [out, in/groups, kh, kw],
 * fc [out, in]) so that a backend packs them the way its kernels want.
 */

export type { Activation, Padding, Shape } from "./types.js";
export { NO_ACTIVATION } from "./types.js";

interface NodeBase {
  /** Value ids read. */
  inputs: number[];
  /** The value written. */
  output: number;
  /** The source layers this node stands for (several after fusion), for comments and plans. */
  layers: string[];
}

export interface InputNode extends NodeBase {
  op: "input";
}

/**
 * A batch norm a pass folded into a convolution or fully connected node, or turned into an
 * affine node: its layer, eps and tensors (indices into `Graph.tensors`), so that a backend
 * that folds at load time (generated modules taking a weights file) can do it again.
 */
export interface FoldedBatchNorm {
  layer: string;
  eps: number;
  gamma: number;
  beta: number;
  mean: number;
  variance: number;
}

/** Where a weighted node's tensors came from: indices into `Graph.tensors`, before any fold. */
export interface TensorOrigin {
  weight: number;
  bias: number | null;
  /** The batch norms folded into it, in order (`pw -> bn -> bn` folds two). */
  folded: FoldedBatchNorm[];
}

/** Convolution with optional bias and fused activation; `role` keeps dw/pw for backends. */
export interface ConvNode extends NodeBase {
  op: "conv";
  role: "conv" | "dw" | "pw";
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
  groups: number;
  /** [out, in/groups, kh, kw]. */
  weight: Float32Array;
  /** [out], or null for none. */
  bias: Float32Array | null;
  activation: Activation;
  tensors: TensorOrigin;
}

/** Inference batch norm: y = (x - mean) / sqrt(var + eps) * gamma + beta, per channel. */
export interface BatchNormNode extends NodeBase {
  op: "batchnorm";
  channels: number;
  eps: number;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  activation: Activation;
  tensors: FoldedBatchNorm;
}

/**
 * y = x * scale + shift, per channel: a batch norm that had no convolution to fold into, or a
 * `normalize` layer's constant scaling of the input.
 */
export interface AffineNode extends NodeBase {
  op: "affine";
  scale: Float32Array;
  shift: Float32Array;
  activation: Activation;
  /** The batch norm it computes; absent for constants (`normalize`), which have no tensors. */
  tensors?: FoldedBatchNorm;
}

export interface ActivationNode extends NodeBase {
  op: "activation";
  activation: Activation;
}

export interface PoolNode extends NodeBase {
  op: "maxpool" | "avgpool";
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

export interface GlobalPoolNode extends NodeBase {
  op: "globalavgpool" | "globalmaxpool";
}

export interface FcNode extends NodeBase {
  op: "fc";
  inFeatures: number;
  outFeatures: number;
  /** [out, in]. */
  weight: Float32Array;
  bias: Float32Array | null;
  activation: Activation;
  tensors: TensorOrigin;
}

/** [h, w, c] to [1, 1, c·h·w], channel-major (PyTorch's order for NCHW). */
export interface FlattenNode extends NodeBase {
  op: "flatten";
}

export interface SoftmaxNode extends NodeBase {
  op: "softmax";
}

export interface AddNode extends NodeBase {
  op: "add";
  activation: Activation;
}

/**
 * Element-wise product: `inputs[0]` times `inputs[1]`, which has the same shape or is 1x1xC,
 * broadcast over every pixel (squeeze-and-excitation's gate).
 */
export interface MulNode extends NodeBase {
  op: "mul";
}

/** Channels of the inputs one after another (all have the output's height and width). */
export interface ConcatNode extends NodeBase {
  op: "concat";
}

/** Channels [start, start + output channels) of the input. */
export interface SliceNode extends NodeBase {
  op: "slice";
  start: number;
}

/** Channel shuffle: output channel (c mod C/groups)·groups + ⌊c / (C/groups)⌋ is input c. */
export interface ShuffleNode extends NodeBase {
  op: "shuffle";
  groups: number;
}

/** Dropout at inference: removed by `removeIdentities`. */
export interface IdentityNode extends NodeBase {
  op: "identity";
}

/**
 * A depthwise convolution and the pointwise one that alone reads it, as one node
 * (`fuseSeparable`): a backend with a fused kernel keeps the depthwise result out of memory.
 * The depthwise output's value keeps its shape in `Graph.values` but no node writes it.
 */
export interface SeparableNode extends NodeBase {
  op: "separable";
  depthwise: ConvNode;
  pointwise: ConvNode;
}

export type Node =
  | InputNode
  | ConvNode
  | BatchNormNode
  | AffineNode
  | ActivationNode
  | PoolNode
  | GlobalPoolNode
  | FcNode
  | FlattenNode
  | SoftmaxNode
  | AddNode
  | MulNode
  | ConcatNode
  | SliceNode
  | ShuffleNode
  | IdentityNode
  | SeparableNode;

/** A weight tensor as the network's weights file names it, in PyTorch's layout. */
export interface Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Where a graph came from, for the headers and comments of generated code. */
export interface GraphSource {
  /** The .dsnet file. */
  file: string;
  /** The network's parameters after defaults and overrides, as the source would write them. */
  params: [name: string, value: string][];
  /** Where each layer is written, by layer name (a block's layers point into the block). */
  lines: Record<string, { file: string; line: number }>;
}

export interface Graph {
  name: string;
  source: GraphSource;
  /** Shape of each value (one sample), indexed by value id. */
  values: Shape[];
  /** In execution order. */
  nodes: Node[];
  input: number;
  output: number;
  /** The weights as given, unfolded, in the order a weights file lists them. */
  tensors: Tensor[];
}

/** One filter per channel with multiplier 1: what depthwise kernels compute. */
export function isDepthwise(node: ConvNode): boolean {
  return node.groups === node.inChannels && node.outChannels === node.inChannels;
}

/** A 1x1 convolution over every pixel: a plain matrix product on the NHWC data. */
export function isPlainPointwise(node: ConvNode): boolean {
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

/** How many nodes read each value (the graph output counts as one reader). */
export function readerCounts(graph: Graph): number[] {
  const counts = new Array<number>(graph.values.length).fill(0);
  for (const node of graph.nodes) for (const v of node.inputs) counts[v]++;
  counts[graph.output]++;
  return counts;
}

/** Multiply-adds of one sample: convolutions and fully connected nodes, as the papers count. */
export function nodeMacs(graph: Graph, node: Node): number {
  switch (node.op) {
    case "conv": {
      const [oh, ow, oc] = graph.values[node.output];
      return oh * ow * oc * node.kernel[0] * node.kernel[1] * (node.inChannels / node.groups);
    }
    case "fc":
      return node.inFeatures * node.outFeatures;
    case "separable":
      return nodeMacs(graph, node.depthwise) + nodeMacs(graph, node.pointwise);
    default:
      return 0;
  }
}

export function graphMacs(graph: Graph): number {
  return graph.nodes.reduce((sum, node) => sum + nodeMacs(graph, node), 0);
}

/** Elements of a value for a batch. */
export function valueSize(graph: Graph, value: number, batch = 1): number {
  const [h, w, c] = graph.values[value];
  return batch * h * w * c;
}

export function describeActivation(a: Activation): string {
  return a.kind === "leaky_relu" ? `leaky_relu(${a.slope})` : a.kind;
}
