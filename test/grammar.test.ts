import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { IToken } from "chevrotain";
import { beforeAll, describe, expect, it } from "vitest";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { builtinFunctions } from "../src/check/builtins.js";
import { layerSpecs } from "../src/check/layers.js";
import { lex } from "../src/syntax/lexer.js";
import * as T from "../src/syntax/tokens.js";
import { staleFiles } from "../tools/gen-grammar.js";

const root = join(fileURLToPath(import.meta.url), "../..");

describe("grammar/ generated from the parser", () => {
  it("is up to date (npx tsx tools/gen-grammar.ts rewrites it)", () => {
    expect(staleFiles()).toEqual([]);
  });
});

interface ScopedToken {
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  await oniguruma.loadWASM(
    readFileSync(join(root, "node_modules/vscode-oniguruma/release/onig.wasm")),
  );
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.dsnet") return null;
      const path = join(root, "grammar/dsnet.tmLanguage.json");
      return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
    },
  });
  const loaded = await registry.loadGrammar("source.dsnet");
  if (!loaded) throw new Error("grammar/dsnet.tmLanguage.json did not load");
  grammar = loaded;
});

/** Each line's tokens, as an editor would colour them. */
function tokenize(text: string): ScopedToken[][] {
  let state = vsctm.INITIAL;
  return text.split("\n").map((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    if (result.stoppedEarly) throw new Error(`tokenizing line ${i + 1} stopped early: ${line}`);
    state = result.ruleStack;
    return result.tokens.map((t) => ({
      start: t.startIndex,
      end: Math.min(t.endIndex, line.length),
      text: line.slice(t.startIndex, t.endIndex),
      scopes: t.scopes,
    }));
  });
}

/** The scopes of the first `word` on the first line that contains `context`. */
function scopesOf(text: string, context: string, word: string): string[] {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes(context));
  if (line < 0) throw new Error(`no line contains ${context}`);
  if (!context.includes(word)) throw new Error(`${word} is not in ${context}`);
  const column = lines[line].indexOf(context) + context.indexOf(word);
  const tokens = tokenize(text)[line].filter(
    (t) => t.start < column + word.length && t.end > column,
  );
  return [...new Set(tokens.flatMap((t) => t.scopes))];
}

const keywordLike = /^(keyword|constant\.language|variable\.language)\./;
const reserved = new Set<string>(T.reservedWords);

/**
 * The scope the dsnet lexer's reading of a token implies, or undefined where the editor is free
 * to colour it as it likes (a name being declared or used).
 */
function expectedScope(token: IToken, next: IToken | undefined): RegExp | undefined {
  const type = token.tokenType;
  if (type === T.Comment) return /^comment\.line\.number-sign\./;
  if (type === T.StringLiteral) return /^string\.quoted\.double\./;
  if (type === T.DimsLiteral) return /^constant\.numeric\.size\./;
  if (type === T.StrideShort) return /^constant\.numeric\.stride\./;
  if (type === T.DilationShort) return /^constant\.numeric\.dilation\./;
  if (type === T.NumberLiteral) return /^constant\.numeric\./;
  if (type === T.Arrow) return /^keyword\.operator\.arrow\./;
  if (reserved.has(token.image)) return keywordLike;
  if (type === T.Identifier) {
    const assigned = next?.tokenType === T.Equals || next?.tokenType === T.Colon;
    if (Object.hasOwn(layerSpecs, token.image) && !assigned) return /^support\.function\.layer\./;
    const called = next?.tokenType === T.LParen && next.startOffset === token.endOffset! + 1;
    if (Object.hasOwn(builtinFunctions, token.image) && called)
      return /^support\.function\.builtin\./;
    return undefined;
  }
  return /^(keyword\.operator|punctuation)\./;
}

/** Where the TextMate grammar disagrees with the lexer, as `line:column 'text' scopes` lines. */
function disagreements(text: string): string[] {
  const lexed = lex(text);
  expect(lexed.errors).toEqual([]);
  const lines = tokenize(text);
  const found: string[] = [];
  const check = (token: IToken, next: IToken | undefined) => {
    if (token.tokenType === T.Newline) return;
    const line = token.startLine! - 1;
    const column = token.startColumn! - 1;
    const end = column + token.image.length;
    const expected = expectedScope(token, next);
    for (const t of lines[line].filter((t) => t.start < end && t.end > column)) {
      const ok = expected
        ? t.scopes.some((s) => expected.test(s))
        : !t.scopes.some((s) => /^(keyword|constant|support|invalid)\./.test(s));
      if (!ok) found.push(`${line + 1}:${t.start + 1} '${t.text}' ${t.scopes.join(" ")}`);
    }
  };
  lexed.tokens.forEach((token, i) => check(token, lexed.tokens[i + 1]));
  lexed.comments.forEach((token) => check(token, undefined));
  return found;
}

const examples = readdirSync(join(root, "examples"), { recursive: true, encoding: "utf8" })
  .filter((path) => path.endsWith(".dsnet"))
  .sort();

