import type { Span } from "../syntax/source.js";
import { catalogue, formatMessage, type DiagnosticKind, type MessageArgs } from "./catalogue.js";
import type { Diagnostic, Fix, RelatedLocation } from "./diagnostic.js";

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

/** The most diagnostics one run reports; past it, one DS5003 says the rest were dropped. */
export const MAX_DIAGNOSTICS = 100;

/**
 * Collects diagnostics for one run. The same problem at the same place is reported once even
 * when a block is expanded many times (the first expansion's notes are kept), and the total is
 * capped so a badly broken file does not flood the terminal.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private seen = new Set<string>();
  private dropped = 0;
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

  /** Adds a diagnostic made elsewhere (by the parser of another file, say). */
  add(diagnostic: Diagnostic): void {
    const { code, span } = diagnostic;
    if (diagnostic.severity === "error") this.errors++;
    const key = `${code}@${span.source.path}:${span.start}:${span.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.dropped++;
      return;
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

  /** The diagnostics, with a final note when some were dropped by the cap. */
  finish(): Diagnostic[] {
    if (this.dropped > 0) {
      const last = this.diagnostics[this.diagnostics.length - 1];
      const { code, severity } = catalogue.tooManyDiagnostics;
      this.diagnostics.push({
        code,
        severity,
        message: formatMessage("tooManyDiagnostics", { count: this.dropped }),
        span: last.span,
        related: [],
        expansion: [],
      });
      this.dropped = 0;
    }
    return this.diagnostics;
  }
}
