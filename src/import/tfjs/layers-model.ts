import { ImportError, unsupportedError } from "../errors.js";
import type { LayerGraph } from "../layer-graph.js";
import { LayerBuilder, type Feature, type Pads, type TfPadding } from "./builder.js";
import { preview } from "../../weights/elements.js";
import { isObject, type TfjsModel, type TfjsWeight } from "./model-json.js";

/*
 * A TF.js layers model (Keras's model config: Sequential, or a functional Model whose layers
 * name their inbound nodes) as a graph of dsnet layers, one Keras layer each, weights found by
 * `layer/weight` name. Channels-last only, as TF.js runs.
 */

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inputs: string[];
}

/** What a Keras layer's output is while translating. */
type Value = Feature | { kind: "pad"; of: Feature; pads: Pads } | { kind: "unsupported" };

const MAX_LAYERS = 20_000;
/**
 * Caps on a manifest weight's name, which is matched by its `/`-separated components. Real
 * TF.js names are a few scopes and a weight (`model/block_3_conv/kernel`), under 200 characters
 * and 10 components: a name past these caps is no model's. The index of name endings holds one
 * entry per component: the cap keeps it to 32 per weight, 3.2 million at the manifest's 100,000.
 */
const MAX_WEIGHT_NAME = 1024;
const MAX_WEIGHT_NAME_PARTS = 32;

export function importLayersModel(model: TfjsModel): { graph: LayerGraph; notes: string[] } {
  const { layers, inputs, outputs } = readTopology(model.topology);
  const b = new LayerBuilder();
  const values = new Map<string, Value>();
  const unsupported: string[] = [];
  let input: Feature | undefined;
  const weightOf = weightFinder(model.weights);
  const readers = new Map<string, number>();
  for (const l of layers) for (const i of l.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const layer of layers) {
    const ins = layer.inputs.map((n) => {
      const v = values.get(n);
      if (!v)
        throw new ImportError(`layer "${layer.name}" reads "${n}", which no earlier layer writes`);
      return v;
    });
    if (ins.some((v) => "kind" in v && v.kind === "unsupported")) {
      values.set(layer.name, { kind: "unsupported" });
      continue;
    }
    try {
      const result =
        layer.class_name === "InputLayer"
          ? (input = inputOf(b, layer))
          : translate(
              b,
              layer,
              readers,
              ins as (Feature | { kind: "pad"; of: Feature; pads: Pads })[],
              (w) => weightOf(layer.name, w),
            );
      if (typeof result === "string") {
        unsupported.push(`${layer.class_name} (${layer.name}${result ? `: ${result}` : ""})`);
        values.set(layer.name, { kind: "unsupported" });
      } else {
        values.set(layer.name, result);
      }
    } catch (e) {
      if (e instanceof ImportError)
        throw new ImportError(`${layer.class_name} layer "${layer.name}": ${e.message}`);
      throw e;
    }
  }
  if (unsupported.length > 0) throw unsupportedError(unsupported, "layer");
  if (inputs.length !== 1 || !input)
    throw new ImportError(`the model has ${inputs.length} inputs; dsnet imports one`);
  if (outputs.length !== 1)
    throw new ImportError(`the model has ${outputs.length} outputs; a dsnet network has one`);
  const out = values.get(outputs[0]);
  if (!out || "kind" in out)
    throw new ImportError(`the model's output "${outputs[0]}" is not a value dsnet computes`);
  return { graph: b.graph(input, out), notes: [`layers model, ${model.producer}`] };
}

