import type { Position, Span } from "../syntax/source.js";

export type Severity = "error" | "warning";

/** A location in a file, resolved to line and column so it can be printed or serialised. */
export interface Location {
  file: string;
  start: Position;
  end: Position;
}

/** A secondary location attached to a diagnostic, with what it has to do with it. */
export interface RelatedLocation {
  message: string;
  span: Span;
}

/** A number of errors and of warnings. */
export interface SeverityCounts {
  errors: number;
  warnings: number;
}

/** A quick fix: text to put in place of the span of the diagnostic that offers it. */
export interface Fix {
  /** What the fix does, as an editor lists it: "Change to `width`". */
  title: string;
  newText: string;
}

/**
 * A problem found in the user's program. Diagnostics are data: the code is stable (tests and
 * tools key on it), the message is for people.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Other places that explain this one (the earlier definition of a duplicate, say). */
  related: RelatedLocation[];
  /**
   * Where the code at `span` was expanded from, innermost first: the block call sites and
   * repeat iterations that led to it. Empty for code that is not inside a block.
   */
  expansion: RelatedLocation[];
  /** A suggestion for fixing it, when there is one. */
  help?: string;
  /**
   * Edits that fix it, best first, each replacing exactly the text at `span` (never another
   * place), so an editor can apply one without reading the message. Set only where the reporter
   * knows `span` is the text to replace: the misspelt name, the `=` that should be `==`.
   */
  fixes?: Fix[];
  /**
   * On a DS5003 only: the errors and warnings the cap on diagnostics dropped, which it stands
   * for. A field rather than a side table, so a copy of the diagnostic (or its JSON) still
   * counts them.
   */
  dropped?: SeverityCounts;
}

export function locationOf(span: Span): Location {
  return {
    file: span.source.path,
    start: span.source.position(span.start),
    end: span.source.position(span.end),
  };
}

/** True when any diagnostic in the list is an error (warnings do not stop the pipeline). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** A JSON-friendly view of a diagnostic, for `--json` output and tests. */
export function diagnosticToJson(d: Diagnostic) {
  const where = (span: Span) => {
    const loc = locationOf(span);
    return {
      file: loc.file,
      line: loc.start.line,
      column: loc.start.column,
      endLine: loc.end.line,
      endColumn: loc.end.column,
    };
  };
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...where(d.span),
    help: d.help,
    related: d.related.map((r) => ({ message: r.message, ...where(r.span) })),
    expansion: d.expansion.map((r) => ({ message: r.message, ...where(r.span) })),
    dropped: d.dropped,
    fixes: d.fixes,
  };
}
