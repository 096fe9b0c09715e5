import type { IToken } from "chevrotain";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { Reporter } from "../diagnostics/reporter.js";
import type * as A from "./ast.js";
import { buildAst } from "./build-ast.js";
import { lex } from "./lexer.js";
import { sharedParser } from "./parser.js";
import { Source } from "./source.js";
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
      reporter.report("unterminatedString", span, "this string is not closed before the end of the line");
    } else {
      reporter.report(
        "unexpectedCharacter",
        span,
        `unexpected character ${JSON.stringify(text.slice(error.offset, error.offset + error.length))}`,
      );
    }
  }
  const parser = sharedParser();
  parser.input = lexed.tokens;
  const cst = parser.program();
  for (const error of parser.errors) {
    reporter.report("syntaxError", tokenSpan(source, error.token), error.message);
  }
  const program = buildAst(cst, source);
  attachTrivia(program, lexed.comments, text);
  return { program, source, diagnostics: reporter.finish() };
}

/** The span of the token an error was reported at; at the end of the file, the last character. */
function tokenSpan(source: Source, token: IToken) {
  if (!Number.isFinite(token.startOffset)) {
    const end = source.text.length;
    return { source, start: Math.max(0, end - 1), end };
  }
  const length = token.tokenType.name === "Newline" ? 1 : token.image.length;
  return { source, start: token.startOffset, end: token.startOffset + Math.max(1, length) };
}
