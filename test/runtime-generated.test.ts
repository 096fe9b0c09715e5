import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../tools/build-runtime.js";

describe("src/runtime/*.generated.ts", () => {
  it("match their sources (run npx tsx tools/build-runtime.ts after editing kernels.wat or runtime.ts)", async () => {
    for (const [path, text] of Object.entries(await generatedFiles())) {
      expect(readFileSync(path, "utf8"), path).toBe(text);
    }
  });
});
