import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { catalogue } from "../diagnostics/catalogue.js";
import { Reporter } from "../diagnostics/reporter.js";
import type * as A from "./ast.js";
import { buildAst } from "./build-ast.js";
import { continuesAfter, lex } from "./lexer.js";
import { MAX_RECOVERIES, sharedParser } from "./parser.js";
import { Source, type Span } from "./source.js";
import * as T from "./tokens.js";
import { attachTrivia } from "./trivia.js";

export interface ParseResult {
  program: A.Program;
  source: Source;
  diagnostics: Diagnostic[];
}

/**
 * Parses one file. Never throws: lexing and syntax errors come back as diagnostics (the parser
 * recovers, so one run reports many), together with the best AST that could be built.
 */
export function parse(given: string, path = "<input>"): ParseResult {
  // Editors on Windows start a UTF-8 file with a byte-order mark; it is not part of the program,
  // and leaving it out of the source keeps every column as the user sees it.
  const text = given.startsWith(BYTE_ORDER_MARK) ? given.slice(1) : given;
  const source = new Source(path, text);
  const reporter = new Reporter();
  const lexed = lex(text);
  for (const name of lexed.foreignNames) {
    reporter.report(
      "foreignName",
      tokenSpan(source, name),
      { name: name.image },
      {
        help: "names are made of ASCII letters, digits and _",
      },
    );
  }
  for (const error of lexed.errors) {
    const char = text[error.offset];
    const span = { source, start: error.offset, end: error.offset + Math.max(1, error.length) };
    if (char === '"') {
      reporter.report("unterminatedString", span, {});
    } else {
      // A run of a million stray characters is quoted by its start.
      const found = text.slice(error.offset, error.offset + Math.min(error.length, 20));
      reporter.report(
        "unexpectedCharacter",
        span,
        { found: JSON.stringify(found) + (error.length > 20 ? "…" : "") },
        {
          ...(/\p{L}/u.test(found)
            ? { help: "names are made of ASCII letters, digits and _" }
            : {}),
        },
      );
    }
  }
  const empty: A.Program = {
    kind: "program",
    items: [],
    endComments: [],
    span: { source, start: 0, end: 0 },
  };
  const tooMany =
    lexed.tokens.length > syntaxLimits.tokens ? lexed.tokens[syntaxLimits.tokens] : undefined;
  if (tooMany) {
    reporter.report("tooManyTokens", tokenSpan(source, tooMany), { limit: syntaxLimits.tokens });
    return { program: empty, source, diagnostics: reporter.finish() };
  }
  const longName = lexed.tokens.find(
    (t) => t.tokenType === T.Identifier && t.image.length > syntaxLimits.nameLength,
  );
  if (longName) {
    reporter.report("nameTooLong", tokenSpan(source, longName), {
      length: longName.image.length,
      limit: syntaxLimits.nameLength,
    });
    return { program: empty, source, diagnostics: reporter.finish() };
  }
  const tooDeep = findDeepNesting(lexed.tokens);
  if (tooDeep) {
    reporter.report("nestingTooDeep", tokenSpan(source, tooDeep), { limit: syntaxLimits.nesting });
    return { program: empty, source, diagnostics: reporter.finish() };
  }
  const tokens = repairConditions(repairNumbers(lexed.tokens, source, reporter), source, reporter);
  const parser = sharedParser();
  parser.input = tokens;
  let program: A.Program;
  try {
    const cst = parser.program();
    const index = parser.errors.length > 0 ? tokenIndex(tokens) : undefined;
    /** Reserved words written as names: what later errors next to them stem from. */
    const misused = new Set<string>();
    for (const error of parser.errors) {
      const at = index?.get(error.token.startOffset) ?? tokens.length;
      const word = error.token.image;
      const asName =
        error.message.startsWith("expected a name") || namesParameter(error, tokens, at);
      if (asName && T.isKeyword(error.token.tokenType)) {
        misused.add(word);
        reporter.report(
          "reservedName",
          tokenSpan(source, error.token),
          { word, meaning: reservedMeaning(word) },
          { help: `choose another name, such as \`${word === "x" ? "width" : `${word}_value`}\`` },
        );
        continue;
      }
      // `let x = 16` then `conv 3x3 x s2`: the second error is the first one's echo.
      if (misused.has(word) || (at > 0 && misused.has(tokens[at - 1].image))) continue;
      const declaration =
        error.token.tokenType === T.Network ||
        error.token.tokenType === T.Block ||
        error.token.tokenType === T.Import;
      // Reached a declaration or the end with a body still open: the `{` is what needs a look
      // (a stray `)` in a body is another matter).
      if (
        error.message.startsWith("expected '}'") &&
        (declaration || error.token.tokenType === EOF)
      ) {
        const open = unclosedBrace(tokens, at);
        reporter.report(
          "syntaxError",
          tokenSpan(source, error.token),
          { detail: error.message },
          {
            ...(open
              ? {
                  related: [{ message: "this `{` is not closed", span: tokenSpan(source, open) }],
                  ...(declaration
                    ? {
                        help: `\`${word}\` starts a declaration of its own: close the body with \`}\` before it`,
                      }
                    : {}),
                }
              : {}),
          },
        );
        continue;
      }
      const argument = argumentOnItsOwnLine(tokens, at, text);
      const shorthand =
        !argument &&
        (error.token.tokenType === T.StrideShort || error.token.tokenType === T.DilationShort);
      const opening = closesNothing(tokens, at);
      const carried = shorthand || argument ? undefined : operatorEndingLineBefore(tokens, at);
      reporter.report(
        "syntaxError",
        tokenSpan(source, error.token),
        {
          detail: opening
            ? `${error.message}: no '${opening}' is open for it to close`
            : error.message,
        },
        {
          ...(argument
            ? {
                help: `a line break ends a layer's arguments: write \`${argument}\` on the line of its layer (or inside brackets, where a line break goes on)`,
              }
            : shorthand
              ? {
                  help: `\`${error.token.image}\` is the ${error.token.tokenType === T.StrideShort ? "stride" : "dilation"} shorthand, not a name: choose another name`,
                }
              : carried
                ? {
                    help: `the \`${carried.image}\` that ends line ${carried.startLine} carries its statement on to this line: finish the expression there`,
                  }
                : {}),
        },
      );
    }
    program = buildAst(cst, source);
  } catch (e) {
    // The nesting check above keeps recursion bounded; this is the last line of defence.
    if (!(e instanceof RangeError)) throw e;
    reporter.report("tooDeepToParse", { source, start: 0, end: 0 }, {});
    return { program: empty, source, diagnostics: reporter.finish() };
  }
  const large = findLargeExpression(program);
  if (large?.kind === "deep") {
    reporter.report("expressionTooDeep", large.span, { limit: syntaxLimits.expressionDepth });
  } else if (large) {
    reporter.report("listTooLong", large.span, {
      count: large.count,
      limit: syntaxLimits.listItems,
    });
  }
  attachTrivia(program, lexed.comments, text);
  const diagnostics = inSourceOrder(reporter.finish(), source, lexed.errors);
  if (parser.errors.length >= MAX_RECOVERIES) {
    // Past the cap the parser no longer recovers: say that the list stops short.
    const last = diagnostics.filter((d) => d.code === catalogue.syntaxError.code).at(-1);
    if (last) {
      last.help = `dsnet stopped looking for syntax errors after ${MAX_RECOVERIES}: the rest of the file is not checked`;
    }
  }
  return { program, source, diagnostics };
}

