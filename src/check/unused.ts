import type { Reporter } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";

/**
 * Warns about each `let` that nothing after it in its body reads (DS4102), once per written
 * `let`, however often a block is called. A read anywhere later in the body counts, nested
 * bodies included, so a name that an inner `let` shadows is not reported.
 */
export function reportUnusedLets(program: A.Program, reporter: Reporter): void {
  for (const body of bodiesIn(program)) {
    body.forEach((statement, i) => {
      if (statement.kind !== "let") return;
      const name = statement.name.text;
      const later = body.slice(i + 1);
      // A second `let` of the name is an error of its own (DS2016): one report is enough.
      const lets = body.filter((s) => s.kind === "let" && s.name.text === name);
      if (lets.length > 1) return;
      if (!later.some((s) => readsName(s, name))) {
        reporter.report(
          "unusedValue",
          statement.name.span,
          { name },
          { help: "remove it, or use it in a layer's arguments" },
        );
      }
    });
  }
}

/** The statement lists of every body in the program (top level, blocks, networks, stages). */
function bodiesIn(program: A.Program): A.Statement[][] {
  const found: A.Statement[][] = [];
  const top = program.items.filter(
    (item): item is A.Statement =>
      item.kind === "let" || item.kind === "input" || item.kind === "pipeline",
  );
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if (Array.isArray(value.statements)) found.push(value.statements as A.Statement[]);
      for (const [key, child] of Object.entries(value)) if (!isSpanKey(key)) visit(child);
    }
  };
  found.push(top);
  visit(program.items);
  return found;
}

function readsName(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((n) => readsName(n, name));
  if (!isObject(node)) return false;
  if (node.kind === "name" && node.name === name) return true;
  return Object.entries(node).some(([key, child]) => !isSpanKey(key) && readsName(child, name));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Spans point into the source: nothing to visit there. */
function isSpanKey(key: string): boolean {
  return key === "span" || key.endsWith("Span");
}
