import { limits } from "../../check/limits.js";
import type { TensorToWrite } from "../../weights/safetensors.js";
import { ImportError } from "../errors.js";
import {
  float32Text,
  labelFor,
  LayerList,
  normalizeText,
  padsAt,
  padText,
  strideDilationText,
  type ImportedLayer,
  type LayerGraph,
  type Pads,
  type SourceWindow,
} from "../layer-graph.js";

export type { Pads } from "../layer-graph.js";

/*
 * What TF.js's two formats share once their operators are read: NHWC feature maps become dsnet
 * layers, TF's weight layouts become PyTorch's (HWIO to OIHW, the depthwise HWC·M to [C·M, 1,
 * kh, kw], Dense's [in, out] to [out, in]), TF's SAME padding (the odd pixel at the end) is
 * written `pad=same_upper` where it differs from dsnet's `same`, a zero padding before a
 * convolution joins its padding, and the scaling of the input becomes `normalize`.
 */

/** A dsnet value; `hwc` when it is a flattened h x w x c map in TF's (row-major NHWC) order. */
export interface Feature {
  id: number;
  c: number;
  h: number;
  w: number;
  hwc?: [number, number, number];
}

export type TfPadding = "same" | "valid" | Pads;

export interface ConvSpec {
  /** What it is: a full convolution, depthwise, or separable (depthwise then pointwise). */
  kind: "conv" | "dw" | "sep";
  /** conv: HWIO [kh, kw, in, out]; dw and sep: [kh, kw, in, mult]. */
  kernel: { shape: number[]; data: Float32Array; name: string };
  /** sep: its pointwise kernel [1, 1, in·mult, out]. */
  pointwise?: { shape: number[]; data: Float32Array; name: string };
  bias?: { data: Float32Array; name: string };
  stride: [number, number];
  dilation: [number, number];
  padding: TfPadding;
}

export const ACTIVATIONS: Record<string, string> = {
  relu: "relu",
  relu6: "relu6",
  sigmoid: "sigmoid",
  tanh: "tanh",
  swish: "silu",
  silu: "silu",
  softmax: "softmax",
};

export class LayerBuilder {
  private readonly layers = new LayerList();
  private readonly labels = new Set<string>();
  /** The scale and shift of each `normalize` layer, merged while consecutive. */
  private readonly scaling = new Map<ImportedLayer, { scale: number[]; shift: number[] }>();
  private nextId = 0;

  feature(c: number, h: number, w: number): Feature {
    if (
      ![c, h, w].every((d) => Number.isInteger(d) && d > 0) ||
      c * h * w > limits.tensorElements
    ) {
      throw new ImportError(`a value of ${h}x${w}x${c} is not a size dsnet computes`);
    }
    return { id: this.nextId++, c, h, w };
  }

  /** A layer on inputs none of which is flattened in TF's order (see `onFlattened`). */
  layer(text: string, inputs: Feature[], shape: number[], extra: Partial<ImportedLayer> = {}) {
    const flattened = inputs.find((i) => i.hwc);
    if (flattened) throw onFlattened("it reads", flattened.hwc!);
    return this.add(text, inputs, shape, extra);
  }

  private add(
    text: string,
    inputs: Feature[],
    [h, w, c]: number[],
    extra: Partial<ImportedLayer> = {},
    hwc?: [number, number, number],
  ): Feature {
    const out = this.feature(c, h, w);
    this.layers.add(
      text,
      inputs.map((i) => i.id),
      out.id,
      extra,
    );
    return hwc ? { ...out, hwc } : out;
  }

  label(name: string): string {
    return labelFor(name, this.labels);
  }

  activation(x: Feature, name: string | undefined, where: string): Feature {
    if (name === undefined || name === "linear" || name === "identity") return x;
    const op = ACTIVATIONS[name];
    if (!op) throw new ImportError(`${where}: activation ${name}, which dsnet does not have`);
    // Element by element (softmax over the whole vector), so TF's order survives it.
    return this.add(op, [x], [x.h, x.w, x.c], {}, x.hwc);
  }

