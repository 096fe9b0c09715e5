import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";
import { requestWebGpuDevice } from "../src/backends/wgsl/index.js";
import { readNpy, writeNpy } from "../src/weights/npy.js";
import { Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";

/*
 * The WebGPU backend through the command line: `compile --target wgsl` (no GPU needed) and
 * `run --backend webgpu` against `run --backend cpu` on the MobileNets (V1 at full width, smaller
 * inputs than 224 so SwiftShader runs them in seconds), on whatever adapter Dawn finds
 * (SwiftShader in CI). Skipped without one, except with CI=true.
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-wgsl-cli-"));

describe("dsnet compile --target wgsl", () => {
  it("writes one shader per step, the host and the weights, and fuses every separable pair of MobileNetV1", async () => {
    const out = join(dir, "v1");
    const r = await cli(
      "compile",
      "examples/mobilenet_v1.dsnet",
      "--target",
      "wgsl",
      "-o",
      out,
      "--verbose",
    );
    expect(r.code).toBe(0);
    const plan = r.stderr.split("\n").filter((l) => /^\d\d_/.test(l));
    expect(plan.filter((l) => l.includes("fused-separable"))).toHaveLength(13);
    expect(plan.filter((l) => / (depthwise|pointwise) /.test(l))).toEqual([]);
    const files = readdirSync(out);
    expect(files).toEqual(
      expect.arrayContaining(["host.ts", "weights.bin", "README.md", "01_conv1.wgsl"]),
    );
    expect(files.filter((f) => f.endsWith(".wgsl"))).toHaveLength(plan.length);
    expect(readFileSync(join(out, "01_conv1.wgsl"), "utf8")).toMatch(/conv1/);
  });

  it("rejects options that belong to the ts target", async () => {
    expect(
      (await cli("compile", "examples/seed_block.dsnet", "--target", "wgsl", "-o", dir, "--js"))
        .code,
    ).toBe(2);
    expect(
      (await cli("compile", "examples/seed_block.dsnet", "--target", "asm", "-o", dir)).code,
    ).toBe(2);
  });
});

const onCi = process.env.CI === "true";
const found = await requestWebGpuDevice().then(
  (device) => ({ ok: true, reason: "", device }),
  (e: Error) => ({ ok: false, reason: e.message, device: undefined }),
);
found.device?.destroy();
const skip = !found.ok && !onCi;
if (skip) console.warn(`test/wgsl-cli.test.ts: WebGPU runs skipped: ${found.reason}`);

describe.skipIf(skip)(
  `dsnet run --backend webgpu${skip ? ` (skipped: ${found.reason.split("\n")[0]})` : ""}`,
  () => {
    it.each([
      ["mobilenet_v1", 128, ["--set", "res=128"]],
      ["mobilenet_v2", 96, ["--set", "alpha=0.5", "--set", "res=96"]],
    ])(
      "examples/%s.dsnet at res %i with given weights gives the CPU plan's output",
      async (name, res, set) => {
        if (!found.ok) throw new Error(`CI=true and no WebGPU adapter: ${found.reason}`);
        const file = `examples/${name}.dsnet`;
        const weights = join(dir, `${name}.safetensors`);
        expect(
          (await cli("weights", "init", file, ...set, "-o", weights, "--seed", "4")).code,
        ).toBe(0);
        const random = new Random(9);
        const input = join(dir, `${name}-input.npy`);
        const x = Float32Array.from({ length: res * res * 3 }, () => random.uniform(-1, 1));
        const { writeFileSync } = await import("node:fs");
        writeFileSync(input, writeNpy([res, res, 3], x));
        const outputs: Float32Array[] = [];
        for (const backend of ["cpu", "webgpu"]) {
          const output = join(dir, `${name}-${backend}.npy`);
          const r = await cli(
            "run",
            file,
            ...set,
            "--backend",
            backend,
            "--weights",
            weights,
            "--input",
            input,
            "--output",
            output,
          );
          expect(r.code, r.stderr).toBe(0);
          outputs.push(readNpy(readFileSync(output)).data);
        }
        const { maxError, tolerance } = compareToReference(outputs[1], outputs[0]);
        expect(maxError).toBeLessThanOrEqual(tolerance);
      },
    );
  },
);

describe("a WebGPU run without an adapter", () => {
  it("says what to install, without a stack trace", async () => {
    const { spawnSync } = await import("node:child_process");
    const run = spawnSync(
      process.execPath,
      [
        "bin/dsnet.js",
        "bench",
        "examples/seed_block.dsnet",
        "--backend",
        "webgpu",
        "--runs",
        "1",
        "--warmup",
        "1",
      ],
      { encoding: "utf8", env: { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json" } },
    );
    // A machine with a real GPU finds it anyway; elsewhere the run must fail cleanly.
    if (run.status !== 0) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("dsnet: no WebGPU adapter");
      // Dawn prints warnings of its own; what must not appear is a JavaScript stack.
      expect(run.stderr).not.toMatch(/^\s+at .*\.m?[jt]s:\d+/m);
    }
  });
});
