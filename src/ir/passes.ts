import { batchNormScaleShift, foldBatchNormWeights } from "../runtime/runtime.js";
import {
  isDepthwise,
  isPlainPointwise,
  readerCounts,
  type BatchNormNode,
  type ConvNode,
  type FcNode,
  type Graph,
  type Node,
} from "./graph.js";

/*
 * Graph passes. Each takes a graph and returns a new one computing the same function (within
 * float rounding), leaving its argument untouched, so tests can run both and compare.
 */

export interface Pass {
  name: string;
  run(graph: Graph): Graph;
}

/** The passes every backend wants, in order. */
export const STANDARD_PASSES: readonly Pass[] = [
  { name: "removeIdentities", run: removeIdentities },
  { name: "foldBatchNorm", run: foldBatchNorm },
  { name: "fuseActivations", run: fuseActivations },
];

/** For backends with a fused depthwise + pointwise kernel (WGSL), after the standard ones. */
export const SEPARABLE_PASS: Pass = { name: "fuseSeparable", run: fuseSeparable };

/** The standard passes, in order. */
export function optimize(graph: Graph): Graph {
  return STANDARD_PASSES.reduce((g, pass) => pass.run(g), graph);
}

/** Drops identity nodes (dropout at inference), pointing their readers at their input. */
export function removeIdentities(graph: Graph): Graph {
  const alias = new Map<number, number>();
  const resolve = (v: number) => alias.get(v) ?? v;
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    if (node.op === "identity") {
      alias.set(node.output, resolve(node.inputs[0]));
      continue;
    }
    nodes.push({ ...node, inputs: node.inputs.map(resolve) } as Node);
  }
  return { ...graph, nodes, output: resolve(graph.output) };
}

/**
 * Folds each batch norm into the convolution or fully connected layer before it, when that
 * layer has no activation yet and nothing else reads its output:
 *   w' = w · γ/√(σ² + ε) per output channel,  b' = (b − μ) · γ/√(σ² + ε) + β.
 * A batch norm with nothing to fold into becomes a per-channel affine node.
 */
export function foldBatchNorm(graph: Graph): Graph {
  const readers = readerCounts(graph);
  const producer = new Map<number, number>();
  const nodes: (Node | undefined)[] = [...graph.nodes];
  nodes.forEach((n, i) => producer.set(n!.output, i));
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.op !== "batchnorm") continue;
    const source = node.inputs[0];
    const p = producer.get(source)!;
    const target = nodes[p]!;
    if (
      (target.op === "conv" || target.op === "fc") &&
      target.activation.kind === "none" &&
      readers[source] === 1
    ) {
      nodes[p] = foldInto(target, node);
      producer.set(node.output, p);
      nodes[i] = undefined;
      continue;
    }
    nodes[i] = {
      op: "affine",
      inputs: node.inputs,
      output: node.output,
      layers: node.layers,
      ...affineOf(node),
      activation: node.activation,
      tensors: node.tensors,
    };
  }
  return { ...graph, nodes: nodes.filter((n): n is Node => n !== undefined) };
}

function affineOf(bn: BatchNormNode): { scale: Float32Array; shift: Float32Array } {
  return batchNormScaleShift(bn.gamma, bn.beta, bn.mean, bn.variance, bn.eps);
}

function foldInto(target: ConvNode | FcNode, bn: BatchNormNode): ConvNode | FcNode {
  const folded = foldBatchNormWeights(
    target.weight,
    target.bias,
    bn.gamma,
    bn.beta,
    bn.mean,
    bn.variance,
    bn.eps,
  );
  return {
    ...target,
    ...folded,
    output: bn.output,
    layers: [...target.layers, ...bn.layers],
    activation: bn.activation,
    tensors: { ...target.tensors, folded: [...target.tensors.folded, bn.tensors] },
  };
}

/**
 * Fuses each activation into the node that produces its input (a convolution, fully connected,
 * affine or add node without an activation of its own), when nothing else reads that input.
 */
export function fuseActivations(graph: Graph): Graph {
  const readers = readerCounts(graph);
  const nodes: (Node | undefined)[] = [...graph.nodes];
  const producer = new Map<number, number>();
  nodes.forEach((n, i) => producer.set(n!.output, i));
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.op !== "activation") continue;
    const source = node.inputs[0];
    const p = producer.get(source)!;
    const target = nodes[p]!;
    const fusable =
      target.op === "conv" ||
      target.op === "fc" ||
      target.op === "affine" ||
      target.op === "add" ||
      target.op === "batchnorm";
    if (!fusable || target.activation.kind !== "none" || readers[source] !== 1) continue;
    nodes[p] = {
      ...target,
      activation: node.activation,
      output: node.output,
      layers: [...target.layers, ...node.layers],
    } as Node;
    producer.set(node.output, p);
    nodes[i] = undefined;
  }
  return { ...graph, nodes: nodes.filter((n): n is Node => n !== undefined) };
}

/**
 * Pairs each depthwise convolution with the plain pointwise convolution that alone reads its
 * output, as one separable node at the pointwise node's place. Run after the standard passes,
 * so both halves carry their folded batch norms and activations.
 */
export function fuseSeparable(graph: Graph): Graph {
  const readers = readerCounts(graph);
  const depthwiseOf = new Map<number, ConvNode>();
  for (const node of graph.nodes) {
    if (
      node.op === "conv" &&
      isDepthwise(node) &&
      !isPlainPointwise(node) &&
      readers[node.output] === 1
    ) {
      depthwiseOf.set(node.output, node);
    }
  }
  const paired = new Set<ConvNode>();
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    const depthwise = node.op === "conv" ? depthwiseOf.get(node.inputs[0]) : undefined;
    if (node.op === "conv" && depthwise && isPlainPointwise(node)) {
      paired.add(depthwise);
      nodes.push({
        op: "separable",
        inputs: depthwise.inputs,
        output: node.output,
        layers: [...depthwise.layers, ...node.layers],
        depthwise,
        pointwise: node,
      });
      continue;
    }
    nodes.push(node);
  }
  return { ...graph, nodes: nodes.filter((n) => !(n.op === "conv" && paired.has(n))) };
}
