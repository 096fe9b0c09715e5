import type { DiagnosticKind, MessageArgs } from "../diagnostics/catalogue.js";
import type { RelatedLocation } from "../diagnostics/diagnostic.js";
import {
  helpOptions,
  type Help,
  type ReportOptions,
  type Reporter,
} from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import { builtinFunctions } from "./builtins.js";
import { didYouMean, suggest } from "./suggest.js";
import type { Shape } from "./network.js";
import { describeValue, sourceText, typeName, type Value } from "./values.js";

/** Names in scope: block or network parameters, `let` bindings, repeat indices. */
export class Scope {
  private values = new Map<string, { value: Value | undefined; span?: Span }>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): { value: Value | undefined } | undefined {
    return this.values.get(name) ?? this.parent?.lookup(name);
  }

  /** A scope with this one's bindings and parent; binding in it leaves this one as it is. */
  copy(): Scope {
    const copy = new Scope(this.parent);
    for (const [name, binding] of this.values) copy.values.set(name, binding);
    return copy;
  }

  /** The binding of `name` in this scope alone (not its parents). */
  own(name: string): { value: Value | undefined; span?: Span } | undefined {
    return this.values.get(name);
  }

  /** Binds a name; `undefined` marks a value whose expression already failed (no more errors). */
  define(name: string, value: Value | undefined, span?: Span): void {
    this.values.set(name, { value, span });
    if (observer && span && value !== undefined) observer(span, value);
  }

  names(): string[] {
    return [...this.values.keys(), ...(this.parent?.names() ?? [])];
  }
}

/** Receives a value and where it was written: a name bound or read, or `in.c` and the like. */
export type ValueObserver = (span: Span, value: Value) => void;
let observer: ValueObserver | undefined;

/**
 * Runs `check` (synchronous) with `observe` told every value a name is bound to and every name
 * and `in.*` field evaluated, in every expansion: the language server's hovers show them.
 */
export function observeValues<T>(observe: ValueObserver, check: () => T): T {
  const previous = observer;
  observer = observe;
  try {
    return check();
  } finally {
    observer = previous;
  }
}

export interface EvalContext {
  scope: Scope;
  /** The shape flowing into the current stage, for `in.c` etc.; undefined after a shape error. */
  shape: Shape | undefined;
  /**
   * Why no shape flows here at all, as a message says where (`before the network's input`):
   * `in.c` is then a mistake rather than the echo of an earlier one.
   */
  noShape?: string;
  /** Which parts of `shape` are guesses, after a layer dsnet does not know: `in` reads nothing. */
  unknown?: Unknowns;
  /** What a name is when it is a layer or a block (`a layer`, `the block \`sep\``). */
  layerKind?: (name: string) => string | undefined;
  reporter: Reporter;
  expansion: RelatedLocation[];
}

/** The parts of a shape not known after an unknown layer (its output is anybody's guess). */
export interface Unknowns {
  size: boolean;
  channels: boolean;
}

/**
 * Evaluates an expression. Problems are reported and the result is `undefined`; an expression
 * that uses an `undefined` value is `undefined` too, without a second report, so one mistake
 * gives one diagnostic.
 */
export function evaluate(expr: A.Expr, ctx: EvalContext): Value | undefined {
  const result = evaluateInner(expr, ctx);
  if (typeof result === "number" && !Number.isFinite(result)) {
    return fail(ctx, "notFinite", expr.span, { text: sourceText(expr.span) });
  }
  return result;
}

/** Reports a problem found where `ctx` is, with the notes of the expansion that led there. */
export function reportIn<K extends DiagnosticKind>(
  ctx: Pick<EvalContext, "reporter" | "expansion">,
  kind: K,
  span: Span,
  args: MessageArgs<K>,
  options: Omit<ReportOptions, "expansion"> = {},
): void {
  ctx.reporter.report(kind, span, args, { ...options, expansion: ctx.expansion });
}

/**
 * The operator that ends the line before `span`, when `span` starts its own line: `let c =` or
 * `a +` then `pw 16` on the next line, which the operator carries on into its expression.
 */
