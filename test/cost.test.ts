import { describe, expect, it } from "vitest";
import { checkFile } from "../src/check/program.js";
import { parseOverrides } from "../src/check/overrides.js";
import { ratioText } from "../src/cost/render.js";
import { groupLayers, summarize, type Summary } from "../src/cost/summarize.js";
import { checkSources } from "./helpers.js";

function summaryOf(file: string, network: string, set: string[] = []): Summary {
  const parsed = parseOverrides(set);
  if (!parsed.ok) throw new Error(parsed.message);
  const result = checkFile(file, { network, overrides: parsed.overrides });
  expect(result.diagnostics).toEqual([]);
  return summarize(result.networks[0]);
}

/** Trainable parameters without batch norm's scale and shift, as TF-slim's tables count them. */
function weightsWithoutBatchNorm(s: Summary): number {
  return s.layers.filter((l) => l.op !== "bn").reduce((a, l) => a + l.trainableParams, 0);
}

describe("MobileNetV1", () => {
  it("matches Keras' parameter counts and the paper's multiply-adds at 1.0/224", () => {
    const s = summaryOf("examples/mobilenet_v1.dsnet", "mobilenet_v1");
    expect(s.totals).toEqual({
      macs: 568_740_352,
      params: 4_253_864,
      trainableParams: 4_231_976,
      nonTrainableParams: 21_888,
    });
    expect(s.separable.pairs).toHaveLength(13);
  });

  // Howard et al. 2017, Table 6 (width multiplier) and Table 7 (resolution): million
  // multiply-adds and million parameters, as printed.
  it.each([
    [1.0, 224, 569, 4.2],
    [0.75, 224, 325, 2.6],
    [0.5, 224, 149, 1.3],
    [0.25, 224, 41, 0.5],
    [1.0, 192, 418, 4.2],
    [1.0, 160, 290, 4.2],
    [1.0, 128, 186, 4.2],
  ])("alpha %f, resolution %i: %i M mult-adds, %f M params (paper)", (alpha, res, macs, params) => {
    const s = summaryOf("examples/mobilenet_v1.dsnet", "mobilenet_v1", [
      `alpha=${alpha}`,
      `res=${res}`,
    ]);
    // The paper rounds (and once truncates): agree to within one million.
    expect(Math.abs(s.totals.macs / 1e6 - macs)).toBeLessThanOrEqual(1);
    expect(Number((s.totals.trainableParams / 1e6).toFixed(1))).toBe(params);
  });
});

describe("MobileNetV2", () => {
  it("matches Keras' parameter counts and multiply-adds at 1.0/224", () => {
    const s = summaryOf("examples/mobilenet_v2.dsnet", "mobilenet_v2");
    expect(s.totals).toEqual({
      macs: 300_774_272,
      params: 3_538_984,
      trainableParams: 3_504_872,
      nonTrainableParams: 34_112,
    });
  });

  // The authors' checkpoint table (tensorflow/models research/slim/nets/mobilenet/README.md):
  // million MACs (truncated) and million parameters without batch norm, for 1001 classes.
  // (The paper's Table 4 prints 6.9M / 585M for 1.4; its own checkpoint table says 6.06 / 582.)
  it.each([
    [1.4, 224, 582, 6.06],
    [1.3, 224, 509, 5.34],
    [1.0, 224, 300, 3.47],
    [1.0, 192, 221, 3.47],
    [1.0, 160, 154, 3.47],
    [1.0, 128, 99, 3.47],
    [1.0, 96, 56, 3.47],
    [0.75, 224, 209, 2.61],
    [0.75, 192, 153, 2.61],
    [0.75, 160, 107, 2.61],
    [0.75, 128, 69, 2.61],
    [0.75, 96, 39, 2.61],
    [0.5, 224, 97, 1.95],
    [0.5, 192, 71, 1.95],
    [0.5, 160, 50, 1.95],
    [0.5, 128, 32, 1.95],
    [0.5, 96, 18, 1.95],
    [0.35, 224, 59, 1.66],
    [0.35, 192, 43, 1.66],
    [0.35, 160, 30, 1.66],
    [0.35, 128, 20, 1.66],
    [0.35, 96, 11, 1.66],
  ])(
    "alpha %f, resolution %i: %i M MACs, %f M params (checkpoint table)",
    (alpha, res, macs, params) => {
      const s = summaryOf("examples/mobilenet_v2.dsnet", "mobilenet_v2", [
        `alpha=${alpha}`,
        `res=${res}`,
        "classes=1001",
      ]);
      expect(Math.floor(s.totals.macs / 1e6)).toBe(macs);
      expect(Number((weightsWithoutBatchNorm(s) / 1e6).toFixed(2))).toBe(params);
    },
  );

  it("has a residual only where stride is 1 and channels match, and no expansion when t = 1", () => {
    const s = summaryOf("examples/mobilenet_v2.dsnet", "mobilenet_v2");
    // 17 bottlenecks; the first of each of the 7 rows changes channels or stride: 10 residuals.
    expect(s.layers.filter((l) => l.op === "add")).toHaveLength(10);
    const firstBlock = s.layers.filter((l) => l.name.startsWith("bottleneck1.")).map((l) => l.op);
    expect(firstBlock).toEqual(["dw", "bn", "relu6", "pw", "bn"]);
  });
});