export const BYTE_ORDER_MARK = "\uFEFF";

/**
 * The lexer's and the parser's diagnostics, which are found in two passes, merged by where they
 * are. Of the parser's syntax errors (DS1002) only the first on each line is kept: after one
 * mistake its recovery skips ahead, and what it then finds on that line (a `)` whose `(` it
 * skipped) is the mistake's echo; so is one at the token right after a character the lexer
 * could not read (`let a = $`). Every other diagnostic is kept. A DS5003 that ends a capped
 * list stays last.
 */
function inSourceOrder(
  diagnostics: Diagnostic[],
  source: Source,
  unread: readonly { offset: number; length: number }[],
): Diagnostic[] {
  const last = diagnostics.at(-1);
  const capped = last?.dropped ? diagnostics.slice(0, -1) : diagnostics;
  const sorted = capped.slice().sort((a, b) => a.span.start - b.span.start);
  // Where each run of characters the lexer could not read ends, in order.
  const unreadEnds = unread.map((e) => e.offset + Math.max(1, e.length)).sort((a, b) => a - b);
  const syntaxLines = new Set<number>();
  let next = 0;
  let unreadEnd = -1;
  const kept = sorted.filter((d) => {
    if (d.code !== catalogue.syntaxError.code) return true;
    while (next < unreadEnds.length && unreadEnds[next]! <= d.span.start) {
      unreadEnd = unreadEnds[next++]!;
    }
    const line = source.position(d.span.start).line;
    const afterUnread = unreadEnd >= 0 && source.text.slice(unreadEnd, d.span.start).trim() === "";
    const echo = syntaxLines.has(line) || afterUnread;
    syntaxLines.add(line);
    return !echo;
  });
  return last?.dropped ? [...kept, last] : kept;
}

