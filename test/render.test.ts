import { describe, expect, it } from "vitest";
import { EXCERPT_WIDTH, renderDiagnostic } from "../src/diagnostics/render.js";
import { checkSources } from "./helpers.js";

/** The source line and the caret line of the first diagnostic, as `dsnet check` prints them. */
function excerptOf(source: string): [string, string] {
  const [first] = checkSources(source).diagnostics;
  const [, text, carets] = renderDiagnostic(first!).split("\n");
  return [text!, carets!];
}

/** Where the carets stand under the source line, and what they stand under. */
function underCarets([text, carets]: [string, string]): string {
  const at = carets.indexOf("^");
  return text.slice(at, carets.length);
}

describe("the excerpt of a diagnostic", () => {
  const stages = (n: number) => Array.from({ length: n }, () => "relu").join(" -> ");

  it.each([
    ["a short line, whole", `input 8x8x3\n${stages(3)} -> reluu\n`, "reluu", false, false],
    [
      "the end of a line of 3,000 stages",
      `input 8x8x3\n${stages(3000)} -> reluu\n`,
      "reluu",
      true,
      false,
    ],
    ["the start of a long line", `input 8x8x3\nreluu -> ${stages(300)}\n`, "reluu", false, true],
    [
      "the middle of a long line",
      `input 8x8x3\n${stages(300)} -> reluu -> ${stages(300)}\n`,
      "reluu",
      true,
      true,
    ],
  ])("%s", (_, source, marked, cutBefore, cutAfter) => {
    const excerpt = excerptOf(source);
    expect(underCarets(excerpt)).toBe(marked);
    const shown = excerpt[0].replace(/^ {2}2 \| /, "");
    expect(shown.length).toBeLessThanOrEqual(EXCERPT_WIDTH + 2);
    expect(shown.startsWith("…")).toBe(cutBefore);
    expect(shown.endsWith("…")).toBe(cutAfter);
  });

  it("marks a span longer than the excerpt up to the excerpt's end", () => {
    const source = `input 8x8x3\nlet a = ${"1+".repeat(600)}1\npw a\n`;
    const [text, carets] = excerptOf(source);
    expect(text.endsWith("…")).toBe(true);
    expect(carets.length).toBe(text.length - 1);
  });

  it("keeps the tabs before the span in the caret line", () => {
    const [text, carets] = excerptOf("input 8x8x3\n\tconv 3x3 16 ->\tbnn\n");
    expect(text).toBe("  2 | \tconv 3x3 16 ->\tbnn");
    expect(carets).toBe("    | \t              \t^^^");
  });
});