  /**
   * x · scale + shift per channel (each one value, or one per channel, in TF's order if x is
   * flattened); merged into the normalize layer that computed x when nothing else reads x
   * (`alone`).
   */
  normalize(x: Feature, scale: number[], shift: number[], alone: boolean): Feature {
    const per = (v: number[]) =>
      v.length === 1 ? new Array<number>(x.c).fill(v[0]) : x.hwc ? inChwOrder(v, x.hwc) : v;
    if (
      (scale.length !== 1 && scale.length !== x.c) ||
      (shift.length !== 1 && shift.length !== x.c)
    ) {
      throw new ImportError(
        `a scaling of ${x.c} channels by ${scale.length} and ${shift.length} values`,
      );
    }
    const s = per(scale);
    const t = per(shift);
    const before = this.layers.producer(x.id);
    const merged = alone && before ? this.scaling.get(before) : undefined;
    // (x·a + b)·s + t: one normalize layer for the whole chain (x * 2 - 1).
    const values = merged
      ? {
          scale: merged.scale.map((a, i) => a * s[i]),
          shift: merged.shift.map((b, i) => b * s[i] + t[i]),
        }
      : { scale: s, shift: t };
    // dsnet writes float32s: 1/0, NaN and 1e39 would reach the text as words it cannot read.
    const bad = [...values.scale, ...values.shift].find((v) => !Number.isFinite(Math.fround(v)));
    if (bad !== undefined) {
      throw new ImportError(
        `a scaling by ${bad}: a division by zero, or a constant that is not a finite float32`,
      );
    }
    if (merged) {
      Object.assign(merged, values);
      before!.text = normalizeText(merged);
      return x;
    }
    const out = this.add(normalizeText(values), [x], [x.h, x.w, x.c], {}, x.hwc);
    this.scaling.set(this.layers.producer(out.id)!, values);
    return out;
  }

  /**
   * A bias (TF's BiasAdd) added to the convolution or fc without one that computed x, when
   * nothing else reads x (`alone`); false when there is none.
   */
  addBias(x: Feature, bias: Float32Array, name: string, alone: boolean): boolean {
    const layer = this.layers.producer(x.id);
    if (!layer || !alone || bias.length !== x.c) return false;
    if (!/^(conv|dw|pw|sep|fc) /.test(layer.text) || layer.text.includes("bias=true")) return false;
    if (layer.text.startsWith("fc ")) {
      if (!layer.text.endsWith(" bias=false")) return false;
      layer.text = layer.text.slice(0, -" bias=false".length);
    } else {
      layer.text += " bias=true";
    }
    layer.tensors.push({ name, shape: [x.c], data: bias });
    return true;
  }

