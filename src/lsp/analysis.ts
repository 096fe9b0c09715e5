import { resolve } from "node:path";
import { observeValues } from "../check/evaluate.js";
import type { Network } from "../check/network.js";
import { checkText, type CheckResult, type Host } from "../check/program.js";
import { describeValue } from "../check/values.js";
import { summarize, type Summary } from "../cost/summarize.js";
import type * as A from "../syntax/ast.js";
import type { Source, Span } from "../syntax/source.js";
import { LayerIndex, type Instance } from "./instances.js";
import { collectNames, type FileNames } from "./names.js";

/** Distinct values kept per place; a name in a block called 50 times shows the first few. */
const MAX_VALUES = 12;

/** The values an expression or a declared name took, over every expansion that reached it. */
export interface ObservedValues {
  span: Span;
  /** Distinct, as dsnet prints them, in the order met. */
  values: string[];
  /** More distinct values than `values` holds. */
  more: boolean;
}

/**
 * One check of one open document, made once per version and shared by every request about it
 * (hover, inlay hints, completion, ...).
 */
export class Analysis {
  /** The document as the checker parsed it (diagnostics and spans in it use this source). */
  readonly source: Source;
  readonly program: A.Program;
  readonly names: FileNames;
  /** The absolute paths of every file the check read, this one first. */
  readonly files: string[];
  private values = new Map<string, ObservedValues>();
  private summaries = new Map<Network, Summary>();
  private moduleNames = new Map<string, FileNames>();
  private layerIndex: LayerIndex | undefined;

  constructor(
    readonly path: string,
    readonly version: number,
    readonly result: CheckResult,
    observed: { span: Span; value: string }[],
  ) {
    const entry = result.program.modules[0];
    this.program = entry.program;
    this.source = entry.program.span.source;
    this.names = collectNames(this.program);
    this.files = result.program.modules.map((m) => m.path);
    for (const { span, value } of observed) {
      const key = `${span.start}:${span.end}`;
      let entry = this.values.get(key);
      if (!entry) this.values.set(key, (entry = { span, values: [], more: false }));
      if (entry.values.includes(value)) continue;
      if (entry.values.length < MAX_VALUES) entry.values.push(value);
      else entry.more = true;
    }
  }

  /** The values of the innermost name or `in.*` at `offset` in this document. */
  valuesAt(offset: number): ObservedValues | undefined {
    let best: ObservedValues | undefined;
    for (const entry of this.values.values()) {
      const { start, end } = entry.span;
      if (offset < start || offset > end) continue;
      if (!best || end - start < best.span.end - best.span.start) best = entry;
    }
    return best;
  }

  /** The values a name declared at `span` was bound to. */
  valuesOf(span: Span): ObservedValues | undefined {
    return this.values.get(`${span.start}:${span.end}`);
  }

  /** The names of a file of the program (this one, or one it imports). */
  namesOf(path: string): FileNames | undefined {
    if (path === this.path) return this.names;
    let names = this.moduleNames.get(path);
    if (!names) {
      const module = this.result.program.modules.find((m) => m.path === path);
      if (!module) return undefined;
      this.moduleNames.set(path, (names = collectNames(module.program)));
    }
    return names;
  }

  /** The layers each expansion of the source at `span` made (see LayerIndex). */
  instancesOf(span: Span): Instance[] {
    this.layerIndex ??= new LayerIndex(this.path, this.result.networks);
    return this.layerIndex.instancesOf(span);
  }

  summaryOf(network: Network): Summary {
    let summary = this.summaries.get(network);
    if (!summary) this.summaries.set(network, (summary = summarize(network)));
    return summary;
  }
}

/** Checks `text` as the file at `path`, reading its imports through `host`. */
export function analyse(text: string, path: string, version: number, host: Host): Analysis {
  const absolute = resolve(path);
  const observed: { span: Span; value: string }[] = [];
  const result = observeValues(
    (span, value) => {
      if (span.source.path === absolute) observed.push({ span, value: describeValue(value) });
    },
    () => checkText(text, absolute, { host }),
  );
  return new Analysis(absolute, version, result, observed);
}
