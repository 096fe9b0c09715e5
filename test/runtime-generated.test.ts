import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../tools/build-runtime.js";
import { depthwise3x3Span, depthwise3x3Wat } from "../tools/gen-depthwise3x3.js";

describe("generated sources (tools/build-runtime.ts)", () => {
  it("match their sources (run npx tsx tools/build-runtime.ts after editing kernels.wat, runtime.ts or wgsl/host-runtime.ts)", async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(path, "utf8"), path).toBe(text);
    }
  });

  it("kernels.wat's depthwise3x3 is what tools/gen-depthwise3x3.ts writes (run it after editing the generator)", () => {
    const kernels = readFileSync("src/runtime/kernels.wat", "utf8");
    const { start, end } = depthwise3x3Span(kernels);
    expect(kernels.slice(start, end)).toBe(depthwise3x3Wat());
  });
});
