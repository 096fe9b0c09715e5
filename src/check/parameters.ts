import type { Help } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import { parse } from "../syntax/parse.js";
import { evaluate, Scope } from "./evaluate.js";
import type { Incoming, LayerCall } from "./layer-call.js";
import { limits } from "./limits.js";
import type { PadSpec } from "./padding.js";
import { describeValue, formatNumber, typeName, type Located, type Value } from "./values.js";

/*
 * The parameters of built-in layers, declared once per layer in layers.ts with their types and
 * defaults, and the reader that checks a call's arguments against those declarations. Argument
 * binding, `dsnet layers` and REPL completion read the same declarations.
 */

/**
 * How an argument is read: `channels` a channel or feature count, `count` a whole number of at
 * least 1, `pair` a kernel, stride or dilation (`3`, `3x3`, `[1, 2]`), `pad` a padding mode or
 * amounts, `numbers` one number or a list of them (one per channel: `[0.485, 0.456, 0.406]`).
 */
type ParamType = "channels" | "count" | "number" | "bool" | "pair" | "pad" | "numbers";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Positional parameters can be given without a name, in this order. */
  readonly positional?: boolean;
  readonly required?: boolean;
  /**
   * The default as the user would write it, shown in help and evaluated as a dsnet expression
   * when the argument is left out; it may name earlier parameters (`stride = kernel`).
   */
  readonly default?: string;
  readonly doc: string;
}

interface TypeOfParam {
  channels: number;
  count: number;
  number: number;
  bool: boolean;
  pair: [number, number];
  pad: PadSpec;
  numbers: number[];
}

/** The arguments a layer's shape rule receives: each parameter read as its type. */
export type ArgsOf<P extends readonly ParamSpec[]> = {
  [S in P[number] as S["name"]]: S extends { required: true } | { default: string }
    ? TypeOfParam[S["type"]]
    : TypeOfParam[S["type"]] | undefined;
};

/**
 * Reads every parameter of a call as its declared type, with defaults for those left out.
 * Each problem is reported once, at the argument; the result is undefined after any.
 */
export function readArguments<P extends readonly ParamSpec[]>(
  params: P,
  call: LayerCall,
  input: Incoming,
): ArgsOf<P> | undefined {
  const values: Record<string, unknown> = {};
  // Earlier parameters, for defaults that name them.
  const scope = new Scope();
  let ok = true;
  for (const param of params) {
    let arg = call.argument(param.name);
    if (!arg && param.default !== undefined) {
      // Nothing is built after a bad argument, and a default naming it would report it again.
      if (!ok) continue;
      arg = {
        value: defaultValue(param, scope, call, input),
        span: call.span,
        text: param.default,
      };
    }
    if (!arg) continue;
    scope.define(param.name, arg.value);
    const value = readers[param.type](arg, param.name, call);
    if (value === undefined) ok = false;
    else values[param.name] = value;
  }
  return ok ? (values as ArgsOf<P>) : undefined;
}

type Reader = (arg: Located, name: string, call: LayerCall) => unknown;

const readers: Record<ParamType, Reader> = {
  channels: readChannels,
  count: readCount,
  number(arg, name, call) {
    if (typeof arg.value === "number") {
      // Every backend computes in float32: 1e39 would be infinity there.
      if (Number.isFinite(Math.fround(arg.value))) return arg.value;
      call.report("notFloat32", arg.span, { what: name, value: formatNumber(arg.value) });
      return undefined;
    }
    call.report("argumentNotNumber", arg.span, {
      what: name,
      text: arg.text,
      type: typeName(arg.value),
    });
    return undefined;
  },
  bool(arg, name, call) {
    if (typeof arg.value === "boolean") return arg.value;
    call.report("argumentNotBoolean", arg.span, {
      name,
      text: arg.text,
      type: typeName(arg.value),
    });
    return undefined;
  },
  pair: readPair,
  pad: readPadding,
  numbers: readNumbers,
};

/** A number or a list of numbers (`[0.5, 0.5]`, not `2x2`), each finite in float32. */
function readNumbers(arg: Located, name: string, call: LayerCall): number[] | undefined {
  const v = arg.value;
  const parts = typeof v === "object" && v.kind === "dims" ? undefined : numberParts(v);
  if (!parts) {
    call.report("argumentNotNumber", arg.span, {
      what: name,
      text: arg.text,
      type: typeName(v),
    });
    return undefined;
  }
  for (const p of parts) {
    if (!Number.isFinite(Math.fround(p))) {
      call.report("notFloat32", arg.span, { what: name, value: formatNumber(p) });
      return undefined;
    }
  }
  return parts;
}

/** A channel or feature count: a whole number of at least 1, within the tensor limit. */
function readChannels(arg: Located, name: string, call: LayerCall): number | undefined {
  const v = arg.value;
  const what = `\`${call.callee}\` ${name === "out" ? "output channels" : name}`;
  if (typeof v !== "number") {
    call.report("argumentNotNumber", arg.span, { what, text: arg.text, type: typeName(v) });
    return undefined;
  }
  if (!Number.isInteger(v) || v < 1) {
    const computed =
      arg.text !== formatNumber(v)
        ? `\`${arg.text}\` = ${formatNumber(v)}`
        : `is ${formatNumber(v)}`;
    const help = !Number.isInteger(v) && v > 0 ? roundings(arg, name, call) : undefined;
    call.report("badChannels", arg.span, { what, computed }, help);
    return undefined;
  }
  if (v > limits.tensorElements) {
    call.report("channelsTooLarge", arg.span, { what, value: v, limit: limits.tensorElements });
    return undefined;
  }
  return v;
}

