import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";

/**
 * The values of dsnet expressions: numbers (one type, like Python's int and float together,
 * checked to be whole where a count is needed), booleans, padding modes, sizes written with `x`
 * (`3x3`) and lists (`[0, 1, 0, 1]`).
 */
export type Value = number | boolean | PadValue | DimsValue | ListValue;

export interface PadValue {
  kind: "pad";
  mode: A.PadModeName;
}

export interface DimsValue {
  kind: "dims";
  parts: number[];
}

export interface ListValue {
  kind: "list";
  items: Value[];
}

export function describeValue(value: Value): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return String(value);
  switch (value.kind) {
    case "pad":
      return value.mode;
    case "dims":
      return value.parts.map(formatNumber).join("x");
    case "list":
      return `[${value.items.map(describeValue).join(", ")}]`;
  }
}

export function typeName(value: Value): string {
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  switch (value.kind) {
    case "pad":
      return "a padding mode";
    case "dims":
      return "a size";
    case "list":
      return "a list";
  }
}

/** Numbers print as the user would write them: integers plainly, others to 6 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(6)));
}

/** Where a value came from, for messages: the expression and its span. */
export interface Located<V = Value> {
  value: V;
  span: Span;
  /** The expression's source text, quoted in messages when it is not a plain literal. */
  text: string;
}

export function sourceText(span: Span): string {
  return span.source.text.slice(span.start, span.end);
}

/** The first line of a span's text, trimmed, cut at 60 characters: how messages quote code. */
export function firstLine(span: Span): string {
  // Up to the span's first newline, looked for inside the span only: an indexOf from its start
  // would run to the next newline, past the span, on every layer call of a long one-line file.
  const { text: source } = span.source;
  let end = span.start;
  while (end < span.end && source.charCodeAt(end) !== 10) end++;
  const text = source.slice(span.start, end).trim();
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}
