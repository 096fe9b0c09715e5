import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNpy } from "../src/weights/npy.js";
import { compareToReference } from "./fixtures.js";
import { cli } from "./helpers.js";

/*
 * torchvision networks exported by torch.onnx.export (tools/make_onnx_fixtures.py writes
 * test/fixtures/onnx/), imported with `dsnet import` and held to PyTorch: the multiply-adds its
 * forward hooks count, the parameters (less the batch norms the exporter folded into conv
 * biases), and the float64 output on a fixed input.
 */

const FIXTURES = "test/fixtures/onnx";
const dir = mkdtempSync(join(tmpdir(), "dsnet-import-pytorch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Counts {
  export: string;
  macs: number;
  params: number;
  bn_params: number;
}

describe("dsnet import of torchvision's ONNX exports", () => {
  for (const name of ["mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "shufflenet_v2"]) {
    it(name, async () => {
      const counts = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Counts;
      const net = join(dir, `${name}.dsnet`);
      const imported = await cli("import", join(FIXTURES, `${name}.onnx`), "-o", net);
      expect(imported.stderr).toMatch(/^wrote /);
      expect(imported.code).toBe(0);

      const summary = await cli("summary", net, "--json");
      const totals = (JSON.parse(summary.stdout) as { totals: { macs: number; params: number } })
        .totals;
      expect(totals.macs).toBe(counts.macs);
      const folded = counts.export.startsWith("batch norm folded");
      const source = readFileSync(net, "utf8");
      expect(source.includes("has no BatchNormalization nodes")).toBe(folded);
      // Folding keeps one bias per batch norm channel and drops its four vectors.
      const bnChannels = counts.bn_params / 4;
      expect(totals.params).toBe(folded ? counts.params - 3 * bnChannels : counts.params);

      const out = join(dir, `${name}.out.npy`);
      const weights = join(dir, `${name}.safetensors`);
      const input = join(FIXTURES, `${name}.input.npy`);
      const run = await cli("run", net, "--weights", weights, "--input", input, "--output", out);
      expect(run.code).toBe(0);
      const actual = readNpy(readFileSync(out)).data;
      const expected = readNpy(readFileSync(join(FIXTURES, `${name}.expected.npy`))).data;
      const { maxError, tolerance } = compareToReference(actual, expected);
      expect(maxError).toBeLessThanOrEqual(tolerance);
    });
  }
});
