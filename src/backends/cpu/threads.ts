import type { SharedStep } from "../../runtime/threads.js";
import type { Call, CallSymbol, Expr, StepCalls } from "./calls.js";
import type { StepDescriptor } from "./steps.js";

/*
 * Which steps the threads share, and how (src/runtime/threads.ts runs them): a step's calls from
 * stepCalls, with the tile loop's names (and each thread's scratch) taken out of the arguments
 * as coefficients, so that a worker can compute any tile's arguments from numbers alone. The CPU
 * plan resolves what is left to numbers; the TypeScript generator prints it.
 */

/**
 * Steps of less work per sample stay on the main thread, since a barrier costs as much: work
 * in multiply-adds, or for the steps that move data (add, mul, pools, concat, slice, shuffle)
 * in elements read.
 */
export const SHARED_MACS = 100_000;

/**
 * Pointwise layers of fewer pixels per sample than this (and than their output channels) split
 * their columns among threads, not rows.
 */
const COLUMN_SPLIT_PIXELS = 256;

/** The names a worker supplies itself, in the order of a SharedCall's coefficients. */
const THREAD_SYMBOLS: readonly CallSymbol[] = ["p0", "rows", "scratch"];

/** An argument: what it is with the thread's names at 0, and how it grows with each of them. */
export interface LinearArg {
  at: Expr;
  by: number[];
}

/** A SharedStep before the plan's numbers: its work and arguments still expressions. */
export interface SharedStepPlan extends Omit<SharedStep, "units" | "calls"> {
  units: Expr;
  calls: { fn: string; args: LinearArg[] }[];
}

/**
 * The kernels whose last two arguments are a range of units [u0, u1) that threads may split: for
 * each, the units of the whole step (its last argument) come in chunks of a multiple of `align`.
 */
const RANGE_KERNELS: Record<string, { align: number }> = {
  // Output rows.
  "k.depthwise": { align: 1 },
  "k.depthwise3x3": { align: 1 },
  "k.depthwise5x5": { align: 1 },
  "k.conv_direct": { align: 1 },
  "k.window_pool": { align: 1 },
  // Floats, in whole cache lines; pixels; channels, eight at a time.
  "k.elementwise_add": { align: 16 },
  "k.elementwise_mul": { align: 16 },
  "k.mul_channels": { align: 1 },
  "k.copy_channels": { align: 1 },
  "k.shuffle_channels": { align: 1 },
  "k.global_pool": { align: 8 },
};

/**
 * How step `d` divides among threads, or undefined where it runs on the main thread: the rows
 * (or columns) of a pointwise or fully connected matrix product, the tiles of im2col, a range of
 * the units of a depthwise layer, a pool, a channel move or an element-wise step.
 */
