import { isConv, type ConvLayer, type Layer, type Network, type Shape } from "../check/network.js";
import type { Value } from "../check/values.js";

/** The cost of one layer. MACs count multiply-adds of conv and fc layers only (the papers' convention). */
export interface LayerCost {
  name: string;
  op: Layer["op"];
  output: Shape;
  /** trainable + non-trainable. */
  params: number;
  trainableParams: number;
  /** Batch-norm running mean and variance, as Keras counts them. */
  nonTrainableParams: number;
  macs: number;
  /** The output's size in bytes: one sample, float32. */
  outputBytes: number;
}

/** A summary's row: a layer's cost and what it reads. */
export interface LayerRow extends LayerCost {
  /** The layers it reads, by name. */
  inputs: string[];
  /**
   * What a layer reading several values joins: `residual of X` for the add that ends residual
   * X, otherwise its inputs' names.
   */
  joins?: string;
}

/** dsnet computes in float32. */
export const BYTES_PER_VALUE = 4;

/**
 * A depthwise layer followed (through batch norm, activations or dropout only) by a pointwise
 * layer, and what one standard KxK convolution from M to N channels would cost in its place.
 */
export interface SeparablePair {
  depthwise: string;
  pointwise: string;
  kernel: [number, number];
  /** M: channels into the depthwise layer. */
  inChannels: number;
  /** N: channels out of the pointwise layer. */
  outChannels: number;
  /** Depth multiplier of the depthwise layer. */
  multiplier: number;
  /** D x D: the output size of the pair. */
  output: [number, number];
  depthwiseMacs: number;
  pointwiseMacs: number;
  depthwiseParams: number;
  pointwiseParams: number;
  standardMacs: number;
  standardParams: number;
  /** (depthwise + pointwise) / standard MACs: 1/N + 1/K² for a multiplier of 1. */
  ratio: number;
  /**
   * The squeeze-and-excitation gate (`mul`) between the two, when there is one (MobileNetV3,
   * EfficientNet's MBConv): the pair is still separable, the gate scales its channels between.
   */
  gate?: string;
}

export interface Summary {
  network: string;
  file: string;
  params: Record<string, Value>;
  input: Shape;
  output: Shape;
  layers: LayerRow[];
  totals: { macs: number; params: number; trainableParams: number; nonTrainableParams: number };
  /** Memory for one sample in float32, as torchinfo reports it (without a backward pass). */
  memory: {
    inputBytes: number;
    /** Every parameter, batch norm's running statistics included. */
    paramBytes: number;
    /** Every layer's output added up (the input not counted): torchinfo's forward pass size. */
    activationBytes: number;
    /**
     * The most activation memory held at once when the layers run one after another and each
     * output is freed after its last reader (the input included).
     */
    peakActivationBytes: number;
    /** input + parameters + activations: torchinfo's estimated total. */
    totalBytes: number;
  };
  separable: {
    pairs: SeparablePair[];
    /** MACs and parameters of all pairs as built. */
    macs: number;
    params: number;
    /** The same pairs as standard convolutions. */
    standardMacs: number;
    standardParams: number;
    /** The whole network with every pair replaced by its standard convolution. */
    networkAsStandard: { macs: number; params: number };
  };
}

export function layerCost(layer: Layer): LayerCost {
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  const [h, w] = layer.shape;
  switch (layer.op) {
    case "conv":
    case "dw":
    case "pw": {
      const perOutput = layer.kernel[0] * layer.kernel[1] * (layer.inChannels / layer.groups);
      trainable = perOutput * layer.outChannels + (layer.bias ? layer.outChannels : 0);
      macs = perOutput * layer.outChannels * h * w;
      break;
    }
    case "bn":
      trainable = 2 * layer.channels;
      nonTrainable = 2 * layer.channels;
      break;
    case "fc":
      trainable = layer.inFeatures * layer.outFeatures + (layer.bias ? layer.outFeatures : 0);
      macs = layer.inFeatures * layer.outFeatures;
      break;
    default:
      break;
  }
  return {
    name: layer.name,
    op: layer.op,
    output: layer.shape,
    params: trainable + nonTrainable,
    trainableParams: trainable,
    nonTrainableParams: nonTrainable,
    macs,
    outputBytes: valueBytes(layer.shape),
  };
}

function layerRow(layer: Layer, layers: readonly Layer[]): LayerRow {
  return {
    ...layerCost(layer),
    inputs: layer.inputs.map((i) => layers[i].name),
    ...(layer.inputs.length > 1 ? { joins: joinedBy(layer, layers) } : {}),
  };
}

