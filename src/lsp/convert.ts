import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  Diagnostic as LspDiagnostic,
  DiagnosticRelatedInformation,
  Location,
  Range,
} from "vscode-languageserver/node.js";
import type { Diagnostic, Fix } from "../diagnostics/diagnostic.js";
import type { Span } from "../syntax/source.js";
import type { Analysis } from "./analysis.js";

/** Maps file paths to the URIs the client uses for them (its open documents keep theirs). */
export interface Uris {
  uriOf(path: string): string;
}

/** The path dsnet reads for a document: its file, or a made-up one beside the working folder. */
export function pathOfUri(uri: string): string {
  if (uri.startsWith("file:")) return fileURLToPath(uri);
  return resolve(`untitled-${encodeURIComponent(uri)}.dsnet`);
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** LSP's zero-based positions; both count UTF-16 code units, as dsnet's columns do. */
export function rangeOf(span: Span): Range {
  const start = span.source.position(span.start);
  const end = span.source.position(span.end);
  return {
    start: { line: start.line - 1, character: start.column - 1 },
    end: { line: end.line - 1, character: end.column - 1 },
  };
}

export function locationOf(span: Span, uris: Uris): Location {
  return { uri: uris.uriOf(resolve(span.source.path)), range: rangeOf(span) };
}

/** What a published diagnostic carries for the code actions that fix it. */
export interface DiagnosticData {
  fixes: Fix[];
}

/**
 * A dsnet diagnostic as the document at `analysis` shows it. One found in another file (inside
 * an imported block, or an imported file's own) is shown at the call in this document that
 * expanded it, or else at the import that brought the file in, with its place in the message.
 */
export function toLspDiagnostic(
  d: Diagnostic,
  analysis: Analysis,
  uris: Uris,
): LspDiagnostic | undefined {
  const here = (span: Span) => resolve(span.source.path) === analysis.path;
  let span = d.span;
  let message = d.message;
  if (!here(d.span)) {
    const { file, start } = where(d.span);
    const call = d.expansion.find((e) => here(e.span));
    // An import that names the file, or else the first (the file is imported through it).
    const importing =
      analysis.names.imports.find(
        (i) => resolve(dirname(analysis.path), i.path) === resolve(d.span.source.path),
      ) ?? analysis.names.imports[0];
    const shownAt = call?.span ?? importing?.span;
    if (!shownAt) return undefined;
    span = shownAt;
    message = `${file}:${start.line}:${start.column}: ${message}`;
  }
  if (d.help) message += `\nhelp: ${d.help}`;
  const related: DiagnosticRelatedInformation[] = [...d.related, ...d.expansion].map((r) => ({
    location: locationOf(r.span, uris),
    message: r.message,
  }));
  // A diagnostic's fixes replace its own span, set where it was reported.
  const fixes = here(d.span) ? (d.fixes ?? []) : [];
  return {
    range: rangeOf(span),
    severity: d.severity === "error" ? 1 : 2,
    code: d.code,
    source: "dsnet",
    message,
    ...(related.length > 0 ? { relatedInformation: related } : {}),
    ...(fixes.length > 0 ? { data: { fixes } satisfies DiagnosticData } : {}),
  };
}

function where(span: Span) {
  return { file: span.source.path, start: span.source.position(span.start) };
}