export function sharedStepPlan(
  d: StepDescriptor,
  calls: StepCalls,
  minMacs = SHARED_MACS,
): SharedStepPlan | undefined {
  if (stepWork(d) < minMacs) return undefined;
  if (calls.calls.some((c) => !c.fn.startsWith("k."))) return undefined;
  const linearCalls = calls.calls.map(({ fn, args }: Call) => ({
    fn: fn.slice(2),
    args: args.map(linear),
  }));
  if (calls.tiles) {
    const { pixels, rows } = calls.tiles;
    const units = Math.ceil(pixels / rows);
    return { split: "tiles", units, align: 1, pixels, tileRows: rows, calls: linearCalls };
  }
  if (calls.calls.length === 0) return undefined;
  const { fn, args } = calls.calls[0]!;
  // Several calls (a concat's copies, one per part) only of one range kernel over the same
  // units: each thread then runs its range of every call.
  const lastArg = (c: Call) => c.args[c.args.length - 1];
  const alike = (c: Call) => c.fn === fn && lastArg(c) === lastArg(calls.calls[0]!);
  if (calls.calls.length > 1 && !(RANGE_KERNELS[fn] && calls.calls.every(alike))) {
    return undefined;
  }
  // gemm's rows are its 7th argument; the range kernels' units (the output rows of a depthwise
  // kernel, conv_direct or a pool, the pixels of a channel move, an element-wise kernel's
  // floats, pixels or channels) their last two.
  if (fn === "k.gemm" && (d.kind === "pointwise" || d.kind === "fc")) {
    // Split by rows, each thread brings all of the weights (K x N) into its cache and its part
    // of the input (P x K); by columns, all of the input and its part of the weights. Columns
    // bring in less only where there are fewer pixels than output channels (a 14x14 or 7x7 map
    // of many channels, a fully connected layer's one row), and they make only N/16 chunks:
    // MobileNetV3's 14x14 layers to 80 or 112 channels had 5 or 7 panels, 3:2 or 4:3 on two
    // threads, where rows make 25 chunks of 8 (the whole pass 1.04x faster by rows, MobileNetV2
    // 1.02x, EfficientNet-B0 1.015x; paired, interleaved). Maps of 256 pixels or more split by
    // rows whatever N, as they did before; columns there were not measured.
    const outC = d.kind === "fc" ? d.outF : d.outC;
    const fewPixels = d.kind === "fc" || (d.pixels < COLUMN_SPLIT_PIXELS && d.pixels < outC);
    const columns = fewPixels && outC >= 32;
    if (d.kind === "fc" && !columns) return undefined;
    const units = columns ? Math.ceil(outC / 16) : args[6]!;
    const split = columns ? "columns" : "rows";
    return { split, units, align: columns ? 1 : 4, pixels: 0, tileRows: 0, calls: linearCalls };
  }
  const range = RANGE_KERNELS[fn];
  if (!range) return undefined;
  const units = args[args.length - 1]!;
  return { split: "range", units, align: range.align, pixels: 0, tileRows: 0, calls: linearCalls };
}

/** A step's work per sample, against SHARED_MACS: multiply-adds, or elements read. */
function stepWork(d: StepDescriptor): number {
  switch (d.kind) {
    case "add":
      return 2 * d.length;
    case "mul":
      return (d.broadcast ? 1 : 2) * d.pixels * d.c;
    case "globalPool":
    case "concat":
    case "slice":
    case "shuffle":
      return d.pixels * d.c;
    case "pool":
      return d.oh * d.ow * d.c * d.kernel[0] * d.kernel[1];
    default:
      return d.macs;
  }
}

/** Whether an argument has no thread names in it. */
export function isConstant(arg: LinearArg): boolean {
  return arg.by.every((b) => b === 0);
}

function linear(e: Expr): LinearArg {
  const none = THREAD_SYMBOLS.map(() => 0);
  if (typeof e !== "object" || "value" in e) return { at: e, by: none };
  if ("symbol" in e) {
    const i = THREAD_SYMBOLS.indexOf(e.symbol);
    return i < 0 ? { at: e, by: none } : { at: 0, by: none.map((_, j) => (j === i ? 1 : 0)) };
  }
  if ("add" in e) {
    const [a, b] = e.add.map(linear) as [LinearArg, LinearArg];
    const at = a.at === 0 ? b.at : b.at === 0 ? a.at : { add: [a.at, b.at] as [Expr, Expr] };
    return { at, by: a.by.map((x, i) => x + b.by[i]!) };
  }
  if ("mul" in e) {
    const [a, b] = e.mul.map(linear) as [LinearArg, LinearArg];
    if (isConstant(a) && isConstant(b)) return { at: e, by: none };
    // A name times a number: the only products of names the tile loop's arguments have.
    const [named, factor] = isConstant(b) ? [a, b.at] : [b, a.at];
    if (typeof factor !== "number") {
      throw new Error("internal: a thread's name multiplied by something not a number");
    }
    const at: Expr = named.at === 0 ? 0 : { mul: [named.at, factor] };
    return { at, by: named.by.map((x) => x * factor) };
  }
  throw new Error("internal: a kernel's argument is a number");
}
