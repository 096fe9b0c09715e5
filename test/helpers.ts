import { resolve } from "node:path";
import { checkText, type CheckOptions, type CheckResult, type Host } from "../src/check/program.js";
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
