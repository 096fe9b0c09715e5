import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { planBuffers } from "../src/ir/buffers.js";
import type { Graph } from "../src/ir/graph.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { foldBatchNorm, fuseActivations, optimize, removeIdentities } from "../src/ir/passes.js";
import { initialWeights } from "../src/weights/init.js";
import { checkFile } from "../src/check/program.js";
import { compareToReference } from "./fixtures.js";
import { checkSources } from "./helpers.js";
import { randomNetwork } from "./random-networks.js";
import { referenceForward } from "./reference.js";
import { runs } from "./runs.js";

function expectClose(actual: ArrayLike<number>, reference: ArrayLike<number>, context: string) {
  const { maxError, tolerance } = compareToReference(actual, reference);
  expect(maxError, context).toBeLessThanOrEqual(tolerance);
}

describe("CPU plan against the float64 reference interpreter", () => {
  it("random networks", () => {
    fc.assert(
      fc.property(randomNetwork, ({ source, network, weights, input, batch }) => {
        const graph = lowerNetwork(network, weights);
        const reference = referenceForward(graph, input, batch);
        const plan = new CpuPlan(optimize(graph), { batch });
        expectClose(plan.forward(input), reference, source);
      }),
      { numRuns: runs(250) },
    );
  });
});

describe("each pass on its own keeps the numbers", () => {
  const passes: [string, (g: Graph) => Graph][] = [
    ["removeIdentities", removeIdentities],
    ["foldBatchNorm", foldBatchNorm],
    ["fuseActivations", fuseActivations],
  ];
  it.each(passes)("%s", (_, pass) => {
    fc.assert(
      fc.property(randomNetwork, ({ source, network, weights, input, batch }) => {
        const before = lowerNetwork(network, weights);
        const after = pass(before);
        expectClose(
          referenceForward(after, input, batch),
          referenceForward(before, input, batch),
          source,
        );
        expectClose(
          new CpuPlan(after, { batch }).forward(input),
          referenceForward(before, input, batch),
          source,
        );
      }),
      { numRuns: runs(120) },
    );
  });

  it("folding removes every batch norm that follows a convolution", () => {
    const result = checkFile("examples/mobilenet_v2.dsnet");
    const network = result.networks[0];
    const graph = lowerNetwork(
      network,
      initialWeights(network).map((t) => t.data),
    );
    const folded = foldBatchNorm(graph);
    expect(graph.nodes.filter((n) => n.op === "batchnorm").length).toBe(52);
    expect(folded.nodes.filter((n) => n.op === "batchnorm" || n.op === "affine")).toEqual([]);
    const fused = fuseActivations(folded);
    expect(fused.nodes.filter((n) => n.op === "activation")).toEqual([]);
  });

  it("does not fold a batch norm into a convolution whose output is also read elsewhere", () => {
    // pw1's output feeds both the batch norm and the residual add: folding would change the add.
    const network = checkSources("input 6x6x4\npw 4\nresidual {\n  bn\n}\n").networks[0];
    const graph = lowerNetwork(
      network,
      initialWeights(network, 3).map((t) => t.data),
    );
    const optimized = optimize(graph);
    expect(optimized.nodes.map((n) => n.op)).toEqual(["input", "conv", "affine", "add"]);
    const input = Float32Array.from({ length: 6 * 6 * 4 }, (_, i) => Math.sin(i));
    expectClose(
      new CpuPlan(optimized).forward(input),
      referenceForward(graph, input, 1),
      "residual bn",
    );
  });
});

describe("buffer planning", () => {
  it("MobileNetV1 at 224 needs less than half the naive activation memory", () => {
    const network = checkFile("examples/mobilenet_v1.dsnet").networks[0];
    const graph = optimize(
      lowerNetwork(
        network,
        initialWeights(network).map((t) => t.data),
      ),
    );
    const plan = planBuffers(graph);
    expect(plan.arenaElements).toBeLessThan(plan.naiveElements / 2);
  });

  it("never gives two live values overlapping memory", () => {
    fc.assert(
      fc.property(randomNetwork, ({ network, weights }) => {
        const graph = optimize(lowerNetwork(network, weights));
        const plan = planBuffers(graph);
        const live = graph.nodes.map((n, i) => ({ v: n.output, from: i, to: i }));
        graph.nodes.forEach((n, i) =>
          n.inputs.forEach(
            (v) => (live.find((l) => l.v === v)!.to = Math.max(live.find((l) => l.v === v)!.to, i)),
          ),
        );
        live.find((l) => l.v === graph.output)!.to = graph.nodes.length;
        for (const a of live)
          for (const b of live) {
            if (a.v >= b.v || a.to < b.from || b.to < a.from) continue;
            const [sa, sb] = [plan.offsets[a.v], plan.offsets[b.v]];
            const disjoint = sa + plan.sizes[a.v] <= sb || sb + plan.sizes[b.v] <= sa;
            expect(disjoint).toBe(true);
          }
      }),
      { numRuns: runs(200) },
    );
  });
});
