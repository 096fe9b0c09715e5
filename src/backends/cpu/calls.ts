import {
  type ConvGeometry,
  depthwiseKernel,
  IM2COL_ROWS,
  isDirectConv,
  type KernelActivation,
  type StepDescriptor,
} from "./steps.js";

/*
 * Each step of the CPU plan as the runtime calls it makes: function and arguments for one
 * sample (the plan and the generated modules run a batch sample by sample, through one sample's
 * buffers), with the value addresses and the tile loop left as names. The CPU plan (plan.ts)
 * resolves them to numbers and calls the functions; the TypeScript generator (backends/ts)
 * prints them as the module's code. One description, so the two cannot drift apart.
 */

/** A name both know: the im2col scratch address, the memory, the tile loop's variables. */
export type CallSymbol = "scratch" | "m" | "p0" | "rows";

/** An argument: a constant, a name, a value's address (in elements), or one built of those. */
export type Expr =
  | number
  | boolean
  | { symbol: CallSymbol }
  | { value: number }
  | { add: [Expr, Expr] }
  | { mul: [Expr, Expr] }
  | { fields: [string, Expr][] }
  | { list: Expr[] }
  | { subarray: [Expr, Expr] };

/**
 * `k.<name>`: a WebAssembly kernel (byte addresses); `m.copyWithin`: the memory's own method;
 * any other name: a function of the runtime taking the memory first (src/runtime).
 */
export interface Call {
  fn: string;
  args: Expr[];
}

export interface StepCalls {
  /**
   * When set, `calls` run for each tile of up to `rows` output pixels from pixel `p0` (im2col's
   * loop); otherwise once.
   */
  tiles?: { pixels: number; rows: number };
  calls: Call[];
}

const m: Expr = { symbol: "m" };
const bytes = (e: Expr): Expr => ({ mul: [e, 4] });
const value = (id: number): Expr => ({ value: id });

/**
 * The calls of one step; `w` holds the addresses (elements) of the node's packed weights. With
 * `kernels` "js" (a module of plain loops, no WebAssembly), the steps whose kernel the runtime
 * also has as a loop (element-wise, pooling, channel moves) call the loop, which computes the
 * same bits.
 */
