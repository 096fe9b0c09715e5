import { describe, expect, it } from "vitest";
import { checkExample, renderExplanation } from "../src/cli/explain.js";
import { allCodes, catalogue } from "../src/diagnostics/catalogue.js";
import { explanations } from "../src/diagnostics/explanations.js";
import { cli } from "./helpers.js";

describe("dsnet explain", () => {
  it("has an explanation for every code in the catalogue, and none for a code it lacks", () => {
    expect(allCodes().filter((code) => !explanations[code])).toEqual([]);
    expect(Object.keys(explanations).filter((code) => !allCodes().includes(code))).toEqual([]);
  });

  // The codes a comparison with an imported model reports (DS7xxx) are produced by
  // test/weights-import-tfjs.test.ts; checking their example alone reports nothing.
  it("runs every example but those of the import comparison", () => {
    const notRun = allCodes().filter((code) => explanations[code]!.reportedBy !== undefined);
    expect(notRun).toEqual(["DS7001", "DS7002", "DS7003"]);
  });

  const checkable = allCodes().filter((code) => explanations[code]?.reportedBy === undefined);
  it.each(checkable)("the example of %s is reported with it", (code) => {
    const reported = checkExample(explanations[code]).diagnostics.map((d) => d.code);
    expect(reported).toContain(code);
  });

  it("prints the title, the catalogue's messages, the example and what dsnet reports for it", async () => {
    const { code, stdout, stderr } = await cli("explain", "DS4006");
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toMatch(/^DS4006 \(error\): a depthwise layer asked to change/);
    expect(stdout).toContain(catalogue.depthwiseChangesChannels.message);
    expect(stdout).toContain("    input 32x32x16\n    dw 3x3 64\n");
    expect(stdout).toContain("main.dsnet:2:8: error DS4006: depthwise layer cannot change 16");
  });

  it("lists every message of a code that has several", () => {
    const text = renderExplanation("DS2010")!;
    expect(text).toContain("Messages:");
    for (const kind of ["unknownName", "unknownShapeField", "layerAsValue"] as const)
      expect(text).toContain(catalogue[kind].message);
  });

  it("takes a code in lower case or as its number, and runs --set examples under summary", () => {
    expect(renderExplanation("ds4006")).toBe(renderExplanation("4006"));
    expect(renderExplanation("DS6001")).toContain(
      "`dsnet summary main.dsnet --set widht=16` reports:",
    );
  });

  it("prints a long example shortened, as its `shown` text", () => {
    const text = renderExplanation("DS5004")!;
    expect(text).toContain("(25,001 lines: 50,002 tokens)");
    expect(text.length).toBeLessThan(5000);
  });

  it("refuses an unknown code with exit 2 and the closest code", async () => {
    const typo = await cli("explain", "DS4060");
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toMatch(/^dsnet: no diagnostic code "DS4060"; did you mean DS40\d\d\?\n$/);
    const nonsense = await cli("explain", "banana");
    expect(nonsense.code).toBe(2);
    expect(nonsense.stderr).toContain("codes look like DS4006");
  });
});
