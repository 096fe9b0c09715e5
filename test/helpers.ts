import { resolve } from "node:path";
import type { Network } from "../src/check/network.js";
import { parseOverrides } from "../src/check/overrides.js";
import {
  checkFile,
  checkText,
  type CheckOptions,
  type CheckResult,
  type Host,
} from "../src/check/program.js";
import { diagnosticToJson } from "../src/diagnostics/diagnostic.js";

/** A host whose files live in memory, keyed by absolute path under /virtual. */
export function memoryHost(files: Record<string, string>): Host {
  const map = new Map(
    Object.entries(files).map(([path, text]) => [resolve("/virtual", path), text]),
  );
  return { readFile: (path) => map.get(path) };
}

/** Checks `main.dsnet` of an in-memory project; other files can be imported. */
export function checkSources(
  main: string,
  others: Record<string, string> = {},
  options: Omit<CheckOptions, "host"> = {},
): CheckResult {
  const host = memoryHost({ ...others, "main.dsnet": main });
  return checkText(main, "/virtual/main.dsnet", { ...options, host });
}

/** The first network of a file (an example), with `--set` style parameters; errors throw. */
export function exampleNetwork(file: string, set: string[] = []): Network {
  const overrides = parseOverrides(set);
  if (!overrides.ok) throw new Error(overrides.message);
  const network = checkFile(file).program.entryNetworks[0];
  const result = checkFile(file, { network, overrides: overrides.overrides });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join("; ")}`);
  return result.networks[0];
}

/** The diagnostics of a check as `{ code, line, column, message }`, for table-driven tests. */
export function diagnosticsOf(main: string, others: Record<string, string> = {}) {
  return checkSources(main, others).diagnostics.map((d) => {
    const j = diagnosticToJson(d);
    return { code: j.code, line: j.line, column: j.column, message: j.message, file: j.file };
  });
}

/** Runs the CLI in process and captures what it prints. */
export async function cli(...argv: string[]) {
  const { runCli } = await import("../src/cli/main.js");
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    color: false,
  });
  return { code, stdout, stderr };
}