function valueBytes(shape: Shape): number {
  return shape[0] * shape[1] * shape[2] * BYTES_PER_VALUE;
}

/**
 * `residual of X` for the add that ends residual X (`X.add`, reading one value from outside X:
 * the residual's input, or one from X's shortcut); otherwise the inputs' names, written from X
 * when all are inside it (`branch1.relu1, branch2.relu2` for `X.concat`).
 */
function joinedBy(layer: Layer, layers: readonly Layer[]): string {
  const names = layer.inputs.map((i) => layers[i].name);
  const scope = layer.name.slice(0, layer.name.lastIndexOf(".") + 1);
  const inside = (name: string) => scope !== "" && name.startsWith(scope);
  if (layer.op === "add" && scope !== "") {
    const residual = scope.slice(0, -1);
    if (names.filter((n) => !inside(n)).length === 1) return `residual of ${residual}`;
    if (names.some((n) => n.startsWith(`${scope}shortcut.`)))
      return `residual of ${residual}, with its shortcut`;
  }
  return (names.every(inside) ? names.map((n) => n.slice(scope.length)) : names).join(", ");
}

/** Per-layer cost, totals, and the separable pairs with their standard-convolution equivalents. */
export function summarize(network: Network): Summary {
  const layers = network.layers.map((l) => layerRow(l, network.layers));
  const totals = { macs: 0, params: 0, trainableParams: 0, nonTrainableParams: 0 };
  for (const c of layers) {
    totals.macs += c.macs;
    totals.params += c.params;
    totals.trainableParams += c.trainableParams;
    totals.nonTrainableParams += c.nonTrainableParams;
  }
  const pairs = findSeparablePairs(network).map(([dw, pw, gate]) => {
    const dwCost = layers[dw.id];
    const pwCost = layers[pw.id];
    const [kh, kw] = dw.kernel;
    const [oh, ow] = [pw.shape[0], pw.shape[1]];
    const standardParams =
      kh * kw * dw.inChannels * pw.outChannels + (pw.bias ? pw.outChannels : 0);
    const standardMacs = kh * kw * dw.inChannels * pw.outChannels * oh * ow;
    return {
      depthwise: dw.name,
      pointwise: pw.name,
      kernel: [kh, kw] as [number, number],
      inChannels: dw.inChannels,
      outChannels: pw.outChannels,
      multiplier: dw.outChannels / dw.inChannels,
      output: [oh, ow] as [number, number],
      depthwiseMacs: dwCost.macs,
      pointwiseMacs: pwCost.macs,
      depthwiseParams: dwCost.trainableParams,
      pointwiseParams: pwCost.trainableParams,
      standardMacs,
      standardParams,
      ratio: (dwCost.macs + pwCost.macs) / standardMacs,
      ...(gate ? { gate: gate.name } : {}),
    } satisfies SeparablePair;
  });
  const sum = (f: (p: SeparablePair) => number) => pairs.reduce((a, p) => a + f(p), 0);
  const pairMacs = sum((p) => p.depthwiseMacs + p.pointwiseMacs);
  const pairParams = sum((p) => p.depthwiseParams + p.pointwiseParams);
  const standardMacs = sum((p) => p.standardMacs);
  const standardParams = sum((p) => p.standardParams);
  return {
    network: network.name,
    file: network.file,
    params: network.params,
    input: network.input,
    output: network.layers[network.output].shape,
    layers,
    totals,
    memory: memoryOf(network, layers, totals.params),
    separable: {
      pairs,
      macs: pairMacs,
      params: pairParams,
      standardMacs,
      standardParams,
      networkAsStandard: {
        macs: totals.macs - pairMacs + standardMacs,
        params: totals.trainableParams - pairParams + standardParams,
      },
    },
  };
}

function memoryOf(network: Network, costs: LayerRow[], params: number): Summary["memory"] {
  const inputBytes = valueBytes(network.input);
  const paramBytes = params * BYTES_PER_VALUE;
  const activationBytes = costs.reduce((a, c) => a + (c.op === "input" ? 0 : c.outputBytes), 0);
  return {
    inputBytes,
    paramBytes,
    activationBytes,
    peakActivationBytes: peakActivationBytes(network, costs),
    totalBytes: inputBytes + paramBytes + activationBytes,
  };
}

/**
 * Runs the layers in order: each output is allocated while its inputs are still held, and a
 * value is freed after its last reader (the network's output is held to the end).
 */
