import { resolve } from "node:path";
import { parseOverrides } from "../check/overrides.js";
import { checkText, type CheckResult } from "../check/program.js";
import { suggest } from "../check/suggest.js";
import { catalogue } from "../diagnostics/catalogue.js";
import { explanations, type Explanation } from "../diagnostics/explanations.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import { EXIT_OK, UsageError, type CliIO } from "./io.js";

/** `dsnet explain CODE`: a diagnostic code at length, as `rustc --explain` does. */
export function explainCommand(code: string, io: CliIO): number {
  const text = renderExplanation(code);
  if (text === undefined) {
    const key = normalizeCode(code);
    const codes = Object.keys(explanations).sort();
    const guess = suggest(key, codes);
    throw new UsageError(
      `no diagnostic code ${JSON.stringify(code)}` +
        (guess
          ? `; did you mean ${guess}?`
          : /^DS[0-9]{4}$/.test(key)
            ? `; the codes run from ${codes[0]} to ${codes.at(-1)}`
            : "; codes look like DS4006"),
    );
  }
  io.stdout(text);
  return EXIT_OK;
}

/**
 * The explanation of `code` (`DS4006`, `ds4006` or `4006`): its title and severity, the text,
 * every message the catalogue has under it, and the example with what dsnet reports for it.
 */
export function renderExplanation(code: string): string | undefined {
  const key = normalizeCode(code);
  const explanation = explanations[key];
  const entries = Object.values(catalogue).filter((entry) => entry.code === key);
  if (!explanation || entries.length === 0) return undefined;
  const indent = (text: string) =>
    text
      .trimEnd()
      .split("\n")
      .map((line) => (line ? `    ${line}` : ""))
      .join("\n");
  const reported =
    explanation.reportedBy === undefined
      ? checkExample(explanation).diagnostics.find((d) => d.code === key)
      : undefined;
  const lines = [
    `${key} (${entries[0].severity}): ${explanation.title}`,
    "",
    explanation.text,
    "",
    entries.length === 1 ? "Message:" : "Messages:",
    ...entries.map((entry) => `    ${entry.message}`),
    "",
    "Example:",
    "",
    indent(explanation.shown ?? explanation.example),
    "",
  ];
  if (explanation.reportedBy !== undefined) {
    lines.push(`Reported by \`${explanation.reportedBy}\` when the model disagrees.`, "");
  }
  if (reported) {
    // `check` takes no --set and accepts a library of blocks; `summary` does neither.
    const summary = explanation.set !== undefined || explanation.requireNetwork;
    const command = `dsnet ${summary ? "summary" : "check"} main.dsnet${(explanation.set ?? []).map((s) => ` --set ${s}`).join("")}`;
    lines.push(`\`${command}\` reports:`, "", indent(renderDiagnostic(reported)), "");
  }
  return lines.join("\n");
}

/**
 * Checks an explanation's example as `main.dsnet`, its other files beside it, in memory. Every
 * example is reported with its code: test/explain.test.ts holds them to it.
 */
export function checkExample(explanation: Explanation): CheckResult {
  const files = new Map(
    Object.entries({ ...explanation.files, "main.dsnet": explanation.example }).map(
      ([name, text]) => [resolve(name), text],
    ),
  );
  const overrides = parseOverrides(explanation.set ?? []);
  return checkText(explanation.example, "main.dsnet", {
    host: { readFile: (path) => files.get(path) },
    requireNetwork: explanation.requireNetwork,
    ...(overrides.ok ? { overrides: overrides.overrides } : {}),
  });
}

function normalizeCode(code: string): string {
  const trimmed = code.trim().toUpperCase();
  return /^[0-9]+$/.test(trimmed) ? `DS${trimmed}` : trimmed;
}
