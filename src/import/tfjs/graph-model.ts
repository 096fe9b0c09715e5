import { limits } from "../../check/limits.js";
import { ImportError, unsupportedError } from "../errors.js";
import type { LayerGraph } from "../layer-graph.js";
import { ACTIVATIONS, LayerBuilder, type Feature, type Pads, type TfPadding } from "./builder.js";
import { preview } from "../../weights/elements.js";
import { isObject, type TfjsModel } from "./model-json.js";

/*
 * A TF.js graph model (a TensorFlow GraphDef as JSON, weights as its Const nodes' values) as a
 * graph of dsnet layers. Convolutions with their fused BiasAdd, batch norm and activation,
 * batch norms, pools, MatMul with its bias, joins, and arithmetic by constants on a feature map
 * (MobileNet's x * 2 - 1 preprocessing: `normalize`) are translated; every other operator is
 * listed by name and type in one error.
 */

/** A node's attributes as its JSON has them: read only through the checked accessors below. */
type Attrs = Record<string, unknown>;

interface NodeDef {
  name: string;
  op: string;
  input: string[];
  attr: Attrs;
}

type Const = { kind: "const"; shape: number[]; data: Float32Array };
type Value = Feature | Const | { kind: "pad"; of: Feature; pads: Pads } | { kind: "unsupported" };

const MAX_NODES = 100_000;

/** Operators with nothing to compute at inference. */
const PASS = new Set(["Identity", "StopGradient", "Snapshot", "PreventGradient"]);

export function importGraphModel(model: TfjsModel): { graph: LayerGraph; notes: string[] } {
  const nodes = readNodes(model.topology);
  const b = new LayerBuilder();
  const values = new Map<string, Value>();
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.input) readers.set(i, (readers.get(i) ?? 0) + 1);
  const unsupported: string[] = [];
  let input: Feature | undefined;
  for (const node of nodes) {
    const ins = node.input.map((i) => values.get(i)!);
    if (ins.some((v) => "kind" in v && v.kind === "unsupported")) {
      values.set(node.name, { kind: "unsupported" });
      continue;
    }
    try {
      let result: Value | string;
      if (node.op === "Placeholder") {
        if (input) throw new ImportError(`a second input "${node.name}"; dsnet imports one`);
        result = input = placeholder(b, node);
      } else if (node.op === "Const") {
        result = constOf(node, model);
      } else {
        result = translate(b, node, ins, (name) => readers.get(name) ?? 0);
      }
      if (typeof result === "string") {
        unsupported.push(`${node.op} (${node.name}${result ? `: ${result}` : ""})`);
        values.set(node.name, { kind: "unsupported" });
      } else {
        values.set(node.name, result);
      }
    } catch (e) {
      if (e instanceof ImportError)
        throw new ImportError(`${node.op} node "${node.name}": ${e.message}`);
      throw e;
    }
  }
  if (unsupported.length > 0) throw unsupportedError(unsupported, "node");
  if (!input) throw new ImportError("the graph has no Placeholder input");
  const outputs = nodes.filter((n) => !readers.has(n.name) && n.op !== "Const" && n.op !== "NoOp");
  if (outputs.length !== 1) {
    throw new ImportError(
      `the graph has ${outputs.length} outputs (${outputs
        .slice(0, 5)
        .map((n) => n.name)
        .join(", ")}); a dsnet network has one`,
    );
  }
  const out = values.get(outputs[0].name);
  if (!out || "kind" in out)
    throw new ImportError(
      `the graph's output "${outputs[0].name}" is not a feature map dsnet computes`,
    );
  return { graph: b.graph(input, out), notes: [`graph model, ${model.producer}`] };
}

