import { lex } from "../syntax/lexer.js";
import * as T from "../syntax/tokens.js";

export interface EntryState {
  /** The entry can be checked: its brackets are closed and its last statement is finished. */
  complete: boolean;
  /** Brackets (`{`, `(`, `[`) still open. */
  depth: number;
}

const opening = new Set([T.LBrace, T.LParen, T.LBracket]);
const closing = new Set([T.RBrace, T.RParen, T.RBracket]);

/**
 * Whether the lines typed so far make a whole entry. The lexer already knows where a line break
 * ends a statement (it drops breaks after `->`, `,` or an operator, and inside brackets), so an
 * entry is unfinished when its final break was dropped or a bracket is still open. Text the lexer
 * cannot read counts as complete, so that its error is reported rather than waited on.
 */
export function entryState(text: string): EntryState {
  const lexed = lex(text + "\n");
  if (lexed.errors.length > 0) return { complete: true, depth: 0 };
  let depth = 0;
  for (const token of lexed.tokens) {
    if (opening.has(token.tokenType)) depth++;
    else if (closing.has(token.tokenType)) depth--;
  }
  const last = lexed.tokens[lexed.tokens.length - 1];
  const unfinished = last !== undefined && last.tokenType !== T.Newline;
  return { complete: depth <= 0 && !unfinished, depth: Math.max(0, depth) };
}

/** Whether an entry declares something (a block, a network, an import) rather than adding layers. */
export function isDeclaration(text: string): boolean {
  const first = lex(text).tokens.find((t) => t.tokenType !== T.Newline);
  return (
    first?.tokenType === T.Block || first?.tokenType === T.Network || first?.tokenType === T.Import
  );
}