export function stepCalls(
  step: StepDescriptor,
  w: number[],
  kernels: "wasm" | "js" = "wasm",
): StepCalls {
  const wasm = kernels === "wasm";
  const once = (calls: Call[]): StepCalls => ({ calls });
  const activate = (act: KernelActivation, out: number, length: number): Call[] =>
    act.code === 0 ? [] : [activation(out, out, length, act)];
  switch (step.kind) {
    case "depthwise": {
      const g = step.geometry;
      const kernel = depthwiseKernel(step);
      const size = kernel === "depthwise" ? g.kernel : [];
      return once([
        {
          fn: `k.${kernel}`,
          args: [...windowArgs(step, w, size), step.act.code, step.act.slope, 0, g.oh],
        },
      ]);
    }
    case "pointwise":
    case "fc": {
      // A matrix product over every pixel (pointwise), or one row (fc).
      const [rows, k, columns] =
        step.kind === "fc" ? [1, step.inF, step.outF] : [step.pixels, step.inC, step.outC];
      const x = bytes(value(step.x));
      const out = bytes(value(step.out));
      return once([gemm(x, k * 4, w, out, columns * 4, rows, k, columns, step.act)]);
    }
    case "conv": {
      const g = step.geometry;
      if (isDirectConv(step)) {
        return once([
          {
            fn: "k.conv_direct",
            args: [
              ...windowArgs(step, w, g.kernel),
              step.outC,
              step.act.code,
              step.act.slope,
              0,
              g.oh,
            ],
          },
        ]);
      }
      // im2col into scratch a few hundred output pixels at a time, then gemm, once per group,
      // each group writing its columns of the output.
      const pixels = g.oh * g.ow;
      const kk = g.kernel[0] * g.kernel[1] * step.cig;
      const scratch: Expr = { symbol: "scratch" };
      const [p0, rows]: Expr[] = [{ symbol: "p0" }, { symbol: "rows" }];
      const calls: Call[] = [];
      for (let group = 0; group < step.groups; group++) {
        calls.push({
          fn: "k.im2col",
          args: [
            bytes(value(step.x)),
            bytes(scratch),
            0,
            g.h,
            g.w,
            g.c,
            g.ow,
            g.kernel[0],
            g.kernel[1],
            g.stride[0],
            g.stride[1],
            g.dilation[0],
            g.dilation[1],
            g.padding.top,
            g.padding.left,
            p0,
            rows,
            group * step.cig,
            step.cig,
          ],
        });
        // out + p0 * outC + group * cog: this tile's rows, this group's columns.
        const target: Expr = {
          add: [{ add: [value(step.out), { mul: [p0, step.outC] }] }, group * step.cog],
        };
        calls.push(
          gemm(
            bytes(scratch),
            kk * 4,
            [w[2 * group], w[2 * group + 1]],
            bytes(target),
            step.outC * 4,
            rows,
            kk,
            step.cog,
            step.act,
          ),
        );
      }
      return { tiles: { pixels, rows: IM2COL_ROWS }, calls };
    }
    case "affine": {
      const c = step.channels;
      return once([
        {
          fn: "affine",
          args: [
            m,
            value(step.x),
            value(step.out),
            step.pixels,
            c,
            { subarray: [w[0], w[0] + c] },
            { subarray: [w[1], w[1] + c] },
          ],
        },
        ...activate(step.act, step.out, step.pixels * c),
      ]);
    }
    case "activation":
      return once([activation(step.x, step.out, step.length, step.act)]);
    case "add":
      if (wasm) {
        const range = [0, step.length];
        const [a, b, out] = [step.a, step.b, step.out].map((id) => bytes(value(id)));
        return once([
          { fn: "k.elementwise_add", args: [a, b, out, step.act.code, step.act.slope, ...range] },
        ]);
      }
      return once([
        {
          fn: "add",
          args: [m, value(step.a), value(step.b), value(step.out), step.length],
        },
        ...activate(step.act, step.out, step.length),
      ]);
    case "pool": {
      const { padding } = step;
      if (wasm) {
        const [x, out] = [bytes(value(step.x)), bytes(value(step.out))];
        const shape = [step.h, step.w, step.c, step.oh, step.ow, ...step.kernel, ...step.stride];
        const args = [x, out, ...shape, padding.top, padding.left, step.max ? 1 : 0, 0, step.oh];
        return once([{ fn: "k.window_pool", args }]);
      }
      const window: Expr = {
        fields: [
          ["n", 1],
          ["h", step.h],
          ["w", step.w],
          ["c", step.c],
          ["oh", step.oh],
          ["ow", step.ow],
          ["kernel", { list: step.kernel }],
          ["stride", { list: step.stride }],
          [
            "padding",
            {
              fields: [
                ["top", padding.top],
                ["bottom", padding.bottom],
                ["left", padding.left],
                ["right", padding.right],
              ],
            },
          ],
        ],
      };
      return once([{ fn: "pool", args: [m, value(step.x), value(step.out), window, step.max] }]);
    }
    case "globalPool":
      if (wasm) {
        const [x, out] = [bytes(value(step.x)), bytes(value(step.out))];
        const args = [x, out, 1, step.pixels, step.c, step.max ? 1 : 0, 0, step.c];
        return once([{ fn: "k.global_pool", args }]);
      }
      return once([
        {
          fn: "globalPool",
          args: [m, value(step.x), value(step.out), 1, step.pixels, step.c, step.max],
        },
      ]);
    case "flatten":
      return once([
        {
          fn: "flattenChannelMajor",
          args: [m, value(step.x), value(step.out), 1, step.h, step.w, step.c],
        },
      ]);
    case "softmax":
      return once([
        { fn: "softmax", args: [m, value(step.x), value(step.out), step.pixels, step.c] },
      ]);
    case "mul": {
      const [a, b, out] = [step.a, step.b, step.out].map((id) => bytes(value(id)));
      if (wasm && step.broadcast) {
        const args = [a, b, out, 1, step.pixels, step.c, 0, step.pixels];
        return once([{ fn: "k.mul_channels", args }]);
      }
      if (wasm)
        return once([{ fn: "k.elementwise_mul", args: [a, b, out, 0, step.pixels * step.c] }]);
      return once([
        step.broadcast
          ? {
              fn: "mulChannels",
              args: [m, value(step.a), value(step.b), value(step.out), 1, step.pixels, step.c],
            }
          : {
              fn: "mul",
              args: [m, value(step.a), value(step.b), value(step.out), step.pixels * step.c],
            },
      ]);
    }
    case "concat": {
      // Each input into its channels of every output pixel, in order.
      let start = 0;
      return once(
        step.parts.map(({ x, c }) => {
          const call = copyChannels(
            value(x),
            c,
            channelAt(step.out, start),
            step.c,
            step.pixels,
            c,
            wasm,
          );
          start += c;
          return call;
        }),
      );
    }
    case "slice":
      return once([
        copyChannels(
          channelAt(step.x, step.start),
          step.inC,
          value(step.out),
          step.c,
          step.pixels,
          step.c,
          wasm,
        ),
      ]);
    case "shuffle":
      if (wasm) {
        const args = [bytes(value(step.x)), bytes(value(step.out)), step.c, step.groups];
        return once([{ fn: "k.shuffle_channels", args: [...args, 0, step.pixels] }]);
      }
      return once([
        {
          fn: "shuffleChannels",
          args: [m, value(step.x), value(step.out), step.pixels, step.c, step.groups],
        },
      ]);
    case "copy":
      return once([copy(step.x, step.out, step.length)]);
  }
}

