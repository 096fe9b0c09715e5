import { describe, expect, it } from "vitest";
import { checkFile } from "../src/check/program.js";
import { compileGraph, passesFor } from "../src/compile.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { printGraph } from "../src/ir/print.js";
import { initialWeights } from "../src/weights/init.js";
import { expectGoldenFolder } from "./golden.js";

/*
 * The IR as each pass leaves it, as reviewed text (`dsnet compile --emit ir` prints the last
 * one): test/golden/ir/<network>/. `UPDATE_GOLDEN=1 npx vitest run test/ir-golden.test.ts`
 * rewrites the folders; a change to a pass shows up as a diff there.
 */

function passGoldens(file: string): Record<string, string> {
  const network = checkFile(file).networks[0];
  const weights = initialWeights(network, 1).map((t) => t.data);
  let graph = lowerNetwork(network, weights);
  const files: Record<string, string> = { "0-lowered.txt": printGraph(graph, "lowered") };
  passesFor({ target: "wgsl" }).forEach((pass, i) => {
    graph = pass.run(graph);
    files[`${i + 1}-${pass.name}.txt`] = printGraph(graph, `after ${pass.name}`);
  });
  return files;
}

describe("the IR after each pass", () => {
  for (const [name, file] of [
    ["tiny", "test/golden/ts/tiny.dsnet"],
    ["seed_block", "examples/seed_block.dsnet"],
    ["normalize_separable", "test/fixtures/normalize_separable/model.dsnet"],
    ["normalize_scale_shift", "test/fixtures/normalize_scale_shift/model.dsnet"],
  ]) {
    it(`for ${file} matches test/golden/ir/${name}`, () => {
      expectGoldenFolder(`test/golden/ir/${name}`, passGoldens(file));
    });
  }

  it.each([
    // (x - mean) / std = x * (1 / std) + (-mean / std), per channel
    [
      "normalize_separable",
      [1 / 0.229, 1 / 0.224, 1 / 0.225],
      [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225],
    ],
    // one scale and shift, for each of the 3 channels
    ["normalize_scale_shift", [2, 2, 2], [-1, -1, -1]],
  ])("lowers %s to an affine node of its constants, kept by every pass", (name, scale, shift) => {
    const network = checkFile(`test/fixtures/${name}/model.dsnet`).networks[0];
    const graph = compileGraph(
      network,
      initialWeights(network).map((t) => t.data),
      { target: "wgsl" },
    );
    const affine = graph.nodes[1];
    expect([affine.op, affine.layers, affine.inputs]).toEqual(["affine", ["normalize1"], [0]]);
    if (affine.op !== "affine") return;
    expect(affine.tensors).toBeUndefined();
    expect(Array.from(affine.scale)).toEqual(scale.map(Math.fround));
    expect(Array.from(affine.shift)).toEqual(shift.map(Math.fround));
  });

  it("records what each node absorbed: batch norms with their eps, activations", () => {
    const network = checkFile("test/golden/ts/tiny.dsnet").networks[0];
    const graph = compileGraph(
      network,
      initialWeights(network).map((t) => t.data),
      { target: "cpu" },
    );
    const conv1 = graph.nodes.find((n) => n.layers[0] === "conv1");
    expect(conv1?.op).toBe("conv");
    if (conv1?.op !== "conv") return;
    expect(conv1.layers).toEqual(["conv1", "bn1", "relu6_1"]);
    expect(conv1.activation).toEqual({ kind: "relu6" });
    expect(conv1.tensors.folded.map((bn) => [bn.layer, bn.eps])).toEqual([["bn1", 1e-5]]);
    // Tensor indices point at the unfolded tensors, by the names a weights file uses.
    expect(graph.tensors[conv1.tensors.weight].name).toBe("conv1.weight");
    expect(graph.tensors[conv1.tensors.folded[0].variance].name).toBe("bn1.running_var");
  });
});
