import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../tools/build-runtime.js";

describe("generated sources (tools/build-runtime.ts)", () => {
  it("match their sources (run npx tsx tools/build-runtime.ts after editing kernels.wat, runtime.ts or wgsl/host-runtime.ts)", async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(path, "utf8"), path).toBe(text);
    }
  });
});
