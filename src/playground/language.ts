import { StreamLanguage, type StringStream } from "@codemirror/language";
import type { TokenType } from "chevrotain";
import { layerSpecs } from "../check/layers.js";
import * as T from "../syntax/tokens.js";

/*
 * dsnet highlighting for CodeMirror: the lexer's own tokens (src/syntax/tokens.ts), matched in
 * the lexer's order with its longer-alternative rule, so a word is coloured as the parser reads
 * it (`s2` a stride, `s2x` a name, `same` a padding mode). Layer names are names to the lexer;
 * the built-in ones are coloured as calls.
 */

/** Each token's pattern, anchored to the stream's position. */
const matchers = T.allTokens
  .filter((t) => t.PATTERN instanceof RegExp && t !== T.WhiteSpace && t !== T.Newline)
  .map((t) => ({ token: t, pattern: new RegExp((t.PATTERN as RegExp).source, "y") }));

const longerAlt = new Map(
  matchers.map(({ token }) => [token, matchers.find((m) => m.token === token.LONGER_ALT)]),
);

const keywords = new Set(T.reservedWords);
const layerNames = new Set(Object.keys(layerSpecs));

/** The highlighting tag of a token (names from @lezer/highlight's `tags`). */
function tagOf(token: TokenType, text: string): string | null {
  if (token === T.Comment) return "lineComment";
  if (token === T.StringLiteral) return "string";
  if (token === T.DimsLiteral || token === T.NumberLiteral) return "number";
  if (token === T.StrideShort || token === T.DilationShort) return "attributeName";
  if (token.CATEGORIES?.includes(T.PadMode) || token === T.True || token === T.False) return "atom";
  if (token === T.Times) return "operator";
  if (keywords.has(text)) return "keyword";
  if (token === T.Identifier)
    return layerNames.has(text) ? "variableName.function" : "variableName";
  if (token === T.Arrow) return "operator";
  if ([T.LParen, T.RParen, T.LBrace, T.RBrace, T.LBracket, T.RBracket].includes(token)) {
    return "bracket";
  }
  if ([T.Comma, T.Colon, T.Semicolon, T.Dot].includes(token)) return "punctuation";
  return "operator";
}

function matchAt(stream: StringStream): { token: TokenType; length: number } | undefined {
  for (const { token, pattern } of matchers) {
    pattern.lastIndex = stream.pos;
    const found = pattern.exec(stream.string);
    if (!found || found[0].length === 0) continue;
    const length = found[0].length;
    const alt = longerAlt.get(token);
    if (alt) {
      alt.pattern.lastIndex = stream.pos;
      const longer = alt.pattern.exec(stream.string);
      if (longer && longer[0].length > length)
        return { token: alt.token, length: longer[0].length };
    }
    return { token, length };
  }
  return undefined;
}

export const dsnetLanguage = StreamLanguage.define<null>({
  name: "dsnet",
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    const match = matchAt(stream);
    if (!match) {
      stream.next();
      return "invalid";
    }
    const text = stream.string.slice(stream.pos, stream.pos + match.length);
    stream.pos += match.length;
    return tagOf(match.token, text);
  },
  languageData: { commentTokens: { line: "#" } },
});
