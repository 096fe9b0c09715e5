import type { IToken } from "chevrotain";
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
export function parse(text: string, path = "<input>"): ParseResult {
  const source = new Source(path, text);
  const reporter = new Reporter();
  const lexed = lex(text);
  for (const error of lexed.errors) {
    const char = text[error.offset];
    const span = { source, start: error.offset, end: error.offset + Math.max(1, error.length) };
    if (char === '"') {
      reporter.report("unterminatedString", span, {});
    } else {
      const found = text.slice(error.offset, error.offset + error.length);
      reporter.report(
        "unexpectedCharacter",
        span,
        { found: JSON.stringify(found) },
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
  const tooDeep = findDeepNesting(lexed.tokens);
  if (tooDeep) {
    reporter.report("nestingTooDeep", tokenSpan(source, tooDeep), { limit: MAX_NESTING });
    return { program: empty, source, diagnostics: reporter.finish() };
  }
  const parser = sharedParser();
  parser.input = lexed.tokens;
  let program: A.Program;
  try {
    const cst = parser.program();
    for (const error of parser.errors) {
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
  const deepExpression = findDeepExpression(program);
  if (deepExpression) {
    reporter.report("expressionTooDeep", deepExpression, { limit: MAX_EXPRESSION_DEPTH });
  }
  attachTrivia(program, lexed.comments, text);
  return { program, source, diagnostics: reporter.finish() };
}

/** Brackets and prefix operators nest this deep at most; the parser recurses once per level. */
const MAX_NESTING = 100;
/** Operator chains (`1 + 1 + ...`) build trees this deep at most; later phases recurse over them. */
const MAX_EXPRESSION_DEPTH = 500;

function findDeepNesting(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  let prefixRun = 0;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.LParen || type === T.LBracket || type === T.LBrace) depth++;
    else if (type === T.RParen || type === T.RBracket || type === T.RBrace)
      depth = Math.max(0, depth - 1);
    prefixRun = type === T.Minus || type === T.Plus || type === T.Not ? prefixRun + 1 : 0;
    if (depth > MAX_NESTING || prefixRun > MAX_NESTING) return token;
  }
  return undefined;
}

/** The span of an expression deeper than the limit, found without recursion. */
function findDeepExpression(program: A.Program): Span | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: program, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    const kind = (node as { kind?: string }).kind;
    const isExpr = kind !== undefined && expressionKinds.has(kind);
    const next = isExpr ? depth + 1 : depth;
    if (next > MAX_EXPRESSION_DEPTH) return (node as { span: Span }).span;
    for (const [key, value] of Object.entries(node)) {
      if (key === "span" || key === "trivia") continue;
      if (Array.isArray(value)) for (const v of value) stack.push({ node: v, depth: next });
      else if (typeof value === "object") stack.push({ node: value, depth: next });
    }
  }
  return undefined;
}

const expressionKinds = new Set(["unary", "binary", "ternary", "callexpr", "list", "dims"]);

/** The span of the token an error was reported at; at the end of the file, the last character. */
function tokenSpan(source: Source, token: IToken) {
  if (!Number.isFinite(token.startOffset)) {
    const end = source.text.length;
    return { source, start: Math.max(0, end - 1), end };
  }
  const length = token.tokenType.name === "Newline" ? 1 : token.image.length;
  return { source, start: token.startOffset, end: token.startOffset + Math.max(1, length) };
}