describe("Xception", () => {
  it("matches Keras' parameter counts", () => {
    const s = summaryOf("examples/xception.dsnet", "xception");
    expect(s.totals.params).toBe(22_910_480);
    expect(s.totals.trainableParams).toBe(22_855_952);
    expect(s.output).toEqual([1, 1, 1000]);
    expect(s.separable.pairs).toHaveLength(34);
  });
});

describe("separable savings", () => {
  it("the seed block at 56x56x128 → 128 against a standard 3x3 convolution", () => {
    const result = checkSources("input 56x56x128\ndw 3x3 s1 -> pw 128\n");
    const s = summarize(result.networks[0]);
    const [K, M, N, D] = [3, 128, 128, 56];
    const [pair] = s.separable.pairs;
    expect(pair.depthwiseMacs).toBe(K * K * M * D * D);
    expect(pair.depthwiseMacs).toBe(3_612_672);
    expect(pair.pointwiseMacs).toBe(M * N * D * D);
    expect(pair.pointwiseMacs).toBe(51_380_224);
    expect(pair.standardMacs).toBe(K * K * M * N * D * D);
    expect(pair.standardMacs).toBe(462_422_016);
    expect(pair.ratio).toBeCloseTo(1 / N + 1 / (K * K), 12);
  });

  it.each([
    // The identity holds where both layers run at one resolution.
    ["input 56x56x32\ndw 3x3 -> pw 64\n", "0.1267 = 1/64 + 1/9"],
    ["input 56x56x32\ndw 3x3 s2 -> pw 64\n", "0.1267 = 1/64 + 1/9"],
    // A pointwise stride: the depthwise layer runs at 4 times the pair's output pixels,
    // (9·32·56² + 32·64·28²) / (9·32·64·28²) = 2,508,800 / 14,450,688.
    ["input 56x56x32\ndw 3x3 -> pw 64 s2\n", "0.1736"],
  ])("%j prints its ratio as %s", (source, text) => {
    const [pair] = summarize(checkSources(source).networks[0]).separable.pairs;
    expect(ratioText(pair.ratio, pair.outChannels, pair.kernel, pair.multiplier)).toBe(text);
  });

  it("pairs through batch norm and activations, but not across a branch", () => {
    const result = checkSources(
      "input 8x8x4\ndw 3x3 -> bn -> relu -> pw 8\nresidual {\n  dw 3x3\n}\npw 8\n",
    );
    const s = summarize(result.networks[0]);
    // The second dw's output is added to the residual input: the add, not the pw, reads it.
    expect(s.separable.pairs.map((p) => [p.depthwise, p.pointwise])).toEqual([["dw1", "pw1"]]);
  });

  it("replacing every pair by a standard convolution adds the difference to the total", () => {
    const s = summaryOf("examples/mobilenet_v1.dsnet", "mobilenet_v1");
    const { pairs, networkAsStandard } = s.separable;
    const difference = pairs.reduce(
      (a, p) => a + p.standardMacs - p.depthwiseMacs - p.pointwiseMacs,
      0,
    );
    expect(networkAsStandard.macs).toBe(s.totals.macs + difference);
  });
});

