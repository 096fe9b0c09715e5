import type { Span } from "../syntax/source.js";
import { catalogue, formatMessage, type DiagnosticKind, type MessageArgs } from "./catalogue.js";
import type { Diagnostic, Fix, RelatedLocation, SeverityCounts } from "./diagnostic.js";

export interface ReportOptions {
  related?: RelatedLocation[];
  expansion?: RelatedLocation[];
  help?: string;
  /** Replacements of the reported span (see `Diagnostic.fixes`). */
  fixes?: Fix[];
}

/**
 * What a diagnostic suggests, for the report helpers that take it as one value: a help text, or
 * a help text with the fixes it describes.
 */
export type Help = string | { help: string; fixes: Fix[] };

/** `help` as report options. */
export function helpOptions(help: Help | undefined): Pick<ReportOptions, "help" | "fixes"> {
  return typeof help === "string" ? { help } : (help ?? {});
}

/**
 * The most diagnostics one run reports; past it, one DS5003 says the rest were dropped. It is an
 * error only when an error was dropped, so warnings alone never fail a run.
 */
export const MAX_DIAGNOSTICS = 100;

/**
 * Collects diagnostics for one run. The same problem at the same place is reported once even
 * when a block is expanded many times (the first expansion's notes are kept), and the total is
 * capped so a badly broken file does not flood the terminal.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private seen = new Set<string>();
  /** What the cap dropped, with what each DS5003 handed to this reporter stands for. */
  private dropped: SeverityCounts = { errors: 0, warnings: 0 };
  /** Every error reported, including repeats and those past the cap (see errorCount). */
  private errors = 0;

  /** Reports `kind` at `span`, its message filled in from `args` (one value per placeholder). */
  report<K extends DiagnosticKind>(
    kind: K,
    span: Span,
    args: MessageArgs<K>,
    options: ReportOptions = {},
  ): void {
    const { code, severity } = catalogue[kind];
    this.add({
      code,
      severity,
      message: formatMessage(kind, args),
      span,
      related: options.related ?? [],
      expansion: options.expansion ?? [],
      ...(options.help ? { help: options.help } : {}),
      ...(options.fixes?.length ? { fixes: options.fixes } : {}),
    });
  }

  /**
   * Adds a diagnostic made elsewhere (by the parser of another file, say). A DS5003 (checkProgram
   * takes what loadFile found) adds the counts it carries to this reporter's own, so that one
   * DS5003 at the end counts every diagnostic dropped.
   */
  add(diagnostic: Diagnostic): void {
    const { dropped } = diagnostic;
    if (dropped) {
      this.dropped.errors += dropped.errors;
      this.dropped.warnings += dropped.warnings;
      this.errors += dropped.errors;
      return;
    }
    const { code, span } = diagnostic;
    if (diagnostic.severity === "error") this.errors++;
    const key = `${code}@${span.source.path}:${span.start}:${span.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      // An error takes the place of the last warning kept, so that warnings (unread lets, say)
      // never hide the error that fails the run.
      let warning = diagnostic.severity === "error" ? this.diagnostics.length - 1 : -1;
      while (warning >= 0 && this.diagnostics[warning]!.severity === "error") warning--;
      const out = warning < 0 ? diagnostic : this.diagnostics.splice(warning, 1)[0]!;
      if (out.severity === "error") this.dropped.errors++;
      else this.dropped.warnings++;
      if (warning < 0) return;
    }
    this.diagnostics.push(diagnostic);
  }

  /**
   * A reporter that passes this one what `map` makes of each diagnostic: the same, another, or
   * nothing (undefined), for checks made on partial knowledge.
   */
  mapped(map: (diagnostic: Diagnostic) => Diagnostic | undefined): Reporter {
    const target = this;
    return new (class extends Reporter {
      override add(diagnostic: Diagnostic): void {
        const kept = map(diagnostic);
        if (kept) target.add(kept);
      }
    })();
  }

  /**
   * The errors reported so far, counting those not kept: a repeat (a block's error, met again
   * when a second network expands it) and those past the cap. So a network whose elaboration
   * reported any error is known to have one, though the message is shown once.
   */
  get errorCount(): number {
    return this.errors;
  }

  /**
   * The diagnostics, with a final DS5003 when the cap dropped some: an error when any of them
   * was, else a warning.
   */
  finish(): Diagnostic[] {
    const { errors, warnings } = this.dropped;
    if (errors + warnings > 0) {
      // There is a last one: the cap drops only once MAX_DIAGNOSTICS are kept, and a DS5003
      // handed over is added after the diagnostics that were kept with it.
      const last = this.diagnostics[this.diagnostics.length - 1]!;
      this.diagnostics.push({
        code: catalogue.tooManyDiagnostics.code,
        severity: errors > 0 ? "error" : "warning",
        message: formatMessage("tooManyDiagnostics", { dropped: describeDropped(this.dropped) }),
        span: last.span,
        related: [],
        expansion: [],
        dropped: this.dropped,
      });
      this.dropped = { errors: 0, warnings: 0 };
    }
    return this.diagnostics;
  }
}

/**
 * The errors and the warnings among `diagnostics`, with those a DS5003 stands for (which the
 * cap dropped) and not the DS5003 itself.
 */
export function countSeverities(diagnostics: readonly Diagnostic[]): SeverityCounts {
  const count = { errors: 0, warnings: 0 };
  for (const { dropped, severity } of diagnostics) {
    count.errors += dropped ? dropped.errors : severity === "error" ? 1 : 0;
    count.warnings += dropped ? dropped.warnings : severity === "error" ? 0 : 1;
  }
  return count;
}

/** "1 more error", "3 more warnings", "2 more errors and 1 more warning". */
function describeDropped({ errors, warnings }: SeverityCounts): string {
  const more = (count: number, what: string) => `${count} more ${what}${count === 1 ? "" : "s"}`;
  return [errors > 0 ? more(errors, "error") : "", warnings > 0 ? more(warnings, "warning") : ""]
    .filter(Boolean)
    .join(" and ");
}
