import { Lexer, type IToken, type TokenType } from "chevrotain";
import { Source } from "./source.js";
import * as T from "./tokens.js";

const lexer = new Lexer(T.allTokens, { positionTracking: "full", ensureOptimizations: false });

export interface LexResult {
  /** Significant tokens, with the line breaks that end statements (see `keepStatementBreaks`). */
  tokens: IToken[];
  comments: IToken[];
  /** Names written with letters beyond ASCII, each read as one name (see `joinForeignNames`). */
  foreignNames: IToken[];
  /** Offsets of the characters the lexer could not match, with their length (not those above). */
  errors: { offset: number; length: number; message: string }[];
}

export function lex(text: string): LexResult {
  const result = lexer.tokenize(text);
  const errors = result.errors.map((e) => ({
    offset: e.offset,
    length: e.length,
    message: e.message,
  }));
  const foreignNames: IToken[] = [];
  const tokens = joinForeignNames(
    text,
    closeImportPaths(text, result.tokens, errors),
    errors,
    foreignNames,
  );
  return {
    tokens: keepStatementBreaks(tokens),
    comments: result.groups.comments ?? [],
    foreignNames,
    errors: errors.filter((e) => !isForeignName(text, e)),
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

/** Characters the lexer could not match that are letters of a name (`é`, `名前`). */
function isForeignName(text: string, error: { offset: number; length: number }): boolean {
  return /^[\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*$/u.test(
    text.slice(error.offset, error.offset + error.length),
  );
}

/**
 * A name written with letters beyond ASCII (`let größe = 4`, `pw 名前`): to the parser, the name
 * it was meant to be, and to the user one DS1001 across it (pushed onto `joined`). Without the
 * name the parser read `let = 4` and reported the `=` too, or the next line as the statement's
 * end.
 */
function joinForeignNames(
  text: string,
  tokens: IToken[],
  errors: { offset: number; length: number }[],
  joined: IToken[],
): IToken[] {
  const foreign = errors.filter((e) => isForeignName(text, e));
  if (foreign.length === 0) return tokens;
  const source = new Source("", text);
  const wordChars = /^\w+$/;
  const result: IToken[] = [];
  let next = 0;
  let i = 0;
  while (i < tokens.length || next < foreign.length) {
    const error = foreign[next];
    const token = tokens[i];
    if (!error || (token && token.startOffset < error.offset)) {
      result.push(token!);
      i++;
      continue;
    }
    // The run of touching word characters and foreign letters around this error.
    let start = error.offset;
    let end = error.offset + error.length;
    while (result.length > 0) {
      const before = result[result.length - 1]!;
      if (before.endOffset! + 1 !== start || !wordChars.test(before.image)) break;
      start = before.startOffset;
      result.pop();
    }
    next++;
    for (;;) {
      const after = tokens[i];
      if (after && after.startOffset === end && wordChars.test(after.image)) {
        end = after.endOffset! + 1;
        i++;
      } else if (foreign[next]?.offset === end) {
        end += foreign[next]!.length;
        next++;
      } else break;
    }
    const from = source.position(start);
    const to = source.position(end - 1);
    const name: IToken = {
      image: text.slice(start, end),
      startOffset: start,
      endOffset: end - 1,
      startLine: from.line,
      startColumn: from.column,
      endLine: to.line,
      endColumn: to.column,
      tokenType: T.Identifier,
      tokenTypeIdx: T.Identifier.tokenTypeIdx!,
    };
    result.push(name);
    joined.push(name);
  }
  return result;
}

/** Tokens after which a line break continues the statement (an operator wants its right side). */
export const continuesAfter = new Set<TokenType>([
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
