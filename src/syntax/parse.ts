import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { Reporter } from "../diagnostics/reporter.js";
import type * as A from "./ast.js";
import { buildAst } from "./build-ast.js";
import { lex } from "./lexer.js";
import { sharedParser } from "./parser.js";
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
  const tokens = repairConditions(lexed.tokens, source, reporter);
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
      const shorthand =
        error.token.tokenType === T.StrideShort || error.token.tokenType === T.DilationShort;
      reporter.report(
        "syntaxError",
        tokenSpan(source, error.token),
        { detail: error.message },
        {
          ...(shorthand
            ? {
                help: `\`${error.token.image}\` is the ${error.token.tokenType === T.StrideShort ? "stride" : "dilation"} shorthand, not a name: choose another name`,
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
  return { program, source, diagnostics: reporter.finish() };
}

export const BYTE_ORDER_MARK = "\uFEFF";

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