/**
 * What one file may hold, so that hostile or runaway text ends in a diagnostic in milliseconds
 * rather than seconds of parsing (the whole file's size is `limits.sourceChars` in src/check).
 * dsnet's largest example is 3.5 KB, about 1,000 tokens.
 */
export const syntaxLimits = {
  /** Significant tokens in a file; checked before parsing, which takes several µs per token. */
  tokens: 50_000,
  /** Characters in a name: enough for any label, short of what file names derived from it hold. */
  nameLength: 1_000,
  /** Brackets and prefix operators nest this deep at most; the parser recurses once per level. */
  nesting: 100,
  /** Operator chains (`1 + 1 + ...`) build trees this deep at most; later phases recurse over them. */
  expressionDepth: 500,
  /** Items in one list (`pad=[...]` reads four, `split=[...]` one per branch). */
  listItems: 1_000,
};

function findDeepNesting(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let prefixRun = 0;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace)
      depth = Math.max(0, depth - 1);
    prefixRun = type === T.Minus || type === T.Plus || type === T.Not ? prefixRun + 1 : 0;
    if (depth > syntaxLimits.nesting || prefixRun > syntaxLimits.nesting) return token;
  }
  return undefined;
}

/** Where each token starts, to find an error's token among them. */
function tokenIndex(tokens: IToken[]): Map<number, number> {
  return new Map(tokens.map((t, i) => [t.startOffset, i]));
}

/**
 * An expression deeper than the limit, or a list longer than it, found without recursion. It
 * visits every node of the tree, so the stack holds nodes and depths side by side rather than
 * a pair object for each.
 */
function findLargeExpression(
  program: A.Program,
): { kind: "deep"; span: Span } | { kind: "long"; span: Span; count: number } | undefined {
  const stack: object[] = [program];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    const kind = node.kind as string | undefined;
    const isExpr = kind !== undefined && expressionKinds.has(kind);
    const next = isExpr ? depth + 1 : depth;
    if (next > syntaxLimits.expressionDepth) return { kind: "deep", span: node.span as Span };
    if (kind === "list" && (node.items as unknown[]).length > syntaxLimits.listItems) {
      const list = node as unknown as A.ListExpr;
      return { kind: "long", span: list.span, count: list.items.length };
    }
    for (const key in node) {
      if (key === "span" || key === "trivia") continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const v of value) {
          if (typeof v !== "object" || v === null) continue;
          stack.push(v);
          depths.push(next);
        }
      } else if (typeof value === "object" && value !== null) {
        stack.push(value);
        depths.push(next);
      }
    }
  }
  return undefined;
}

const expressionKinds = new Set(["unary", "binary", "ternary", "callexpr", "list", "dims"]);

/** What a reserved word is, for a message saying it cannot be a name. */
function reservedMeaning(word: string): string {
  if (word === "x") return "the size operator, as in `224 x 224 x 3`";
  if (word === "in") return "the shape flowing into a layer, as in `in.c`";
  if (word === "same" || word === "same_upper" || word === "valid") return "a padding mode";
  return "a keyword";
}

