import type { DiagnosticKind } from "../diagnostics/catalogue.js";
import type { RelatedLocation } from "../diagnostics/diagnostic.js";
import type { Reporter } from "../diagnostics/reporter.js";
import type { Span } from "../syntax/source.js";
import { limits } from "./limits.js";
import type { ActivationOp, Layer, Padding, Shape } from "./network.js";
import { formatShape } from "./network.js";
import { describeValue, formatNumber, typeName, type Located, type Value } from "./values.js";

/*
 * The built-in layers: their parameters (for argument binding, help text and completion) and
 * their shape rules. Each builder reads its arguments, checks them against the incoming shape
 * and returns the layers it stands for (one, or two for `sep`), or undefined after reporting.
 */

export type ParamType = "int" | "number" | "bool" | "pad" | "pair";

export interface ParamSpec {
  name: string;
  type: ParamType;
  /** Positional parameters can be given without a name, in this order. */
  positional?: boolean;
  required?: boolean;
  /** Shown in help: the default as the user would write it. */
  default?: string;
  doc: string;
}

/** A layer before the elaborator gives it an id, a name and its inputs. */
export type LayerDraft = DistributiveOmit<Layer, "id" | "name" | "inputs" | "origin"> & {
  /** Appended to the layer's name when one call makes several layers (`sep1.dw`). */
  suffix?: string;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a builder knows about its input. */
export interface Incoming {
  shape: Shape;
  /** How to name the producer in messages: "`pw 64` (line 7)". */
  producer: string;
}

export interface LayerSpec {
  name: string;
  summary: string;
  params: ParamSpec[];
  build(args: ArgReader, input: Incoming): LayerDraft[] | undefined;
}

const stride: ParamSpec = {
  name: "stride",
  type: "pair",
  default: "1",
  doc: "step between windows; `s2` is short for stride=2; `[sh, sw]` for different steps",
};
const dilation: ParamSpec = {
  name: "dilation",
  type: "pair",
  default: "1",
  doc: "spacing between kernel taps; `d2` is short for dilation=2",
};
const pad = (fallback: string): ParamSpec => ({
  name: "pad",
  type: "pad",
  default: fallback,
  doc: "same | same_upper | valid | N | [h, w] | [top, bottom, left, right]",
});
const bias = (fallback: boolean): ParamSpec => ({
  name: "bias",
  type: "bool",
  default: String(fallback),
  doc: "add a learned per-channel bias",
});
const kernel = (required: boolean): ParamSpec => ({
  name: "kernel",
  type: "pair",
  positional: true,
  required,
  doc: "window size: `3x3`, `3` (square) or `1x7`",
});

function activation(op: ActivationOp, summary: string): LayerSpec {
  return {
    name: op,
    summary,
    params: [],
    build: (_args, input) => [{ op, shape: input.shape, slope: 0 }],
  };
}

export const layerSpecs: Record<string, LayerSpec> = {
  conv: {
    name: "conv",
    summary: "standard (or grouped) convolution",
    params: [
      { name: "out", type: "int", positional: true, required: true, doc: "output channels" },
      kernel(true),
      stride,
      dilation,
      pad("same"),
      {
        name: "groups",
        type: "int",
        default: "1",
        doc: "channel groups; in and out channels must divide by it",
      },
      bias(false),
    ],
    build(args, input) {
      const out = args.channels("out");
      const k = args.pair("kernel", 1, "kernel");
      const s = args.pair("stride", 1, "stride");
      const d = args.pair("dilation", 1, "dilation");
      const groups = args.positiveInt("groups", 1);
      const padSpec = args.padding("same");
      const hasBias = args.bool("bias", false);
      if (
        out === undefined ||
        !k ||
        !s ||
        !d ||
        groups === undefined ||
        !padSpec ||
        hasBias === undefined
      )
        return;
      const inC = input.shape[2];
      if (inC % groups !== 0 || out % groups !== 0) {
        args.report(
          "groupsMismatch",
          args.spanOf("groups") ?? args.callSpan,
          `groups=${groups} must divide both the input channels (${inC}) and the output channels (${out})`,
        );
        return;
      }
      const spatial = args.convSpatial(input, k, s, d, padSpec);
      if (!spatial) return;
      if (!args.weightsFit(k[0] * k[1] * (inC / groups) * out)) return;
      return [
        {
          op: "conv",
          shape: [spatial.h, spatial.w, out],
          inChannels: inC,
          outChannels: out,
          kernel: k,
          stride: s,
          dilation: d,
          padding: spatial.padding,
          groups,
          bias: hasBias,
        },
      ];
    },
  },
  dw: {
    name: "dw",
    summary: "depthwise convolution: one filter per input channel (× mult)",
    params: [
      kernel(true),
      {
        name: "out",
        type: "int",
        positional: true,
        doc: "output channels; must equal in.c × mult (it is a check, not a choice)",
      },
      stride,
      dilation,
      pad("same"),
      {
        name: "mult",
        type: "int",
        default: "1",
        doc: "depth multiplier: filters per input channel",
      },
      bias(false),
    ],
    build(args, input) {
      const k = args.pair("kernel", 3, "kernel");
      const s = args.pair("stride", 1, "stride");
      const d = args.pair("dilation", 1, "dilation");
      const mult = args.positiveInt("mult", 1);
      const padSpec = args.padding("same");
      const hasBias = args.bool("bias", false);
      const asked = args.has("out") ? args.channels("out") : undefined;
      if (!k || !s || !d || mult === undefined || !padSpec || hasBias === undefined) return;
      if (args.has("out") && asked === undefined) return;
      const inC = input.shape[2];
      const out = inC * mult;
      if (asked !== undefined && asked !== out) {
        const help =
          asked % inC === 0
            ? `write mult=${asked / inC} for ${asked} channels, or keep ${inC} here and change the count in the pointwise layer that follows`
            : `a depthwise layer keeps its ${inC} input channels (or multiplies them with mult=); change the channel count in the pointwise layer that follows`;
        // Reported, then checked on as the depthwise layer it must be, so one run also finds
        // the mistakes after it.
        args.report(
          "depthwiseChangesChannels",
          args.spanOf("out") ?? args.callSpan,
          `depthwise layer cannot change ${inC} channels into ${asked}: its output has in.c × mult = ${inC} × ${mult} = ${out} channels`,
          help,
        );
      }
      const spatial = args.convSpatial(input, k, s, d, padSpec);
      if (!spatial) return;
      if (!args.weightsFit(k[0] * k[1] * out)) return;
      const expected = [Math.ceil(input.shape[0] / s[0]), Math.ceil(input.shape[1] / s[1])];
      if (spatial.h < expected[0] || spatial.w < expected[1]) {
        args.report(
          "depthwiseShrinks",
          args.spanOf("pad") ?? args.callSpan,
          `dw ${k[0]}x${k[1]} with this padding shrinks ${input.shape[0]}x${input.shape[1]} to ${spatial.h}x${spatial.w}`,
          "separable blocks normally keep the size (pad=same); repeated, this block loses a border every time",
        );
      }
      return [
        {
          op: "dw",
          shape: [spatial.h, spatial.w, out],
          inChannels: inC,
          outChannels: out,
          kernel: k,
          stride: s,
          dilation: d,
          padding: spatial.padding,
          groups: inC,
          bias: hasBias,
        },
      ];
    },
  },
  pw: {
    name: "pw",
    summary: "pointwise (1x1) convolution: mixes channels",
    params: [
      { name: "out", type: "int", positional: true, required: true, doc: "output channels" },
      stride,
      bias(false),
    ],
    build(args, input) {
      const out = args.channels("out");
      const s = args.pair("stride", 1, "stride");
      const hasBias = args.bool("bias", false);
      if (out === undefined || !s || hasBias === undefined) return;
      const spatial = args.convSpatial(input, [1, 1], s, [1, 1], { mode: "valid" });
      if (!spatial) return;
      if (!args.weightsFit(input.shape[2] * out)) return;
      return [pointwise(input.shape[2], out, spatial, s, hasBias)];
    },
  },
  sep: {
    name: "sep",
    summary: "separable convolution: dw then pw, nothing between (as Keras SeparableConv2D)",
    params: [
      { name: "out", type: "int", positional: true, required: true, doc: "output channels" },
      { ...kernel(false), default: "3" },
      stride,
      dilation,
      pad("same"),
      { name: "mult", type: "int", default: "1", doc: "depth multiplier of the depthwise part" },
      bias(false),
    ],
    build(args, input) {
      const out = args.channels("out");
      const k = args.pair("kernel", 3, "kernel");
      const s = args.pair("stride", 1, "stride");
      const d = args.pair("dilation", 1, "dilation");
      const mult = args.positiveInt("mult", 1);
      const padSpec = args.padding("same");
      const hasBias = args.bool("bias", false);
      if (
        out === undefined ||
        !k ||
        !s ||
        !d ||
        mult === undefined ||
        !padSpec ||
        hasBias === undefined
      )
        return;
      const inC = input.shape[2];
      const mid = inC * mult;
      const spatial = args.convSpatial(input, k, s, d, padSpec);
      if (!spatial) return;
      if (!args.weightsFit(k[0] * k[1] * mid) || !args.weightsFit(mid * out)) return;
      return [
        {
          op: "dw",
          suffix: "dw",
          shape: [spatial.h, spatial.w, mid],
          inChannels: inC,
          outChannels: mid,
          kernel: k,
          stride: s,
          dilation: d,
          padding: spatial.padding,
          groups: inC,
          bias: false,
        },
        { ...pointwise(mid, out, spatial, [1, 1], hasBias), suffix: "pw" },
      ];
    },
  },
  bn: {
    name: "bn",
    summary: "batch normalisation (inference: running statistics)",
    params: [
      {
        name: "channels",
        type: "int",
        positional: true,
        doc: "channel count, checked against the input (optional)",
      },
      {
        name: "eps",
        type: "number",
        default: "1e-5",
        doc: "added to the variance (PyTorch's default)",
      },
    ],
    build(args, input) {
      const eps = args.number("eps", 1e-5);
      if (eps === undefined) return;
      if (eps < 0) {
        args.report(
          "invalidValue",
          args.spanOf("eps")!,
          `eps must not be negative, but is ${formatNumber(eps)}`,
        );
        return;
      }
      const c = input.shape[2];
      if (args.has("channels")) {
        const asked = args.channels("channels");
        if (asked === undefined) return;
        if (asked !== c) {
          args.report(
            "channelMismatch",
            args.spanOf("channels")!,
            `\`${args.callText}\` expects ${asked} channels, but its input ${input.producer} has ${c} (${formatShape(input.shape)})`,
            `write \`bn\` alone to size it from its input, or \`bn ${c}\``,
          );
        }
      }
      return [{ op: "bn", shape: input.shape, channels: c, eps }];
    },
  },
  relu: activation("relu", "max(x, 0)"),
  relu6: activation("relu6", "min(max(x, 0), 6)"),
  leaky_relu: {
    name: "leaky_relu",
    summary: "x for x >= 0, slope·x below",
    params: [
      { name: "slope", type: "number", positional: true, default: "0.01", doc: "negative slope" },
    ],
    build(args, input) {
      const slope = args.number("slope", 0.01);
      if (slope === undefined) return;
      return [{ op: "leaky_relu", shape: input.shape, slope }];
    },
  },
  sigmoid: activation("sigmoid", "1 / (1 + e^-x)"),
  tanh: activation("tanh", "hyperbolic tangent"),
  silu: activation("silu", "x · sigmoid(x) (swish)"),
  hardswish: activation("hardswish", "x · relu6(x + 3) / 6 (MobileNetV3)"),
  hardsigmoid: activation("hardsigmoid", "relu6(x + 3) / 6 (MobileNetV3)"),
  maxpool: pool("maxpool", "max over each window (padding counts as -infinity)"),
  avgpool: pool("avgpool", "mean over each window (padding is left out of the count)"),
  gap: {
    name: "gap",
    summary: "global average pool: HxWxC to 1x1xC",
    params: [],
    build: (_args, input) => [{ op: "gap", shape: [1, 1, input.shape[2]] }],
  },
  gmp: {
    name: "gmp",
    summary: "global max pool: HxWxC to 1x1xC",
    params: [],
    build: (_args, input) => [{ op: "gmp", shape: [1, 1, input.shape[2]] }],
  },
  fc: {
    name: "fc",
    summary: "fully connected layer on a 1x1xC input",
    params: [
      { name: "out", type: "int", positional: true, required: true, doc: "output features" },
      bias(true),
    ],
    build(args, input) {
      const out = args.channels("out");
      const hasBias = args.bool("bias", true);
      if (out === undefined || hasBias === undefined) return;
      const [h, w, c] = input.shape;
      if (h !== 1 || w !== 1) {
        args.report(
          "notFlat",
          args.callSpan,
          `fc needs a flat input (1x1xC), but its input ${input.producer} is ${formatShape(input.shape)}`,
          "put `gap` (global average pool) or `flatten` before it",
        );
        return;
      }
      if (!args.weightsFit(c * out)) return;
      return [{ op: "fc", shape: [1, 1, out], inFeatures: c, outFeatures: out, bias: hasBias }];
    },
  },
  flatten: {
    name: "flatten",
    summary: "HxWxC to 1x1x(H·W·C), in PyTorch's channel-major order",
    params: [],
    build: (_args, input) => [
      { op: "flatten", shape: [1, 1, input.shape[0] * input.shape[1] * input.shape[2]] },
    ],
  },
  softmax: {
    name: "softmax",
    summary: "softmax over channels",
    params: [],
    build: (_args, input) => [{ op: "softmax", shape: input.shape }],
  },
  dropout: {
    name: "dropout",
    summary: "dropout: nothing at inference, kept for the summary",
    params: [
      { name: "p", type: "number", positional: true, default: "0.5", doc: "drop probability" },
    ],
    build(args, input) {
      const p = args.number("p", 0.5);
      if (p === undefined) return;
      if (p < 0 || p >= 1) {
        args.report(
          "invalidValue",
          args.spanOf("p")!,
          `dropout probability must be in [0, 1), but is ${formatNumber(p)}`,
        );
        return;
      }
      return [{ op: "dropout", shape: input.shape, p }];
    },
  },
};

function pool(op: "maxpool" | "avgpool", summary: string): LayerSpec {
  return {
    name: op,
    summary,
    params: [kernel(true), { ...stride, default: "kernel" }, pad("valid")],
    build(args, input) {
      const k = args.pair("kernel", 2, "kernel");
      const s = args.has("stride") ? args.pair("stride", 1, "stride") : k;
      const padSpec = args.padding("valid");
      if (!k || !s || !padSpec) return;
      const spatial = args.convSpatial(input, k, s, [1, 1], padSpec);
      if (!spatial) return;
      const { padding } = spatial;
      if (
        Math.max(padding.top, padding.bottom) >= k[0] ||
        Math.max(padding.left, padding.right) >= k[1]
      ) {
        args.report(
          "invalidValue",
          args.spanOf("pad") ?? args.callSpan,
          `${op} ${k[0]}x${k[1]} with padding ${describePadding(padding)} has windows made only of padding`,
          "padding must be smaller than the window",
        );
        return;
      }
      return [{ op, shape: [spatial.h, spatial.w, input.shape[2]], kernel: k, stride: s, padding }];
    },
  };
}

/** A 1x1 convolution producing `size`; it never pads. */
function pointwise(
  inC: number,
  out: number,
  size: { h: number; w: number },
  s: [number, number],
  hasBias: boolean,
): LayerDraft {
  return {
    op: "pw",
    shape: [size.h, size.w, out],
    inChannels: inC,
    outChannels: out,
    kernel: [1, 1],
    stride: s,
    dilation: [1, 1],
    padding: { top: 0, bottom: 0, left: 0, right: 0 },
    groups: 1,
    bias: hasBias,
  };
}

export function describePadding(p: Padding): string {
  if (p.top === p.bottom && p.left === p.right) {
    return p.top === p.left ? String(p.top) : `[${p.top}, ${p.left}]`;
  }
  return `[${p.top}, ${p.bottom}, ${p.left}, ${p.right}]`;
}

export type PadSpec = { mode: "same" | "same_upper" | "valid" } | { explicit: Padding };

/**
 * Reads a call's bound arguments with the types the layer wants, reporting what does not fit.
 * Every reader returns undefined after a report, and nothing more is said about that argument.
 */
export class ArgReader {
  constructor(
    private args: Map<string, Located>,
    readonly callSpan: Span,
    readonly callText: string,
    private reporter: Reporter,
    private expansion: RelatedLocation[],
  ) {}

  has(name: string): boolean {
    return this.args.has(name);
  }

  spanOf(name: string): Span | undefined {
    return this.args.get(name)?.span;
  }

  report(kind: DiagnosticKind, span: Span, message: string, help?: string): void {
    this.reporter.report(kind, span, message, { expansion: this.expansion, help });
  }

  /** A channel or feature count: a whole number of at least 1. */
  channels(name: string): number | undefined {
    const arg = this.args.get(name);
    if (!arg) return undefined;
    const v = arg.value;
    const what = `\`${this.callText.split(/\s/)[0]}\` ${name === "out" ? "output channels" : name}`;
    if (typeof v !== "number") {
      this.report(
        "typeMismatch",
        arg.span,
        `${what} must be a number, but \`${arg.text}\` is ${typeName(v)}`,
      );
      return undefined;
    }
    if (!Number.isInteger(v) || v < 1) {
      const computed =
        arg.text !== formatNumber(v)
          ? `\`${arg.text}\` = ${formatNumber(v)}`
          : `${formatNumber(v)}`;
      const help =
        !Number.isInteger(v) && v > 0
          ? `round it, for example \`int(${arg.text})\` or \`make_divisible(${arg.text}, 8)\``
          : undefined;
      this.report(
        "badChannels",
        arg.span,
        `${what} must be a whole number of at least 1, but ${computed}`,
        help,
      );
      return undefined;
    }
    if (v > limits.tensorElements) {
      this.report(
        "tensorTooLarge",
        arg.span,
        `${what} = ${v} is beyond the limit of ${limits.tensorElements}`,
      );
      return undefined;
    }
    return v;
  }

  positiveInt(name: string, fallback: number): number | undefined {
    const arg = this.args.get(name);
    if (!arg) return fallback;
    const v = this.wholeNumber(arg, name);
    if (v === undefined) return undefined;
    if (v < 1) {
      this.report("notPositive", arg.span, `${name} must be at least 1, but is ${v}`);
      return undefined;
    }
    return v;
  }

  number(name: string, fallback: number): number | undefined {
    const arg = this.args.get(name);
    if (!arg) return fallback;
    if (typeof arg.value !== "number") {
      this.report(
        "typeMismatch",
        arg.span,
        `${name} must be a number, but \`${arg.text}\` is ${typeName(arg.value)}`,
      );
      return undefined;
    }
    return arg.value;
  }

  bool(name: string, fallback: boolean): boolean | undefined {
    const arg = this.args.get(name);
    if (!arg) return fallback;
    if (typeof arg.value !== "boolean") {
      this.report(
        "typeMismatch",
        arg.span,
        `${name} must be true or false, but \`${arg.text}\` is ${typeName(arg.value)}`,
      );
      return undefined;
    }
    return arg.value;
  }

  /** A kernel, stride or dilation: `3`, `3x3`, `[1, 2]`; each part a whole number >= 1. */
  pair(
    name: string,
    fallback: number,
    role: "kernel" | "stride" | "dilation",
  ): [number, number] | undefined {
    const arg = this.args.get(name);
    if (!arg) return [fallback, fallback];
    const parts = numberParts(arg.value);
    if (!parts || (parts.length !== 1 && parts.length !== 2)) {
      this.report(
        "typeMismatch",
        arg.span,
        `${role} must be a number or two numbers (\`3x3\`, \`[1, 2]\`), but \`${arg.text}\` is ${describeValue(arg.value)}`,
      );
      return undefined;
    }
    for (const p of parts) {
      if (!Number.isInteger(p)) {
        this.report(
          "notWholeNumber",
          arg.span,
          `${role} must be a whole number, but \`${arg.text}\` is ${describeValue(arg.value)}`,
        );
        return undefined;
      }
      if (p < 1) {
        const kind =
          role === "stride"
            ? "strideBelowOne"
            : role === "dilation"
              ? "dilationBelowOne"
              : "notPositive";
        this.report(
          kind,
          arg.span,
          `${role} must be at least 1, but \`${arg.text}\` is ${describeValue(arg.value)}`,
        );
        return undefined;
      }
    }
    return parts.length === 1 ? [parts[0], parts[0]] : [parts[0], parts[1]];
  }

  padding(fallback: "same" | "same_upper" | "valid"): PadSpec | undefined {
    const arg = this.args.get("pad");
    if (!arg) return { mode: fallback };
    const v = arg.value;
    if (typeof v === "object" && v.kind === "pad") return { mode: v.mode };
    const parts = numberParts(v);
    if (parts && [1, 2, 4].includes(parts.length)) {
      if (parts.some((p) => !Number.isInteger(p) || p < 0)) {
        this.report(
          "notWholeNumber",
          arg.span,
          `padding must be whole numbers of at least 0, but \`${arg.text}\` is ${describeValue(v)}`,
        );
        return undefined;
      }
      const [top, bottom, left, right] =
        parts.length === 1
          ? [parts[0], parts[0], parts[0], parts[0]]
          : parts.length === 2
            ? [parts[0], parts[0], parts[1], parts[1]]
            : parts;
      return { explicit: { top, bottom, left, right } };
    }
    this.report(
      "typeMismatch",
      arg.span,
      `pad must be same, same_upper, valid, a number, [h, w] or [top, bottom, left, right], but \`${arg.text}\` is ${describeValue(v)}`,
    );
    return undefined;
  }

  /**
   * Output size of a sliding window, per dimension: floor((in + before + after - d·(k-1) - 1) / s) + 1.
   * Reports a size below 1 with the arithmetic, and tensors beyond the limit.
   */
  convSpatial(
    input: Incoming,
    k: [number, number],
    s: [number, number],
    d: [number, number],
    padSpec: PadSpec,
  ): { h: number; w: number; padding: Padding } | undefined {
    const [inH, inW] = input.shape;
    const [top, bottom] = resolvePadding(
      padSpec,
      "explicit" in padSpec ? [padSpec.explicit.top, padSpec.explicit.bottom] : undefined,
      inH,
      k[0],
      s[0],
      d[0],
    );
    const [left, right] = resolvePadding(
      padSpec,
      "explicit" in padSpec ? [padSpec.explicit.left, padSpec.explicit.right] : undefined,
      inW,
      k[1],
      s[1],
      d[1],
    );
    const padding = { top, bottom, left, right };
    const size = (n: number, before: number, after: number, kk: number, ss: number, dd: number) =>
      Math.floor((n + before + after - dd * (kk - 1) - 1) / ss) + 1;
    const h = size(inH, top, bottom, k[0], s[0], d[0]);
    const w = size(inW, left, right, k[1], s[1], d[1]);
    if (h < 1 || w < 1) {
      const [axis, n, before, after, kk, ss, dd, out] =
        h < 1
          ? ["height", inH, top, bottom, k[0], s[0], d[0], h]
          : ["width", inW, left, right, k[1], s[1], d[1], w];
      const span = dd > 1 ? `${dd}·(${kk}-1)+1` : `${kk}`;
      this.report(
        "spatialTooSmall",
        this.callSpan,
        `\`${this.callText}\` on ${formatShape(input.shape)} from ${input.producer} leaves no output: ${axis} ⌊(${n} + ${before + after} - ${span}) / ${ss}⌋ + 1 = ${out}`,
        `the input is smaller than the ${kk}-wide window; use padding (pad=same) or fewer downsampling layers before it`,
      );
      return undefined;
    }
    return { h, w, padding };
  }

  /** Reports weights beyond the limit. */
  weightsFit(count: number): boolean {
    if (count <= limits.weightElements) return true;
    this.report(
      "tensorTooLarge",
      this.callSpan,
      `\`${this.callText}\` would have ${count} weights, beyond the limit of ${limits.weightElements}`,
    );
    return false;
  }

  private wholeNumber(arg: Located, name: string): number | undefined {
    if (typeof arg.value !== "number") {
      this.report(
        "typeMismatch",
        arg.span,
        `${name} must be a number, but \`${arg.text}\` is ${typeName(arg.value)}`,
      );
      return undefined;
    }
    if (!Number.isInteger(arg.value)) {
      this.report(
        "notWholeNumber",
        arg.span,
        `${name} must be a whole number, but \`${arg.text}\` is ${formatNumber(arg.value)}`,
      );
      return undefined;
    }
    return arg.value;
  }
}

/**
 * Padding of one dimension. `same` pads d·(k-1) in total, the odd pixel at the end: for odd
 * kernels that is PyTorch's `padding=k//2`, and the output is ⌈in/s⌉. `same_upper` is
 * TensorFlow's and ONNX's SAME: the total is whatever makes the output ⌈in/s⌉, so with an even
 * input and stride 2 it pads 0 before and 1 after where `same` pads 1 and 1 — the same output
 * size, but different pixels under each window.
 */
export function resolvePadding(
  spec: PadSpec,
  explicit: [number, number] | undefined,
  n: number,
  k: number,
  s: number,
  d: number,
): [number, number] {
  if (explicit) return explicit;
  if (!("mode" in spec) || spec.mode === "valid") return [0, 0];
  const extent = d * (k - 1) + 1;
  const total =
    spec.mode === "same" ? extent - 1 : Math.max((Math.ceil(n / s) - 1) * s + extent - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function numberParts(v: Value): number[] | undefined {
  if (typeof v === "number") return [v];
  if (typeof v === "object" && (v.kind === "dims" || v.kind === "list")) {
    const parts = v.kind === "dims" ? v.parts : v.items;
    if (parts.every((p): p is number => typeof p === "number")) return parts;
  }
  return undefined;
}
