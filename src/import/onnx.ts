import { decodeModel } from "../backends/onnx/proto.js";
import { limits } from "../check/limits.js";
import { ImportError, unsupportedError } from "./errors.js";
import type { TensorToWrite } from "../weights/safetensors.js";
import {
  float32Text,
  labelFor,
  LayerList,
  normalizeText,
  strideDilationText,
  type ImportedLayer,
  type LayerGraph,
} from "./layer-graph.js";

/*
 * ONNX models (NCHW, as PyTorch exports them) as a graph of dsnet layers. Each ONNX node becomes
 * a layer, or folds into one (Sigmoid·Mul into silu, HardSigmoid·Mul into hardswish, MatMul and
 * its bias Add into fc, Reshape-Transpose-Reshape into shuffle, Split into slices), or is
 * evaluated here when it computes constants (Shape, Gather, Unsqueeze, Concat and arithmetic on
 * them: the chunk sizes PyTorch computes from a tensor's shape). Arithmetic by constants on a
 * feature map (the input's `(x - mean) / std`, or dsnet's own `normalize` exported as Mul and
 * Add) becomes `normalize`. Every tensor is checked against its dims before use; everything the
 * file holds is distrusted.
 */

/** The decoded protobuf, as far as the importer reads it (onnx.proto's field names). */
interface TensorProto {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  data_location?: string;
}
interface AttributeProto {
  name: string;
  type?: string;
  f?: number;
  i?: number;
  ints?: number[];
  floats?: number[];
  t?: TensorProto;
}
interface NodeProto {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProto[];
}
interface ValueInfoProto {
  name?: string;
  type?: {
    tensor_type?: {
      elem_type?: number;
      shape?: { dim?: { dim_value?: number; dim_param?: string }[] };
    };
  };
}
interface ModelProto {
  producer_name?: string;
  producer_version?: string;
  opset_import?: { domain?: string; version?: number }[];
  graph?: {
    name?: string;
    node?: NodeProto[];
    initializer?: TensorProto[];
    input?: ValueInfoProto[];
    output?: ValueInfoProto[];
  };
}

/** What the importer says about the model, for the header comment. */
export interface OnnxImport {
  graph: LayerGraph;
  /** Lines for the .dsnet file's header comment. */
  notes: string[];
}

/** Most layers an imported network may have (the structuring pass keeps a bit set per layer). */
const MAX_LAYERS = 20_000;

/** The operators the importer knows (some only in some forms). */
const KNOWN_OPS = new Set(
  [
    "Constant Identity Dropout Shape Gather Unsqueeze Squeeze Cast Sub Div Conv",
    "BatchNormalization Relu Clip LeakyRelu Sigmoid Tanh HardSigmoid HardSwish MaxPool",
    "AveragePool GlobalAveragePool GlobalMaxPool ReduceMean ReduceMax Flatten Reshape",
    "Transpose Gemm MatMul Softmax Add Mul Concat Slice Split Pad",
  ]
    .join(" ")
    .split(" "),
);

const FLOAT = 1;
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/** A value while translating: a constant, a feature map (a dsnet value), or a shuffle under way. */
type Value =
  | { kind: "const"; dims: number[]; data: Float64Array; int: boolean }
  | Feature
  | { kind: "grouped"; of: Feature; groups: number; transposed: boolean }
  | { kind: "unsupported" };

/** A dsnet value: [N, C, H, W], or [N, C] when `flat` (dsnet's 1x1xC). */
interface Feature {
  kind: "map";
  id: number;
  c: number;
  h: number;
  w: number;
  flat: boolean;
}