/** The ways to round a fractional channel count; where the user wrote it, each is a fix too. */
function roundings(arg: Located, name: string, call: LayerCall): Help {
  const [int, divisible] = [`int(${arg.text})`, `make_divisible(${arg.text}, 8)`];
  const help = `round it, for example \`${int}\` or \`${divisible}\``;
  // A default is reported at the call, which is not its text.
  if (call.argument(name) !== arg) return help;
  const fixes = [int, divisible].map((r) => ({ title: `Round with \`${r}\``, newText: r }));
  return { help, fixes };
}

/** A whole number of at least 1 (groups, a depth multiplier). */
function readCount(arg: Located, name: string, call: LayerCall): number | undefined {
  if (typeof arg.value !== "number") {
    call.report("argumentNotNumber", arg.span, {
      what: name,
      text: arg.text,
      type: typeName(arg.value),
    });
    return undefined;
  }
  if (!Number.isInteger(arg.value)) {
    call.report("notWholeNumber", arg.span, {
      name,
      text: arg.text,
      value: formatNumber(arg.value),
    });
    return undefined;
  }
  if (arg.value < 1) {
    call.report("countBelowOne", arg.span, { name, value: arg.value });
    return undefined;
  }
  return withinIndex(arg.value, name, arg, call);
}

/** A kernel, stride or dilation: `3`, `3x3`, `[1, 2]`; each part a whole number >= 1. */
function readPair(arg: Located, name: string, call: LayerCall): [number, number] | undefined {
  const parts = numberParts(arg.value);
  const value = describeValue(arg.value);
  if (!parts || (parts.length !== 1 && parts.length !== 2)) {
    call.report("argumentNotPair", arg.span, { name, text: arg.text, value });
    return undefined;
  }
  for (const p of parts) {
    if (!Number.isInteger(p)) {
      call.report("notWholeNumber", arg.span, { name, text: arg.text, value });
      return undefined;
    }
    if (p < 1) {
      const kind =
        name === "stride"
          ? "strideBelowOne"
          : name === "dilation"
            ? "dilationBelowOne"
            : "kernelBelowOne";
      call.report(kind, arg.span, { text: arg.text, value });
      return undefined;
    }
    if (withinIndex(p, name, arg, call) === undefined) return undefined;
  }
  return parts.length === 1 ? [parts[0], parts[0]] : [parts[0], parts[1]];
}

/** `same`, `same_upper`, `valid`, or 1, 2 or 4 whole numbers of at least 0. */
function readPadding(arg: Located, _name: string, call: LayerCall): PadSpec | undefined {
  const v = arg.value;
  if (typeof v === "object" && v.kind === "pad") return { mode: v.mode };
  const parts = numberParts(v);
  if (parts && [1, 2, 4].includes(parts.length)) {
    if (parts.some((p) => !Number.isInteger(p) || p < 0)) {
      call.report("paddingNotWhole", arg.span, { text: arg.text, value: describeValue(v) });
      return undefined;
    }
    for (const p of parts) if (withinIndex(p, "pad", arg, call) === undefined) return undefined;
    const [top, bottom, left, right] =
      parts.length === 1
        ? [parts[0], parts[0], parts[0], parts[0]]
        : parts.length === 2
          ? [parts[0], parts[0], parts[1], parts[1]]
          : parts;
    return { explicit: { top, bottom, left, right } };
  }
  call.report("argumentNotPadding", arg.span, { text: arg.text, value: describeValue(v) });
  return undefined;
}

/** `n` if a 32-bit index holds it (see `limits.index`), else reported. */
function withinIndex(n: number, name: string, arg: Located, call: LayerCall): number | undefined {
  if (n <= limits.index) return n;
  call.report("argumentTooLarge", arg.span, {
    name,
    value: formatNumber(n),
    limit: formatNumber(limits.index),
  });
  return undefined;
}

function numberParts(v: Value): number[] | undefined {
  if (typeof v === "number") return [v];
  if (typeof v === "object" && (v.kind === "dims" || v.kind === "list")) {
    const parts = v.kind === "dims" ? v.parts : v.items;
    if (parts.every((p): p is number => typeof p === "number")) return parts;
  }
  return undefined;
}

const defaultExpressions = new Map<string, A.Expr>();

/** A default evaluated where the call is, with the earlier parameters in scope. */
function defaultValue(param: ParamSpec, scope: Scope, call: LayerCall, input: Incoming): Value {
  const text = param.default!;
  let expr = defaultExpressions.get(text);
  if (!expr) {
    const statement = parse(`let value = ${text}\n`, "<default>").program.items[0];
    if (statement?.kind !== "let") throw new Error(`internal: ${param.name}: bad default ${text}`);
    expr = statement.value;
    defaultExpressions.set(text, expr);
  }
  const value = evaluate(expr, { ...call.context, scope, shape: input.shape });
  // Defaults are written in layers.ts, not by the user; test/layer-table.test.ts checks them.
  if (value === undefined)
    throw new Error(`internal: ${param.name}: default ${text} does not evaluate`);
  return value;
}
