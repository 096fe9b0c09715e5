import { resolve } from "node:path";
import { writeBytes } from "../weights/load.js";
import { loadFile, checkProgram, notUtf8Diagnostics } from "../check/program.js";
import { parse } from "../syntax/parse.js";
import { printProgram } from "../syntax/printer.js";
import { diagnosticToJson, hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { countSeverities } from "../diagnostics/reporter.js";
import { layerSpecs } from "../check/layers.js";
import { renderSummary } from "../cost/render.js";
import { groupLayers, summarize, type Summary } from "../cost/summarize.js";
import { describeValue } from "../check/values.js";
import {
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  EXIT_USAGE,
  positiveInt,
  UsageError,
  type CliIO,
} from "./io.js";
import { loadNetwork, sourceOf, sourceText, STDIN_NAME, type NetworkSelection } from "./load.js";

/**
 * `dsnet check FILE...`: every network of every file, with defaults. A file that cannot be read
 * is said so (`dsnet: cannot read ...`) and the others are still checked; the exit code is then
 * the usage error's.
 */
export function checkCommand(files: string[], options: { json?: boolean }, io: CliIO): number {
  const all: Diagnostic[] = [];
  let unreadable = false;
  for (const file of files) {
    let source;
    try {
      source = sourceOf(file, io);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.stderr(`dsnet: ${e.message}\n`);
      unreadable = true;
      continue;
    }
    const result = checkProgram(loadFile(source.path, source.host));
    all.push(...result.diagnostics);
    if (!options.json && result.diagnostics.length > 0) {
      io.stderr(renderDiagnostics(result.diagnostics, { color: io.color }));
    }
  }
  const { errors, warnings } = countSeverities(all);
  if (options.json) {
    io.stdout(JSON.stringify({ diagnostics: all.map(diagnosticToJson) }, null, 2) + "\n");
  } else if (all.length > 0) {
    io.stderr(`${plural(errors, "error")}, ${plural(warnings, "warning")}\n`);
  }
  if (unreadable) return EXIT_USAGE;
  return hasErrors(all) ? EXIT_DIAGNOSTICS : EXIT_OK;
}

/** `dsnet summary FILE`: the cost table, or one JSON object. */
export function summaryCommand(
  file: string,
  options: NetworkSelection & { json?: boolean; depth?: string },
  io: CliIO,
): number {
  const depth = positiveInt(options.depth, "--depth", undefined);
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const summary = summarize(loaded.network);
  io.stdout(
    options.json
      ? JSON.stringify(summaryToJson(summary, depth), null, 2) + "\n"
      : renderSummary(summary, { depth }),
  );
  return EXIT_OK;
}

/** The summary as JSON; with a depth, `groups` holds the collapsed rows the table shows. */
export function summaryToJson(summary: Summary, depth?: number) {
  return {
    network: summary.network,
    file: summary.file,
    params: Object.fromEntries(Object.entries(summary.params).map(([k, v]) => [k, jsonValue(v)])),
    input: summary.input,
    output: summary.output,
    layers: summary.layers.map((l) => ({
      name: l.name,
      op: l.op,
      output: l.output,
      params: l.params,
      trainableParams: l.trainableParams,
      nonTrainableParams: l.nonTrainableParams,
      macs: l.macs,
      outputBytes: l.outputBytes,
      inputs: l.inputs,
      ...(l.joins !== undefined ? { joins: l.joins } : {}),
    })),
    ...(depth !== undefined ? { depth, groups: groupLayers(summary, depth) } : {}),
    totals: summary.totals,
    memory: summary.memory,
    separable: summary.separable,
  };
}

function jsonValue(v: import("../check/values.js").Value): unknown {
  return typeof v === "number" || typeof v === "boolean" ? v : describeValue(v);
}

/**
 * `dsnet fmt FILE...`: prints the canonical form (one file), rewrites files (--write), or lists
 * the files that are not formatted (--check, exit 1 if any). A file with syntax errors is left
 * alone and its errors are printed.
 */
export function fmtCommand(
  files: string[],
  options: { check?: boolean; write?: boolean },
  io: CliIO,
): number {
  if (!options.check && !options.write && files.length > 1) {
    throw new UsageError("formatting several files needs --write or --check");
  }
  const sources = files.map((file) => sourceOf(file, io));
  if (options.write && sources.some((s) => s.path === STDIN_NAME)) {
    throw new UsageError("--write rewrites files; standard input is formatted to standard output");
  }
  let code = EXIT_OK;
  for (const source of sources) {
    const file = source.path;
    const text = sourceText(source);
    // Not UTF-8: formatting the decoded text would write U+FFFD over the file's bytes.
    const notUtf8 = notUtf8Diagnostics(text, file, resolve(file), source.host);
    const parsed = parse(notUtf8.length > 0 ? "" : text, file);
    const problems = [...notUtf8, ...parsed.diagnostics];
    if (hasErrors(problems)) {
      io.stderr(renderDiagnostics(problems, { color: io.color }));
      code = EXIT_DIAGNOSTICS;
      continue;
    }
    // A byte-order mark the file starts with stays (parse skips it).
    const formatted = (text.startsWith("\uFEFF") ? "\uFEFF" : "") + printProgram(parsed.program);
    if (options.check) {
      if (formatted !== text) {
        io.stdout(`${file}\n`);
        code = EXIT_DIAGNOSTICS;
      }
    } else if (options.write) {
      if (formatted !== text) writeBytes(file, formatted, "file");
    } else {
      io.stdout(formatted);
    }
  }
  return code;
}

/** `dsnet layers`: the built-in layers and their parameters, as text or JSON. */
export function layersCommand(options: { json?: boolean }, io: CliIO): number {
  if (options.json) {
    const layers = Object.values(layerSpecs).map((spec) => ({
      name: spec.name,
      summary: spec.summary,
      params: spec.params.map((p) => ({
        name: p.name,
        type: p.type,
        doc: p.doc,
        positional: p.positional ?? false,
        required: p.required ?? false,
        ...(p.default !== undefined ? { default: p.default } : {}),
      })),
    }));
    io.stdout(JSON.stringify(layers, null, 2) + "\n");
    return EXIT_OK;
  }
  const lines: string[] = [];
  for (const spec of Object.values(layerSpecs)) {
    lines.push(`${spec.name}  ${spec.summary}`);
    for (const p of spec.params) {
      const flags = [
        p.positional ? "positional" : "",
        p.required ? "required" : p.default !== undefined ? `default ${p.default}` : "optional",
      ]
        .filter(Boolean)
        .join(", ");
      lines.push(`    ${p.name.padEnd(10)} ${p.doc} (${flags})`);
    }
  }
  io.stdout(lines.join("\n") + "\n");
  return EXIT_OK;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
