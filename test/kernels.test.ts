import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateKernelsModule } from "../tools/build-kernels.js";

describe("kernels.generated.ts", () => {
  it("is kernels.wat assembled (run npx tsx tools/build-kernels.ts after editing it)", async () => {
    expect(readFileSync("src/backends/cpu/kernels.generated.ts", "utf8")).toBe(
      await generateKernelsModule(),
    );
  });
});
