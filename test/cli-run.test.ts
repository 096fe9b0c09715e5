import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";
import { readNpy, writeNpy } from "../src/weights/npy.js";
import { readSafetensors } from "../src/weights/safetensors.js";
import { compareToReference, loadFixture } from "./fixtures.js";
import { writeSafetensors } from "../src/weights/safetensors.js";
import { expectedTensors } from "../src/weights/tensors.js";

const dir = mkdtempSync(join(tmpdir(), "dsnet-cli-"));

describe("dsnet weights", () => {
  it("lists tensors in layer order with PyTorch shapes", async () => {
    const r = await cli("weights", "list", "examples/mobilenet_v1.dsnet", "--json");
    const tensors = JSON.parse(r.stdout) as { name: string; shape: number[] }[];
    expect(tensors.slice(0, 6)).toEqual([
      { name: "conv1.weight", shape: [32, 3, 3, 3] },
      { name: "bn1.weight", shape: [32] },
      { name: "bn1.bias", shape: [32] },
      { name: "bn1.running_mean", shape: [32] },
      { name: "bn1.running_var", shape: [32] },
      { name: "separable1.dw1.weight", shape: [32, 1, 3, 3] },
    ]);
    expect(tensors.at(-1)).toEqual({ name: "fc1.bias", shape: [1000] });
    const params = tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
    expect(params).toBe(4_253_864);
  });

  it("init writes deterministic weights that the network accepts", async () => {
    const a = join(dir, "a.safetensors");
    const b = join(dir, "b.safetensors");
    expect(
      (await cli("weights", "init", "examples/seed_block.dsnet", "-o", a, "--seed", "3")).code,
    ).toBe(0);
    expect(
      (await cli("weights", "init", "examples/seed_block.dsnet", "-o", b, "--seed", "3")).code,
    ).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const file = readSafetensors(readFileSync(a));
    expect(file.order).toEqual(["dw1.weight", "pw1.weight"]);
  });
});