  conv(x: Feature, spec: ConvSpec, label: string, pending?: Pads): Feature {
    const [kh, kw, inC, n] = spec.kernel.shape;
    if (spec.kernel.shape.length !== 4 || inC !== x.c) {
      throw new ImportError(
        `its kernel is [${spec.kernel.shape}] but its input has ${x.c} channels`,
      );
    }
    const window = windowOf(x, [kh, kw], spec.stride, spec.dilation, spec.padding, pending);
    const k = `${kh}x${kw}`;
    const tensors: TensorToWrite[] = [];
    let text: string;
    let out: number;
    if (spec.kind === "conv") {
      out = n;
      tensors.push({
        name: spec.kernel.name,
        shape: [n, inC, kh, kw],
        data: hwioToOihw(spec.kernel.data, kh, kw, inC, n),
      });
      const pointwise = kh === 1 && kw === 1 && window.text === "";
      text = pointwise ? `pw ${n}` : `conv ${k} ${n}${window.text}`;
    } else {
      const mid = inC * n;
      tensors.push({
        name: spec.kernel.name,
        shape: [mid, 1, kh, kw],
        // TF's [kh, kw, in, mult] is HWIO with one input and in·mult outputs, i·mult + m.
        data: hwioToOihw(spec.kernel.data, kh, kw, 1, mid),
      });
      const mult = n === 1 ? "" : ` mult=${n}`;
      if (spec.kind === "dw") {
        out = mid;
        text = `dw ${k}${mult}${window.text}`;
      } else {
        const p = spec.pointwise!;
        if (p.shape.length !== 4 || p.shape[0] !== 1 || p.shape[1] !== 1 || p.shape[2] !== mid) {
          throw new ImportError(`its pointwise kernel is [${p.shape}], not [1, 1, ${mid}, N]`);
        }
        out = p.shape[3];
        tensors.push({
          name: p.name,
          shape: [out, mid, 1, 1],
          data: hwioToOihw(p.data, 1, 1, mid, out),
        });
        text = `sep ${out} ${k}${mult}${window.text}`;
      }
    }
    if (spec.bias) {
      if (spec.bias.data.length !== out)
        throw new ImportError(`its bias has ${spec.bias.data.length} values, not ${out}`);
      tensors.push({ name: spec.bias.name, shape: [out], data: spec.bias.data });
      text += " bias=true";
    }
    return this.layer(text, [x], [window.h, window.w, out], {
      tensors,
      label,
      window: window.window,
    });
  }

  pool(
    x: Feature,
    op: "maxpool" | "avgpool",
    kernel: [number, number],
    stride: [number, number],
    padding: TfPadding,
  ): Feature {
    // TF's average pool leaves SAME padding out of the count, as dsnet's does.
    const window = windowOf(x, kernel, stride, [1, 1], padding, undefined, "valid", kernel);
    return this.layer(
      `${op} ${kernel[0]}x${kernel[1]}${window.text}`,
      [x],
      [window.h, window.w, x.c],
    );
  }

  /** A Dense layer's [in, out] kernel on x (flattened in TF's order, if `hwc`). */
  fc(
    x: Feature,
    kernel: { shape: number[]; data: Float32Array; name: string },
    label: string,
    bias?: { data: Float32Array; name: string },
  ): Feature {
    const [inF, outF] = kernel.shape;
    if (kernel.shape.length !== 2 || inF !== x.c || x.h !== 1 || x.w !== 1) {
      throw new ImportError(
        `its kernel is [${kernel.shape}] but its input is ${x.h}x${x.w}x${x.c}`,
      );
    }
    const weight = new Float32Array(inF * outF);
    const order = chwOrder(x.hwc ?? [1, 1, inF]);
    for (let i = 0; i < inF; i++)
      for (let o = 0; o < outF; o++) weight[o * inF + order[i]] = kernel.data[i * outF + o];
    const tensors: TensorToWrite[] = [{ name: kernel.name, shape: [outF, inF], data: weight }];
    if (bias) {
      if (bias.data.length !== outF)
        throw new ImportError(`its bias has ${bias.data.length} values, not ${outF}`);
      tensors.push({ name: bias.name, shape: [outF], data: bias.data });
    }
    return this.add(`fc ${outF}${bias ? "" : " bias=false"}`, [x], [1, 1, outF], {
      tensors,
      label,
    });
  }

  /** TF's row-major flatten of x: a dsnet flatten that remembers TF's order for the next fc. */
  flatten(x: Feature): Feature {
    if (x.h === 1 && x.w === 1) return x;
    return this.add("flatten", [x], [1, 1, x.c * x.h * x.w], {}, [x.h, x.w, x.c]);
  }

