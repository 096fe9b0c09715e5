import type {
  Activation,
  AffineNode,
  ConvNode,
  FcNode,
  FoldedBatchNorm,
  Graph,
  Node,
  Padding,
} from "../../ir/graph.js";
import { BackendUnavailableError, checkBatch } from "../errors.js";
import { IR_VERSIONS, ONNX_OPSETS } from "./opsets.js";
import {
  encodeModel,
  type AttributeValue,
  type ModelMessage,
  type NodeMessage,
  type TensorMessage,
} from "./proto.js";

/*
 * The ONNX backend: the IR graph as an ONNX ModelProto, NCHW as PyTorch exports it. dsnet's
 * activations are NHWC but its weights are in PyTorch's layouts (conv [out, in/groups, kh, kw],
 * fc [out, in]), so an NCHW model takes them unchanged; `layout: "nhwc"` only adds a Transpose
 * after the input and before the output.
 *
 * Each ONNX node is named after the dsnet layer it computes and carries that layer's source line
 * in its doc_string; a value is named after the node that writes it. Values that an fc or flatten
 * made are kept [N, C] (what Gemm takes and gives), the others [N, C, H, W]; a node that needs the
 * other rank gets a Flatten or Reshape in front of it.
 */

export interface OnnxOptions {
  /** Default 17. */
  opset?: number;
  /** The input's and output's layout; default "nchw". */
  layout?: "nchw" | "nhwc";
  /** A fixed batch size; default a symbolic dimension named "N". */
  batch?: number;
  /**
   * true: each convolution and fc with its batch norms folded in, as the IR has them. false (the
   * default): the source's Conv then BatchNormalization, from the unfolded tensors.
   */
  foldBatchNorm?: boolean;
}

/** One node of the written model, for `--verbose`. */
export interface OnnxNodeSummary {
  /** Also the name of the value it writes, but for the last node's ("output"). */
  name: string;
  opType: string;
  /** The values it reads, initializers left out. */
  inputs: string[];
  /** Of its output, batch first: "Nx8x16x16". */
  shape: string;
}

export interface OnnxModel {
  bytes: Uint8Array;
  opset: number;
  irVersion: number;
  nodes: OnnxNodeSummary[];
  initializers: number;
}

export const BATCH_DIMENSION = "N";
export const INPUT_NAME = "input";
export const OUTPUT_NAME = "output";

/**
 * The most bytes of weights one ONNX file holds: a protobuf message is at most 2 GiB, and ONNX
 * keeps larger weights as external data, which dsnet does not write. A little is left for the
 * nodes and shapes around them.
 */
export const MAX_ONNX_WEIGHT_BYTES = 2 ** 31 - 2 ** 24;

/** Throws, before the model is encoded, when its weights cannot fit in one ONNX file. */
export function checkModelSize(weightBytes: number): void {
  if (weightBytes <= MAX_ONNX_WEIGHT_BYTES) return;
  throw new BackendUnavailableError(
    `the ONNX model's weights are ${(weightBytes / 2 ** 30).toFixed(2)} GiB, more than the 2 GiB one ONNX file holds (a protobuf's limit; dsnet writes no external data)`,
  );
}

/** The ONNX model of an IR graph (from `compileGraph(..., { target: "cpu" })`). */
export function exportOnnx(graph: Graph, options: OnnxOptions = {}): OnnxModel {
  const opset = options.opset ?? ONNX_OPSETS.default;
  if (!Number.isInteger(opset) || opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
    throw new RangeError(
      `ONNX opset must be ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}, not ${opset}`,
    );
  }
  if (options.batch !== undefined) checkBatch(options.batch);
  const builder = new ModelBuilder(graph, opset, options.foldBatchNorm ?? false);
  const body = builder.build(options.layout ?? "nchw");
  const batch =
    options.batch === undefined ? { dim_param: BATCH_DIMENSION } : { dim_value: options.batch };
  const valueInfo = (name: string, shape: number[]) => ({
    name,
    type: {
      tensor_type: {
        elem_type: FLOAT,
        shape: { dim: [batch, ...shape.map((d) => ({ dim_value: d }))] },
      },
    },
  });
  checkModelSize(builder.initializers.reduce((sum, t) => sum + t.raw_data.byteLength, 0));
  const params = graph.source.params.map(([k, v]) => `${k} = ${v}`).join(", ");
  const irVersion = IR_VERSIONS[opset];
  const weights = new Set(builder.initializers.map((t) => t.name));
  const model: ModelMessage = {
    ir_version: irVersion,
    opset_import: [{ domain: "", version: opset }],
    producer_name: "dsnet",
    doc_string: `dsnet network ${graph.name} from ${graph.source.file}${params ? ` (${params})` : ""}`,
    graph: {
      name: graph.name,
      node: body.nodes.map((n) => n.message),
      initializer: builder.initializers,
      input: [valueInfo(INPUT_NAME, body.inputShape)],
      output: [valueInfo(OUTPUT_NAME, body.outputShape)],
      value_info: body.nodes
        .filter((n) => n.message.output[0] !== OUTPUT_NAME)
        .map((n) => valueInfo(n.message.output[0], n.shape)),
    },
  };
  return {
    bytes: encodeModel(model),
    opset,
    irVersion,
    nodes: body.nodes.map((n) => ({
      name: n.message.name,
      opType: n.message.op_type,
      inputs: n.message.input.filter((i) => !weights.has(i)),
      shape: [options.batch ?? BATCH_DIMENSION, ...n.shape].join("x"),
    })),
    initializers: builder.initializers.length,
  };
}