/** The nodes, inputs as node names (`x:0` and control inputs `^x` resolved), in an order that runs. */
function readNodes(topology: Record<string, unknown>): NodeDef[] {
  const list = topology.node;
  if (!Array.isArray(list))
    throw new ImportError("its modelTopology has no node list (a GraphDef)");
  if (list.length > MAX_NODES)
    throw new ImportError(`its graph has ${list.length} nodes; dsnet imports at most ${MAX_NODES}`);
  const nodes: NodeDef[] = list.map((n, i) => {
    if (
      typeof n !== "object" ||
      n === null ||
      typeof n.name !== "string" ||
      typeof n.op !== "string"
    ) {
      throw new ImportError(
        `node ${i} of its graph is ${preview(n)}, not a node with a name and an op`,
      );
    }
    const inputs = Array.isArray(n.input)
      ? n.input.filter((s: unknown) => typeof s === "string" && !s.startsWith("^"))
      : [];
    const input = inputs.map((s: string) => {
      const m = /^(.*?)(?::(\d+))?$/.exec(s)!;
      if (m[2] !== undefined && m[2] !== "0" && !/^FusedBatchNorm/.test(n.op)) {
        throw new ImportError(
          `node "${n.name}" reads output ${m[2]} of "${m[1]}"; dsnet reads first outputs only`,
        );
      }
      return m[1];
    });
    if (n.attr != null && !isObject(n.attr))
      throw new ImportError(`node "${n.name}" has attributes ${preview(n.attr)}, not an object`);
    return { name: n.name, op: n.op, input, attr: n.attr ?? {} };
  });
  const byName = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (byName.has(n.name)) throw new ImportError(`two nodes are named "${n.name}"`);
    byName.set(n.name, i);
  });
  const waiting = new Int32Array(nodes.length);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const input of n.input) {
      const p = byName.get(input);
      if (p === undefined)
        throw new ImportError(`node "${n.name}" (${n.op}) reads "${input}", which no node writes`);
      waiting[i]++;
      dependents[p].push(i);
    }
  });
  const order: NodeDef[] = [];
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  for (let k = 0; k < ready.length; k++) {
    order.push(nodes[ready[k]]);
    for (const d of dependents[ready[k]]) if (--waiting[d] === 0) ready.push(d);
  }
  if (order.length !== nodes.length) throw new ImportError("its graph has a cycle");
  return order;
}

/*
 * Attributes, checked: each accessor checks the JSON types protobuf gives the field it reads
 * (bytes as base64 strings, 64-bit integers as strings or numbers, repeated fields as lists) and
 * names the attribute where one is wrong. A null field is protobuf's absent one.
 */

/** The field at `path` in the attribute `key` (`strides`, `list`, `i`), undefined if absent. */
function field(attr: Attrs, key: string, ...path: string[]): unknown {
  let v = attr[key];
  for (let k = 0; k < path.length && v != null; k++) {
    if (!isObject(v)) throw wrong([key, ...path.slice(0, k)].join("."), v, "an object");
    v = v[path[k]];
  }
  return v ?? undefined;
}

function wrong(where: string, value: unknown, what: string): ImportError {
  return new ImportError(`its attribute ${where} is ${preview(value)}, not ${what}`);
}

/**
 * The list at `path` (the attribute's name first), each entry read by `entry`, which returns
 * undefined for an entry that is not `what`.
 */
function listOf<T>(
  attr: Attrs,
  [key, ...path]: string[],
  entry: (v: unknown) => T | undefined,
  what: string,
): T[] | undefined {
  const where = [key, ...path].join(".");
  const list = field(attr, key, ...path);
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw wrong(where, list, "a list");
  return list.map((v, i) => {
    const read = entry(v);
    if (read === undefined) throw wrong(`${where}[${i}]`, v, what);
    return read;
  });
}

/** An integer as protobuf's JSON writes an int64: a number or a string of digits. */
function integer(v: unknown): number | undefined {
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : undefined;
}

/** Bytes as protobuf's JSON writes them: base64, standard or URL-safe. */
function base64(v: unknown): Buffer | undefined {
  return typeof v === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v)
    ? Buffer.from(v, "base64")
    : undefined;
}

/** The string attribute `key`. */
function text(attr: Attrs, key: string): string | undefined {
  const v = field(attr, key, "s");
  if (v === undefined) return undefined;
  const bytes = base64(v);
  if (!bytes) throw wrong(`${key}.s`, v, "a base64 string");
  return bytes.toString();
}

/** The list of strings attribute `key`. */
const texts = (attr: Attrs, key: string): string[] | undefined =>
  listOf(attr, [key, "list", "s"], (v) => base64(v)?.toString(), "a base64 string");

/** The list of integers attribute `key`. */
const ints = (attr: Attrs, key: string): number[] | undefined =>
  listOf(attr, [key, "list", "i"], integer, "an integer");

/**
 * A float as protobuf's JSON writes one: a number, or a string ("NaN", "Infinity", "1.5");
 * undefined for anything else (true, "abc", a list), which is no number.
 */
function protoFloat(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isNaN(n) && v !== "NaN" ? undefined : n;
}

/** The float attribute `key`. */
function float(attr: Attrs, key: string): number | undefined {
  const v = field(attr, key, "f");
  if (v === undefined) return undefined;
  const read = protoFloat(v);
  if (read === undefined) throw wrong(`${key}.f`, v, "a number");
  return read;
}

/** The bool attribute `key`, false if absent. */
function flag(attr: Attrs, key: string): boolean {
  const v = field(attr, key, "b");
  if (v !== undefined && typeof v !== "boolean") throw wrong(`${key}.b`, v, "true or false");
  return v === true;
}

