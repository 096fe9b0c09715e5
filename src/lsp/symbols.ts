import { SymbolKind, type DocumentSymbol } from "vscode-languageserver/node.js";
import { layerSpecs } from "../check/layers.js";
import { IMPLICIT_NETWORK } from "../check/program.js";
import { blockSignature } from "../repl/feedback.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import type { Analysis } from "./analysis.js";
import { rangeOf } from "./convert.js";
import type { DeclarationKind } from "./names.js";

/** The networks and blocks of the document, each with its parameters and `let`s. */
export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  const topLevel: A.Statement[] = [];
  for (const item of analysis.program.items) {
    if (item.kind !== "block" && item.kind !== "network") {
      if (item.kind !== "import") topLevel.push(item);
      continue;
    }
    // Editors refuse a symbol without a name (VS Code's outline throws): the parser's recovery
    // leaves `network {` one, with a syntax error of its own.
    if (item.name.text === "") continue;
    const children: DocumentSymbol[] = [
      ...item.params.flatMap((p) =>
        p.name.text === "" ? [] : [leaf(p.name.text, SymbolKind.Variable, p.span, p.name.span)],
      ),
      ...lets(item.body.statements),
    ];
    symbols.push({
      name: item.name.text,
      detail: blockSignature({ ...item, kind: "block" }),
      kind: item.kind === "network" ? SymbolKind.Module : SymbolKind.Function,
      range: rangeOf(item.span),
      selectionRange: rangeOf(item.name.span),
      children,
    });
  }
  if (topLevel.length > 0) {
    const span = { ...topLevel[0].span, end: topLevel[topLevel.length - 1].span.end };
    const first = { ...span, end: span.start };
    symbols.push({
      name: IMPLICIT_NETWORK,
      detail: "the file's top-level statements",
      kind: SymbolKind.Module,
      range: rangeOf(span),
      selectionRange: rangeOf(first),
      children: lets(topLevel),
    });
  }
  return symbols;
}

function lets(statements: A.Statement[]): DocumentSymbol[] {
  return statements.flatMap((s) =>
    s.kind === "let" && s.name.text !== ""
      ? [leaf(s.name.text, SymbolKind.Variable, s.span, s.name.span)]
      : [],
  );
}

function leaf(name: string, kind: SymbolKind, span: Span, nameSpan: Span): DocumentSymbol {
  return { name, kind, range: rangeOf(span), selectionRange: rangeOf(nameSpan) };
}

/** Semantic token types and modifiers, in the order the legend gives the client. */
export const tokenTypes = ["function", "class", "namespace", "parameter", "variable", "property"];
export const tokenModifiers = ["declaration", "defaultLibrary"];

const kindToken: Record<DeclarationKind, number> = {
  block: 1,
  network: 2,
  parameter: 3,
  let: 4,
  index: 4,
};

/**
 * Semantic tokens for what the TextMate grammar cannot know: which calls are built-in layers and
 * which are blocks, and which names are parameters or `let`s. Encoded as LSP wants them: five
 * numbers per token, each position relative to the previous token.
 */
export function semanticTokens(analysis: Analysis): number[] {
  const DECLARATION = 1;
  const LIBRARY = 2;
  const tokens: { span: Span; type: number; modifiers: number }[] = [];
  const { names } = analysis;
  const blocks = analysis.result.program.blocks;
  for (const call of names.calls) {
    if (layerSpecs[call.callee.text])
      tokens.push({ span: call.callee.span, type: 0, modifiers: LIBRARY });
    else if (blocks.has(call.callee.text))
      tokens.push({ span: call.callee.span, type: 1, modifiers: 0 });
    for (const arg of call.args) {
      if (arg.name && !arg.shorthand) tokens.push({ span: arg.name.span, type: 5, modifiers: 0 });
    }
  }
  for (const d of names.declarations) {
    tokens.push({ span: d.span, type: kindToken[d.kind], modifiers: DECLARATION });
  }
  for (const use of names.uses) {
    if (use.declaration)
      tokens.push({ span: use.span, type: kindToken[use.declaration.kind], modifiers: 0 });
  }
  tokens.sort((a, b) => a.span.start - b.span.start);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastEnd = -1;
  for (const { span, type, modifiers } of tokens) {
    if (span.start < lastEnd || span.end <= span.start) continue;
    lastEnd = span.end;
    const { start, end } = rangeOf(span);
    if (end.line !== start.line) continue; // names are one line
    data.push(
      start.line - line,
      start.line === line ? start.character - character : start.character,
      end.character - start.character,
      type,
      modifiers,
    );
    line = start.line;
    character = start.character;
  }
  return data;
}
