import type { DiagnosticKind, MessageArgs } from "../diagnostics/catalogue.js";
import { helpOptions, type Help } from "../diagnostics/reporter.js";
import type { Span } from "../syntax/source.js";
import { reportIn, type EvalContext } from "./evaluate.js";
import { limits } from "./limits.js";
import type { Shape } from "./network.js";
import type { Located } from "./values.js";

/** What a built-in layer knows about its input. */
export interface Incoming {
  shape: Shape;
  /** How to name the producer in messages: "`pw 64` (line 7)". */
  producer: string;
}

/**
 * One call of a built-in layer, as its parameter readers and shape rule see it: the arguments
 * bound to parameter names, where each was written, and where to report.
 */
export class LayerCall {
  constructor(
    readonly span: Span,
    /** The layer as the call names it (`pw`), without a label. */
    readonly callee: string,
    /** The call as messages quote it: its first line, trimmed (`dw 3x3 s2`). */
    readonly text: string,
    private args: ReadonlyMap<string, Located>,
    readonly context: Pick<EvalContext, "reporter" | "expansion">,
  ) {}

  argument(name: string): Located | undefined {
    return this.args.get(name);
  }

  /** Where an argument was written, for reports about it. */
  spanOf(name: string): Span | undefined {
    return this.args.get(name)?.span;
  }

  report<K extends DiagnosticKind>(kind: K, span: Span, args: MessageArgs<K>, help?: Help) {
    reportIn(this.context, kind, span, args, helpOptions(help));
  }

  /** Reports weights beyond the limit. */
  weightsFit(count: number): boolean {
    // NaN, a count not known after an unknown layer, fits.
    if (!(count > limits.weightElements)) return true;
    this.report("layerWeightsTooLarge", this.span, {
      call: this.text,
      count,
      limit: limits.weightElements,
    });
    return false;
  }
}