export function importOnnx(bytes: Uint8Array): OnnxImport {
  let model: ModelProto;
  try {
    model = decodeModel(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new ImportError(
      `not a readable ONNX model: the protobuf is truncated or damaged (${(e as Error).message})`,
    );
  }
  return new OnnxTranslator(model).translate();
}

class OnnxTranslator {
  private readonly values = new Map<string, Value>();
  private readonly layers = new LayerList();
  private readonly readers = new Map<string, number>();
  private readonly labels = new Set<string>();
  private readonly unsupported: string[] = [];
  /** Each `normalize` layer's scale and shift, and whether only Sub and Div made it. */
  private readonly scaling = new Map<
    ImportedLayer,
    { scale: number[]; shift: number[]; statistics: boolean }
  >();
  private readonly opset: number;
  /**
   * Whether dsnet wrote the model: its names then follow dsnet's layer names, and its Mul-Add
   * scaling may have been written `normalize mean= std=` or `scale= shift=`.
   */
  private readonly fromDsnet: boolean;
  private nextId = 0;
  private hasBatchNorm = false;
  private convBiases = 0;

  constructor(private readonly model: ModelProto) {
    const graph = model.graph;
    if (!graph || (graph.node ?? []).length === 0) {
      throw new ImportError("not an ONNX model: it has no graph, or a graph with no nodes");
    }
    const ai = (model.opset_import ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
    this.opset = ai?.version ?? 0;
    this.fromDsnet = model.producer_name === "dsnet";
    if (this.opset < 7)
      throw new ImportError(`ONNX opset ${this.opset}: dsnet imports opset 7 and later`);
  }

  translate(): OnnxImport {
    const graph = this.model.graph!;
    for (const t of graph.initializer ?? []) {
      this.values.set(t.name ?? "", readTensor(t, `initializer "${t.name}"`));
    }
    const input = this.readInput(graph.input ?? []);
    const nodes = sortNodes(graph.node ?? [], new Set(this.values.keys()));
    for (const n of nodes) {
      for (const i of n.input ?? []) if (i) this.readers.set(i, (this.readers.get(i) ?? 0) + 1);
    }
    for (const node of nodes) this.node(node);
    if (this.unsupported.length > 0) throw unsupportedError(this.unsupported, "node");
    const outputs = graph.output ?? [];
    if (outputs.length !== 1) {
      throw new ImportError(`the model has ${outputs.length} outputs; a dsnet network has one`);
    }
    const out = this.values.get(outputs[0].name ?? "");
    if (out?.kind !== "map") {
      throw new ImportError(
        `the model's output "${outputs[0].name}" is not a feature map dsnet computes`,
      );
    }
    const layers = this.layers.neededBy(out.id);
    if (layers.length > MAX_LAYERS) {
      throw new ImportError(
        `the model has ${layers.length} layers; dsnet imports at most ${MAX_LAYERS}`,
      );
    }
    const notes = [
      `producer ${[this.model.producer_name, this.model.producer_version].filter(Boolean).join(" ") || "unknown"}, opset ${this.opset}, NCHW input "${input.name}"`,
    ];
    if (!this.hasBatchNorm && this.convBiases > 0) {
      // Whether the source had batch norms the file cannot say: only that none is left.
      notes.push(
        "The model has no BatchNormalization nodes: any batch norm its source had is folded into",
        "the convolutions' weights and biases (bias=true below), and the summary counts no batch",
        "norm parameters.",
      );
    }
    return {
      graph: { input: input.id, inputShape: input.shape, output: out.id, layers },
      notes,
    };
  }

  /** The one graph input that is not an initializer: [N, C, H, W] floats. */
  private readInput(inputs: ValueInfoProto[]): {
    name: string;
    id: number;
    shape: [number, number, number];
  } {
    const real = inputs.filter((i) => !this.values.has(i.name ?? ""));
    if (real.length !== 1) {
      throw new ImportError(
        `the model has ${real.length} inputs (besides initializers); dsnet imports one`,
      );
    }
    const [info] = real;
    const name = info.name ?? "";
    const tensor = info.type?.tensor_type;
    if (tensor?.elem_type !== FLOAT) {
      throw new ImportError(`input "${name}" is not float32 (elem_type ${tensor?.elem_type})`);
    }
    const dims = tensor.shape?.dim ?? [];
    const [c, h, w] = dims.slice(1).map((d) => d.dim_value ?? 0);
    if (dims.length !== 4 || ![c, h, w].every((d) => Number.isInteger(d) && d > 0)) {
      const shape = dims.map((d) => d.dim_value || d.dim_param || "?").join("x");
      throw new ImportError(
        `input "${name}" is ${shape || "without a shape"}; dsnet imports an NCHW image input with fixed C, H and W`,
      );
    }
    if (c * h * w > limits.tensorElements || Math.max(c, h, w) > limits.index) {
      throw new ImportError(`input "${name}" is ${c}x${h}x${w}: too large`);
    }
    const feature = this.feature(c, h, w, false);
    this.values.set(name, feature);
    return { name, id: feature.id, shape: [h, w, c] };
  }

  private feature(c: number, h: number, w: number, flat: boolean): Feature {
    if (c * h * w > limits.tensorElements)
      throw new ImportError(`a value of ${c}x${h}x${w} is too large`);
    return { kind: "map", id: this.nextId++, c, h, w, flat };
  }

  /** Adds a layer reading `inputs` and writing a new value of the given shape. */
  private layer(
    text: string,
    inputs: Feature[],
    [c, h, w]: number[],
    extra: Partial<ImportedLayer> = {},
    flat = false,
  ): Feature {
    const out = this.feature(c, h, w, flat);
    this.layers.add(
      text,
      inputs.map((i) => i.id),
      out.id,
      extra,
    );
    return out;
  }

  private node(node: NodeProto): void {
    const op = node.op_type ?? "";
    const name = node.name || node.output?.[0] || op;
    const inputs = (node.input ?? []).map((i) => (i ? this.values.get(i) : undefined));
    const outputs = node.output ?? [];
    const fail = (why = "") => {
      this.unsupported.push(`${op} (${name}${why ? `: ${why}` : ""})`);
      for (const o of outputs) this.values.set(o, { kind: "unsupported" });
    };
    if (inputs.some((v) => v?.kind === "unsupported")) {
      // Downstream of a node it cannot express: only its own operator is worth reporting.
      if (!KNOWN_OPS.has(op)) return fail();
      for (const o of outputs) this.values.set(o, { kind: "unsupported" });
      return;
    }
    if (node.domain && node.domain !== "ai.onnx") return fail(`domain ${node.domain}`);
    try {
      const result = this.translateNode(op, node, name, inputs);
      if (result === undefined) return fail();
      if (typeof result === "string") return fail(result);
      const list = Array.isArray(result) ? result : [result];
      list.forEach((v, i) => outputs[i] && this.values.set(outputs[i], v));
    } catch (e) {
      if (e instanceof ImportError) throw new ImportError(`${op} node "${name}": ${e.message}`);
      throw e;
    }
  }

  /**
   * The value (or values) a node writes; a string says why it cannot be expressed, undefined
   * that its operator cannot.
   */
  private translateNode(
    op: string,
    node: NodeProto,
    name: string,
    inputs: (Value | undefined)[],
  ): Value | Value[] | string | undefined {
    const attrs = new Map((node.attribute ?? []).map((a) => [a.name, a]));
    const int = (key: string, fallback: number) => attrs.get(key)?.i ?? fallback;
    const float = (key: string, fallback: number) => attrs.get(key)?.f ?? fallback;
    const ints = (key: string) => attrs.get(key)?.ints;
    const [x] = inputs;
    const allConst = inputs.every((v) => v === undefined || v.kind === "const");

    if (op === "Constant") return constantOf(attrs);
    if (allConst && inputs.length > 0 && x !== undefined) {
      const folded = foldConstant(
        op,
        inputs as Extract<Value, { kind: "const" }>[],
        attrs,
        this.opset,
      );
      if (folded !== undefined) return folded;
    }
    if (op === "Shape" && x && (x.kind === "map" || x.kind === "const")) {
      const dims = x.kind === "map" ? (x.flat ? [1, x.c] : [1, x.c, x.h, x.w]) : x.dims;
      return { kind: "const", dims: [dims.length], data: Float64Array.from(dims), int: true };
    }
    if (x?.kind === "grouped") return this.grouped(op, x, inputs, attrs);
    if ((op === "Add" || op === "Mul") && x?.kind === "const" && inputs[1]?.kind === "map") {
      // c + x, c · x: the same as x + c, x · c
      return this.binary(op, inputs[1], x, { ...node, input: [...(node.input ?? [])].reverse() });
    }
    if (x?.kind !== "map")
      return x === undefined ? "no data input" : "a constant where dsnet needs a feature map";
    const spatial = [x.c, x.h, x.w];

    switch (op) {
      case "Identity":
      case "Dropout":
        return x;
      case "Pad": {
        // torch.onnx writes a Pad of nothing before F.avg_pool2d: whatever its mode, it copies.
        const pads = inputs[1];
        const values =
          this.opset < 11 ? ints("pads") : pads?.kind === "const" ? Array.from(pads.data) : null;
        if (!values) return "pads that are not a constant";
        return values.every((p) => p === 0) ? x : "pads that are not all zero";
      }
      case "Conv":
        return this.conv(node, name, x, inputs, attrs);
      case "BatchNormalization": {
        if ((node.output ?? []).filter(Boolean).length > 1 || int("training_mode", 0) !== 0) {
          return "training mode";
        }
        const [scale, bias, mean, variance] = inputs.slice(1).map((t) => this.vector(t, x.c, name));
        this.hasBatchNorm = true;
        const eps = float("epsilon", 1e-5);
        const tensors = [scale, bias, mean, variance].map((t, i) => ({
          name: node.input![i + 1],
          shape: [x.c],
          data: t,
        }));
        const text = Math.fround(eps) === Math.fround(1e-5) ? "bn" : `bn eps=${float32Text(eps)}`;
        return this.layer(text, [x], spatial, this.labelled(tensors, name), x.flat);
      }
      case "Relu":
        return this.layer("relu", [x], spatial, {}, x.flat);
      case "Clip": {
        const lo = this.opset >= 11 ? scalarOf(inputs[1], -Infinity) : float("min", -Infinity);
        const hi = this.opset >= 11 ? scalarOf(inputs[2], Infinity) : float("max", Infinity);
        if (lo === 0 && hi === 6) return this.layer("relu6", [x], spatial, {}, x.flat);
        if (lo === 0 && hi === Infinity) return this.layer("relu", [x], spatial, {}, x.flat);
        return `clips to [${lo}, ${hi}]; dsnet has relu (0, inf) and relu6 (0, 6)`;
      }
      case "LeakyRelu":
        return this.layer(
          `leaky_relu ${float32Text(float("alpha", 0.01))}`,
          [x],
          spatial,
          {},
          x.flat,
        );
      case "Sigmoid":
        return this.layer("sigmoid", [x], spatial, {}, x.flat);
      case "Tanh":
        return this.layer("tanh", [x], spatial, {}, x.flat);
      case "HardSigmoid": {
        const alpha = float("alpha", 0.2);
        const beta = float("beta", 0.5);
        if (Math.fround(alpha) !== Math.fround(1 / 6) || Math.fround(beta) !== 0.5) {
          return `alpha ${alpha}, beta ${beta}; dsnet's hardsigmoid is relu6(x + 3) / 6 (alpha 1/6, beta 0.5)`;
        }
        return this.layer("hardsigmoid", [x], spatial, {}, x.flat);
      }
      case "HardSwish":
        return this.layer("hardswish", [x], spatial, {}, x.flat);
      case "MaxPool":
      case "AveragePool":
        return this.pool(op, x, attrs, node);
      case "GlobalAveragePool":
        return this.layer("gap", [x], [x.c, 1, 1]);
      case "GlobalMaxPool":
        return this.layer("gmp", [x], [x.c, 1, 1]);
      case "ReduceMean":
      case "ReduceMax": {
        const axes = this.opset >= 18 ? intsOf(inputs[1]) : ints("axes");
        const normal = (axes ?? []).map((a) => (a < 0 ? a + 4 : a)).sort();
        if (x.flat || normal.join() !== "2,3")
          return `axes ${axes?.join(",")}; dsnet pools over height and width`;
        const keep = int("keepdims", 1) !== 0;
        return this.layer(op === "ReduceMean" ? "gap" : "gmp", [x], [x.c, 1, 1], {}, !keep);
      }
      case "Flatten": {
        if (int("axis", 1) !== 1) return `axis ${int("axis", 1)}; dsnet flattens from axis 1`;
        return this.flatten(x);
      }
      case "Reshape":
        return this.reshape(x, inputs[1], int("allowzero", 0));
      case "Squeeze":
      case "Unsqueeze": {
        const axes = (this.opset >= 13 ? intsOf(inputs[1]) : ints("axes")) ?? [];
        const normal = axes
          .map((a) => (a < 0 ? a + (op === "Squeeze" ? 4 : 2 + axes.length) : a))
          .sort();
        if (op === "Squeeze" && !x.flat && x.h === 1 && x.w === 1 && normal.join() === "2,3") {
          return { ...x, flat: true };
        }
        if (op === "Unsqueeze" && x.flat && normal.join() === "2,3") return { ...x, flat: false };
        return `axes ${axes.join(",")}`;
      }
      case "Gemm":
        return this.gemm(node, name, x, inputs, attrs);
      case "MatMul": {
        const b = inputs[1];
        if (b?.kind !== "const" || b.dims.length !== 2 || !(x.flat || (x.h === 1 && x.w === 1))) {
          return "dsnet's fc multiplies [N, C] by a constant weight";
        }
        const [inF, outF] = b.dims;
        if (inF !== x.c)
          throw new ImportError(`its weight is ${inF}x${outF} but its input has ${x.c} features`);
        const weight = transpose2d(b.data, inF, outF);
        const tensors = [{ name: node.input![1], shape: [outF, inF], data: weight }];
        return this.layer(
          `fc ${outF} bias=false`,
          [x],
          [outF, 1, 1],
          this.labelled(tensors, name),
          true,
        );
      }
      case "Softmax": {
        const axis = int("axis", this.opset >= 13 ? -1 : 1);
        const rank = x.flat ? 2 : 4;
        const onChannels = axis === 1 || axis === 1 - rank;
        const flatAll = this.opset < 13 && axis === 1 && x.h === 1 && x.w === 1;
        if (!onChannels && !flatAll) return `axis ${axis}; dsnet's softmax is over channels`;
        return this.layer("softmax", [x], spatial, {}, x.flat);
      }
      case "Add":
      case "Mul":
      case "Sub":
      case "Div":
        return this.binary(op, x, inputs[1], node);
      case "Concat": {
        const axis = int("axis", 1);
        const parts = inputs.filter((v): v is Feature => v?.kind === "map");
        if (parts.length !== inputs.length) return "a constant among its inputs";
        const rank = x.flat ? 2 : 4;
        if (axis !== 1 && axis !== 1 - rank) return `axis ${axis}; dsnet concatenates channels`;
        if (parts.some((p) => p.h !== x.h || p.w !== x.w))
          throw new ImportError("its inputs differ in height or width");
        const c = parts.reduce((s, p) => s + p.c, 0);
        return this.layer("concat", parts, [c, x.h, x.w], { join: "concat" }, x.flat);
      }
      case "Slice":
        return this.sliceNode(x, inputs, attrs);
      case "Split":
        return this.split(x, node, inputs, attrs);
      default:
        return undefined;
    }
  }

  private conv(
    node: NodeProto,
    name: string,
    x: Feature,
    inputs: (Value | undefined)[],
    attrs: Map<string, AttributeProto>,
  ): Value | string {
    const weight = inputs[1];
    if (weight?.kind !== "const" || weight.dims.length !== 4)
      return "a weight that is not a 4-D initializer";
    const [out, perGroup, kh, kw] = weight.dims;
    const groups = attrs.get("group")?.i ?? 1;
    if (!(groups > 0) || x.c % groups !== 0 || out % groups !== 0 || x.c / groups !== perGroup) {
      throw new ImportError(
        `its weight is ${weight.dims.join("x")} with group ${groups}, which does not fit an input of ${x.c} channels`,
      );
    }
    const stride = attrs.get("strides")?.ints ?? [1, 1];
    const dilation = attrs.get("dilations")?.ints ?? [1, 1];
    if (stride.length !== 2 || dilation.length !== 2) return "not a 2-D convolution";
    const window = this.window(attrs, x, [kh, kw], stride, dilation);
    if (typeof window === "string") return window;
    const tensors: TensorToWrite[] = [
      { name: node.input![1], shape: weight.dims, data: Float32Array.from(weight.data) },
    ];
    const bias = inputs[2];
    if (bias !== undefined) {
      tensors.push({ name: node.input![2], shape: [out], data: this.vector(bias, out, name) });
      this.convBiases++;
    }
    const k = `${kh}x${kw}`;
    const pointwise = kh === 1 && kw === 1 && groups === 1 && window.isDefault("same");
    let text =
      groups === x.c && groups > 1
        ? `dw ${k}${out === x.c ? "" : ` mult=${out / x.c}`}`
        : pointwise
          ? `pw ${out}`
          : `conv ${k} ${out}${groups === 1 ? "" : ` groups=${groups}`}`;
    if (!text.startsWith("pw")) text += window.text("same");
    if (bias !== undefined) text += " bias=true";
    return this.layer(text, [x], [out, window.h, window.w], this.labelled(tensors, name));
  }

  /** The stride, dilation and padding of a conv or pool, as dsnet writes them, and its output. */
  private window(
    attrs: Map<string, AttributeProto>,
    x: Feature,
    [kh, kw]: number[],
    stride: number[],
    dilation: number[],
    ceil = false,
  ) {
    const all = [kh, kw, ...stride, ...dilation];
    if (!all.every((v) => Number.isInteger(v) && v > 0 && v <= limits.index))
      return "a kernel, stride or dilation that is not a positive integer";
    const autoPad = attrs.get("auto_pad");
    const mode = autoPad
      ? new TextDecoder().decode((autoPad as { s?: Uint8Array }).s ?? new Uint8Array())
      : "NOTSET";
    const size = [x.h, x.w];
    const spans = [0, 1].map((a) => dilation[a] * ([kh, kw][a] - 1) + 1);
    const sameUpper = [0, 1].map((a) => {
      const total = Math.max(
        0,
        (Math.ceil(size[a] / stride[a]) - 1) * stride[a] + spans[a] - size[a],
      );
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
    let pads: number[]; // top, bottom, left, right
    if (mode === "NOTSET" || mode === "") {
      const p = attrs.get("pads")?.ints ?? [0, 0, 0, 0];
      if (p.length !== 4 || !p.every((v) => Number.isInteger(v) && v >= 0 && v <= limits.index))
        return "pads that are not four non-negative integers";
      pads = [p[0], p[2], p[1], p[3]];
    } else if (mode === "VALID") {
      pads = [0, 0, 0, 0];
    } else if (mode === "SAME_UPPER" || mode === "SAME_LOWER") {
      const [[t, b], [l, r]] = sameUpper;
      pads = mode === "SAME_UPPER" ? [t, b, l, r] : [b, t, r, l];
    } else {
      return `auto_pad ${mode}`;
    }
    const outOf = (a: number, round: (v: number) => number) =>
      round((size[a] + pads[2 * a] + pads[2 * a + 1] - spans[a]) / stride[a]) + 1;
    const h = outOf(0, Math.floor);
    const w = outOf(1, Math.floor);
    if (ceil && (outOf(0, Math.ceil) !== h || outOf(1, Math.ceil) !== w))
      return "ceil_mode=1 changes the output size";
    if (!(h > 0 && w > 0)) throw new ImportError(`its window does not fit its ${x.h}x${x.w} input`);
    const dsnetSame = spans.flatMap((s) => [
      Math.floor((s - 1) / 2),
      s - 1 - Math.floor((s - 1) / 2),
    ]);
    const equal = (a: number[]) => a.every((v, i) => v === pads[i]);
    const padText = (fallback: "same" | "valid") => {
      if (fallback === "same" && equal(dsnetSame)) return "";
      if (pads.every((p) => p === 0)) return fallback === "valid" ? "" : " valid";
      if (pads.every((p) => p === pads[0])) return ` pad=${pads[0]}`;
      if (equal(dsnetSame)) return " pad=same";
      if (equal(sameUpper.flat())) return " pad=same_upper";
      return ` pad=[${pads.join(", ")}]`;
    };
    return {
      h,
      w,
      isDefault: (fallback: "same" | "valid") =>
        padText(fallback) === "" && stride.every((s) => s === 1) && dilation.every((d) => d === 1),
      text: (fallback: "same" | "valid", defaultStride = [1, 1]) =>
        `${strideDilationText(stride, dilation, defaultStride)}${padText(fallback)}`,
    };
  }

  private pool(
    op: string,
    x: Feature,
    attrs: Map<string, AttributeProto>,
    node: NodeProto,
  ): Value | string {
    const kernel = attrs.get("kernel_shape")?.ints ?? [];
    if (kernel.length !== 2) return "not a 2-D pool";
    if ((node.output ?? []).filter(Boolean).length > 1) return "an indices output";
    const stride = attrs.get("strides")?.ints ?? [1, 1];
    const dilation = attrs.get("dilations")?.ints ?? [1, 1];
    if (dilation.some((d) => d !== 1)) return "dilation";
    const window = this.window(
      attrs,
      x,
      kernel,
      stride,
      dilation,
      (attrs.get("ceil_mode")?.i ?? 0) !== 0,
    );
    if (typeof window === "string") return window;
    const padded = window.text("valid").includes("pad=") || window.text("valid").includes("same");
    if (op === "AveragePool" && padded && (attrs.get("count_include_pad")?.i ?? 0) !== 0) {
      return "count_include_pad=1 with padding; dsnet's avgpool leaves padding out of the count";
    }
    const text = `${op === "MaxPool" ? "maxpool" : "avgpool"} ${kernel[0]}x${kernel[1]}${window.text("valid", kernel)}`;
    return this.layer(text, [x], [x.c, window.h, window.w]);
  }

  private gemm(
    node: NodeProto,
    name: string,
    x: Feature,
    inputs: (Value | undefined)[],
    attrs: Map<string, AttributeProto>,
  ): Value | string {
    const b = inputs[1];
    const at = (k: string, d: number) => attrs.get(k)?.i ?? d;
    const af = (k: string, d: number) => attrs.get(k)?.f ?? d;
    if (b?.kind !== "const" || b.dims.length !== 2) return "a weight that is not a 2-D initializer";
    if (at("transA", 0) !== 0 || af("alpha", 1) !== 1 || af("beta", 1) !== 1)
      return "transA, alpha or beta";
    if (!x.flat && (x.h !== 1 || x.w !== 1)) return "an input with height and width";
    const transB = at("transB", 0) !== 0;
    const [outF, inF] = transB ? b.dims : [b.dims[1], b.dims[0]];
    if (inF !== x.c)
      throw new ImportError(`its weight is ${b.dims.join("x")} but its input has ${x.c} features`);
    const weight = transB ? Float32Array.from(b.data) : transpose2d(b.data, inF, outF);
    const tensors = [{ name: node.input![1], shape: [outF, inF], data: weight }];
    const c = inputs[2];
    if (c !== undefined)
      tensors.push({ name: node.input![2], shape: [outF], data: this.vector(c, outF, name) });
    const text = `fc ${outF}${c === undefined ? " bias=false" : ""}`;
    return this.layer(text, [x], [outF, 1, 1], this.labelled(tensors, name), true);
  }

  /** Add and Mul: a join of two maps, an activation's gate (silu, hardswish), or an fc's bias. */
  private binary(op: string, x: Feature, y: Value | undefined, node: NodeProto): Value | string {
    if (y?.kind === "const") {
      const fc = this.layers.producer(x.id);
      if (
        op === "Add" &&
        fc?.text.endsWith(" bias=false") &&
        this.readers.get(node.input![0]) === 1
      ) {
        const out = Number(fc.text.split(" ")[1]);
        fc.tensors.push({
          name: node.input![1],
          shape: [out],
          data: this.vector(y, out, node.name ?? ""),
        });
        fc.text = fc.text.replace(" bias=false", "");
        return x;
      }
      return this.normalize(op, x, y, this.readers.get(node.input![0]) === 1);
    }
    if (y?.kind !== "map") return "no second operand";
    if (op === "Sub" || op === "Div")
      return "two feature maps; dsnet subtracts and divides by constants";
    if (op === "Mul") {
      for (const [a, gate, gateName] of [
        [x, y, node.input![1]],
        [y, x, node.input![0]],
      ] as const) {
        const layer = this.layers.producer(gate.id);
        const fused =
          layer?.text === "sigmoid" ? "silu" : layer?.text === "hardsigmoid" ? "hardswish" : null;
        if (fused && layer!.inputs[0] === a.id && this.readers.get(gateName) === 1) {
          layer!.text = fused;
          return gate;
        }
      }
    }
    const same = x.c === y.c && x.h === y.h && x.w === y.w;
    const gated =
      op === "Mul" && x.c === y.c && ((y.h === 1 && y.w === 1) || (x.h === 1 && x.w === 1));
    if (!same && !gated) {
      throw new ImportError(`its operands are ${x.c}x${x.h}x${x.w} and ${y.c}x${y.h}x${y.w}`);
    }
    const big = x.h * x.w >= y.h * y.w ? x : y;
    const join = op === "Add" ? "add" : "mul";
    const shortcut = op === "Add" && this.isShortcut(node);
    return this.layer(join, [x, y], [big.c, big.h, big.w], { join, shortcut }, x.flat && y.flat);
  }

  /**
   * Whether an Add is dsnet's `residual { body } shortcut { path }`: dsnet names the add
   * `R.add`, the body's layers `R` or `R.*` and the shortcut's `R.shortcut` or `R.shortcut.*`
   * (`shortcut` is a keyword, so no label is), and each value after the node that writes it;
   * an `add { } { }` names its branches `R.branch1`, `R.branch2`.
   */
  private isShortcut(node: NodeProto): boolean {
    const residual = this.fromDsnet && node.name?.endsWith(".add") && node.name.slice(0, -4);
    if (!residual) return false;
    const within = (value: string, scope: string) =>
      value === scope || value.startsWith(`${scope}.`) || value.startsWith(`${scope}/`);
    const [body, path] = node.input ?? [];
    const shortcut = `${residual}.shortcut`;
    return within(body, residual) && !within(body, shortcut) && within(path, shortcut);
  }

  /**
   * x + c, x - c, x · c or x / c by a constant of one value or one per channel, as `normalize`:
   * merged into the normalize layer that computed x when nothing else reads x (`alone`), so that
   * `(x - mean) / std` and dsnet's own export (Mul, then Add) are one layer.
   */
  private normalize(
    op: string,
    x: Feature,
    c: Extract<Value, { kind: "const" }>,
    alone: boolean,
  ): Value | string {
    const rank = x.flat ? 2 : 4;
    const dims = [...new Array<number>(Math.max(0, rank - c.dims.length)).fill(1), ...c.dims];
    const perChannel =
      dims.length === rank && dims.every((d, i) => d === 1 || (i === 1 && d === x.c));
    if (!perChannel) {
      return `a constant of dims [${c.dims.join(", ")}]; dsnet scales by one value or one per channel ([C, 1, 1])`;
    }
    const v = Array.from({ length: x.c }, (_, i) => c.data[c.data.length === 1 ? 0 : i]);
    const [scale, shift] =
      op === "Mul"
        ? [v, v.map(() => 0)]
        : op === "Div"
          ? [v.map((d) => 1 / d), v.map(() => 0)]
          : [v.map(() => 1), op === "Sub" ? v.map((d) => -d) : v];
    if (!scale.every((s) => Number.isFinite(s) && s !== 0)) {
      return "a scale of zero or a division by zero";
    }
    const statistics = op === "Sub" || op === "Div";
    const before = this.layers.producer(x.id);
    const merged = before && this.scaling.get(before);
    if (before && merged && alone) {
      // (x·a + b)·s + t
      merged.scale = merged.scale.map((a, i) => a * scale[i]);
      merged.shift = merged.shift.map((b, i) => b * scale[i] + shift[i]);
      merged.statistics &&= statistics;
      before.text = normalizeText({ ...merged, eitherForm: this.fromDsnet });
      return x;
    }
    const values = { scale, shift, statistics };
    const text = normalizeText({ ...values, eitherForm: this.fromDsnet });
    const out = this.layer(text, [x], [x.c, x.h, x.w], {}, x.flat);
    this.scaling.set(this.layers.producer(out.id)!, values);
    return out;
  }

  private flatten(x: Feature): Feature {
    if (x.h === 1 && x.w === 1) return { ...x, flat: true };
    return this.layer("flatten", [x], [x.c * x.h * x.w, 1, 1], {}, true);
  }

  /** Reshape: a flatten, a no-op, or the first step of a channel shuffle. */
  private reshape(x: Feature, shapeValue: Value | undefined, allowZero: number): Value | string {
    const target = intsOf(shapeValue);
    if (!target) return "a shape that is not a constant";
    const from = x.flat ? [1, x.c] : [1, x.c, x.h, x.w];
    const dims = resolveShape(from, target, allowZero);
    if (!dims) throw new ImportError(`cannot reshape ${from.join("x")} to ${target.join("x")}`);
    const rest = dims.slice(1);
    if (rest.length === 1 && rest[0] === x.c * x.h * x.w) return this.flatten(x);
    if (rest.length === 3 && rest[0] === x.c && rest[1] === x.h && rest[2] === x.w)
      return { ...x, flat: false };
    if (
      rest.length === 4 &&
      !x.flat &&
      rest[0] * rest[1] === x.c &&
      rest[2] === x.h &&
      rest[3] === x.w
    ) {
      return { kind: "grouped", of: x, groups: rest[0], transposed: false };
    }
    return `to ${dims.join("x")} from ${from.join("x")}`;
  }

  /** The rest of a channel shuffle: Transpose(0, 2, 1, 3, 4), then Reshape back to NCHW. */
  private grouped(
    op: string,
    x: Extract<Value, { kind: "grouped" }>,
    inputs: (Value | undefined)[],
    attrs: Map<string, AttributeProto>,
  ): Value | string {
    if (op === "Transpose" && !x.transposed && attrs.get("perm")?.ints?.join() === "0,2,1,3,4") {
      return { ...x, transposed: true };
    }
    if (op === "Reshape" && x.transposed) {
      const { c, h, w } = x.of;
      const dims = resolveShape([1, x.groups, c / x.groups, h, w], intsOf(inputs[1]) ?? [], 0);
      if (dims?.join() === [1, c, h, w].join())
        return this.layer(`shuffle ${x.groups}`, [x.of], [c, h, w]);
    }
    return "a 5-D tensor that is not a channel shuffle (Reshape to [N, g, C/g, H, W], Transpose 0 2 1 3 4, Reshape back)";
  }

  private sliceNode(
    x: Feature,
    inputs: (Value | undefined)[],
    attrs: Map<string, AttributeProto>,
  ): Value | string {
    const old = this.opset < 10;
    const starts = old ? attrs.get("starts")?.ints : intsOf(inputs[1]);
    const ends = old ? attrs.get("ends")?.ints : intsOf(inputs[2]);
    const axes = (old ? attrs.get("axes")?.ints : intsOf(inputs[3])) ?? starts?.map((_, i) => i);
    const steps = old ? undefined : intsOf(inputs[4]);
    if (
      !starts ||
      !ends ||
      !axes ||
      starts.length !== 1 ||
      ends.length !== 1 ||
      axes.length !== 1
    ) {
      return "bounds that are not constants on one axis";
    }
    const rank = x.flat ? 2 : 4;
    if (axes[0] !== 1 && axes[0] !== 1 - rank) return `axis ${axes[0]}; dsnet slices channels`;
    if (steps && steps.some((s) => s !== 1)) return "a step other than 1";
    const clamp = (v: number) => Math.min(x.c, Math.max(0, v < 0 ? v + x.c : v));
    return this.slice(x, clamp(starts[0]), clamp(ends[0]));
  }

  private slice(x: Feature, start: number, end: number): Value {
    if (end <= start) throw new ImportError(`it keeps no channels (${start} to ${end})`);
    if (start === 0 && end === x.c) return x;
    return this.layer(
      `slice ${start} ${end}`,
      [x],
      [end - start, x.h, x.w],
      { slice: { start, end, of: x.c } },
      x.flat,
    );
  }

  private split(
    x: Feature,
    node: NodeProto,
    inputs: (Value | undefined)[],
    attrs: Map<string, AttributeProto>,
  ): Value[] | string {
    const axis = attrs.get("axis")?.i ?? 0;
    if (axis !== 1 && axis !== (x.flat ? -1 : -3)) return `axis ${axis}; dsnet splits channels`;
    const n = (node.output ?? []).length;
    let sizes = this.opset >= 13 ? intsOf(inputs[1]) : attrs.get("split")?.ints;
    if (!sizes || sizes.length === 0) {
      if (x.c % n !== 0) return `${x.c} channels into ${n} equal parts`;
      sizes = Array.from({ length: n }, () => x.c / n);
    }
    if (
      sizes.length !== n ||
      sizes.reduce((a, b) => a + b, 0) !== x.c ||
      sizes.some((s) => s <= 0)
    ) {
      throw new ImportError(`its parts ${sizes.join(", ")} do not add up to ${x.c} channels`);
    }
    let at = 0;
    return sizes.map((s) => this.slice(x, at, (at += s)));
  }

  /** A constant of `n` floats (a bias, a batch norm's vector), checked. */
  private vector(v: Value | undefined, n: number, node: string): Float32Array {
    if (v?.kind !== "const" || v.data.length !== n) {
      const has = v?.kind === "const" ? `${v.data.length} values` : "no constant";
      throw new ImportError(`${node}: expected a constant of ${n} values, found ${has}`);
    }
    return Float32Array.from(v.data);
  }

  /** A label from the weights' names (`features.0.0.weight` → `features_0_0`), else the node's. */
  private labelled(tensors: ImportedLayer["tensors"], node: string): Partial<ImportedLayer> {
    const first = tensors[0].name;
    const fromWeights = /^[A-Za-z_][\w.]*\.weight$/.test(first)
      ? first.replace(/\.weight$/, "")
      : null;
    if (fromWeights) return { tensors, label: labelFor(fromWeights, this.labels) };
    // PyTorch names a node after its module's scopes, /features/features.1/conv/conv.0/Conv:
    // a scope that extends the one before it replaces it (features.1.conv.0).
    const scopes: string[] = [];
    for (const part of node.split("/").filter(Boolean).slice(0, -1)) {
      if (scopes.length > 0 && part.startsWith(`${scopes[scopes.length - 1]}.`)) scopes.pop();
      scopes.push(part);
    }
    const base = scopes.join(".") || node;
    return {
      tensors,
      label: labelFor(base, this.labels),
      comment: `${tensors.map((t) => t.name).join(", ")}`,
    };
  }
}

/** The tensor's values, after checking that its dims and its data agree. */
function readTensor(t: TensorProto, what: string): Extract<Value, { kind: "const" }> {
  const dims = t.dims ?? [];
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ImportError(`${what} has dims ${dims.join("x")}: not non-negative integers`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > limits.weightElements) {
    throw new ImportError(`${what} has dims ${dims.join("x")} (${count} values): too large`);
  }
  if (t.data_location === "EXTERNAL")
    throw new ImportError(`${what} is stored outside the file (external data)`);
  const type = t.data_type ?? 0;
  const raw = t.raw_data ?? new Uint8Array();
  const sizes: Record<number, number> = { 1: 4, 6: 4, 7: 8, 11: 8 };
  const int = INT_TYPES.has(type);
  const size = sizes[type];
  if (size === undefined)
    throw new ImportError(
      `${what} has data type ${type}; dsnet reads float32, float64, int32 and int64`,
    );
  let data: Float64Array;
  if (raw.length > 0) {
    if (raw.length !== count * size) {
      throw new ImportError(
        `${what} has dims ${dims.join("x")} (${count} values) but ${raw.length} bytes of data, not ${count * size}`,
      );
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      data[i] =
        type === FLOAT
          ? view.getFloat32(i * 4, true)
          : type === 6
            ? view.getInt32(i * 4, true)
            : type === 7
              ? Number(view.getBigInt64(i * 8, true))
              : view.getFloat64(i * 8, true);
    }
  } else {
    const list =
      type === FLOAT
        ? t.float_data
        : type === 6
          ? t.int32_data
          : type === 7
            ? t.int64_data
            : t.double_data;
    const values = list ?? [];
    if (values.length !== count) {
      throw new ImportError(
        `${what} has dims ${dims.join("x")} (${count} values) but ${values.length} values of data`,
      );
    }
    data = Float64Array.from(values);
  }
  return { kind: "const", dims, data, int };
}

function constantOf(attrs: Map<string, AttributeProto>): Value | string {
  const t = attrs.get("value")?.t;
  if (t) return readTensor(t, "a Constant's value");
  const f = attrs.get("value_float")?.f;
  if (f !== undefined) return { kind: "const", dims: [], data: Float64Array.of(f), int: false };
  const fs = attrs.get("value_floats")?.floats;
  if (fs) return { kind: "const", dims: [fs.length], data: Float64Array.from(fs), int: false };
  const i = attrs.get("value_int")?.i;
  if (i !== undefined) return { kind: "const", dims: [], data: Float64Array.of(i), int: true };
  const is = attrs.get("value_ints")?.ints;
  if (is) return { kind: "const", dims: [is.length], data: Float64Array.from(is), int: true };
  return "a value dsnet does not read";
}

/** Operators on small constants (shapes and their arithmetic), evaluated here. */
function foldConstant(
  op: string,
  inputs: Extract<Value, { kind: "const" }>[],
  attrs: Map<string, AttributeProto>,
  opset: number,
): Value | undefined {
  const [a, b] = inputs;
  const small = inputs.every((v) => v.data.length <= 64);
  if (!small) return undefined;
  const make = (dims: number[], data: ArrayLike<number>, int = a.int): Value => ({
    kind: "const",
    dims,
    data: Float64Array.from(data),
    int,
  });
  switch (op) {
    case "Identity":
      return a;
    case "Cast": {
      const to = attrs.get("to")?.i ?? FLOAT;
      const int = INT_TYPES.has(to);
      return make(a.dims, int ? Array.from(a.data, Math.trunc) : a.data, int);
    }
    case "Shape":
      return make([a.dims.length], a.dims, true);
    case "Gather": {
      if (!b || a.dims.length !== 1 || (attrs.get("axis")?.i ?? 0) !== 0) return undefined;
      const picked = Array.from(b.data, (i) => a.data[i < 0 ? i + a.data.length : i]);
      if (picked.some((v) => v === undefined)) return undefined;
      return make(b.dims, picked);
    }
    case "Unsqueeze":
    case "Squeeze": {
      const axes = opset >= 13 ? b && Array.from(b.data) : attrs.get("axes")?.ints;
      const count = a.data.length;
      if (op === "Unsqueeze")
        return make(
          [...a.dims, ...(axes ?? []).map(() => 1)].slice(
            0,
            Math.max(1, a.dims.length + (axes?.length ?? 0)),
          ),
          a.data,
        );
      return make(count === 1 ? [] : [count], a.data);
    }
    case "Concat":
      return make(
        [inputs.reduce((s, v) => s + v.data.length, 0)],
        inputs.flatMap((v) => Array.from(v.data)),
      );
    case "Add":
    case "Sub":
    case "Mul":
    case "Div": {
      if (!b) return undefined;
      const n = Math.max(a.data.length, b.data.length);
      if (a.data.length !== n && a.data.length !== 1) return undefined;
      if (b.data.length !== n && b.data.length !== 1) return undefined;
      const at = (v: Float64Array, i: number) => v[v.length === 1 ? 0 : i];
      const int = a.int && b.int;
      const f = (p: number, q: number) =>
        op === "Add"
          ? p + q
          : op === "Sub"
            ? p - q
            : op === "Mul"
              ? p * q
              : int
                ? Math.trunc(p / q)
                : p / q;
      return make(
        a.data.length >= b.data.length ? a.dims : b.dims,
        Array.from({ length: n }, (_, i) => f(at(a.data, i), at(b.data, i))),
        int,
      );
    }
    default:
      return undefined;
  }
}

/** A Reshape's target with 0 (copy, unless allowzero) and -1 (the rest) resolved. */
function resolveShape(from: number[], target: number[], allowZero: number): number[] | null {
  const total = from.reduce((a, b) => a * b, 1);
  const dims = target.map((d, i) => (d === 0 && !allowZero ? from[i] : d));
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1 || dims.some((d) => d === undefined || d < -1 || !Number.isInteger(d)))
    return null;
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) return null;
    return dims.map((d) => (d === -1 ? total / known : d));
  }
  return known === total ? dims : null;
}

function intsOf(v: Value | undefined): number[] | undefined {
  return v?.kind === "const" && v.data.length <= 64 ? Array.from(v.data) : undefined;
}

function scalarOf(v: Value | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  return v.kind === "const" && v.data.length === 1 ? v.data[0] : NaN;
}

function transpose2d(data: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/**
 * The nodes in an order where each comes after those it reads (ONNX requires it, but a file may
 * not keep it). A value no node, initializer or input writes, or a cycle, is an error.
 */
function sortNodes(nodes: NodeProto[], known: Set<string>): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (!o) continue;
      if (producer.has(o) || known.has(o))
        throw new ImportError(`value "${o}" is written twice (by node "${n.name}")`);
      producer.set(o, i);
    }
  });
  const waiting = new Int32Array(nodes.length);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const input of n.input ?? []) {
      if (!input || known.has(input)) continue;
      const p = producer.get(input);
      if (p === undefined)
        throw new ImportError(
          `node "${n.name}" (${n.op_type}) reads "${input}", which no node, initializer or graph input writes`,
        );
      waiting[i]++;
      dependents[p].push(i);
    }
  });
  const order: NodeProto[] = [];
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(nodes[i]);
    for (const d of dependents[i]) if (--waiting[d] === 0) ready.push(d);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((_, i) => waiting[i] > 0).map((n) => `"${n.name}"`);
    throw new ImportError(
      `the graph has a cycle: ${stuck.slice(0, 8).join(", ")}${stuck.length > 8 ? ", ..." : ""} wait on each other`,
    );
  }
  return order;
}
