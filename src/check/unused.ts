import type { Reporter } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import { nestedBodies } from "../syntax/trivia.js";

/**
 * Warns about each `let` that nothing after it in its body reads (DS4102), once per written
 * `let`, however often a block is called. A read anywhere later in the body counts, nested
 * bodies included, so a name that an inner `let` shadows is not reported.
 */
export function reportUnusedLets(program: A.Program, reporter: Reporter): void {
  const unused: A.Name[] = [];
  for (const body of bodiesIn(program)) {
    // One walk per statement, then one pass from the end: linear in the body.
    const letCounts = new Map<string, number>();
    for (const s of body) {
      if (s.kind === "let") letCounts.set(s.name.text, (letCounts.get(s.name.text) ?? 0) + 1);
    }
    const readLater = new Set<string>();
    for (let i = body.length - 1; i >= 0; i--) {
      const statement = body[i];
      // A second `let` of the name is an error of its own (DS2016): one report is enough.
      if (
        statement.kind === "let" &&
        letCounts.get(statement.name.text) === 1 &&
        !readLater.has(statement.name.text)
      ) {
        unused.push(statement.name);
      }
      namesRead(statement, readLater);
    }
  }
  // Found from the end of each body, and bodies before the bodies inside them: reported in the
  // order they are written.
  unused.sort((a, b) => a.span.start - b.span.start);
  for (const name of unused) {
    reporter.report(
      "unusedValue",
      name.span,
      { name: name.text },
      { help: "remove it, or use it in a layer's arguments" },
    );
  }
}

/**
 * The statement lists of every body in the program (top level, blocks, networks, stages), each
 * before the bodies inside it.
 */
function bodiesIn(program: A.Program): A.Statement[][] {
  const top = program.items.filter(
    (item): item is A.Statement =>
      item.kind === "let" || item.kind === "input" || item.kind === "pipeline",
  );
  const found: A.Statement[][] = [top];
  const visitItems = (items: readonly A.TopLevelItem[]): void => {
    for (const item of items) for (const body of nestedBodies(item)) visitBody(body);
  };
  const visitBody = (body: A.Body): void => {
    found.push(body.statements);
    visitItems(body.statements);
  };
  visitItems(program.items);
  return found;
}

/** Adds every name an expression in `node` reads, nested bodies included, to `into`. */
function namesRead(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) namesRead(n, into);
    return;
  }
  if (!isObject(node)) return;
  if (node.kind === "name") into.add(node.name as string);
  // `for in` rather than Object.entries: this visits every node, and the pairs would be garbage.
  for (const key in node) if (!isSkipped(key)) namesRead(node[key], into);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Spans point into the source and trivia holds comments: nothing to visit there. */
function isSkipped(key: string): boolean {
  return key === "span" || key.endsWith("Span") || key === "trivia";
}