/**
 * The error is at a parameter's name: `block b(x)`, `(k, x)`. A parameter list may end there, so
 * the parser asks for its `)` rather than for a name.
 */
function namesParameter(error: IRecognitionException, tokens: IToken[], at: number): boolean {
  const rules = error.context.ruleStack;
  const before = tokens[at - 1]?.tokenType;
  return rules.at(-1) === "paramList" && (before === T.LParen || before === T.Comma);
}

/**
 * The arguments on the line of `tokens[at]` when they are on a line of their own (`bias=true` or
 * `s2` under `pw 8`), as written: the line break before them ended the layer.
 */
function argumentOnItsOwnLine(tokens: IToken[], at: number, text: string): string | undefined {
  const token = tokens[at];
  const startsLine = (i: number) => i === 0 || tokens[i - 1]?.tokenType === T.Newline;
  let first: IToken | undefined;
  if (token?.tokenType === T.StrideShort || token?.tokenType === T.DilationShort) {
    if (startsLine(at)) first = token;
  } else if (token?.tokenType === T.Equals) {
    const name = tokens[at - 1];
    if (name?.tokenType === T.Identifier && startsLine(at - 1)) first = name;
  }
  if (!first) return undefined;
  const end = text.indexOf("\n", first.startOffset);
  return text
    .slice(first.startOffset, end < 0 ? text.length : end)
    .replace(/#.*$/, "")
    .trim();
}

/** The tokens after which a line break goes on (lexer.ts) that are operators wanting a value. */
const valueOperators = new Set(
  [...continuesAfter].filter(
    (t) => ![T.Arrow, T.Comma, T.Colon, T.Question, T.LBrace, T.Times].includes(t),
  ),
);

/**
 * The operator ending the line before the one `tokens[at]` is on (`let c =`, `a +`), which
 * carried the statement on to that line, so that what is there was read as the operator's value.
 */
function operatorEndingLineBefore(tokens: IToken[], at: number): IToken | undefined {
  const line = tokens[at]?.startLine;
  if (line === undefined || !Number.isFinite(line)) return undefined;
  let first = at;
  while (first > 0 && tokens[first - 1]!.startLine === line) first--;
  const before = tokens[first - 1];
  return before && before.startLine! < line && valueOperators.has(before.tokenType)
    ? before
    : undefined;
}

/**
 * Numbers written as other languages write them (`0xff`, `1_000`, `.5`, `2e`), which the lexer
 * reads as a number and a name or a `.`: each is reported once, with the decimal it should be,
 * and read as one number, so that the name is not reported as unknown too.
 */
function repairNumbers(tokens: IToken[], source: Source, reporter: Reporter): IToken[] {
  const touching = (a: IToken, b: IToken) => T.tokenEnd(a) === b.startOffset;
  const repaired: IToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if (!next || !touching(token, next) || !malformedPair(token, next, repaired.at(-1))) {
      repaired.push(token);
      continue;
    }
    const text = source.text.slice(token.startOffset, T.tokenEnd(next));
    reporter.report(
      "malformedNumber",
      { source, start: token.startOffset, end: T.tokenEnd(next) },
      { text },
      { help: decimalOf(text) ?? "numbers are written in decimal, as `12`, `0.5` or `1e-3`" },
    );
    repaired.push({
      ...token,
      image: "1",
      endOffset: next.endOffset,
      tokenType: T.NumberLiteral,
      tokenTypeIdx: T.NumberLiteral.tokenTypeIdx!,
    });
    i++;
  }
  return repaired;
}

/**
 * Two touching tokens that are one number misspelt: a number and a name (`0` `xff`; `16s2` is a
 * count and a stride, `3x3` a size), `.` and a number not after `in`, a number or size and `.`.
 */
function malformedPair(token: IToken, next: IToken, before: IToken | undefined): boolean {
  const type = token.tokenType;
  if (type === T.NumberLiteral && next.tokenType === T.Identifier) return true;
  if (type === T.Dot) return next.tokenType === T.NumberLiteral && before?.tokenType !== T.In;
  return (type === T.NumberLiteral || type === T.DimsLiteral) && next.tokenType === T.Dot;
}