/** The layers in order with their inputs, from Sequential or functional Keras JSON. */
function readTopology(topology: Record<string, unknown>): {
  layers: KerasLayer[];
  inputs: string[];
  outputs: string[];
} {
  const root = (isObject(topology.model_config) ? topology.model_config : topology) as Record<
    string,
    unknown
  >;
  const className = root.class_name;
  const config = root.config;
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list)) throw new ImportError("its modelTopology has no list of layers");
  if (list.length > MAX_LAYERS)
    throw new ImportError(`it has ${list.length} layers; dsnet imports at most ${MAX_LAYERS}`);
  const layers: KerasLayer[] = list.map((l, i) => {
    if (!isObject(l) || typeof l.class_name !== "string" || !isObject(l.config)) {
      throw new ImportError(`layer ${i} of its modelTopology is ${preview(l)}, not a Keras layer`);
    }
    const name =
      typeof l.name === "string"
        ? l.name
        : typeof l.config.name === "string"
          ? l.config.name
          : `layer_${i}`;
    return { class_name: l.class_name, name, config: l.config, inputs: inboundOf(l, name) };
  });
  if (className === "Sequential") {
    // A Sequential model's first layer carries the input shape.
    const first = layers[0];
    const shaped: KerasLayer[] =
      first && first.class_name !== "InputLayer"
        ? [{ class_name: "InputLayer", name: "input", config: first.config, inputs: [] }, ...layers]
        : layers;
    shaped.forEach((l, i) => (l.inputs = i === 0 ? [] : [shaped[i - 1].name]));
    return { layers: shaped, inputs: [shaped[0].name], outputs: [shaped[shaped.length - 1].name] };
  }
  const names = (v: unknown) =>
    Array.isArray(v) ? v.map((e) => (Array.isArray(e) ? String(e[0]) : String(e))) : [];
  const cfg = config as Record<string, unknown>;
  return { layers, inputs: names(cfg.input_layers), outputs: names(cfg.output_layers) };
}

function inboundOf(layer: Record<string, unknown>, name: string): string[] {
  const nodes = layer.inbound_nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  if (nodes.length > 1)
    throw new ImportError(
      `layer "${name}" is called ${nodes.length} times; dsnet imports layers called once`,
    );
  const node = nodes[0];
  if (!Array.isArray(node))
    throw new ImportError(
      `layer "${name}" has inbound nodes in a form dsnet does not read (Keras 3?)`,
    );
  return node.map((e) => {
    if (!Array.isArray(e) || typeof e[0] !== "string" || (e[1] ?? 0) !== 0 || (e[2] ?? 0) !== 0) {
      throw new ImportError(
        `layer "${name}" reads ${preview(e)}, not the single output of a layer`,
      );
    }
    return e[0];
  });
}

function inputOf(b: LayerBuilder, layer: KerasLayer): Feature {
  const shape = (layer.config.batch_input_shape ?? layer.config.batch_shape) as unknown;
  if (
    !Array.isArray(shape) ||
    shape.length !== 4 ||
    !shape.slice(1).every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new ImportError(
      `its input is ${preview(shape)}; dsnet imports an image input [batch, H, W, C] with fixed sizes`,
    );
  }
  return b.feature(shape[3], shape[1], shape[2]);
}

/**
 * The weight `layer/name`, wherever the converter's scopes put it: the last in the manifest
 * whose name ends in those components. Every `/`-ending of every name is a node of a trie read
 * from the last component back, keyed by the node before it and its component, so that the
 * index is linear in the names' length (the endings as strings would cost its square).
 */
function weightFinder(weights: Map<string, TfjsWeight>) {
  const next = new Map<string, number>();
  const last: TfjsWeight[] = [];
  for (const w of weights.values()) {
    if (w.name.length > MAX_WEIGHT_NAME)
      throw new ImportError(
        `its weight ${preview(w.name)} has a name of ${w.name.length} characters; dsnet reads at most ${MAX_WEIGHT_NAME}`,
      );
    const parts = w.name.replace(/:0$/, "").split("/");
    if (parts.length > MAX_WEIGHT_NAME_PARTS)
      throw new ImportError(
        `its weight ${preview(w.name)} has a name of ${parts.length} components; dsnet reads at most ${MAX_WEIGHT_NAME_PARTS}`,
      );
    let node = -1;
    for (let i = parts.length - 1; i >= 0; i--) {
      const key = `${node}/${parts[i]}`;
      node = next.get(key) ?? last.length;
      next.set(key, node);
      last[node] = w;
    }
  }
  return (layer: string, name: string): TfjsWeight | undefined => {
    const parts = `${layer}/${name}`.split("/");
    let node: number | undefined = -1;
    for (let i = parts.length - 1; i >= 0 && node !== undefined; i--)
      node = next.get(`${node}/${parts[i]}`);
    return node === undefined ? undefined : last[node];
  };
}

