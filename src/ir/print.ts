import { describeActivation, type Graph, type Node, type TensorOrigin } from "./graph.js";
import { formatShape, type Activation, type Padding } from "./types.js";

/**
 * The IR as text, one node per line, for `dsnet compile --emit ir`, DSNET_DEBUG=2 and the IR
 * goldens:
 *
 *   %3: 5x5x8 = conv 3x3 s2 pad 1,1,1,1 3->8 +bn(bn1, eps 1e-05) +relu6 (%0)  ; conv1 bn1 relu6_1 @3
 *
 * `%n` is value n with its shape per sample; what a node absorbed (batch norms with their eps,
 * activations) follows the `+`; after `;` come the source layers and their lines (`@3`, or
 * `file:3` for a layer written in another file).
 */
export function printGraph(graph: Graph, title = ""): string {
  const head = `graph ${graph.name}${title ? ` (${title})` : ""}: ${graph.nodes.length} nodes, ${graph.tensors.length} tensors; input %${graph.input}, output %${graph.output}`;
  const lines = graph.nodes.map((node) => {
    const value = `%${node.output}: ${formatShape(graph.values[node.output])}`;
    const args = node.inputs.length ? ` (${node.inputs.map((v) => `%${v}`).join(", ")})` : "";
    return `  ${value} = ${describeNode(node)}${args}  ; ${origins(graph, node)}`;
  });
  return [head, ...lines].join("\n") + "\n";
}

function origins(graph: Graph, node: Node): string {
  return node.layers
    .map((layer) => {
      const at = graph.source.lines[layer];
      if (!at) return layer;
      return `${layer} ${at.file === graph.source.file ? "@" : `${at.file}:`}${at.line}`;
    })
    .join(", ");
}

function describeNode(node: Node): string {
  switch (node.op) {
    case "input":
    case "flatten":
    case "softmax":
    case "identity":
    case "globalavgpool":
    case "globalmaxpool":
      return node.op;
    case "conv":
      return `${describeConv(node)}${folds(node.tensors)}${activation(node.activation)}`;
    case "fc":
      return `fc ${node.inFeatures}->${node.outFeatures}${node.bias ? " bias" : ""}${folds(node.tensors)}${activation(node.activation)}`;
    case "separable":
      return `separable [${describeNode(node.depthwise)} ; ${describeNode(node.pointwise)}]`;
    case "batchnorm":
      return `batchnorm ${node.channels} eps ${node.eps}${activation(node.activation)}`;
    case "affine":
      return `affine ${node.scale.length} (${node.tensors ? `bn ${node.tensors.layer}, eps ${node.tensors.eps}` : "constant"})${activation(node.activation)}`;
    case "activation":
      return describeActivation(node.activation);
    case "maxpool":
    case "avgpool":
      return `${node.op} ${node.kernel.join("x")} s${node.stride.join(",")} pad ${padding(node.padding)}`;
    case "add":
      return `add${activation(node.activation)}`;
    case "mul":
    case "concat":
      return node.op;
    case "slice":
      return `slice from ${node.start}`;
    case "shuffle":
      return `shuffle ${node.groups} groups`;
  }
}

function describeConv(node: Extract<Node, { op: "conv" }>): string {
  const { kernel, stride, dilation, groups } = node;
  const geometry = [
    kernel.join("x"),
    stride[0] !== 1 || stride[1] !== 1 ? `s${stride.join(",")}` : "",
    dilation[0] !== 1 || dilation[1] !== 1 ? `d${dilation.join(",")}` : "",
    Object.values(node.padding).some((p) => p !== 0) ? `pad ${padding(node.padding)}` : "",
    `${node.inChannels}->${node.outChannels}`,
    groups > 1 ? `groups ${groups}` : "",
    node.bias ? "bias" : "",
  ].filter(Boolean);
  return `${node.role} ${geometry.join(" ")}`;
}

/** The batch norms folded into a node, as ` +bn(layer, eps e)` each. */
function folds(tensors: TensorOrigin): string {
  return tensors.folded.map((bn) => ` +bn(${bn.layer}, eps ${bn.eps})`).join("");
}

function padding(p: Padding): string {
  return `${p.top},${p.bottom},${p.left},${p.right}`;
}

function activation(a: Activation): string {
  return a.kind === "none" ? "" : ` +${describeActivation(a)}`;
}
