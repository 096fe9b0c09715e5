import { dirname, resolve } from "node:path";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import type { Analysis } from "./analysis.js";
import { contains, sameSpan, type Declaration } from "./names.js";

/** A place to go to: a span, or the start of a file (an import's target). */
export type Target = { span: Span } | { file: string };

/** What the cursor names: a name of this file, a block, a network or an imported file. */
type Symbol =
  | { kind: "local"; declaration: Declaration }
  | { kind: "block"; name: string; declaration: A.BlockDecl }
  | { kind: "network"; declaration: Declaration }
  | { kind: "file"; path: string };

function symbolAt(analysis: Analysis, offset: number): Symbol | undefined {
  const { names } = analysis;
  const use = names.uses.find((u) => contains(u.span, offset));
  if (use) return use.declaration ? { kind: "local", declaration: use.declaration } : undefined;
  const call = names.calls.find((c) => contains(c.callee.span, offset));
  const declared = names.declarations.find((d) => contains(d.span, offset));
  const blockName = call?.callee.text ?? (declared?.kind === "block" ? declared.name : undefined);
  if (blockName !== undefined) {
    const block = analysis.result.program.blocks.get(blockName);
    return block ? { kind: "block", name: blockName, declaration: block } : undefined;
  }
  if (declared?.kind === "network") return { kind: "network", declaration: declared };
  if (declared) return { kind: "local", declaration: declared };
  const imported = names.imports.find((i) => contains(i.span, offset));
  if (imported) return { kind: "file", path: resolve(dirname(analysis.path), imported.path) };
  return undefined;
}

/** Where what the cursor names is declared; an import goes to its file. */
export function definitionAt(analysis: Analysis, offset: number): Target | undefined {
  const symbol = symbolAt(analysis, offset);
  if (!symbol) return undefined;
  switch (symbol.kind) {
    case "file":
      return { file: symbol.path };
    case "block":
      return { span: symbol.declaration.name.span };
    default:
      return { span: symbol.declaration.span };
  }
}

/**
 * Every place that names the same thing as the cursor: for a block, the calls in every file of
 * this program and of the other analyses given (the open documents that may import it).
 */
export function referencesAt(
  analysis: Analysis,
  offset: number,
  others: readonly Analysis[],
  includeDeclaration: boolean,
): Span[] {
  const symbol = symbolAt(analysis, offset);
  if (!symbol || symbol.kind === "file") return [];
  if (symbol.kind !== "block") {
    const uses = analysis.names.uses
      .filter((u) => u.declaration && sameSpan(u.declaration.span, symbol.declaration.span))
      .map((u) => u.span);
    return includeDeclaration ? [symbol.declaration.span, ...uses] : uses;
  }
  const declaration = symbol.declaration.name.span;
  const found: Span[] = includeDeclaration ? [declaration] : [];
  const searched = new Set<string>();
  for (const a of [analysis, ...others]) {
    // Blocks are one namespace per program: a call means this block where its program says so.
    const block = a.result.program.blocks.get(symbol.name);
    if (!block || !sameSpan(block.name.span, declaration)) continue;
    for (const file of a.files) {
      if (searched.has(file)) continue;
      searched.add(file);
      for (const call of a.namesOf(file)?.calls ?? []) {
        if (call.callee.text === symbol.name) found.push(call.callee.span);
      }
    }
  }
  return found;
}