  batchNorm(
    x: Feature,
    v: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array },
    eps: number,
    names: string[],
    label: string,
  ): Feature {
    for (const t of [v.gamma, v.beta, v.mean, v.variance]) {
      if (t.length !== x.c)
        throw new ImportError(`its statistics have ${t.length} values for ${x.c} channels`);
    }
    // Over a flattened vector each element has its own statistics, in TF's order.
    const tensors = [v.gamma, v.beta, v.mean, v.variance].map((data, i) => ({
      name: names[i],
      shape: [x.c],
      data: x.hwc ? Float32Array.from(inChwOrder(data, x.hwc)) : data,
    }));
    const text = Math.fround(eps) === Math.fround(1e-5) ? "bn" : `bn eps=${float32Text(eps)}`;
    return this.add(text, [x], [x.h, x.w, x.c], { tensors, label, eps }, x.hwc);
  }

  graph(input: Feature, output: Feature): LayerGraph {
    if (output.hwc) throw onFlattened("the model's output is", output.hwc);
    return {
      input: input.id,
      inputShape: [input.h, input.w, input.c],
      output: output.id,
      layers: this.layers.neededBy(output.id),
    };
  }
}

/**
 * The output size of a TF window and its stride, dilation and padding as dsnet writes them:
 * nothing for dsnet's default (`same` for convolutions, `valid` and stride = kernel for pools),
 * `pad=same_upper` for TF's SAME where dsnet's `same` differs, explicit pads otherwise.
 */
export function windowOf(
  x: Feature,
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number],
  padding: TfPadding,
  pending: Pads | undefined,
  fallback: "same" | "valid" = "same",
  defaultStride: [number, number] = [1, 1],
) {
  const all = [...kernel, ...stride, ...dilation];
  if (!all.every((v) => Number.isInteger(v) && v > 0 && v <= limits.index)) {
    throw new ImportError(
      `a kernel, stride or dilation of ${all.join(", ")}: not positive integers`,
    );
  }
  const window: SourceWindow = {
    kernel,
    stride,
    dilation,
    padding: padding === "same" ? "same_upper" : padding,
    before: pending ?? [0, 0, 0, 0],
  };
  const pads = padsAt(window, x.h, x.w);
  const spans = [0, 1].map((a) => dilation[a] * (kernel[a] - 1) + 1);
  const h = Math.floor((x.h + pads[0] + pads[1] - spans[0]) / stride[0]) + 1;
  const w = Math.floor((x.w + pads[2] + pads[3] - spans[1]) / stride[1]) + 1;
  if (!(h > 0 && w > 0)) throw new ImportError(`its window does not fit its ${x.h}x${x.w} input`);
  const text = `${strideDilationText(stride, dilation, defaultStride)}${padText(pads, [x.h, x.w], window, fallback)}`;
  return { h, w, text, window };
}

/** Where element i of TF's row-major (h, w, c) flatten of a map is in dsnet's (c, h, w). */
function chwOrder([h, w, c]: [number, number, number]): Int32Array {
  const order = new Int32Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) order[(y * w + x) * c + k] = (k * h + y) * w + x;
  return order;
}

/** Values given per element of TF's flatten, put in dsnet's order. */
function inChwOrder(values: ArrayLike<number>, hwc: [number, number, number]): number[] {
  const out = new Array<number>(values.length);
  chwOrder(hwc).forEach((ds, tf) => (out[ds] = values[tf]));
  return out;
}

/** A flattened value read where its order matters: by a layer that mixes it, or as the output. */
function onFlattened(what: string, [h, w, c]: [number, number, number]): ImportError {
  return new ImportError(
    `${what} a ${h}x${w}x${c} map that TF flattened in (h, w, c) order, where dsnet flattens ` +
      "(c, h, w); after a Flatten dsnet imports a Dense, an activation, a dropout, a scaling " +
      "or a batch norm",
  );
}

/** HWIO [kh, kw, in, out] to OIHW [out, in, kh, kw]. */
function hwioToOihw(
  data: Float32Array,
  kh: number,
  kw: number,
  inC: number,
  out: number,
): Float32Array {
  const result = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < out; o++)
          result[((o * inC + i) * kh + y) * kw + x] = data[((y * kw + x) * inC + i) * out + o];
  return result;
}