describe("dsnet run", () => {
  it("gives PyTorch's answer for examples/mobilenet_v1.dsnet with PyTorch's weights", async () => {
    // The fixture's tensors were produced by PyTorch; write them under dsnet's names, in order.
    const f = loadFixture("mobilenet_v1");
    const weights = join(dir, "v1.safetensors");
    const specs = expectedTensors(f.network);
    writeFileSync(
      weights,
      writeSafetensors(specs.map((s, i) => ({ name: s.name, shape: s.shape, data: f.weights[i] }))),
    );
    const input = join(dir, "v1-input.npy");
    const [h, w, c] = f.network.input;
    writeFileSync(input, writeNpy([f.batch, h, w, c], f.input));
    const output = join(dir, "v1-output.npy");
    const sets = ["--set", "alpha=0.25", "--set", "res=96", "--set", "classes=10"];
    const r = await cli(
      "run",
      "examples/mobilenet_v1.dsnet",
      ...sets,
      "--weights",
      weights,
      "--input",
      input,
      "--output",
      output,
    );
    expect(r.code).toBe(0);
    const y = readNpy(readFileSync(output));
    expect(y.shape).toEqual([f.batch, 1, 1, 10]);
    const { maxError, tolerance } = compareToReference(y.data, f.expected);
    expect(maxError).toBeLessThanOrEqual(tolerance);
    const printed = await cli(
      "run",
      "examples/mobilenet_v1.dsnet",
      ...sets,
      "--weights",
      weights,
      "--input",
      input,
      "--top",
      "3",
    );
    expect(printed.stdout).toMatch(
      /^output 2 x 1x1x10, min [0-9.e-]+, max [0-9.e-]+\nsample 0: top 3: \d+ \(/,
    );
  });

  it("reads raw float32 and reports wrong input shapes clearly", async () => {
    const raw = join(dir, "x.bin");
    writeFileSync(raw, new Uint8Array(new Float32Array(56 * 56 * 128).buffer));
    expect((await cli("run", "examples/seed_block.dsnet", "--input", raw)).code).toBe(0);
    const wrong = join(dir, "wrong.npy");
    writeFileSync(wrong, writeNpy([8, 8, 3], new Float32Array(192)));
    const r = await cli("run", "examples/seed_block.dsnet", "--input", wrong);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the input is [8, 8, 3], but the network takes [56, 56, 128]");
  });

  it("reports weights that do not fit, by name", async () => {
    const other = join(dir, "other.safetensors");
    await cli("weights", "init", "examples/mobilenet_v2.dsnet", "-o", other);
    const raw = join(dir, "y.bin");
    writeFileSync(raw, new Uint8Array(new Float32Array(56 * 56 * 128).buffer));
    const r = await cli("run", "examples/seed_block.dsnet", "--weights", other, "--input", raw);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the weights do not match the network");
    expect(r.stderr).toContain("missing dw1.weight");
  });

  it("reads a PNG, resized to the input and normalised with --mean and --std", async () => {
    const { PNG } = await import("pngjs");
    const png = new PNG({ width: 20, height: 10 });
    for (let i = 0; i < 20 * 10; i++)
      png.data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i * 4);
    const image = join(dir, "x.png");
    writeFileSync(image, PNG.sync.write(png));
    const net = join(dir, "tiny.dsnet");
    writeFileSync(net, "input 8x8x3\nconv 3x3 4 -> gap -> fc 3\n");
    const r = await cli(
      "run",
      net,
      "--input",
      image,
      "--mean",
      "0.5,0.5,0.5",
      "--std",
      "0.25,0.25,0.25",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^output 1 x 1x1x3/);
    for (const mean of ["0.5,x", "0x10,0,0", "0b1,0,0", "1,,2", "1e400,0,0", "Infinity,0,0"]) {
      const bad = await cli("run", net, "--input", image, "--mean", mean);
      expect(bad).toMatchObject({
        code: 2,
        stderr: `dsnet: --mean takes three numbers separated by commas (r,g,b), got ${mean}\n`,
      });
    }
    const spaced = await cli("run", net, "--input", image, "--mean", "0.5, -.5, 1e-1");
    expect(spaced.code).toBe(0);
  });

  it("rejects unknown backends and missing inputs as usage errors", async () => {
    expect(
      (await cli("run", "examples/seed_block.dsnet", "--input", "x.npy", "--backend", "tpu")).code,
    ).toBe(2);
    expect((await cli("run", "examples/seed_block.dsnet")).code).toBe(2);
  });
});

describe("dsnet bench", () => {
  it.each([
    ["0", "dsnet: --threads takes a whole number from 1 to 64, got 0\n"],
    ["65", "dsnet: --threads takes a whole number from 1 to 64, got 65\n"],
  ])("refuses --threads %s as a usage error", async (threads, stderr) => {
    const r = await cli("bench", "examples/seed_block.dsnet", "--threads", threads);
    expect(r).toMatchObject({ code: 2, stderr });
  });

  it.each([
    ["bench", "examples/seed_block.dsnet"],
    ["run", "examples/seed_block.dsnet", "--input", "x.npy"],
  ])("%s refuses --threads with --backend webgpu, which has none to choose", async (...argv) => {
    const r = await cli(...argv, "--backend", "webgpu", "--threads", "2");
    expect(r).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "dsnet: --threads is for --backend cpu and ts; webgpu runs on the GPU\n",
    });
  });

  it("prints the documented JSON", async () => {
    const r = await cli(
      "bench",
      "examples/seed_block.dsnet",
      "--runs",
      "3",
      "--warmup",
      "1",
      "--json",
    );
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ backend: "cpu", runs: 3 });
    for (const key of ["medianMs", "minMs", "gflops"]) expect(result[key]).toBeGreaterThan(0);
    expect(result.minMs).toBeLessThanOrEqual(result.medianMs);
  });

  it("times the kinds of step, and depthwise steps by filter and stride", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-bench-"));
    const file = join(dir, "strides.dsnet");
    writeFileSync(file, "input 16x16x8\ndw 3x3 s1 -> pw 16 -> dw 3x3 s2 -> dw 5x5 s1 -> pw 8\n");
    const r = await cli("bench", file, "--runs", "3", "--warmup", "1", "--threads", "1");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => /^ {2}depthwise +[\d.]+ ms, [\d.]+ GFLOP\/s$/.test(l));
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4).map((l) => l.trim().split(/ {2,}/)[0])).toEqual([
      "3x3 s1",
      "3x3 s2",
      "5x5 s1",
    ]);
    expect(lines[at + 4]).toMatch(/^ {2}pointwise/);
    // One kind of pointwise step: no lines under it.
    const json = JSON.parse(
      (await cli("bench", file, "--runs", "2", "--warmup", "1", "--json")).stdout,
    );
    expect(Object.keys(json.perVariant).sort()).toEqual([
      "depthwise 3x3 s1",
      "depthwise 3x3 s2",
      "depthwise 5x5 s1",
    ]);
  });
});

