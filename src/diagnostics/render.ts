import type { Span } from "../syntax/source.js";
import type { Diagnostic } from "./diagnostic.js";

export interface RenderOptions {
  /** Wrap severities and carets in ANSI colour codes. */
  color?: boolean;
}

/**
 * Renders a diagnostic the way compilers do: `file:line:col: error DSxxxx: message`, then the
 * source line with a caret under the span, the help, and one note per related location and per
 * block call site the code was expanded from.
 */
export function renderDiagnostic(d: Diagnostic, options: RenderOptions = {}): string {
  const paint = (code: string, text: string) =>
    options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const severityColor = d.severity === "error" ? "1;31" : "1;33";
  const start = d.span.source.position(d.span.start);
  const lines = [
    `${d.span.source.path}:${start.line}:${start.column}: ${paint(severityColor, d.severity)} ${d.code}: ${paint("1", d.message)}`,
    ...excerpt(d.span, (s) => paint(severityColor, s)),
  ];
  if (d.help) lines.push(`  ${paint("1;36", "help")}: ${d.help}`);
  for (const note of [...d.related, ...d.expansion]) {
    const at = note.span.source.position(note.span.start);
    lines.push(
      `  ${paint("1;36", "note")}: ${note.message} (${note.span.source.path}:${at.line}:${at.column})`,
    );
    lines.push(...excerpt(note.span, (s) => paint("1;36", s)));
  }
  return lines.join("\n");
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderOptions = {}) {
  return diagnostics.map((d) => renderDiagnostic(d, options) + "\n").join("\n");
}

/**
 * The most characters of a source line an excerpt shows: of a longer line (generated, or a
 * pipeline of a thousand stages) the part around the span, cut at `…`.
 */
export const EXCERPT_WIDTH = 100;

/** Characters an excerpt of a long line shows before the span starts. */
const CONTEXT_BEFORE = 30;

/** The first line of a span with carets under it; a span over several lines is cut at the end of its first. */
function excerpt(span: Span, paint: (s: string) => string): string[] {
  const start = span.source.position(span.start);
  const end = span.source.position(span.end);
  const line = span.source.lineText(start.line);
  const lastColumn = end.line === start.line ? end.column : line.length + 1;
  const from = start.column - 1;
  let left = 0;
  let right = line.length;
  if (line.length > EXCERPT_WIDTH) {
    left = Math.max(0, Math.min(from - CONTEXT_BEFORE, line.length - EXCERPT_WIDTH));
    right = Math.min(line.length, left + EXCERPT_WIDTH);
  }
  const before = left > 0 ? "…" : "";
  const text = before + line.slice(left, right) + (right < line.length ? "…" : "");
  const width = Math.max(1, Math.min(lastColumn - 1, right) - from);
  const gutter = String(start.line).length;
  // Tabs are kept in the caret line so the carets stay under the right characters.
  const pad = (before + line.slice(left, from)).replace(/[^\t]/g, " ");
  return [
    `  ${String(start.line).padStart(gutter)} | ${text}`,
    `  ${" ".repeat(gutter)} | ${pad}${paint("^".repeat(width))}`,
  ];
}
