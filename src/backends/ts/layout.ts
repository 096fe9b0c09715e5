/*
 * Generated code laid out as prettier lays it out (print width 100, two-space indents, trailing
 * commas), without running prettier: statements are written line by line, and an expression
 * that does not fit on its line is broken the way prettier breaks it. The generated modules are
 * made of few kinds of expression (calls, object and array literals), so this is small;
 * test/ts-backend.test.ts holds it to prettier's output.
 */

export const PRINT_WIDTH = 100;

/** An expression to lay out: code that stays on one line, or a call, object or array literal. */
export type Doc =
  string | { call: string; args: Doc[] } | { object: [string, Doc][] } | { array: Doc[] };

/** The expression on one line. */
export function flat(doc: Doc): string {
  if (typeof doc === "string") return doc;
  if ("call" in doc) return `${doc.call}(${doc.args.map(flat).join(", ")})`;
  if ("object" in doc) {
    return doc.object.length === 0
      ? "{}"
      : `{ ${doc.object.map(([k, v]) => `${k}: ${flat(v)}`).join(", ")} }`;
  }
  return `[${doc.array.map(flat).join(", ")}]`;
}

/** Lines of code, indented by block. */
export class CodeWriter {
  private lines: string[] = [];

  /** `depth`: the indentation to start at, for lines that go inside a block of other code. */
  constructor(private depth = 0) {}

  /** Lines at the current indentation (an empty string is a blank line). */
  line(...texts: string[]): void {
    for (const text of texts) this.lines.push(text === "" ? "" : "  ".repeat(this.depth) + text);
  }

  /** A line that opens a block: the lines after it are indented until `close`. */
  open(text: string): void {
    this.line(text);
    this.depth++;
  }

  close(text = "}"): void {
    this.depth--;
    this.line(text);
  }

  /** `prefix`, the expression and `suffix` (`;` by default), broken over lines if too long. */
  statement(prefix: string, doc: Doc, suffix = ";"): void {
    this.lines.push(...layout(doc, "  ".repeat(this.depth), prefix, suffix));
  }

  /** Whether `text` fits on one line at the current indentation. */
  fits(text: string): boolean {
    return 2 * this.depth + text.length <= PRINT_WIDTH;
  }

  /** Another writer's lines, as they are. */
  append(other: CodeWriter): void {
    this.lines.push(...other.lines);
  }

  text(): string {
    return this.lines.join("\n") + "\n";
  }
}

/** The lines of an expression at `indent`, after `prefix` and before `suffix`. */
function layout(doc: Doc, indent: string, prefix: string, suffix: string): string[] {
  const one = `${indent}${prefix}${flat(doc)}${suffix}`;
  if (typeof doc === "string" || (one.length <= PRINT_WIDTH && !mustBreak(doc))) return [one];
  const inner = `${indent}  `;
  if ("call" in doc) {
    if (doc.args.length === 0) return [one];
    return [
      `${indent}${prefix}${doc.call}(`,
      ...doc.args.flatMap((arg) => layout(arg, inner, "", ",")),
      `${indent})${suffix}`,
    ];
  }
  if ("object" in doc) {
    return [
      `${indent}${prefix}{`,
      ...doc.object.flatMap(([key, value]) => layout(value, inner, `${key}: `, ",")),
      `${indent}}${suffix}`,
    ];
  }
  const items = doc.array;
  const body = items.every((item) => typeof item === "string" && isNumber(item))
    ? fill(items as string[], inner)
    : items.flatMap((item) => layout(item, inner, "", ","));
  return [`${indent}${prefix}[`, ...body, `${indent}]${suffix}`];
}

/**
 * Prettier always breaks an array of two or more arrays or objects that each have two or more
 * elements (a matrix, a list of records), however short.
 */
function mustBreak(doc: Doc): boolean {
  if (typeof doc === "string" || !("array" in doc) || doc.array.length < 2) return false;
  return doc.array.every(
    (item) =>
      typeof item === "object" &&
      (("array" in item && item.array.length > 1) || ("object" in item && item.object.length > 1)),
  );
}

function isNumber(text: string): boolean {
  return /^-?[\d.]+(e[+-]?\d+)?$/.test(text);
}

/** Numbers as prettier fills them: as many to a line as fit, each followed by a comma. */
function fill(numbers: string[], indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const n of numbers) {
    if (line === "") line = `${indent}${n},`;
    else if (line.length + 1 + n.length + 1 <= PRINT_WIDTH) line += ` ${n},`;
    else {
      lines.push(line);
      line = `${indent}${n},`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
