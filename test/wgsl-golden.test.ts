import { describe, expect, it } from "vitest";
import { compileWgsl, type WgslProgram } from "../src/backends/wgsl/compile.js";
import type { Network } from "../src/check/network.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights } from "../src/weights/init.js";
import { expectGoldenFolder } from "./golden.js";

/*
 * The WGSL that dsnet generates, as reviewed text: one file per shader and the plan listing
 * (`--verbose`), in test/golden/wgsl/small/. No GPU is needed; test/wgsl.test.ts runs shaders.
 * `UPDATE_GOLDEN=1 npx vitest run test/wgsl-golden.test.ts` rewrites the folder.
 */

const source = "test/golden/wgsl/small.dsnet";

/** The program the WGSL backend compiles for a checked network. */
function wgslOf(network: Network, batch: number): WgslProgram {
  const weights = initialWeights(network, 1).map((t) => t.data);
  return compileWgsl(compileGraph(network, weights, { target: "wgsl" }), {
    batch,
    sourceFile: source,
  });
}

describe("generated WGSL", () => {
  it(`for ${source} matches the reviewed shaders and plan`, () => {
    const program = wgslOf(checkFile(source).networks[0], 2);
    // One of each kind the golden network is there to show.
    expect(program.steps.map((s) => s.kind)).toEqual([
      "conv",
      "fused-separable",
      "depthwise",
      "add",
      "pointwise",
      "maxpool",
      "global-avgpool",
      "fc",
      "softmax",
    ]);
    expectGoldenFolder("test/golden/wgsl/small", {
      "plan.txt": program.plan.join("\n") + "\n",
      ...Object.fromEntries(program.steps.map((s) => [`${s.name}.wgsl`, s.code])),
    });
  });
});