describe("the product card's line", () => {
  it("parses as written inside a network body and as a whole program", () => {
    const inBody = checkSources("network card {\n  input 56x56x128\n  dw 3x3 s1 -> pw 64\n}\n");
    const whole = checkSources("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
    for (const result of [inBody, whole]) {
      expect(result.diagnostics).toEqual([]);
      const s = summarize(result.networks[0]);
      expect(s.layers.map((l) => [l.op, l.output])).toEqual([
        ["input", [56, 56, 128]],
        ["dw", [56, 56, 128]],
        ["pw", [56, 56, 64]],
      ]);
    }
  });
});

describe("memory, as torchinfo counts it (float32, one sample)", () => {
  // input 4x4x2; pw 3 and its relu 4x4x3; a residual of pw 3 -> relu, its add 4x4x3; gap 1x1x3;
  // fc 5 (with bias). Outputs: 128 B for the input, 48 values = 192 B for each 4x4x3 layer,
  // 12 B for gap and 20 B for fc.
  const small = "input 4x4x2\npw 3 -> relu\nresidual {\n  pw 3 -> relu\n}\ngap -> fc 5\n";

  it("adds up the input, parameters and every layer's output, worked by hand", () => {
    const s = summarize(checkSources(small).networks[0]);
    expect(s.layers.map((l) => l.outputBytes)).toEqual([128, 192, 192, 192, 192, 192, 12, 20]);
    expect(s.memory).toEqual({
      inputBytes: 128,
      // pw 2x3 = 6, pw 3x3 = 9, fc 3x5 + 5 = 20: 35 parameters.
      paramBytes: 35 * 4,
      // Five 4x4x3 outputs, gap and fc; the input is counted as the input.
      activationBytes: 5 * 192 + 12 + 20,
      // At the residual's relu: relu1 (the add reads it), residual1.pw1 (the relu reads it)
      // and the relu's own output.
      peakActivationBytes: 3 * 192,
      totalBytes: 128 + 140 + 992,
    });
  });

  it("says what a residual's add joins, and names other joins' inputs", () => {
    const s = summarize(checkSources(small).networks[0]);
    const add = s.layers.find((l) => l.op === "add")!;
    expect(add).toMatchObject({
      name: "residual1.add",
      inputs: ["residual1.relu1", "relu1"],
      joins: "residual of residual1",
    });
    const concat = summarize(
      checkSources("input 8x8x4\nconcat {\n  pw 2\n} {\n  dw 3x3\n}\n").networks[0],
    ).layers.find((l) => l.op === "concat")!;
    // Each branch is one layer, which takes the branch's name: concat1.branch1, concat1.branch2.
    expect(concat.joins).toBe("branch1, branch2");
    expect(s.layers.filter((l) => l.joins !== undefined)).toHaveLength(1);
  });
});

describe("--depth: layers collapsed by their names", () => {
  it("depth 1 is one row per top-level layer and block call, with summed cost", () => {
    const s = summaryOf("examples/mobilenet_v2.dsnet", "mobilenet_v2");
    expect(s.layers).toHaveLength(154);
    const rows = groupLayers(s, 1);
    expect(rows.map((r) => r.name)).toEqual([
      "input",
      "conv1",
      "bn1",
      "relu6_1",
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => `bottleneck${i}`),
      "pw1",
      "bn2",
      "relu6_2",
      "gap1",
      "dropout1",
      "fc1",
      "softmax1",
    ]);
    expect(rows.reduce((a, r) => a + r.macs, 0)).toBe(s.totals.macs);
    expect(rows.reduce((a, r) => a + r.params, 0)).toBe(s.totals.params);
    // Table 2's second row: two blocks of 24 channels at 56x56, the second with its residual.
    expect(rows.find((r) => r.name === "bottleneck2")).toMatchObject({
      layers: 17,
      output: [56, 56, 24],
      outputBytes: 56 * 56 * 24 * 4,
    });
    expect(rows.find((r) => r.name === "conv1")).toMatchObject({ op: "conv", layers: 1 });
    expect(rows.find((r) => r.name === "bottleneck2")!.op).toBeUndefined();
  });

  it("depth 2 splits the repeats into their iterations", () => {
    const s = summaryOf("examples/mobilenet_v2.dsnet", "mobilenet_v2");
    const names = groupLayers(s, 2).map((r) => r.name);
    expect(names.filter((n) => n.startsWith("bottleneck2"))).toEqual([
      "bottleneck2.0",
      "bottleneck2.1",
    ]);
    expect(groupLayers(s, 99)).toHaveLength(154);
  });
});
