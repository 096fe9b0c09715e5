import type { Incoming, LayerCall } from "./layer-call.js";
import type { ActivationOp, Layer } from "./network.js";
import { formatShape } from "./network.js";
import { describePadding } from "./padding.js";
import { readArguments, type ArgsOf, type ParamSpec } from "./parameters.js";
import { formatNumber } from "./values.js";
import { slidingWindow } from "./window.js";

/*
 * The built-in layers, one entry each: a summary, the parameters (declared once, with their
 * types and defaults: argument binding, `dsnet layers` and REPL completion read them) and the
 * shape rule. A rule receives its arguments already read as their types, checks them against
 * the incoming shape and returns the layers the call stands for (one, or two for `sep`), or
 * undefined after reporting.
 */

/** A layer before the elaborator gives it an id, a name and its inputs. */
export type LayerDraft = DistributiveOmit<Layer, "id" | "name" | "inputs" | "origin"> & {
  /** Appended to the layer's name when one call makes several layers (`sep1.dw`). */
  suffix?: string;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface LayerSpec {
  name: string;
  summary: string;
  params: readonly ParamSpec[];
  /** Reads the call's arguments and applies the shape rule. */
  build(call: LayerCall, input: Incoming): LayerDraft[] | undefined;
}

function layer<const P extends readonly ParamSpec[]>(
  name: string,
  spec: {
    summary: string;
    params: P;
    rule(args: ArgsOf<P>, input: Incoming, call: LayerCall): LayerDraft[] | undefined;
  },
): LayerSpec {
  return {
    name,
    summary: spec.summary,
    params: spec.params,
    build(call, input) {
      const args = readArguments(spec.params, call, input);
      return args && spec.rule(args, input, call);
    },
  };
}

const stride = {
  name: "stride",
  type: "pair",
  default: "1",
  doc: "step between windows; `s2` is short for stride=2; `[sh, sw]` for different steps",
} as const;
const dilation = {
  name: "dilation",
  type: "pair",
  default: "1",
  doc: "spacing between kernel taps; `d2` is short for dilation=2",
} as const;
const pad = (fallback: "same" | "valid") =>
  ({
    name: "pad",
    type: "pad",
    default: fallback,
    doc: "same | same_upper | valid | N | [h, w] | [top, bottom, left, right]",
  }) as const;
const bias = (fallback: "true" | "false") =>
  ({
    name: "bias",
    type: "bool",
    default: fallback,
    doc: "add a learned per-channel bias",
  }) as const;
const kernel = {
  name: "kernel",
  type: "pair",
  positional: true,
  required: true,
  doc: "window size: `3x3`, `3` (square) or `1x7`",
} as const;
const out = (doc: string) =>
  ({ name: "out", type: "channels", positional: true, required: true, doc }) as const;

function activation(op: ActivationOp, summary: string): LayerSpec {
  return layer(op, {
    summary,
    params: [],
    rule: (_args, input) => [{ op, shape: input.shape, slope: 0 }],
  });
}

function globalPool(op: "gap" | "gmp", summary: string): LayerSpec {
  return layer(op, {
    summary,
    params: [],
    rule: (_args, input) => [{ op, shape: [1, 1, input.shape[2]] }],
  });
}

function pool(op: "maxpool" | "avgpool", summary: string): LayerSpec {
  return layer(op, {
    summary,
    params: [kernel, { ...stride, default: "kernel" }, pad("valid")],
    rule(args, input, call) {
      const k = args.kernel;
      const spatial = slidingWindow(call, input, k, args.stride, [1, 1], args.pad);
      if (!spatial) return;
      const { padding } = spatial;
      if (
        Math.max(padding.top, padding.bottom) >= k[0] ||
        Math.max(padding.left, padding.right) >= k[1]
      ) {
        call.report(
          "poolWindowOfPadding",
          call.spanOf("pad") ?? call.span,
          { layer: op, kernel: `${k[0]}x${k[1]}`, padding: describePadding(padding) },
          "padding must be smaller than the window",
        );
        return;
      }
      return [
        {
          op,
          shape: [spatial.h, spatial.w, input.shape[2]],
          kernel: k,
          stride: args.stride,
          padding,
        },
      ];
    },
  });
}

/** A 1x1 convolution producing `size`; it never pads. */
function pointwise(
  inC: number,
  outC: number,
  size: { h: number; w: number },
  s: [number, number],
  hasBias: boolean,
): LayerDraft {
  return {
    op: "pw",
    shape: [size.h, size.w, outC],
    inChannels: inC,
    outChannels: outC,
    kernel: [1, 1],
    stride: s,
    dilation: [1, 1],
    padding: { top: 0, bottom: 0, left: 0, right: 0 },
    groups: 1,
    bias: hasBias,
  };
}

const specs: LayerSpec[] = [
  layer("conv", {
    summary: "standard (or grouped) convolution",
    params: [
      out("output channels"),
      kernel,
      stride,
      dilation,
      pad("same"),
      {
        name: "groups",
        type: "count",
        default: "1",
        doc: "channel groups; in and out channels must divide by it",
      },
      bias("false"),
    ],
    rule(args, input, call) {
      const inC = input.shape[2];
      const { out: outC, kernel: k, groups } = args;
      if (inC % groups !== 0 || outC % groups !== 0) {
        call.report("groupsMismatch", call.spanOf("groups") ?? call.span, {
          groups,
          inChannels: inC,
          outChannels: outC,
        });
        return;
      }
      const spatial = slidingWindow(call, input, k, args.stride, args.dilation, args.pad);
      if (!spatial) return;
      if (!call.weightsFit(k[0] * k[1] * (inC / groups) * outC)) return;
      return [
        {
          op: "conv",
          shape: [spatial.h, spatial.w, outC],
          inChannels: inC,
          outChannels: outC,
          kernel: k,
          stride: args.stride,
          dilation: args.dilation,
          padding: spatial.padding,
          groups,
          bias: args.bias,
        },
      ];
    },
  }),
  layer("dw", {
    summary: "depthwise convolution: one filter per input channel (× mult)",
    params: [
      kernel,
      {
        name: "out",
        type: "channels",
        positional: true,
        doc: "output channels; must equal in.c × mult (it is a check, not a choice)",
      },
      stride,
      dilation,
      pad("same"),
      {
        name: "mult",
        type: "count",
        default: "1",
        doc: "depth multiplier: filters per input channel",
      },
      bias("false"),
    ],
    rule(args, input, call) {
      const { kernel: k, stride: s, mult, out: asked } = args;
      const inC = input.shape[2];
      const outC = inC * mult;
      if (asked !== undefined && asked !== outC) {
        const help =
          asked % inC === 0
            ? `write mult=${asked / inC} for ${asked} channels, or keep ${inC} here and change the count in the pointwise layer that follows`
            : `a depthwise layer keeps its ${inC} input channels (or multiplies them with mult=); change the channel count in the pointwise layer that follows`;
        // Reported, then checked on as the depthwise layer it must be, so one run also finds
        // the mistakes after it.
        call.report(
          "depthwiseChangesChannels",
          call.spanOf("out") ?? call.span,
          { inChannels: inC, asked, mult, outChannels: outC },
          help,
        );
      }
      const spatial = slidingWindow(call, input, k, s, args.dilation, args.pad);
      if (!spatial) return;
      if (!call.weightsFit(k[0] * k[1] * outC)) return;
      const expected = [Math.ceil(input.shape[0] / s[0]), Math.ceil(input.shape[1] / s[1])];
      if (spatial.h < expected[0] || spatial.w < expected[1]) {
        const help =
          "separable blocks normally keep the size (pad=same); repeated, this block loses a border every time";
        // At the pad value written, the fix replaces it; at the call, there is none to replace.
        const pad = call.spanOf("pad");
        call.report(
          "depthwiseShrinks",
          pad ?? call.span,
          {
            kernel: `${k[0]}x${k[1]}`,
            from: `${input.shape[0]}x${input.shape[1]}`,
            to: `${spatial.h}x${spatial.w}`,
          },
          pad
            ? { help, fixes: [{ title: "Pad with `same` (keeps the size)", newText: "same" }] }
            : help,
        );
      }
      return [
        {
          op: "dw",
          shape: [spatial.h, spatial.w, outC],
          inChannels: inC,
          outChannels: outC,
          kernel: k,
          stride: s,
          dilation: args.dilation,
          padding: spatial.padding,
          groups: inC,
          bias: args.bias,
        },
      ];
    },
  }),
  layer("pw", {
    summary: "pointwise (1x1) convolution: mixes channels",
    params: [out("output channels"), stride, bias("false")],
    rule(args, input, call) {
      const spatial = slidingWindow(call, input, [1, 1], args.stride, [1, 1], { mode: "valid" });
      if (!spatial) return;
      if (!call.weightsFit(input.shape[2] * args.out)) return;
      return [pointwise(input.shape[2], args.out, spatial, args.stride, args.bias)];
    },
  }),
  layer("sep", {
    summary: "separable convolution: dw then pw, nothing between (as Keras SeparableConv2D)",
    params: [
      out("output channels"),
      { ...kernel, required: false, default: "3" },
      stride,
      dilation,
      pad("same"),
      { name: "mult", type: "count", default: "1", doc: "depth multiplier of the depthwise part" },
      bias("false"),
    ],
    rule(args, input, call) {
      const { kernel: k, out: outC } = args;
      const inC = input.shape[2];
      const mid = inC * args.mult;
      const spatial = slidingWindow(call, input, k, args.stride, args.dilation, args.pad);
      if (!spatial) return;
      if (!call.weightsFit(k[0] * k[1] * mid) || !call.weightsFit(mid * outC)) return;
      return [
        {
          op: "dw",
          suffix: "dw",
          shape: [spatial.h, spatial.w, mid],
          inChannels: inC,
          outChannels: mid,
          kernel: k,
          stride: args.stride,
          dilation: args.dilation,
          padding: spatial.padding,
          groups: inC,
          bias: false,
        },
        { ...pointwise(mid, outC, spatial, [1, 1], args.bias), suffix: "pw" },
      ];
    },
  }),
  layer("bn", {
    summary: "batch normalisation (inference: running statistics)",
    params: [
      {
        name: "channels",
        type: "channels",
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
    rule(args, input, call) {
      const { eps, channels: asked } = args;
      if (eps < 0) {
        call.report("negativeEps", call.spanOf("eps")!, { value: formatNumber(eps) });
        return;
      }
      const c = input.shape[2];
      if (asked !== undefined && asked !== c) {
        call.report(
          "channelMismatch",
          call.spanOf("channels")!,
          {
            call: call.text,
            asked,
            producer: input.producer,
            channels: c,
            shape: formatShape(input.shape),
          },
          `write \`bn\` alone to size it from its input, or \`bn ${c}\``,
        );
      }
      return [{ op: "bn", shape: input.shape, channels: c, eps }];
    },
  }),
  layer("normalize", {
    summary: "input scaling per channel: (x - mean) / std, or x * scale + shift",
    params: [
      { name: "mean", type: "numbers", doc: "subtracted: one value, or one per channel" },
      { name: "std", type: "numbers", doc: "then divided by (one, or one per channel)" },
      { name: "scale", type: "numbers", doc: "or instead: multiplied by (`scale=2/255`)" },
      { name: "shift", type: "numbers", doc: "then added (`shift=-1`)" },
    ],
    rule(args, input, call) {
      const c = input.shape[2];
      const statistics = args.mean !== undefined || args.std !== undefined;
      const affine = args.scale !== undefined || args.shift !== undefined;
      if (statistics === affine) {
        const span = affine ? (call.spanOf("scale") ?? call.spanOf("shift")!) : call.span;
        call.report(
          "normalizeForm",
          span,
          {},
          "for example `normalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]` or `normalize scale=2/255 shift=-1`",
        );
        return;
      }
      const perChannel = (name: "mean" | "std" | "scale" | "shift", fallback: number) => {
        const values = args[name] ?? [fallback];
        // After an unknown layer the channels are not known (NaN): nothing to count against.
        if (Number.isNaN(c)) return values;
        if (values.length === 1) return new Array<number>(c).fill(values[0]);
        if (values.length === c) return values;
        call.report("normalizeChannels", call.spanOf(name)!, {
          name,
          count: values.length,
          producer: input.producer,
          channels: c,
        });
        return undefined;
      };
      if (statistics) {
        const mean = perChannel("mean", 0);
        const std = perChannel("std", 1);
        if (!mean || !std) return;
        if (std.some((s) => s === 0 || !Number.isFinite(Math.fround(1 / s)))) {
          call.report("normalizeZeroStd", call.spanOf("std")!, {
            value: formatNumber(std.find((s) => !Number.isFinite(Math.fround(1 / s)))!),
          });
          return;
        }
        return [
          {
            op: "normalize",
            shape: input.shape,
            scale: std.map((s) => 1 / s),
            shift: mean.map((m, i) => -m / std[i]),
          },
        ];
      }
      const scale = perChannel("scale", 1);
      const shift = perChannel("shift", 0);
      if (!scale || !shift) return;
      return [{ op: "normalize", shape: input.shape, scale, shift }];
    },
  }),
  activation("relu", "max(x, 0)"),
  activation("relu6", "min(max(x, 0), 6)"),
  layer("leaky_relu", {
    summary: "x for x >= 0, slope·x below",
    params: [
      { name: "slope", type: "number", positional: true, default: "0.01", doc: "negative slope" },
    ],
    rule: (args, input) => [{ op: "leaky_relu", shape: input.shape, slope: args.slope }],
  }),
  activation("sigmoid", "1 / (1 + e^-x)"),
  activation("tanh", "hyperbolic tangent"),
  activation("silu", "x · sigmoid(x) (swish)"),
  activation("hardswish", "x · relu6(x + 3) / 6 (MobileNetV3)"),
  activation("hardsigmoid", "relu6(x + 3) / 6 (MobileNetV3)"),
  pool("maxpool", "max over each window (padding counts as -infinity)"),
  pool("avgpool", "mean over each window (padding is left out of the count)"),
  globalPool("gap", "global average pool: HxWxC to 1x1xC"),
  globalPool("gmp", "global max pool: HxWxC to 1x1xC"),
  layer("fc", {
    summary: "fully connected layer on a 1x1xC input",
    params: [out("output features"), bias("true")],
    rule(args, input, call) {
      const [h, w, c] = input.shape;
      if (h !== 1 || w !== 1) {
        call.report(
          "notFlat",
          call.span,
          { producer: input.producer, shape: formatShape(input.shape) },
          "put `gap` (global average pool) or `flatten` before it",
        );
        return;
      }
      if (!call.weightsFit(c * args.out)) return;
      return [
        {
          op: "fc",
          shape: [1, 1, args.out],
          inFeatures: c,
          outFeatures: args.out,
          bias: args.bias,
        },
      ];
    },
  }),
  layer("flatten", {
    summary: "HxWxC to 1x1x(H·W·C), in PyTorch's channel-major order",
    params: [],
    rule: (_args, input) => [
      { op: "flatten", shape: [1, 1, input.shape[0] * input.shape[1] * input.shape[2]] },
    ],
  }),
  layer("softmax", {
    summary: "softmax over channels",
    params: [],
    rule: (_args, input) => [{ op: "softmax", shape: input.shape }],
  }),
  layer("slice", {
    summary: "channels START to END (END not included) of its input",
    params: [
      { name: "start", type: "number", positional: true, required: true, doc: "first channel" },
      { name: "end", type: "number", positional: true, required: true, doc: "one past the last" },
    ],
    rule(args, input, call) {
      const c = input.shape[2];
      for (const bound of ["start", "end"] as const) {
        const v = args[bound];
        if (!Number.isInteger(v) || v < 0) {
          call.report("sliceBoundNotWhole", call.spanOf(bound)!, {
            call: call.text,
            value: formatNumber(v),
          });
          return;
        }
      }
      const { start, end } = args;
      if (start >= end || end > c) {
        call.report(
          "sliceOutOfRange",
          call.span,
          { call: call.text, start, end, channels: c, producer: input.producer },
          `its input is ${formatShape(input.shape)}: slice takes 0 <= START < END <= ${c}`,
        );
        return;
      }
      return [{ op: "slice", shape: [input.shape[0], input.shape[1], end - start], start }];
    },
  }),
  layer("shuffle", {
    summary: "channel shuffle (ShuffleNet): C channels as GROUPS x C/GROUPS, transposed",
    params: [{ name: "groups", type: "count", positional: true, required: true, doc: "groups" }],
    rule(args, input, call) {
      const c = input.shape[2];
      if (c % args.groups !== 0) {
        call.report("shuffleNotDivisible", call.span, {
          call: call.text,
          groups: args.groups,
          channels: c,
          producer: input.producer,
        });
        return;
      }
      return [{ op: "shuffle", shape: input.shape, groups: args.groups }];
    },
  }),
  layer("dropout", {
    summary: "dropout: nothing at inference, kept for the summary",
    params: [
      { name: "p", type: "number", positional: true, default: "0.5", doc: "drop probability" },
    ],
    rule(args, input, call) {
      const { p } = args;
      if (p < 0 || p >= 1) {
        call.report("dropoutOutOfRange", call.spanOf("p")!, { value: formatNumber(p) });
        return;
      }
      return [{ op: "dropout", shape: input.shape, p }];
    },
  }),
];

/**
 * The built-in layers by name, in the order `dsnet layers` lists them. Without a prototype, so
 * a call of `toString` or `constructor` is an unknown layer rather than an object method.
 */
export const layerSpecs: Record<string, LayerSpec> = Object.assign(
  Object.create(null) as Record<string, LayerSpec>,
  Object.fromEntries(specs.map((spec) => [spec.name, spec])),
);