function operatorEndingLineBefore(span: Span): { operator: string; line: number } | undefined {
  const { source } = span;
  let { line, column } = source.position(span.start);
  const before = source.lineText(line).slice(0, column - 1);
  if (before.trim() !== "") return undefined;
  while (--line >= 1) {
    const code = source.lineText(line).replace(/#.*$/, "").trimEnd();
    if (code === "") continue;
    const operator = /(==|!=|<=|>=|\*\*|\/\/|[-=+*/%<>])$/.exec(code)?.[1];
    return operator ? { operator, line } : undefined;
  }
  return undefined;
}

function fail<K extends DiagnosticKind>(
  ctx: EvalContext,
  kind: K,
  span: Span,
  args: MessageArgs<K>,
  help?: Help,
): undefined {
  reportIn(ctx, kind, span, args, helpOptions(help));
  return undefined;
}

function evaluateInner(expr: A.Expr, ctx: EvalContext): Value | undefined {
  switch (expr.kind) {
    case "number":
      return expr.value;
    case "bool":
      return expr.value;
    case "padmode":
      return { kind: "pad", mode: expr.mode };
    case "name": {
      const binding = ctx.scope.lookup(expr.name);
      const layer = binding ? undefined : ctx.layerKind?.(expr.name);
      const carried = layer ? operatorEndingLineBefore(expr.span) : undefined;
      if (carried) {
        return fail(
          ctx,
          "layerAfterOperator",
          expr.span,
          { name: expr.name, what: layer!, operator: carried.operator, line: carried.line },
          `finish the expression on line ${carried.line}, or remove the \`${carried.operator}\` that ends it`,
        );
      }
      if (layer) {
        return fail(
          ctx,
          "layerAsValue",
          expr.span,
          { name: expr.name, what: layer },
          "stages are joined with `->`, or written on lines of their own: `dw 3x3 -> pw 16`",
        );
      }
      if (!binding) {
        const guess = suggest(expr.name, ctx.scope.names());
        return fail(
          ctx,
          "unknownName",
          expr.span,
          { name: expr.name },
          guess ? didYouMean(guess) : undefined,
        );
      }
      if (observer && binding.value !== undefined) observer(expr.span, binding.value);
      return binding.value;
    }
    case "shape": {
      const index = { h: 0, w: 1, c: 2 }[expr.field];
      if (index === undefined) {
        return fail(
          ctx,
          "unknownShapeField",
          expr.span,
          { field: expr.field },
          "use in.h, in.w or in.c",
        );
      }
      if (ctx.noShape !== undefined) {
        return fail(
          ctx,
          "shapeBeforeInput",
          expr.span,
          { text: sourceText(expr.span), where: ctx.noShape },
          "`in` is the shape flowing into a layer: write the number here, or use `in` after `input`",
        );
      }
      if (ctx.unknown?.[index === 2 ? "channels" : "size"]) return undefined;
      const field = ctx.shape?.[index];
      if (observer && field !== undefined) observer(expr.span, field);
      return field;
    }
    case "unary": {
      const operand = evaluate(expr.operand, ctx);
      if (operand === undefined) return undefined;
      if (expr.op === "not") {
        const b = expectBool(operand, expr.operand, ctx);
        return b === undefined ? undefined : !b;
      }
      const n = expectNumber(operand, expr.operand, ctx);
      if (n === undefined) return undefined;
      return expr.op === "-" ? -n : n;
    }
    case "binary":
      return evaluateBinary(expr, ctx);
    case "ternary": {
      const condition = evaluate(expr.condition, ctx);
      if (condition === undefined) return undefined;
      const b = expectBool(condition, expr.condition, ctx);
      if (b === undefined) return undefined;
      return evaluate(b ? expr.then : expr.else, ctx);
    }
    case "callexpr": {
      const fn = builtinFunctions[expr.callee.text];
      if (!fn) {
        const guess = suggest(expr.callee.text, Object.keys(builtinFunctions));
        return fail(
          ctx,
          "unknownFunction",
          expr.callee.span,
          { name: expr.callee.text },
          guess
            ? didYouMean(guess)
            : `the functions are ${Object.keys(builtinFunctions).join(", ")}`,
        );
      }
      if (expr.args.length < fn.minArgs || expr.args.length > fn.maxArgs) {
        return fail(
          ctx,
          "wrongFunctionArity",
          expr.span,
          {
            name: expr.callee.text,
            expected: arity(fn.minArgs, fn.maxArgs),
            count: expr.args.length,
          },
          `the signature is ${fn.signature}`,
        );
      }
      const args: number[] = [];
      for (const arg of expr.args) {
        const value = evaluate(arg, ctx);
        if (value === undefined) return undefined;
        const n = expectNumber(value, arg, ctx);
        if (n === undefined) return undefined;
        args.push(n);
      }
      if (expr.callee.text === "make_divisible" && args[1] === 0) {
        return fail(ctx, "makeDivisibleByZero", expr.args[1].span, {});
      }
      return fn.apply(args);
    }
    case "list": {
      const items: Value[] = [];
      for (const item of expr.items) {
        const value = evaluate(item, ctx);
        if (value === undefined) return undefined;
        items.push(value);
      }
      return { kind: "list", items };
    }
    case "dims": {
      const parts: number[] = [];
      for (const part of expr.parts) {
        const value = evaluate(part, ctx);
        if (value === undefined) return undefined;
        const n = expectNumber(value, part, ctx);
        if (n === undefined) return undefined;
        parts.push(n);
      }
      return { kind: "dims", parts };
    }
  }
}

function evaluateBinary(expr: A.BinaryExpr, ctx: EvalContext): Value | undefined {
  if (expr.op === "and" || expr.op === "or") {
    // Short-circuit, so `stride == 1 and in.c == out` never evaluates the right after a false.
    const left = evaluate(expr.left, ctx);
    if (left === undefined) return undefined;
    const l = expectBool(left, expr.left, ctx);
    if (l === undefined) return undefined;
    if (expr.op === "and" ? !l : l) return l;
    const right = evaluate(expr.right, ctx);
    if (right === undefined) return undefined;
    return expectBool(right, expr.right, ctx);
  }
  const left = evaluate(expr.left, ctx);
  const right = evaluate(expr.right, ctx);
  if (left === undefined || right === undefined) return undefined;
  if (expr.op === "==" || expr.op === "!=") {
    const equal =
      describeValue(left) === describeValue(right) && typeName(left) === typeName(right);
    return expr.op === "==" ? equal : !equal;
  }
  const a = expectNumber(left, expr.left, ctx);
  const b = expectNumber(right, expr.right, ctx);
  if (a === undefined || b === undefined) return undefined;
  switch (expr.op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
    case "//":
    case "%":
      if (b === 0) {
        return fail(ctx, "divisionByZero", expr.span, { divisor: sourceText(expr.right.span) });
      }
      if (expr.op === "/") return a / b;
      if (expr.op === "//") return Math.floor(a / b);
      return a - b * Math.floor(a / b);
    case "**":
      return a ** b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}

function expectNumber(value: Value, expr: A.Expr, ctx: EvalContext): number | undefined {
  if (typeof value === "number") return value;
  return fail(ctx, "expectedNumber", expr.span, {
    text: sourceText(expr.span),
    type: typeName(value),
    value: describeValue(value),
  });
}

function expectBool(value: Value, expr: A.Expr, ctx: EvalContext): boolean | undefined {
  if (typeof value === "boolean") return value;
  return fail(
    ctx,
    "expectedBoolean",
    expr.span,
    { text: sourceText(expr.span), type: typeName(value), value: describeValue(value) },
    typeof value === "number"
      ? `compare it, for example \`${sourceText(expr.span)} != 0\``
      : undefined,
  );
}

function arity(min: number, max: number): string {
  if (min === max) return `${min} argument${min === 1 ? "" : "s"}`;
  if (max === Infinity) return `at least ${min} argument${min === 1 ? "" : "s"}`;
  return `${min} to ${max} arguments`;
}
