import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { integrationTests } from "./projects.js";

describe("the test projects", () => {
  it("put every test file that asks for a WebGPU device in integration, not unit", () => {
    const gpu = readdirSync("test")
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => `test/${f}`)
      .filter((f) => /\brequestWebGpuDevice\(/.test(readFileSync(f, "utf8")));
    expect(gpu.length).toBeGreaterThan(0);
    expect(
      gpu.filter((f) => !integrationTests.includes(f)),
      "list them in test/projects.ts",
    ).toEqual([]);
  });
});
