import { afterAll, describe, expect, it } from "vitest";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import { createWebGpuRunner, requestWebGpuDevice } from "../src/backends/wgsl/runner.js";
import { compileGraph } from "../src/compile.js";
import { compareToReference, loadFixture } from "./fixtures.js";

/*
 * MobileNetV3-Small, EfficientNet-B0, ShuffleNetV2 and GhostNet, built by PyTorch from
 * torchvision's own classes (the authors' code for GhostNet) at small widths and resolutions
 * (test/fixtures/<name>/model.txt), on the generated TypeScript module and on WebGPU, each
 * within 1e-4 · max(1, max |ref|) of the float64 PyTorch output. The CPU plan is held to the
 * same fixtures in test/cpu-pytorch.test.ts. The two normalize fixtures (PyTorch's
 * transforms.Normalize, then a separable block) run here too: their constants are in the
 * generated code and shaders. Without a WebGPU adapter the WebGPU cases are
 * skipped with the reason in their name, except on CI (CI=true), where they fail.
 */

const NAMES = [
  "mobilenet_v3_small",
  "efficientnet_b0",
  "shufflenet_v2",
  "ghostnet",
  // `normalize`'s constants are in the generated code and shaders, not in any weights file.
  "normalize_separable",
  "normalize_scale_shift",
];

const onCi = process.env.CI === "true";
const found = await requestWebGpuDevice().then(
  (device) => ({ device, reason: "" }),
  (e: Error) => ({ device: undefined, reason: e.message }),
);
const skipped = found.device === undefined && !onCi;
const skipNote = skipped ? ` (skipped: ${found.reason.split("\n")[0]})` : "";
afterAll(() => found.device?.destroy());

describe("graph networks against PyTorch: the generated TypeScript module", () => {
  it.each(NAMES)("%s", async (name) => {
    const f = loadFixture(name);
    const module = await importGeneratedModule(
      compileGraph(f.network, f.weights, { target: "ts" }),
    );
    const output = module.createModel({ batch: f.batch }).forward(f.input);
    const { maxError, tolerance } = compareToReference(output, f.expected);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });
});

describe.skipIf(skipped)(`graph networks against PyTorch: WebGPU${skipNote}`, () => {
  it.each(NAMES)("%s", async (name) => {
    if (!found.device) throw new Error(`CI=true and no WebGPU device: ${found.reason}`);
    const f = loadFixture(name);
    const runner = await createWebGpuRunner(
      compileGraph(f.network, f.weights, { target: "wgsl" }),
      f.batch,
      { device: found.device },
    );
    try {
      const output = await runner.forward(f.input);
      const { maxError, tolerance } = compareToReference(output, f.expected);
      expect(maxError).toBeLessThanOrEqual(tolerance);
    } finally {
      runner.dispose();
    }
  });
});
