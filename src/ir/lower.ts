import type { Layer, Network } from "../check/network.js";
import { describeValue } from "../check/values.js";
import { expectedTensors } from "../weights/tensors.js";
import { NO_ACTIVATION, type Activation, type Graph, type Node, type Tensor } from "./graph.js";

/**
 * Lowers a checked network to the IR, one node per layer, value id = layer id. `weights` holds
 * the network's tensors in `expectedTensors` order (as `matchTensors` returns them).
 */
export function lowerNetwork(network: Network, weights: Float32Array[]): Graph {
  const specs = expectedTensors(network);
  if (specs.length !== weights.length) {
    throw new Error(
      `lowerNetwork: ${network.name} needs ${specs.length} tensors, got ${weights.length}`,
    );
  }
  const tensors: Tensor[] = specs.map((spec, i) => {
    const expected = spec.shape.reduce((a, b) => a * b, 1);
    if (weights[i].length !== expected) {
      throw new Error(
        `lowerNetwork: ${spec.name} needs ${expected} values, got ${weights[i].length}`,
      );
    }
    return { name: spec.name, shape: spec.shape, data: weights[i] };
  });
  // Each layer's tensors by role, as indices into `tensors`.
  const byLayer = new Map<number, Map<string, number>>();
  specs.forEach((spec, i) => {
    const roles = byLayer.get(spec.layer) ?? new Map<string, number>();
    roles.set(spec.role, i);
    byLayer.set(spec.layer, roles);
  });
  const nodes = network.layers.map((layer) =>
    lowerLayer(layer, tensors, byLayer.get(layer.id) ?? new Map()),
  );
  return {
    name: network.name,
    source: {
      file: network.file,
      params: Object.entries(network.params).map(([k, v]) => [k, describeValue(v)]),
      lines: Object.fromEntries(
        network.layers.map((l) => {
          const { source, start } = l.origin.span;
          return [l.name, { file: source.path, line: source.position(start).line }];
        }),
      ),
    },
    values: network.layers.map((l) => l.shape),
    nodes,
    input: 0,
    output: network.output,
    tensors,
  };
}

function lowerLayer(layer: Layer, all: Tensor[], roles: Map<string, number>): Node {
  const base = { inputs: layer.inputs, output: layer.id, layers: [layer.name] };
  const none: Activation = NO_ACTIVATION;
  const index = (role: string) => roles.get(role)!;
  const data = (role: string) => all[index(role)].data;
  const origin = (bias: boolean) => ({
    weight: index("weight"),
    bias: bias ? index("bias") : null,
    folded: [],
  });
  switch (layer.op) {
    case "input":
      return { ...base, op: "input" };
    case "conv":
    case "dw":
    case "pw":
      return {
        ...base,
        op: "conv",
        role: layer.op,
        inChannels: layer.inChannels,
        outChannels: layer.outChannels,
        kernel: layer.kernel,
        stride: layer.stride,
        dilation: layer.dilation,
        padding: layer.padding,
        groups: layer.groups,
        weight: data("weight"),
        bias: layer.bias ? data("bias") : null,
        activation: none,
        tensors: origin(layer.bias),
      };
    case "bn":
      return {
        ...base,
        op: "batchnorm",
        channels: layer.channels,
        eps: layer.eps,
        gamma: data("weight"),
        beta: data("bias"),
        mean: data("running_mean"),
        variance: data("running_var"),
        activation: none,
        tensors: {
          layer: layer.name,
          eps: layer.eps,
          gamma: index("weight"),
          beta: index("bias"),
          mean: index("running_mean"),
          variance: index("running_var"),
        },
      };
    case "normalize":
      return {
        ...base,
        op: "affine",
        scale: Float32Array.from(layer.scale),
        shift: Float32Array.from(layer.shift),
        activation: none,
      };
    case "relu":
    case "relu6":
    case "sigmoid":
    case "tanh":
    case "silu":
    case "hardswish":
    case "hardsigmoid":
      return { ...base, op: "activation", activation: { kind: layer.op } };
    case "leaky_relu":
      return { ...base, op: "activation", activation: { kind: "leaky_relu", slope: layer.slope } };
    case "maxpool":
    case "avgpool":
      return {
        ...base,
        op: layer.op,
        kernel: layer.kernel,
        stride: layer.stride,
        padding: layer.padding,
      };
    case "gap":
      return { ...base, op: "globalavgpool" };
    case "gmp":
      return { ...base, op: "globalmaxpool" };
    case "fc":
      return {
        ...base,
        op: "fc",
        inFeatures: layer.inFeatures,
        outFeatures: layer.outFeatures,
        weight: data("weight"),
        bias: layer.bias ? data("bias") : null,
        activation: none,
        tensors: origin(layer.bias),
      };
    case "flatten":
      return { ...base, op: "flatten" };
    case "softmax":
      return { ...base, op: "softmax" };
    case "dropout":
      return { ...base, op: "identity" };
    case "add":
      return { ...base, op: "add", activation: none };
    case "mul":
    case "concat":
      return { ...base, op: layer.op };
    case "slice":
      return { ...base, op: "slice", start: layer.start };
    case "shuffle":
      return { ...base, op: "shuffle", groups: layer.groups };
  }
}