describe("the dsnet binary", () => {
  it("runs from the bundle built by npm run build", () => {
    const out = execFileSync(
      process.execPath,
      ["bin/dsnet.js", "summary", "examples/seed_block.dsnet", "--json"],
      {
        encoding: "utf8",
      },
    );
    expect(JSON.parse(out).totals.macs).toBe(29_302_784);
  });
});

describe("weight names", () => {
  it("follow the structure, and labels where the source gives them", async () => {
    const file = join(dir, "labels.dsnet");
    writeFileSync(
      file,
      "block unit(c) {\n  expand: pw c -> bn\n  dw 3x3\n}\ninput 8x8x4\nstem: conv 3x3 8 bias=true\nrepeat 2 {\n  unit 8\n}\ngap -> head: fc 3\n",
    );
    const r = await cli("weights", "list", file, "--json");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string }[]).map((t) => t.name)).toEqual([
      "stem.weight",
      "stem.bias",
      "repeat1.0.expand.weight",
      "repeat1.0.bn1.weight",
      "repeat1.0.bn1.bias",
      "repeat1.0.bn1.running_mean",
      "repeat1.0.bn1.running_var",
      "repeat1.0.dw1.weight",
      "repeat1.1.expand.weight",
      "repeat1.1.bn1.weight",
      "repeat1.1.bn1.bias",
      "repeat1.1.bn1.running_mean",
      "repeat1.1.bn1.running_var",
      "repeat1.1.dw1.weight",
      "head.weight",
      "head.bias",
    ]);
  });
});

describe("files dsnet cannot write, and networks too big to run", () => {
  it("are reported as dsnet: messages with exit 1", async () => {
    const missing = join(dir, "no", "such", "folder");
    for (const argv of [
      ["weights", "init", "examples/seed_block.dsnet", "-o", join(missing, "w.safetensors")],
      ["compile", "examples/seed_block.dsnet", "--target", "ts", "-o", join(missing, "m.ts")],
      [
        "compile",
        "examples/seed_block.dsnet",
        "--target",
        "wgsl",
        "-o",
        "examples/seed_block.dsnet",
      ],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/^dsnet: cannot (write|make) the /m);
    }
    const big = await cli(
      "bench",
      "examples/seed_block.dsnet",
      "--batch",
      "100000000",
      "--runs",
      "1",
    );
    expect(big.code).toBe(1);
    expect(big.stderr).toContain(
      "more than the 4 GiB this backend can address; use a smaller --batch",
    );
  });

  it("a --set value that does not evaluate says why", async () => {
    const r = await cli("summary", "examples/mobilenet_v1.dsnet", "--set", "res=1/0");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("dsnet: --set res=1/0: division by zero");
  });
});