/**
 * The arguments the windowed kernels (depthwise, depthwise3x3/5x5, conv_direct) open with:
 * addresses, shapes, the filter size `size` (none where the kernel fixes it), stride, dilation and
 * the padding before.
 */
function windowArgs(
  step: { x: number; out: number; geometry: ConvGeometry },
  w: number[],
  size: readonly number[],
): Expr[] {
  const g = step.geometry;
  return [
    bytes(value(step.x)),
    w[0] * 4,
    w[1] * 4,
    bytes(value(step.out)),
    1,
    g.h,
    g.w,
    g.c,
    g.oh,
    g.ow,
    ...size,
    g.stride[0],
    g.stride[1],
    g.dilation[0],
    g.dilation[1],
    g.padding.top,
    g.padding.left,
  ];
}

/** Channel `channel` of a value's first pixel. */
function channelAt(id: number, channel: number): Expr {
  return channel === 0 ? value(id) : { add: [value(id), channel] };
}

/**
 * copyChannels over every pixel: `channels` of each, pixels `*Stride` elements apart; with
 * `wasm`, kernels.wat's copy_channels (byte addresses), which copies the same bits.
 */
function copyChannels(
  from: Expr,
  fromStride: number,
  to: Expr,
  toStride: number,
  pixels: number,
  channels: number,
  wasm: boolean,
): Call {
  if (wasm) {
    const args = [bytes(from), fromStride * 4, bytes(to), toStride * 4, channels, 0, pixels];
    return { fn: "k.copy_channels", args };
  }
  return {
    fn: "copyChannels",
    args: [m, from, fromStride, to, toStride, pixels, channels],
  };
}

/** kernels.wat's gemm: out[rows, columns] = x[rows, k] · w + bias, then its activation. */
function gemm(
  x: Expr,
  ldx: number,
  w: number[],
  out: Expr,
  ldo: number,
  rows: number | Expr,
  k: number,
  columns: number,
  act: KernelActivation,
): Call {
  return {
    fn: "k.gemm",
    args: [x, ldx, w[0] * 4, w[1] * 4, out, ldo, rows, k, columns, act.code, act.slope],
  };
}

/** kernels.wat's activate: out = act(x), element by element (out may be x). */
function activation(x: number, out: number, length: number, act: KernelActivation): Call {
  return {
    fn: "k.activate",
    args: [bytes(value(x)), bytes(value(out)), length, act.code, act.slope],
  };
}

function copy(x: number, out: number, length: number): Call {
  return {
    fn: "m.copyWithin",
    args: [value(out), value(x), { add: [value(x), length] }],
  };
}
