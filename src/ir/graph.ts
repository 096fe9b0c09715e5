import type { Activation, Padding, Shape } from "./types.js";

/*
 * The network IR: a typed graph of operations over values (tensors), with the weights attached.
 * A checked network lowers to it one node per layer; the passes (ir/passes.ts) then fold batch
 * norm into convolutions, fuse activations into the operations that produce their input and
 * drop inference no-ops. Backends read the IR, never the AST.
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
}

/** y = x * scale + shift, per channel: a batch norm that had no convolution to fold into. */
export interface AffineNode extends NodeBase {
  op: "affine";
  scale: Float32Array;
  shift: Float32Array;
  activation: Activation;
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

/** Dropout at inference: removed by `removeIdentities`. */
export interface IdentityNode extends NodeBase {
  op: "identity";
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
  | IdentityNode;

export interface Graph {
  name: string;
  /** Shape of each value (one sample), indexed by value id. */
  values: Shape[];
  /** In execution order. */
  nodes: Node[];
  input: number;
  output: number;
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

export function hasActivation(node: Node): node is Node & { activation: Activation } {
  return "activation" in node;
}

/** How many nodes read each value (the graph output counts as one reader). */
export function readerCounts(graph: Graph): number[] {
  const counts = new Array<number>(graph.values.length).fill(0);
  for (const node of graph.nodes) for (const v of node.inputs) counts[v]++;
  counts[graph.output]++;
  return counts;
}

/** Elements of a value for a batch. */
export function valueSize(graph: Graph, value: number, batch = 1): number {
  const [h, w, c] = graph.values[value];
  return batch * h * w * c;
}

export function describeActivation(a: Activation): string {
  return a.kind === "leaky_relu" ? `leaky_relu(${a.slope})` : a.kind;
}