/** How to write in dsnet a number written as another language writes it. */
function decimalOf(text: string): string | undefined {
  const decimal = (digits: string, radix: number) =>
    `numbers are written in decimal: write \`${parseInt(digits, radix)}\``;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return decimal(text.slice(2), 16);
  if (/^0[bB][01]+$/.test(text)) return decimal(text.slice(2), 2);
  if (/^0[oO][0-7]+$/.test(text)) return decimal(text.slice(2), 8);
  if (/^[0-9]+(_[0-9]+)+$/.test(text))
    return `numbers have no separators: write \`${text.replaceAll("_", "")}\``;
  if (/^\.[0-9]+$/.test(text)) return `write \`0${text}\`, with a digit before the point`;
  if (/^[0-9]+\.$/.test(text))
    return `write \`${text.slice(0, -1)}\` or \`${text}0\`, with a digit after the point`;
  if (/^[0-9.]+[eE]$/.test(text)) return `an exponent needs its digits, as in \`${text}3\``;
  return undefined;
}

/** The bracket that `tokens[at]` would close, when it closes none that is open before it. */
function closesNothing(tokens: IToken[], at: number): string | undefined {
  const closer = tokens[at]?.tokenType;
  const opener =
    closer === T.RParen
      ? T.LParen
      : closer === T.RBracket
        ? T.LBracket
        : closer === T.RBrace
          ? T.LBrace
          : undefined;
  if (!opener) return undefined;
  let depth = 0;
  for (const token of tokens.slice(0, at)) {
    if (token.tokenType === opener) depth++;
    else if (token.tokenType === closer) depth = Math.max(0, depth - 1);
  }
  return depth === 0 ? opener.LABEL!.slice(1, -1) : undefined;
}

/** The innermost `{` still open before `tokens[at]`. */
function unclosedBrace(tokens: IToken[], at: number): IToken | undefined {
  const open: IToken[] = [];
  for (const token of tokens.slice(0, at)) {
    if (token.tokenType === T.LBrace) open.push(token);
    else if (token.tokenType === T.RBrace) open.pop();
  }
  return open[open.length - 1];
}

/**
 * `if s = 1 {`: an `=` between `if` and its body can only be a comparison. Each is reported
 * once, with the condition as it should read, and parsed as `==`, so that the rest of the file
 * is read as meant rather than as a cascade of errors.
 */
function repairConditions(tokens: IToken[], source: Source, reporter: Reporter): IToken[] {
  let condition: number | undefined;
  const repaired = tokens.map((token, i) => {
    const type = token.tokenType;
    if (type === T.If) condition = i;
    else if (type === T.LBrace || type === T.Newline || type === T.Semicolon || type === T.RBrace)
      condition = undefined;
    if (type !== T.Equals || condition === undefined) return token;
    const start = tokens[condition + 1]?.startOffset ?? token.startOffset;
    const end = tokens.slice(i).find((t) => t.tokenType === T.LBrace || t.tokenType === T.Newline);
    const text = source.text.slice(start, end ? end.startOffset : token.endOffset! + 1).trim();
    const at = token.startOffset - start;
    reporter.report(
      "assignInCondition",
      tokenSpan(source, token),
      {},
      {
        help: `did you mean \`==\`? write \`if ${text.slice(0, at)}==${text.slice(at + 1)}\``,
        fixes: [{ title: "Change to `==`", newText: "==" }],
      },
    );
    return { ...token, tokenType: T.EqEq, tokenTypeIdx: T.EqEq.tokenTypeIdx!, image: "==" };
  });
  return repaired;
}

/** The span of the token an error was reported at; at the end of the file, the last character. */
function tokenSpan(source: Source, token: IToken) {
  if (!Number.isFinite(token.startOffset)) {
    const end = source.text.length;
    return { source, start: Math.max(0, end - 1), end };
  }
  const end = token.tokenType.name === "Newline" ? token.startOffset + 1 : T.tokenEnd(token);
  return { source, start: token.startOffset, end: Math.max(token.startOffset + 1, end) };
}