/** One line per node: its name, operator, output shape and the values it reads. */
export function describeOnnxModel(model: OnnxModel): string {
  const rows = model.nodes.map((n) => [n.name, n.opType, n.shape, `(${n.inputs.join(", ")})`]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) =>
    `  ${r.map((t, i) => t.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd(),
  );
  return (
    `ONNX opset ${model.opset} (IR version ${model.irVersion}): ${model.nodes.length} nodes, ${model.initializers} initializers\n` +
    lines.join("\n") +
    "\n"
  );
}

const FLOAT = 1;
const INT64 = 7;

/** A value written so far: its name, and whether it is [N, C] rather than [N, C, H, W]. */
interface Written {
  name: string;
  flat: boolean;
}

interface BuiltNode {
  message: NodeMessage;
  /** The output's shape without the batch dimension. */
  shape: number[];
}

class ModelBuilder {
  readonly initializers: TensorMessage[] = [];
  private readonly nodes: BuiltNode[] = [];
  private readonly written = new Map<number, Written>();
  private readonly initialized = new Set<string>();
  /** The [N, C, 1, 1] reshape of each [N, C] value that has one. */
  private readonly unflattened = new Map<number, string>();

  constructor(
    private readonly graph: Graph,
    private readonly opset: number,
    private readonly foldBatchNorm: boolean,
  ) {}

  build(layout: "nchw" | "nhwc"): {
    nodes: BuiltNode[];
    inputShape: number[];
    outputShape: number[];
  } {
    const [h, w, c] = this.graph.values[this.graph.input];
    const nhwc = layout === "nhwc";
    const inputLayers = this.graph.nodes.find((n) => n.op === "input")?.layers ?? [];
    const input = nhwc
      ? this.emit("Transpose", `${INPUT_NAME}/to_nchw`, [INPUT_NAME], [c, h, w], inputLayers, {
          perm: [0, 3, 1, 2],
        })
      : INPUT_NAME;
    this.written.set(this.graph.input, { name: input, flat: false });
    for (const node of this.graph.nodes) {
      if (node.op !== "input") this.written.set(node.output, this.lower(node));
    }
    const last = this.written.get(this.graph.output)!;
    const [oh, ow, oc] = this.graph.values[this.graph.output];
    const outputShape = last.flat ? [oc] : nhwc ? [oh, ow, oc] : [oc, oh, ow];
    if (nhwc && !last.flat) {
      this.emit("Transpose", OUTPUT_NAME, [last.name], outputShape, [], { perm: [0, 2, 3, 1] });
    } else if (last.name === INPUT_NAME) {
      this.emit("Identity", OUTPUT_NAME, [last.name], outputShape, []);
    } else {
      this.renameValue(last.name, OUTPUT_NAME);
    }
    return { nodes: this.nodes, inputShape: nhwc ? [h, w, c] : [c, h, w], outputShape };
  }

  /** The ONNX nodes for one IR node; returns the value they write. */
  private lower(node: Exclude<Node, { op: "input" }>): Written {
    const [name] = node.layers;
    const [h, w, c] = this.graph.values[node.output];
    const spatial = [c, h, w];
    switch (node.op) {
      case "conv": {
        const x = this.spatial(node.inputs[0], name);
        const conv = this.emit("Conv", name, [x, ...this.weightsOf(node)], spatial, [name], {
          group: node.groups,
          kernel_shape: node.kernel,
          strides: node.stride,
          dilations: node.dilation,
          pads: pads(node.padding),
        });
        return this.finish(node, { name: conv, flat: false });
      }
      case "fc": {
        const x = this.flat(node.inputs[0], `${name}/flatten`, name);
        const gemm = this.emit("Gemm", name, [x, ...this.weightsOf(node)], [c], [name], {
          transB: 1,
        });
        return this.finish(node, { name: gemm, flat: true });
      }
      case "batchnorm":
      case "affine": {
        const x = this.written.get(node.inputs[0])!;
        const shape = x.flat ? [c] : spatial;
        const bn = node.tensors
          ? this.batchNorm(x, node.tensors, shape)
          : this.scaleShift(x, node as AffineNode, shape);
        return this.activation(node, { name: bn, flat: x.flat }, node.layers.slice(1));
      }
      case "activation":
        return this.activation(node, this.written.get(node.inputs[0])!, node.layers);
      case "maxpool":
      case "avgpool": {
        const x = this.spatial(node.inputs[0], name);
        const attributes: Record<string, AttributeValue> = {
          kernel_shape: node.kernel,
          strides: node.stride,
          pads: pads(node.padding),
        };
        if (node.op === "avgpool") attributes.count_include_pad = 0;
        const op = node.op === "maxpool" ? "MaxPool" : "AveragePool";
        return { name: this.emit(op, name, [x], spatial, [name], attributes), flat: false };
      }
      case "globalavgpool":
      case "globalmaxpool": {
        const op = node.op === "globalavgpool" ? "GlobalAveragePool" : "GlobalMaxPool";
        return {
          name: this.emit(op, name, [this.spatial(node.inputs[0], name)], spatial, [name]),
          flat: false,
        };
      }
      case "flatten":
        // Flatten of NCHW is channel-major, dsnet's (and PyTorch's) order.
        return { name: this.flat(node.inputs[0], name, name), flat: true };
      case "softmax": {
        const x = this.written.get(node.inputs[0])!;
        const shape = x.flat ? [c] : spatial;
        return {
          name: this.emit("Softmax", name, [x.name], shape, [name], { axis: 1 }),
          flat: x.flat,
        };
      }
      case "add":
      case "mul": {
        const [a, b] = this.sameRank(node.inputs, name);
        const op = node.op === "add" ? "Add" : "Mul";
        const sum = {
          name: this.emit(op, name, [a.name, b.name], a.flat ? [c] : spatial, [name]),
          flat: a.flat,
        };
        return node.op === "add" ? this.finish(node, sum) : sum;
      }
      case "concat": {
        const inputs = this.sameRank(node.inputs, name);
        const flat = inputs[0].flat;
        const shape = flat ? [c] : spatial;
        return {
          name: this.emit(
            "Concat",
            name,
            inputs.map((x) => x.name),
            shape,
            [name],
            { axis: 1 },
          ),
          flat,
        };
      }
      case "slice": {
        const x = this.written.get(node.inputs[0])!;
        const bounds = [
          this.int64s(`channel(${node.start})`, [node.start]),
          this.int64s(`channel(${node.start + c})`, [node.start + c]),
          this.int64s("axis(1)", [1]),
        ];
        const shape = x.flat ? [c] : spatial;
        return { name: this.emit("Slice", name, [x.name, ...bounds], shape, [name]), flat: x.flat };
      }
      case "shuffle":
        return { name: this.shuffle(node.inputs[0], node.groups, name, spatial), flat: false };
      case "identity":
        return this.written.get(node.inputs[0])!;
      case "separable":
        throw new Error(
          `internal: the ONNX backend takes the graph compiled for the CPU target, without separable nodes (${name})`,
        );
    }
  }

  /** The weight and bias inputs of a conv or fc: folded as the IR has them, or as given. */
  private weightsOf(node: ConvNode | FcNode): string[] {
    const tensors = this.graph.tensors;
    if (!this.foldBatchNorm || node.tensors.folded.length === 0) {
      const weight = this.tensor(node.tensors.weight);
      return node.tensors.bias === null ? [weight] : [weight, this.tensor(node.tensors.bias)];
    }
    const weightName = tensors[node.tensors.weight].name;
    const shape = tensors[node.tensors.weight].shape;
    const weight = this.floats(`${weightName}+folded`, shape, node.weight);
    if (!node.bias) return [weight];
    const biasName = weightName.replace(/weight$/, "bias");
    return [weight, this.floats(`${biasName}+folded`, [node.bias.length], node.bias)];
  }

  /**
   * After a conv, fc or add: the batch norms the IR folded into it (unless kept folded), then its
   * fused activation, each as its own node named after its layer.
   */
  private finish(node: ConvNode | FcNode | Extract<Node, { op: "add" }>, value: Written): Written {
    const [h, w, c] = this.graph.values[node.output];
    const shape = value.flat ? [c] : [c, h, w];
    let result = value;
    if (node.op !== "add" && !this.foldBatchNorm) {
      for (const bn of node.tensors.folded) {
        result = { name: this.batchNorm(result, bn, shape), flat: value.flat };
      }
    }
    return this.activation(node, result, node.layers.slice(-1));
  }

  private batchNorm(x: Written, bn: FoldedBatchNorm, shape: number[]): string {
    const inputs = [bn.gamma, bn.beta, bn.mean, bn.variance].map((t) => this.tensor(t));
    return this.emit("BatchNormalization", bn.layer, [x.name, ...inputs], shape, [bn.layer], {
      epsilon: bn.eps,
    });
  }

  /** A `normalize` layer's constant scale and shift: Mul, then Add, by [C, 1, 1] constants. */
  private scaleShift(x: Written, node: AffineNode, shape: number[]): string {
    const name = node.layers[0];
    const dims = x.flat ? [node.scale.length] : [node.scale.length, 1, 1];
    const scaled = this.emit(
      "Mul",
      `${name}/scale`,
      [x.name, this.floats(`${name}.scale`, dims, node.scale)],
      shape,
      [name],
    );
    const shift = this.floats(`${name}.shift`, dims, node.shift);
    return this.emit("Add", name, [scaled, shift], shape, [name]);
  }

  /**
   * The node's activation, if any, applied to `x`, named after `layers` (the activation's own
   * layer: the last a fused node stands for).
   */
  private activation(
    node: Node & { activation: Activation },
    x: Written,
    layers: string[],
  ): Written {
    const a = node.activation;
    if (a.kind === "none") return x;
    const [h, w, c] = this.graph.values[node.output];
    const shape = x.flat ? [c] : [c, h, w];
    const name = layers[layers.length - 1];
    const one = (
      op: string,
      attributes: Record<string, AttributeValue> = {},
      inputs = [x.name],
    ) => ({ name: this.emit(op, name, inputs, shape, layers, attributes), flat: x.flat });
    const gated = (op: string, attributes: Record<string, AttributeValue> = {}) => {
      const gate = this.emit(
        op,
        `${name}/${op.toLowerCase()}`,
        [x.name],
        shape,
        layers,
        attributes,
      );
      return one("Mul", {}, [x.name, gate]);
    };
    switch (a.kind) {
      case "relu":
        return one("Relu");
      case "relu6":
        return one("Clip", {}, [
          x.name,
          this.floats("clip.min(0)", [], [0]),
          this.floats("clip.max(6)", [], [6]),
        ]);
      case "leaky_relu":
        return one("LeakyRelu", { alpha: a.slope });
      case "sigmoid":
        return one("Sigmoid");
      case "tanh":
        return one("Tanh");
      case "hardsigmoid":
        return one("HardSigmoid", HARD_SIGMOID);
      case "hardswish":
        return this.opset >= 14 ? one("HardSwish") : gated("HardSigmoid", HARD_SIGMOID);
      case "silu":
        return gated("Sigmoid");
    }
  }

  /** Channel shuffle as PyTorch writes it: view as [N, g, C/g, H, W], swap 1 and 2, view back. */
  private shuffle(value: number, groups: number, name: string, [c, h, w]: number[]): string {
    const x = this.spatial(value, name);
    const grouped = [groups, c / groups, h, w];
    const split = this.emit("Reshape", `${name}/split`, [x, this.shape(grouped)], grouped, [name]);
    const swapped = [c / groups, groups, h, w];
    const t = this.emit("Transpose", `${name}/transpose`, [split], swapped, [name], {
      perm: [0, 2, 1, 3, 4],
    });
    return this.emit("Reshape", name, [t, this.shape([c, h, w])], [c, h, w], [name]);
  }

  /**
   * The value as [N, C, H, W]: an [N, C] one reshaped to [N, C, 1, 1] once, for `layer` (the
   * first that reads it so).
   */
  private spatial(value: number, layer: string): string {
    const x = this.written.get(value)!;
    if (!x.flat) return x.name;
    let name = this.unflattened.get(value);
    if (name === undefined) {
      const [, , c] = this.graph.values[value];
      name = this.emit(
        "Reshape",
        `${x.name}/unflatten`,
        [x.name, this.shape([c, 1, 1])],
        [c, 1, 1],
        [layer],
      );
      this.unflattened.set(value, name);
    }
    return name;
  }

  /** The value as [N, C·H·W]: a Flatten named `name`, for `layer`, unless it is flat already. */
  private flat(value: number, name: string, layer: string): string {
    const x = this.written.get(value)!;
    if (x.flat) return x.name;
    const [h, w, c] = this.graph.values[value];
    return this.emit("Flatten", name, [x.name], [c * h * w], [layer], { axis: 1 });
  }

  /** The values of a binary or concat node at one rank: [N, C] only when all of them are. */
  private sameRank(values: number[], layer: string): Written[] {
    const all = values.map((v) => this.written.get(v)!);
    if (all.every((x) => x.flat) || all.every((x) => !x.flat)) return all;
    return values.map((v) => ({ name: this.spatial(v, layer), flat: false }));
  }

  /** Renames a value where it is written and wherever it is read. */
  private renameValue(from: string, to: string): void {
    for (const { message } of this.nodes) {
      message.input = message.input.map((i) => (i === from ? to : i));
      message.output = message.output.map((o) => (o === from ? to : o));
    }
  }

  /** Adds a node writing one value, named like the node; returns that name. */
  private emit(
    opType: string,
    name: string,
    inputs: string[],
    shape: number[],
    layers: string[],
    attributes: Record<string, AttributeValue> = {},
  ): string {
    this.nodes.push({
      message: {
        name,
        op_type: opType,
        input: inputs,
        output: [name],
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
        doc_string: this.sourceOf(layers),
      },
      shape,
    });
    return name;
  }

  /** Where the layers are written, one `layer: file:line` per line. */
  private sourceOf(layers: string[]): string {
    return layers
      .map((layer) => {
        const at = this.graph.source.lines[layer];
        return at ? `${layer}: ${at.file}:${at.line}` : layer;
      })
      .join("\n");
  }

  /** A weight tensor as the weights file names it, as an initializer. */
  private tensor(index: number): string {
    const { name, shape, data } = this.graph.tensors[index];
    return this.floats(name, shape, data);
  }

  private floats(name: string, dims: number[], data: ArrayLike<number>): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.initializer(name, dims, FLOAT, values);
  }

  private int64s(name: string, data: number[]): string {
    return this.initializer(name, [data.length], INT64, BigInt64Array.from(data.map(BigInt)));
  }

  /** A Reshape's target: 0 keeps the batch dimension, so the model takes any batch. */
  private shape(dims: number[]): string {
    return this.int64s(`shape(${dims.join(",")})`, [0, ...dims]);
  }

  private initializer(
    name: string,
    dims: number[],
    dataType: number,
    data: Float32Array | BigInt64Array,
  ): string {
    if (this.initialized.has(name)) return name;
    this.initialized.add(name);
    // raw_data is little-endian, as typed arrays are on every platform Node runs on.
    const raw_data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, data_type: dataType, raw_data });
    return name;
  }
}

/** dsnet's hardsigmoid, relu6(x + 3) / 6; ONNX's default alpha is 0.2. */
const HARD_SIGMOID = { alpha: 1 / 6, beta: 0.5 };

/** ONNX's pads: begin of each spatial axis, then end: [top, left, bottom, right]. */
function pads(p: Padding): number[] {
  return [p.top, p.left, p.bottom, p.right];
}

/** The float attributes among those dsnet writes (LeakyRelu, HardSigmoid, BatchNormalization). */
const FLOAT_ATTRIBUTES = new Set(["alpha", "beta", "epsilon"]);

function attribute(name: string, value: AttributeValue) {
  if (Array.isArray(value)) return { name, type: "INTS", ints: value };
  return FLOAT_ATTRIBUTES.has(name)
    ? { name, type: "FLOAT", f: value }
    : { name, type: "INT", i: value };
}