function peakActivationBytes(network: Network, costs: LayerCost[]): number {
  const lastReader = network.layers.map((l) => l.id);
  for (const layer of network.layers)
    for (const i of layer.inputs) lastReader[i] = Math.max(lastReader[i], layer.id);
  lastReader[network.output] = network.layers.length;
  const freedAfter = network.layers.map(() => [] as number[]);
  lastReader.forEach((reader, value) => {
    if (reader < network.layers.length) freedAfter[reader].push(value);
  });
  let held = 0;
  let peak = 0;
  for (const layer of network.layers) {
    held += costs[layer.id].outputBytes;
    peak = Math.max(peak, held);
    for (const value of freedAfter[layer.id]) held -= costs[value].outputBytes;
  }
  return peak;
}

/**
 * A row of a summary collapsed to a depth: the layers whose names share their first `depth`
 * parts (a block call, a repeat, one iteration of it), or one layer.
 */
export interface LayerGroup {
  name: string;
  /** The layer's op, for a group of one layer named `name`; undefined for a block. */
  op?: Layer["op"];
  layers: number;
  /** The output of its last layer, the group's result. */
  output: Shape;
  outputBytes: number;
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  joins?: string;
}

/**
 * The layers collapsed to `depth` parts of their names (`--depth`): `bottleneck2.1.pw1` is in
 * row `bottleneck2` at depth 1 and `bottleneck2.1` at depth 2. Rows come in layer order.
 */
export function groupLayers(summary: Summary, depth: number): LayerGroup[] {
  const groups = new Map<string, LayerGroup>();
  for (const layer of summary.layers) {
    const name = layer.name.split(".").slice(0, depth).join(".");
    let group = groups.get(name);
    if (!group) {
      group = {
        name,
        layers: 0,
        output: layer.output,
        outputBytes: 0,
        params: 0,
        trainableParams: 0,
        nonTrainableParams: 0,
        macs: 0,
      };
      groups.set(name, group);
    }
    group.layers++;
    group.output = layer.output;
    group.outputBytes = layer.outputBytes;
    group.params += layer.params;
    group.trainableParams += layer.trainableParams;
    group.nonTrainableParams += layer.nonTrainableParams;
    group.macs += layer.macs;
    if (layer.name === name) {
      group.op = layer.op;
      if (layer.joins !== undefined) group.joins = layer.joins;
    }
  }
  for (const group of groups.values()) {
    if (group.layers > 1) {
      delete group.op;
      delete group.joins;
    }
  }
  return [...groups.values()];
}

/** Layers that sit between a depthwise and a pointwise layer without breaking the pair. */
const transparent = new Set<Layer["op"]>([
  "bn",
  "relu",
  "relu6",
  "leaky_relu",
  "sigmoid",
  "tanh",
  "silu",
  "hardswish",
  "hardsigmoid",
  "dropout",
]);

/**
 * Every (depthwise, pointwise) pair where the pointwise layer reads the depthwise output through
 * a chain of element-wise layers that nothing else reads, or through a squeeze-and-excitation
 * gate: a `mul` whose gate is computed from the value it scales (returned third).
 */
function findSeparablePairs(network: Network): [ConvLayer, ConvLayer, Layer?][] {
  const consumers = new Array<number>(network.layers.length).fill(0);
  for (const layer of network.layers) for (const i of layer.inputs) consumers[i]++;
  consumers[network.output]++;
  const pairs: [ConvLayer, ConvLayer, Layer?][] = [];
  for (const layer of network.layers) {
    if (layer.op !== "pw" || layer.groups !== 1) continue;
    let current = network.layers[layer.inputs[0]];
    let gate: Layer | undefined;
    // Readers `current` may have: one, or two for the value a gate scales (the gate reads it).
    let readers = 1;
    for (;;) {
      if (transparent.has(current.op) && consumers[current.id] === readers) {
        current = network.layers[current.inputs[0]];
        readers = 1;
      } else if (!gate && current.op === "mul" && consumers[current.id] === 1) {
        const scaled = network.layers[current.inputs[0]];
        if (!gatedBy(network, current, scaled)) break;
        gate = current;
        current = scaled;
        readers = 2;
      } else break;
    }
    if (isConv(current) && current.op === "dw" && consumers[current.id] === readers)
      pairs.push(gate ? [current, layer, gate] : [current, layer]);
  }
  return pairs;
}

/** Whether the gate input of `mul` is computed from `scaled` alone, through one-input layers. */
function gatedBy(network: Network, mul: Layer, scaled: Layer): boolean {
  let current = network.layers[mul.inputs[1]];
  while (current.inputs.length === 1 && current.id !== scaled.id) {
    current = network.layers[current.inputs[0]];
  }
  return current.id === scaled.id;
}
