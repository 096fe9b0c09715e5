import type { Layer, Network } from "../check/network.js";
import { expectedTensors } from "../weights/tensors.js";
import { NO_ACTIVATION, type Activation, type Graph, type Node } from "./graph.js";

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
  const byLayer = new Map<number, Float32Array[]>();
  specs.forEach((spec, i) => {
    const expected = spec.shape.reduce((a, b) => a * b, 1);
    if (weights[i].length !== expected) {
      throw new Error(
        `lowerNetwork: ${spec.name} needs ${expected} values, got ${weights[i].length}`,
      );
    }
    const list = byLayer.get(spec.layer) ?? [];
    list.push(weights[i]);
    byLayer.set(spec.layer, list);
  });
  const nodes = network.layers.map((layer) => lowerLayer(layer, byLayer.get(layer.id) ?? []));
  return {
    name: network.name,
    values: network.layers.map((l) => l.shape),
    nodes,
    input: 0,
    output: network.output,
  };
}

function lowerLayer(layer: Layer, tensors: Float32Array[]): Node {
  const base = { inputs: layer.inputs, output: layer.id, layers: [layer.name] };
  const none: Activation = NO_ACTIVATION;
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
        weight: tensors[0],
        bias: layer.bias ? tensors[1] : null,
        activation: none,
      };
    case "bn":
      return {
        ...base,
        op: "batchnorm",
        channels: layer.channels,
        eps: layer.eps,
        gamma: tensors[0],
        beta: tensors[1],
        mean: tensors[2],
        variance: tensors[3],
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
        weight: tensors[0],
        bias: layer.bias ? tensors[1] : null,
        activation: none,
      };
    case "flatten":
      return { ...base, op: "flatten" };
    case "softmax":
      return { ...base, op: "softmax" };
    case "dropout":
      return { ...base, op: "identity" };
    case "add":
      return { ...base, op: "add", activation: none };
  }
}
