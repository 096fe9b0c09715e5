import { Reporter } from "../diagnostics/reporter.js";
import { parse } from "../syntax/parse.js";
import { evaluate, Scope } from "./evaluate.js";
import { suggest } from "./suggest.js";
import type { Value } from "./values.js";

export type OverrideResult =
  { ok: true; overrides: Map<string, Value> } | { ok: false; message: string };

/**
 * Parses `--set name=value` arguments. A value is a dsnet expression without names: `0.75`,
 * `160`, `true`, `same`, `2 * 112`.
 */
export function parseOverrides(assignments: readonly string[]): OverrideResult {
  const overrides = new Map<string, Value>();
  for (const assignment of assignments) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s.exec(assignment);
    if (!match) {
      return {
        ok: false,
        message: `--set expects name=value, got ${JSON.stringify(assignment)}`,
      };
    }
    const [, name, text] = match;
    const parsed = parse(`let ${name} = ${text}\n`, `--set ${name}`);
    const statement = parsed.program.items[0];
    if (
      parsed.diagnostics.length > 0 ||
      parsed.program.items.length !== 1 ||
      statement.kind !== "let"
    ) {
      return {
        ok: false,
        message: `--set ${name}: ${JSON.stringify(text)} is not a value (a number, true or false, or a padding mode)`,
      };
    }
    const reporter = new Reporter();
    const value = evaluate(statement.value, {
      scope: new Scope(),
      shape: undefined,
      reporter,
      expansion: [],
    });
    if (value === undefined) {
      const [first] = reporter.finish();
      return {
        ok: false,
        message: `--set ${name}=${text.trim()}: ${first?.message ?? "not a value"}`,
      };
    }
    overrides.set(name, value);
  }
  return { ok: true, overrides };
}

/**
 * Why some override does not fit a network (a parameter it does not declare), or undefined
 * when they all do. The CLI and the REPL say it in their own words around this.
 */
export function unknownParameter(
  network: string,
  declared: readonly string[],
  overrides: ReadonlyMap<string, Value>,
): string | undefined {
  const unknown = [...overrides.keys()].find((key) => !declared.includes(key));
  if (unknown === undefined) return undefined;
  const guess = suggest(unknown, declared);
  const known = declared.length ? `its parameters: ${declared.join(", ")}` : "it has no parameters";
  return `network ${network} has no parameter ${unknown} (${guess ? `did you mean ${guess}? ` : ""}${known})`;
}