describe("grammar/dsnet.tmLanguage.json", () => {
  it("names the language", () => {
    const raw = JSON.parse(readFileSync(join(root, "grammar/dsnet.tmLanguage.json"), "utf8"));
    expect(raw.scopeName).toBe("source.dsnet");
    expect(raw.fileTypes).toEqual(["dsnet"]);
  });

  it("finds examples to check", () => {
    expect(examples).toContain("mobilenet_v1.dsnet");
  });

  it.each(examples)("colours examples/%s as the lexer reads it", (path) => {
    const text = readFileSync(join(root, "examples", path), "utf8");
    const invalid = tokenize(text).flatMap((tokens, i) =>
      tokens
        .filter((t) => t.scopes.some((s) => s.startsWith("invalid.")))
        .map((t) => `${i + 1}: ${t.text}`),
    );
    expect(invalid).toEqual([]);
    expect(disagreements(text)).toEqual([]);
  });

  it("agrees with the lexer on words that are almost keywords or literals", () => {
    const tricky = [
      "inputs = s2x + d3y + a3x3 + x3 + same_upperx + conv_1 + relu6a + inx + toString",
      "let fc = int * 2; max = 1e-5",
      "conv 3x3 64 s1 d2 pad=same_upper bias=false -> relu6",
      'import "a \\"quoted\\" name.dsnet"',
      "pw in.c * 2 -> bn 64 eps=1e-3 // 2 ** 3 % 4",
    ].join("\n");
    expect(disagreements(tricky)).toEqual([]);
  });

  describe("in examples/mobilenet_v1.dsnet", () => {
    const text = readFileSync(join(root, "examples/mobilenet_v1.dsnet"), "utf8");
    it.each([
      ["network mobilenet_v1(", "network", /^keyword\./],
      ["network mobilenet_v1(", "mobilenet_v1", /^entity\.name\.function\./],
      ["conv 3x3 int(32", "3x3", /^constant\.numeric\./],
      ["conv 3x3 int(32", "int", /^support\.function\.builtin\./],
      ["int(32 * alpha) s2", "s2", /^constant\.numeric\.stride\./],
      ["-> bn -> relu6", "relu6", /^support\.function\.layer\./],
      ["-> bn -> relu6", "->", /^keyword\.operator\.arrow\./],
      ["# MobileNetV1", "MobileNetV1", /^comment\.line\.number-sign\./],
      ['import "separable_block.dsnet"', "import", /^keyword\.control\.import\./],
      ['import "separable_block.dsnet"', '"separable_block.dsnet"', /^string\.quoted\.double\./],
      ["repeat 5 {", "repeat", /^keyword\.control\./],
      ["input res x res x 3", "x", /^keyword\.operator\./],
    ])("in `%s`, %s is %s", (context, word, scope) => {
      expect(scopesOf(text, context, word)).toContainEqual(expect.stringMatching(scope));
    });
  });

  describe("in examples/mobilenet_v2.dsnet", () => {
    const text = readFileSync(join(root, "examples/mobilenet_v2.dsnet"), "utf8");
    it.each([
      ["block inverted_residual(", "block", /^keyword\./],
      ["block inverted_residual(", "inverted_residual", /^entity\.name\.function\./],
      ["and in.c == out", "in", /^variable\.language\./],
      ["let out = make_divisible(c, 8)", "make_divisible", /^support\.function\.builtin\./],
      ["residual if s == 1", "residual", /^keyword\.control\./],
    ])("in `%s`, %s is %s", (context, word, scope) => {
      expect(scopesOf(text, context, word)).toContainEqual(expect.stringMatching(scope));
    });
  });

  it("marks a stage's label", () => {
    const text = "stem: conv 3x3 32 s2 -> act: relu6";
    expect(scopesOf(text, text, "stem")).toContain("entity.name.label.dsnet");
    expect(scopesOf(text, "act:", "act")).toContain("entity.name.label.dsnet");
  });

  it("marks characters the lexer rejects", () => {
    expect(scopesOf("conv @ 3", "@", "@")).toContain("invalid.illegal.character.dsnet");
  });

  it.each(T.reservedWords)("colours the reserved word %s", (word) => {
    expect(scopesOf(word, word, word)).toContainEqual(expect.stringMatching(keywordLike));
  });

  it.each(Object.keys(layerSpecs))("colours the layer %s", (layer) => {
    expect(scopesOf(`x -> ${layer} -> y`, layer, layer)).toContain("support.function.layer.dsnet");
  });

  it.each(Object.keys(builtinFunctions))("colours the function %s", (name) => {
    expect(scopesOf(`pw ${name}(c)`, name, name)).toContain("support.function.builtin.dsnet");
  });
});

describe("the parser's grammar", () => {
  it("passes Chevrotain's grammar validations (no ambiguity, no left recursion)", async () => {
    const { DsnetParser } = await import("../src/syntax/parser.js");
    expect(() => new DsnetParser({ validate: true })).not.toThrow();
  });
});