type Input = Feature | { kind: "pad"; of: Feature; pads: Pads };

function translate(
  b: LayerBuilder,
  layer: KerasLayer,
  readers: Map<string, number>,
  inputs: Input[],
  weight: (name: string) => TfjsWeight | undefined,
): Value | string {
  const c = layer.config;
  const need = (name: string) => {
    const w = weight(name);
    if (!w)
      throw new ImportError(`its weight ${layer.name}/${name} is not in the weights manifest`);
    return { name: w.name, shape: w.shape, data: w.data };
  };
  if (c.data_format !== undefined && c.data_format !== "channels_last")
    return `data_format ${c.data_format}`;
  const [first] = inputs;
  if (!first) return "no input";
  const pending = "kind" in first ? first : undefined;
  const x = "kind" in first ? first.of : first;
  const pair = (v: unknown, fallback: [number, number]): [number, number] =>
    v === undefined || v === null
      ? fallback
      : Array.isArray(v)
        ? [Number(v[0]), Number(v[1])]
        : [Number(v), Number(v)];
  const padding = (): TfPadding => {
    if (c.padding === "same" || c.padding === "valid") return c.padding;
    throw new ImportError(`padding ${preview(c.padding)}`);
  };
  const convLike = ["Conv2D", "DepthwiseConv2D", "SeparableConv2D"].includes(layer.class_name);
  if (pending && !convLike) return "a ZeroPadding2D before it that only a convolution can take";
  switch (layer.class_name) {
    case "Conv2D":
    case "DepthwiseConv2D":
    case "SeparableConv2D": {
      if ((Number(c.groups ?? 1) || 1) !== 1) return `groups ${c.groups}`;
      const kind =
        layer.class_name === "Conv2D"
          ? "conv"
          : layer.class_name === "DepthwiseConv2D"
            ? "dw"
            : "sep";
      const kernel = need(kind === "conv" ? "kernel" : "depthwise_kernel");
      const out = b.conv(
        x,
        {
          kind,
          kernel,
          pointwise: kind === "sep" ? need("pointwise_kernel") : undefined,
          bias: c.use_bias === false ? undefined : need("bias"),
          stride: pair(c.strides, [1, 1]),
          dilation: pair(c.dilation_rate, [1, 1]),
          padding: padding(),
        },
        b.label(layer.name),
        pending?.pads,
      );
      return b.activation(out, c.activation as string | undefined, layer.name);
    }
    case "BatchNormalization": {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
      if (axis !== -1 && axis !== 3 && axis !== undefined)
        return `axis ${preview(c.axis)}; dsnet normalises channels`;
      const ones = new Float32Array(x.c).fill(1);
      const zeros = new Float32Array(x.c);
      const gamma = c.scale === false ? { name: `${layer.name}/gamma`, data: ones } : need("gamma");
      const beta = c.center === false ? { name: `${layer.name}/beta`, data: zeros } : need("beta");
      const mean = need("moving_mean");
      const variance = need("moving_variance");
      const eps = typeof c.epsilon === "number" ? c.epsilon : 1e-3;
      return b.batchNorm(
        x,
        { gamma: gamma.data, beta: beta.data, mean: mean.data, variance: variance.data },
        eps,
        [gamma.name, beta.name, mean.name, variance.name],
        b.label(layer.name),
      );
    }
    case "ReLU": {
      const max = c.max_value ?? null;
      if ((Number(c.negative_slope ?? 0) || 0) !== 0 || (Number(c.threshold ?? 0) || 0) !== 0)
        return "negative_slope or threshold";
      if (max === null) return b.activation(x, "relu", layer.name);
      if (max === 6) return b.activation(x, "relu6", layer.name);
      return `max_value ${preview(max)}; dsnet has relu and relu6`;
    }
    case "Activation":
      return b.activation(x, c.activation as string, layer.name);
    case "Softmax":
      if (c.axis !== undefined && c.axis !== -1 && !(Array.isArray(c.axis) && c.axis[0] === -1))
        return `axis ${preview(c.axis)}`;
      return b.activation(x, "softmax", layer.name);
    case "ZeroPadding2D": {
      const p = c.padding;
      const both = (v: unknown): [number, number] =>
        Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)];
      const [[t, bo], [l, r]] = Array.isArray(p) ? [both(p[0]), both(p[1])] : [both(p), both(p)];
      const pads: Pads = [t, bo, l, r];
      if (!pads.every((v) => Number.isInteger(v) && v >= 0 && v < 1 << 20))
        throw new ImportError(`padding ${preview(p)}`);
      return { kind: "pad", of: x, pads };
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const kernel = pair(c.pool_size, [2, 2]);
      return b.pool(
        x,
        layer.class_name === "MaxPooling2D" ? "maxpool" : "avgpool",
        kernel,
        pair(c.strides, kernel),
        padding(),
      );
    }
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D":
      return b.layer(
        layer.class_name === "GlobalAveragePooling2D" ? "gap" : "gmp",
        [x],
        [1, 1, x.c],
      );
    case "Dense": {
      const out = b.fc(
        x,
        need("kernel"),
        b.label(layer.name),
        c.use_bias === false ? undefined : need("bias"),
      );
      return b.activation(out, c.activation as string | undefined, layer.name);
    }
    case "Flatten":
      return b.flatten(x);
    case "Reshape": {
      const target = c.target_shape;
      if (!Array.isArray(target)) return "no target_shape";
      const size = target.reduce((a: number, d) => a * Number(d), 1);
      const flat = x.h === 1 && x.w === 1;
      if (target.length === 1 && size === x.c * x.h * x.w) return b.flatten(x);
      if (target.length === 3 && flat && target[0] === 1 && target[1] === 1 && target[2] === x.c)
        return x;
      return `to ${preview(target)} from ${x.h}x${x.w}x${x.c}`;
    }
    case "Dropout":
    case "SpatialDropout2D":
    case "GaussianNoise":
    case "GaussianDropout":
      return x;
    case "Rescaling": {
      const list = (v: unknown, fallback: number) =>
        Array.isArray(v) ? v.map(Number) : [v === undefined ? fallback : Number(v)];
      const scale = list(c.scale, 1);
      const shift = list(c.offset, 0);
      if (![...scale, ...shift].every(Number.isFinite))
        throw new ImportError(`scale ${preview(c.scale)}, offset ${preview(c.offset)}`);
      return b.normalize(x, scale, shift, readers.get(layer.inputs[0]) === 1);
    }
    case "Add":
    case "Multiply":
    case "Concatenate": {
      const parts = inputs.filter((v): v is Feature => !("kind" in v));
      if (parts.length !== inputs.length) return "a ZeroPadding2D among its inputs";
      if (parts.length !== 2 && layer.class_name !== "Concatenate")
        return `${parts.length} inputs; dsnet joins two`;
      if (layer.class_name === "Concatenate") {
        if (c.axis !== undefined && c.axis !== -1 && c.axis !== 3) return `axis ${preview(c.axis)}`;
        if (parts.some((p) => p.h !== x.h || p.w !== x.w))
          throw new ImportError("its inputs differ in height or width");
        return b.layer("concat", parts, [x.h, x.w, parts.reduce((n, p) => n + p.c, 0)], {
          join: "concat",
        });
      }
      const [p, q] = parts;
      const same = p.c === q.c && p.h === q.h && p.w === q.w;
      const gate = layer.class_name === "Multiply" && p.c === q.c && q.h === 1 && q.w === 1;
      if (!same && !gate)
        throw new ImportError(`its inputs are ${p.h}x${p.w}x${p.c} and ${q.h}x${q.w}x${q.c}`);
      const join = layer.class_name === "Add" ? "add" : "mul";
      return b.layer(join, [p, q], [p.h, p.w, p.c], { join });
    }
    default:
      return "";
  }
}
