import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile } from "../src/check/program.js";
import { renderDiagnostics } from "../src/diagnostics/render.js";
import { renderSummary } from "../src/cost/render.js";
import { summarize } from "../src/cost/summarize.js";
import { parse } from "../src/syntax/parse.js";
import { printProgram } from "../src/syntax/printer.js";
import { expectGolden } from "./golden.js";

const examples = readdirSync("examples").filter((f) => f.endsWith(".dsnet"));
const errorExamples = readdirSync("examples/errors").filter((f) => f.endsWith(".dsnet"));

describe("examples", () => {
  it.each(examples)("%s checks clean", (file) => {
    const result = checkFile(`examples/${file}`);
    expect(renderDiagnostics(result.diagnostics)).toBe("");
  });

  it.each(examples)("%s summary matches test/golden/summary", (file) => {
    const result = checkFile(`examples/${file}`);
    const text = result.networks.map((n) => renderSummary(summarize(n))).join("\n");
    expectGolden(`test/golden/summary/${basename(file, ".dsnet")}.txt`, text);
  });
});

describe("error examples", () => {
  it.each(errorExamples)("%s prints what its .expected file shows", (file) => {
    const result = checkFile(`examples/errors/${file}`);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expectGolden(
      `examples/errors/${basename(file, ".dsnet")}.expected`,
      renderDiagnostics(result.diagnostics),
    );
  });

  it("the published conv_dw block's three bugs are all found", () => {
    const codes = checkFile("examples/errors/conv_dw_bugs.dsnet").diagnostics.map((d) => d.code);
    expect(codes).toEqual(["DS4006", "DS4101", "DS4007"]);
  });
});

describe("formatting", () => {
  const formattable = [
    ...examples.map((f) => `examples/${f}`),
    ...errorExamples.filter((f) => f !== "syntax.dsnet").map((f) => `examples/errors/${f}`),
  ];
  it.each(formattable)("%s is in canonical form", (file) => {
    const text = readFileSync(file, "utf8");
    expect(printProgram(parse(text, file).program)).toBe(text);
  });
});
