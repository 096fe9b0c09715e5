import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { planSteps, stepKernel } from "../src/backends/cpu/steps.js";
import { checkFile } from "../src/check/program.js";
import { parseOverrides } from "../src/check/overrides.js";
import type { Network } from "../src/check/network.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { readNpy } from "../src/weights/npy.js";
import { matchTensors, readSafetensors } from "../src/weights/safetensors.js";
import { expectedTensors } from "../src/weights/tensors.js";
import { checkSources } from "./helpers.js";
import { referenceForward } from "./reference.js";

/** A PyTorch reference fixture (test/fixtures/README.md), loaded and renamed to dsnet's names. */
export interface Fixture {
  name: string;
  network: Network;
  weights: Float32Array[];
  input: Float32Array;
  batch: number;
  expected: Float32Array;
  expectedShape: number[];
}

export const FIXTURE_DIR = "test/fixtures";

export function fixtureNames(): string[] {
  if (!existsSync(FIXTURE_DIR)) return [];
  return readdirSync(FIXTURE_DIR).filter((d) => existsSync(join(FIXTURE_DIR, d, "params.json")));
}

export function loadFixture(name: string): Fixture {
  const dir = join(FIXTURE_DIR, name);
  const params = JSON.parse(readFileSync(join(dir, "params.json"), "utf8")) as {
    file: string;
    network: string;
    set: Record<string, string>;
  };
  const overrides = parseOverrides(Object.entries(params.set).map(([k, v]) => `${k}=${v}`));
  if (!overrides.ok) throw new Error(overrides.message);
  const result = checkFile(params.file, {
    network: params.network,
    overrides: overrides.overrides,
  });
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const network = result.networks[0];
  const file = readSafetensors(readFileSync(join(dir, "weights.safetensors")));
  const order = JSON.parse(file.metadata?.order ?? "[]") as string[];
  const specs = expectedTensors(network);
  expect(order.length).toBe(specs.length);
  // "Renamed to dsnet's names in order": the fixture's names are PyTorch's.
  const renamed = new Map(
    order.map((torchName, i) => [specs[i].name, file.tensors.get(torchName)!]),
  );
  const weights = matchTensors(
    { ...file, tensors: renamed, order: specs.map((s) => s.name) },
    specs,
  );
  const input = readNpy(readFileSync(join(dir, "input.npy")));
  const expected = readNpy(readFileSync(join(dir, "expected.npy")));
  return {
    name,
    network,
    weights,
    input: input.data,
    batch: input.shape[0],
    expected: expected.data,
    expectedShape: expected.shape,
  };
}

/** max |y - ref| and the tolerance 1e-4 · max(1, max |ref|). */
export function compareToReference(actual: ArrayLike<number>, reference: ArrayLike<number>) {
  let maxError = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    maxError = Math.max(maxError, Math.abs(actual[i] - reference[i]));
    maxRef = Math.max(maxRef, Math.abs(reference[i]));
  }
  if (actual.length !== reference.length) maxError = Infinity;
  return { maxError, tolerance: 1e-4 * Math.max(1, maxRef), maxRef };
}

/**
 * The CPU plan of `source` (initial weights, seed 3) at batches 1 and 2 against the float64
 * reference of the unoptimized graph; some step of the plan must run `kernel`. Returns the plans.
 */
export function expectPlanMatchesReference(source: string, kernel: string): CpuPlan[] {
  const network = checkSources(source).networks[0];
  const weights = initialWeights(network, 3).map((t) => t.data);
  const graph = compileGraph(network, weights, { target: "cpu" });
  expect(planSteps(graph).map(stepKernel)).toContain(kernel);
  const reference = compileGraph(network, weights, { target: "cpu", optimize: false });
  return [1, 2].map((batch) => {
    const [h, w, c] = network.input;
    const random = new Random(batch);
    const input = Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
    const plan = new CpuPlan(graph, { batch });
    const { maxError, tolerance } = compareToReference(
      plan.forward(input),
      referenceForward(reference, input, batch),
    );
    expect(maxError, `${source}, batch ${batch}`).toBeLessThanOrEqual(tolerance);
    return plan;
  });
}
