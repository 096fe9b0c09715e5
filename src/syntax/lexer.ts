import { Lexer, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

const lexer = new Lexer(T.allTokens, { positionTracking: "full", ensureOptimizations: false });

export interface LexResult {
  /** Significant tokens, with the line breaks that end statements (see `keepStatementBreaks`). */
  tokens: IToken[];
  comments: IToken[];
  /** Offsets of the characters the lexer could not match, with their length. */
  errors: { offset: number; length: number; message: string }[];
}

export function lex(text: string): LexResult {
  const result = lexer.tokenize(text);
  const errors = result.errors.map((e) => ({
    offset: e.offset,
    length: e.length,
    message: e.message,
  }));
  return {
    tokens: keepStatementBreaks(closeImportPaths(text, result.tokens, errors)),
    comments: result.groups.comments ?? [],
    errors,
  };
}

/**
 * An import's path that the line ends inside (`import "blocks.dsnet`): to the parser, the
 * string it was meant to be, and to the user one error across it at its quote (DS1003). The
 * lexer read the rest of the line as tokens of their own, each then a DS1002 of its own. The
 * only place a string goes is after `import`; elsewhere the quote alone stays the error.
 */
function closeImportPaths(
  text: string,
  tokens: IToken[],
  errors: { offset: number; length: number }[],
): IToken[] {
  let result = tokens;
  for (const error of errors) {
    if (text[error.offset] !== '"') continue;
    let before = result.length - 1;
    while (before >= 0 && result[before]!.startOffset >= error.offset) before--;
    const keyword = result[before];
    const between = keyword && text.slice(keyword.endOffset! + 1, error.offset);
    if (keyword?.tokenType !== T.Import || !/^[ \t]*$/.test(between!)) continue;
    let end = text.indexOf("\n", error.offset);
    if (end < 0) end = text.length;
    if (text[end - 1] === "\r") end--;
    error.length = end - error.offset;
    const column = keyword.startColumn! + (error.offset - keyword.startOffset);
    const path: IToken = {
      ...keyword,
      image: `${text.slice(error.offset, end)}"`,
      startOffset: error.offset,
      endOffset: end - 1,
      startColumn: column,
      endColumn: column + error.length - 1,
      tokenType: T.StringLiteral,
      tokenTypeIdx: T.StringLiteral.tokenTypeIdx!,
    };
    const rest = result.filter((t) => t.startOffset < error.offset || t.startOffset >= end);
    result = [...rest, path].sort((a, b) => a.startOffset - b.startOffset);
  }
  return result;
}

/** Tokens after which a line break continues the statement (an operator wants its right side). */
const continuesAfter = new Set<TokenType>([
  T.Arrow,
  T.Comma,
  T.Equals,
  T.Colon,
  T.Question,
  T.LBrace,
  T.Plus,
  T.Minus,
  T.Star,
  T.Slash,
  T.FloorDiv,
  T.Percent,
  T.Power,
  T.EqEq,
  T.NotEq,
  T.Less,
  T.LessEq,
  T.Greater,
  T.GreaterEq,
  T.And,
  T.Or,
  T.Not,
  T.Times,
]);

/**
 * Tokens before which a line break continues the statement: `-> next` on a new line, `} else {`,
 * a ternary's `? a` and `: b` on lines of their own.
 */
const continuesBefore = new Set<TokenType>([
  T.Arrow,
  T.Else,
  T.Shortcut,
  T.RBrace,
  T.Question,
  T.Colon,
]);

/**
 * Line breaks end statements, because arguments are separated by spaces: in `pw 64` followed by
 * `bn` on the next line, the break is what stops `bn` being read as a second argument of `pw`.
 * Breaks inside brackets, after an operator or `->`, and before `->`, `else`, `shortcut`, `}`,
 * `?` or `:` carry no meaning and are dropped here, which keeps the grammar free of optional separators.
 */
function keepStatementBreaks(tokens: IToken[]): IToken[] {
  const kept: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const type = token.tokenType;
    if (type === T.LParen || type === T.LBracket) depth++;
    else if ((type === T.RParen || type === T.RBracket) && depth > 0) depth--;
    if (type !== T.Newline) {
      kept.push(token);
      continue;
    }
    const previous = kept[kept.length - 1];
    if (depth > 0 || previous === undefined || previous.tokenType === T.Newline) continue;
    if (continuesAfter.has(previous.tokenType)) continue;
    let j = i + 1;
    while (j < tokens.length && tokens[j].tokenType === T.Newline) j++;
    if (j < tokens.length && continuesBefore.has(tokens[j].tokenType)) continue;
    kept.push(token);
  }
  return kept;
}
