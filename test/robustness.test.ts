import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "./runs.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { renderDiagnostics } from "../src/diagnostics/render.js";
import { summarize } from "../src/cost/summarize.js";
import { checkSources } from "./helpers.js";

function exampleFiles(dir = "examples"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? exampleFiles(join(dir, e.name))
      : e.name.endsWith(".dsnet")
        ? [join(dir, e.name)]
        : [],
  );
}

const examples = exampleFiles().map((f) => readFileSync(f, "utf8"));
const library = Object.fromEntries(
  exampleFiles()
    .filter((f) => !f.includes("errors"))
    .map((f) => [f.replace(/^examples\//, ""), readFileSync(f, "utf8")]),
);

/** Every range of every diagnostic (and of its notes) lies inside its own source text. */
function expectRangesInside(diagnostics: Diagnostic[]) {
  for (const d of diagnostics) {
    for (const span of [
      d.span,
      ...d.related.map((r) => r.span),
      ...d.expansion.map((r) => r.span),
    ]) {
      expect(span.start).toBeGreaterThanOrEqual(0);
      expect(span.end).toBeGreaterThanOrEqual(span.start);
      expect(span.end).toBeLessThanOrEqual(span.source.text.length);
    }
  }
}

/** Checking never throws; every network that checks can be summarised; diagnostics render. */
function survives(text: string) {
  const result = checkSources(text, library);
  expectRangesInside(result.diagnostics);
  renderDiagnostics(result.diagnostics);
  for (const network of result.networks) summarize(network);
}

const tokens = [
  "network",
  "block",
  "input",
  "import",
  "repeat",
  "as",
  "residual",
  "shortcut",
  "if",
  "else",
  "let",
  "in.c",
  "in",
  ".",
  "true",
  "false",
  "and",
  "or",
  "not",
  "same",
  "valid",
  "same_upper",
  "x",
  "->",
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  ",",
  "=",
  ":",
  "?",
  ";",
  "\n",
  "\n",
  " ",
  "#c\n",
  '"a.dsnet"',
  "conv",
  "dw",
  "pw",
  "sep",
  "bn",
  "relu",
  "fc",
  "gap",
  "maxpool",
  "flatten",
  "3x3",
  "224x224x3",
  "s2",
  "d2",
  "0",
  "1",
  "-1",
  "2.5",
  "1e400",
  "64",
  "a",
  "b",
  "make_divisible",
  "int",
  "/",
  "//",
  "%",
  "**",
  "*",
  "+",
  "-",
  "==",
  "<",
  "!",
  "@",
  "\u00e9",
  "\t",
];

describe("no input makes dsnet throw", () => {
  it("random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => survives(s)),
      { numRuns: runs(300) },
    );
  });

  it("random token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 80 }), (ts) =>
        survives(ts.join(" ")),
      ),
      { numRuns: runs(500) },
    );
  });

  it("mutated examples", () => {
    const mutation = fc.record({
      example: fc.integer({ min: 0, max: examples.length - 1 }),
      at: fc.nat(),
      cut: fc.nat({ max: 20 }),
      insert: fc.array(fc.constantFrom(...tokens), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        let text = examples[ms[0].example];
        for (const m of ms) {
          const at = m.at % (text.length + 1);
          text = text.slice(0, at) + m.insert.join(" ") + text.slice(at + m.cut);
        }
        survives(text);
      }),
      { numRuns: runs(300) },
    );
  });

  it("pathological inputs", () => {
    for (const text of [
      "",
      "\n\n\n",
      "(".repeat(5000),
      "{".repeat(3000),
      "input 8x8x3\n" + "relu -> ".repeat(3000) + "relu\n",
      "let a = " + "-".repeat(3000) + "1\n",
      "input 8x8x3\npw " + "1+".repeat(3000) + "1\n",
      "\u0000\u0001\uffff",
      "input 8x8x3\nrepeat 1e9 { relu }\n",
      "input 1x1x1\nrepeat 200000 { relu }\n" + "repeat 200000 { relu }\n".repeat(6),
      // Found by the token soup: the `=` parsed as `==` was reported two characters long, past
      // the end of the file.
      "if =",
    ]) {
      survives(text);
    }
  });
});

describe("the layer limit applies before expansion", () => {
  // Each of these would build about limits.layers layers before DS5002 if it were counted only as
  // layers are added; refused up front, each takes milliseconds.
  it.each([
    ["several repeats that add up", "input 1x1x1\n" + "repeat 20000 { relu }\n".repeat(7)],
    ["nested repeats", "input 1x1x1\nrepeat 1000 { repeat 1000 { repeat 1000 { relu } } }\n"],
    ["a repeat of a block", "block b { repeat 1000 { relu } }\ninput 1x1x1\nrepeat 2000 { b }\n"],
  ])("%s", (_name, text) => {
    const started = performance.now();
    const result = checkSources(text);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["DS5002"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("still expands a network just under the limit", () => {
    const result = checkSources("input 1x1x1\nrepeat 3 { repeat 1000 { relu } }\n");
    expect(result.diagnostics).toEqual([]);
    expect(result.networks[0].layers).toHaveLength(3001);
  });
});
