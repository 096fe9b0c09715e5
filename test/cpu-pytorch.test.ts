import { describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { optimize } from "../src/ir/passes.js";
import { compareToReference, fixtureNames, loadFixture } from "./fixtures.js";

const names = fixtureNames();

describe("CPU plan against PyTorch", () => {
  it("has fixtures to compare with", () => {
    // Fixtures are committed; CI must not pass by finding none.
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  it.each(names)("%s (optimised and as lowered)", (name) => {
    const f = loadFixture(name);
    const graph = lowerNetwork(f.network, f.weights);
    for (const g of [optimize(graph), graph]) {
      const output = new CpuPlan(g, { batch: f.batch }).forward(f.input);
      const { maxError, tolerance } = compareToReference(output, f.expected);
      expect(maxError).toBeLessThanOrEqual(tolerance);
    }
  });

  it("would notice a wrong weight deep inside MobileNetV2", () => {
    // The comparison is sensitive: one depthwise filter of one middle block scaled by 1.5
    // moves the output past the tolerance.
    const f = loadFixture("mobilenet_v2");
    const graph = lowerNetwork(f.network, f.weights);
    const node = graph.nodes.filter((n) => n.op === "conv" && n.role === "dw")[8];
    if (node.op !== "conv") throw new Error("not a conv");
    for (let i = 0; i < 9; i++) node.weight[i] *= 1.5;
    const output = new CpuPlan(optimize(graph), { batch: f.batch }).forward(f.input);
    const { maxError, tolerance } = compareToReference(output, f.expected);
    expect(maxError).toBeGreaterThan(tolerance);
  });
});