/** The sizes of the TensorShape at `path`, `unsized` for a dimension without one. */
const shapeOf = (attr: Attrs, path: string[], unsized: number): number[] =>
  listOf(
    attr,
    [...path, "dim"],
    (d) => (isObject(d) ? (d.size == null ? unsized : integer(d.size)) : undefined),
    "a dimension with an integer size",
  ) ?? [];

function placeholder(b: LayerBuilder, node: NodeDef): Feature {
  const dims = shapeOf(node.attr, ["shape", "shape"], -1);
  const [, h, w, c] = dims;
  if (dims.length !== 4 || ![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    throw new ImportError(
      `its shape is [${dims.join(", ")}]; dsnet imports an image input [batch, H, W, C] with fixed sizes`,
    );
  }
  return b.feature(c, h, w);
}

/** A Const's value: from the weights manifest, or (small ones) from the node itself. */
function constOf(node: NodeDef, model: TfjsModel): Const {
  const weight = model.weights.get(node.name);
  if (weight) return { kind: "const", shape: weight.shape, data: weight.data };
  const tensor = (...path: string[]) => field(node.attr, "value", "tensor", ...path);
  if (tensor() === undefined)
    throw new ImportError("it has no value and no weight in the manifest");
  const shape = shapeOf(node.attr, ["value", "tensor", "tensorShape"], 0);
  if (!shape.every((d) => d >= 0)) {
    throw new ImportError(`its shape ${preview(shape)} has a size below 0`);
  }
  const dtype = tensor("dtype");
  const content = tensor("tensorContent");
  const count = shape.reduce((a, d) => a * d, 1);
  if (count > 1 << 16) throw new ImportError(`a constant of ${count} values in the graph itself`);
  let values: number[];
  if (content !== undefined) {
    const bytes = base64(content);
    if (!bytes) throw wrong("value.tensor.tensorContent", content, "a base64 string");
    const size = dtype === "DT_FLOAT" || dtype === "DT_INT32" ? 4 : 0;
    if (!size || bytes.byteLength !== count * size)
      throw new ImportError(
        `its tensorContent holds ${bytes.byteLength} bytes, not ${count} of ${preview(dtype)}`,
      );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    values = Array.from({ length: count }, (_, i) =>
      dtype === "DT_FLOAT" ? view.getFloat32(4 * i, true) : view.getInt32(4 * i, true),
    );
  } else {
    const key = ["floatVal", "intVal", "int64Val"].find((k) => tensor(k) !== undefined);
    // Anything but a float (an integer for intVal and int64Val) is refused, not read as a NaN
    // weight.
    const [entry, what] = key === "floatVal" ? [protoFloat, "a number"] : [integer, "an integer"];
    const list = key ? listOf(node.attr, ["value", "tensor", key], entry, what)! : [];
    if (list.length !== count && list.length !== 1)
      throw new ImportError(`it has ${list.length} values for shape [${shape}]`);
    values = Array.from({ length: count }, (_, i) => list[list.length === 1 ? 0 : i]);
  }
  return { kind: "const", shape, data: Float32Array.from(values) };
}

function translate(
  b: LayerBuilder,
  node: NodeDef,
  inputs: Value[],
  readers: (name: string) => number,
): Value | string {
  const { op, attr } = node;
  const [first, second] = inputs;
  if (PASS.has(op)) return first;
  if (op === "NoOp") return { kind: "const", shape: [], data: new Float32Array() };
  const format = text(attr, "data_format");
  if (format !== undefined && format !== "NHWC") return `data_format ${format}`;
  const isConst = (v: Value | undefined): v is Const =>
    v !== undefined && "kind" in v && v.kind === "const";
  const isMap = (v: Value | undefined): v is Feature => v !== undefined && !("kind" in v);
  const pending = first && "kind" in first && first.kind === "pad" ? first : undefined;
  const x = pending ? pending.of : first;
  if (!isMap(x))
    return isConst(x) ? "constant inputs only (dsnet computes on the feature map)" : "no input";
  if (pending && !/Conv|Depthwise/.test(op))
    return "a Pad before it that only a convolution can take";
  const alone = readers(node.input[0]) === 1;
  const same = (y: Feature): number[] => [y.h, y.w, y.c];
  const window = () => {
    const strides = ints(attr, "strides") ?? [1, 1, 1, 1];
    const dilations = ints(attr, "dilations") ?? [1, 1, 1, 1];
    const mode = text(attr, "padding");
    let padding: TfPadding;
    if (mode === "SAME") padding = "same";
    else if (mode === "VALID") padding = "valid";
    else if (mode === "EXPLICIT") {
      const p = ints(attr, "explicit_paddings") ?? [];
      if (p.length !== 8) throw new ImportError(`explicit_paddings ${preview(p)}`);
      padding = [p[2], p[3], p[4], p[5]];
    } else throw new ImportError(`padding ${mode}`);
    return {
      stride: [strides[1], strides[2]] as [number, number],
      dilation: [dilations[1], dilations[2]] as [number, number],
      padding,
    };
  };

  switch (op) {
    case "Conv2D":
    case "DepthwiseConv2dNative":
    case "_FusedConv2D":
    case "FusedDepthwiseConv2dNative": {
      const filter = second;
      if (!isConst(filter) || filter.shape.length !== 4)
        return "a filter that is not a 4-D constant";
      const fused = texts(attr, "fused_ops") ?? [];
      const args = inputs.slice(2);
      const w = window();
      const depthwise = op.includes("Depthwise");
      let out = b.conv(
        x,
        {
          kind: depthwise ? "dw" : "conv",
          kernel: { name: node.input[1], shape: filter.shape, data: filter.data },
          ...w,
        },
        b.label(node.name.replace(/\/(Conv2D|depthwise|BiasAdd|Relu6?)$/, "")),
        pending?.pads,
      );
      for (let k = 0; k < fused.length; k++) {
        const f = fused[k];
        if (f === "BiasAdd" && k === 0) {
          const bias = args[0];
          if (!isConst(bias) || !b.addBias(out, bias.data, node.input[2], true))
            throw new ImportError("its fused bias is not a vector of its channels");
        } else if (f === "FusedBatchNorm" && k === 0) {
          const [scale, offset, mean, variance] = args.slice(0, 4);
          if (![scale, offset, mean, variance].every(isConst))
            throw new ImportError("its fused batch norm has inputs that are not constants");
          const eps = float(attr, "epsilon") ?? 1e-3;
          out = b.batchNorm(
            out,
            {
              gamma: (scale as Const).data,
              beta: (offset as Const).data,
              mean: (mean as Const).data,
              variance: (variance as Const).data,
            },
            eps,
            node.input.slice(2, 6),
            b.label(`${node.name}_bn`),
          );
        } else if (ACTIVATIONS[f.toLowerCase()] && k === fused.length - 1) {
          out = b.activation(out, f.toLowerCase(), node.name);
        } else {
          return `fused operation ${f}`;
        }
      }
      return out;
    }
    case "BiasAdd":
    case "Add":
    case "AddV2":
    case "Sub":
    case "Mul":
    case "RealDiv": {
      const other = second;
      if (isMap(other)) {
        if (op !== "Add" && op !== "AddV2" && op !== "Mul") return "two feature maps";
        const gate = op === "Mul" && x.c === other.c && other.h === 1 && other.w === 1;
        if (!gate && (x.c !== other.c || x.h !== other.h || x.w !== other.w))
          throw new ImportError(
            `its operands are ${x.h}x${x.w}x${x.c} and ${other.h}x${other.w}x${other.c}`,
          );
        const join = op === "Mul" ? "mul" : "add";
        return b.layer(join, [x, other], same(x), { join });
      }
      if (!isConst(other)) return "no second operand";
      const v = Array.from(other.data);
      if (other.shape.slice(0, -1).some((d) => d !== 1) || (v.length !== 1 && v.length !== x.c)) {
        return `a constant of shape [${other.shape}]; dsnet scales by one value or one per channel`;
      }
      if (
        (op === "BiasAdd" || op === "Add" || op === "AddV2") &&
        v.length === x.c &&
        b.addBias(x, other.data, node.input[1], alone)
      )
        return x;
      if (op === "BiasAdd") return "a bias on a value no convolution or MatMul alone computed";
      const ones = [1];
      const zeros = [0];
      if (op === "Mul") return b.normalize(x, v, zeros, alone);
      if (op === "RealDiv")
        return b.normalize(
          x,
          v.map((d) => 1 / d),
          zeros,
          alone,
        );
      if (op === "Sub")
        return b.normalize(
          x,
          ones,
          v.map((d) => -d),
          alone,
        );
      return b.normalize(x, ones, v, alone);
    }
    case "FusedBatchNorm":
    case "FusedBatchNormV2":
    case "FusedBatchNormV3": {
      if (flag(attr, "is_training")) return "training mode";
      const consts = inputs.slice(1, 5);
      if (!consts.every(isConst)) return "statistics that are not constants";
      const [g, be, m, va] = consts as Const[];
      return b.batchNorm(
        x,
        { gamma: g.data, beta: be.data, mean: m.data, variance: va.data },
        float(attr, "epsilon") ?? 1e-3,
        node.input.slice(1, 5),
        b.label(node.name),
      );
    }
    case "Relu":
    case "Relu6":
    case "Sigmoid":
    case "Tanh":
    case "Softmax":
      return b.activation(x, op.toLowerCase(), node.name);
    case "Mean": {
      const axes = isConst(second)
        ? Array.from(second.data)
            .map((a) => (a < 0 ? a + 4 : a))
            .sort()
        : [];
      if (axes.join() !== "1,2")
        return `axes ${axes.join(",")}; dsnet averages over height and width`;
      return b.layer("gap", [x], [1, 1, x.c]);
    }
    case "AvgPool":
    case "MaxPool": {
      const k = ints(attr, "ksize") ?? [];
      const w = window();
      if (k.length !== 4 || k[0] !== 1 || k[3] !== 1) return `ksize ${preview(k)}`;
      return b.pool(x, op === "MaxPool" ? "maxpool" : "avgpool", [k[1], k[2]], w.stride, w.padding);
    }
    case "MatMul":
    case "_FusedMatMul": {
      if (flag(attr, "transpose_a")) return "transpose_a";
      if (!isConst(second) || second.shape.length !== 2)
        return "a weight that is not a 2-D constant";
      let [inF, outF] = second.shape;
      let data = second.data;
      if (flag(attr, "transpose_b")) {
        [outF, inF] = second.shape;
        data = new Float32Array(inF * outF);
        for (let i = 0; i < inF; i++)
          for (let o = 0; o < outF; o++) data[i * outF + o] = second.data[o * inF + i];
      }
      let out = b.fc(
        x,
        { name: node.input[1], shape: [inF, outF], data },
        b.label(node.name.replace(/\/MatMul$/, "")),
      );
      const fused = texts(attr, "fused_ops") ?? [];
      for (let k = 0; k < fused.length; k++) {
        const bias = inputs[2];
        if (fused[k] === "BiasAdd" && k === 0 && isConst(bias)) {
          if (!b.addBias(out, bias.data, node.input[2], true))
            throw new ImportError("its fused bias is not a vector of its outputs");
        } else if (ACTIVATIONS[fused[k].toLowerCase()] && k === fused.length - 1) {
          out = b.activation(out, fused[k].toLowerCase(), node.name);
        } else return `fused operation ${fused[k]}`;
      }
      return out;
    }
    case "Reshape":
    case "Squeeze": {
      const target = op === "Reshape" ? (isConst(second) ? Array.from(second.data) : null) : null;
      if (op === "Reshape" && !target) return "a shape that is not a constant";
      const flat = x.h === 1 && x.w === 1;
      if (op === "Squeeze") return flat ? x : "a value with height and width";
      const known = target!.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
      const rest = target!.length === 2 ? target![1] : target![target!.length - 1];
      if (
        target!.length === 2 &&
        (rest === -1 || rest * (target![0] === -1 ? 1 : target![0]) === x.c * x.h * x.w)
      )
        return b.flatten(x);
      if (target!.length === 4 && flat && target![1] === 1 && target![2] === 1 && known % x.c === 0)
        return x;
      return `to [${target}] from ${x.h}x${x.w}x${x.c}`;
    }
    case "Pad":
    case "PadV2": {
      if (op === "PadV2" && !(isConst(inputs[2]) && inputs[2].data[0] === 0))
        return "a pad value other than 0";
      const p = isConst(second) ? Array.from(second.data) : [];
      if (
        p.length !== 8 ||
        p[0] ||
        p[1] ||
        p[6] ||
        p[7] ||
        !p.every((v) => Number.isInteger(v) && v >= 0 && v <= limits.index)
      ) {
        return `paddings ${preview(p)}; dsnet pads height and width with zeros`;
      }
      return { kind: "pad", of: x, pads: [p[2], p[3], p[4], p[5]] };
    }
    case "ConcatV2": {
      const axis = inputs[inputs.length - 1];
      const parts = inputs.slice(0, -1);
      if (!isConst(axis) || ![3, -1].includes(axis.data[0])) return "an axis other than channels";
      if (!parts.every(isMap)) return "a constant among its inputs";
      if (parts.some((p) => p.h !== x.h || p.w !== x.w))
        throw new ImportError("its inputs differ in height or width");
      return b.layer("concat", parts, [x.h, x.w, parts.reduce((n, p) => n + p.c, 0)], {
        join: "concat",
      });
    }
    default:
      return "";
  }
}
