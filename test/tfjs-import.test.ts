import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import { checkText } from "../src/check/program.js";
import { compile } from "../src/compile.js";
import { loadWeights } from "../src/weights/load.js";
import { readNpy, writeNpy } from "../src/weights/npy.js";
import { cli } from "./helpers.js";
import {
  f32,
  GraphWeights,
  list,
  maxError,
  node,
  placeholder,
  random,
  randomise,
  s,
  saved,
  tfjsAnswer,
  writeModel,
  type Artifacts,
} from "./tfjs-models.js";

/*
 * TF.js models built here with TF.js itself, imported with `dsnet import` and run by dsnet on
 * the input TF.js gets; TF.js's answer (TF.js loading the same model.json, quantised weights
 * and all) is the reference.
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-tfjs-"));

/** Every float32 weight quantised to uint8 as the TF.js spec says: q = round((w - min) / scale). */
function quantise(a: Artifacts): Artifacts {
  const floats = new Float32Array(a.weightData);
  let at = 0;
  const chunks: Uint8Array[] = [];
  const weightSpecs = a.weightSpecs.map((spec) => {
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const w = floats.subarray(at, at + n);
    at += n;
    const min = Math.min(...w);
    const max = Math.max(...w);
    const scale = max > min ? (max - min) / 255 : 1;
    chunks.push(Uint8Array.from(w, (v) => Math.round((v - min) / scale)));
    return { ...spec, quantization: { dtype: "uint8" as const, scale, min } };
  });
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.length;
  }
  return { ...a, weightSpecs, weightData: bytes.buffer };
}

/** dsnet's answer: the .dsnet and weights `dsnet import` wrote, run on the CPU backend. */
async function runDsnet(dsnet: string, input: Float32Array, batch: number) {
  const checked = checkText(readFileSync(dsnet, "utf8"), dsnet);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const network = checked.networks[0];
  const weights = loadWeights(network, dsnet.replace(/\.dsnet$/, ".safetensors"));
  const runner = await compile(network, weights, { backend: "cpu", batch });
  return Float32Array.from(await runner.forward(input));
}

describe("dsnet import of a TF.js layers model", () => {
  it("matches TF.js on the uint8-quantised model (Rescaling, ZeroPadding2D, SAME stride 2, BN eps 1e-3, separable, residual)", async () => {
    const input = tfl.input({ shape: [16, 16, 3] });
    let x = tfl.layers
      .rescaling({ scale: 1 / 127.5, offset: -1 })
      .apply(input) as tfl.SymbolicTensor;
    x = tfl.layers
      .zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
      })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: "valid",
        useBias: false,
        name: "conv1",
      })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .batchNormalization({ epsilon: 1e-3, name: "conv1_bn" })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.reLU({ maxValue: 6 }).apply(x) as tfl.SymbolicTensor;
    const y = tfl.layers
      .depthwiseConv2d({ kernelSize: 3, padding: "same", name: "dw1" })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.add().apply([x, y]) as tfl.SymbolicTensor;
    x = tfl.layers
      .separableConv2d({
        filters: 12,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "relu",
        name: "sep1",
      })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: "same", name: "conv2" })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.activation({ activation: "relu" }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dropout({ rate: 0.2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .dense({ units: 10, activation: "softmax", name: "logits" })
      .apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: x });
    randomise(model, 7);
    const artifacts = quantise(await saved(model));
    const path = writeModel(dir, "layers-uint8", artifacts);

    // TF.js's own answer: the same model.json, dequantised by TF.js.
    const r = random(3);
    const batch = 2;
    const data = Float32Array.from({ length: batch * 16 * 16 * 3 }, () => Math.round(r(0, 255)));
    const expected = await tfjsAnswer(artifacts, data, [batch, 16, 16, 3]);

    const out = join(dir, "layers.dsnet");
    const result = await cli("import", path, "-o", out);
    expect(result.stderr).toContain("from TF.js");
    expect(result.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("normalize scale=");
    // ZeroPadding2D [[0, 1], [0, 1]] then VALID on 16x16: TF's SAME, which dsnet writes so.
    expect(text).toContain("conv1: conv 3x3 8 s2 pad=same_upper\n");
    expect(text).toContain("bn eps=0.001");
    expect(text).toMatch(/sep 12 3x3 s2 pad=same_upper bias=true/);
    const got = await runDsnet(out, data, batch);
    const { error, tolerance } = maxError(got, expected);
    console.log(
      `layers model (uint8): max error ${error.toExponential(2)} (tolerance ${tolerance})`,
    );
    expect(error).toBeLessThan(tolerance);

    // And through `dsnet run` itself, on the same input as .npy.
    const npy = join(dir, "layers-input.npy");
    writeFileSync(npy, writeNpy([batch, 16, 16, 3], data));
    const outNpy = join(dir, "layers-output.npy");
    expect(
      (
        await cli(
          "run",
          out,
          "--weights",
          out.replace(".dsnet", ".safetensors"),
          "--input",
          npy,
          "--output",
          outNpy,
        )
      ).code,
    ).toBe(0);
    expect(
      maxError(readNpy(readFileSync(outNpy)).data as Float32Array, expected).error,
    ).toBeLessThan(tolerance);
  });

  it("matches TF.js on a Sequential model whose Flatten feeds a Dense (TF's row-major order)", async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [6, 5, 3],
          filters: 4,
          kernelSize: 3,
          padding: "valid",
          activation: "relu6",
        }),
        tfl.layers.maxPooling2d({ poolSize: 2, padding: "same" }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7 }),
      ],
    });
    randomise(model, 11);
    const artifacts = await saved(model);
    const path = writeModel(dir, "sequential", artifacts);
    const r = random(5);
    const data = Float32Array.from({ length: 6 * 5 * 3 }, () => r(-1, 1));
    const expected = (model.predict(tf.tensor(data, [1, 6, 5, 3])) as tf.Tensor).dataSync();
    const out = join(dir, "sequential.dsnet");
    expect((await cli("import", path, "-o", out)).code).toBe(0);
    const { error, tolerance } = maxError(await runDsnet(out, data, 1), expected);
    expect(error).toBeLessThan(tolerance);
  });
});

describe("a Flatten's (h, w, c) order survives what sits between it and the Dense", () => {
  // 3x2x4: TF's (h, w, c) and dsnet's (c, h, w) orders differ in every dimension.
  const shape = [3, 2, 4];
  const rows: [string, () => tfl.layers.Layer][] = [
    ["ReLU", () => tfl.layers.reLU()],
    ["Activation(sigmoid)", () => tfl.layers.activation({ activation: "sigmoid" })],
    ["Dropout", () => tfl.layers.dropout({ rate: 0.5 })],
    ["BatchNormalization (one statistic per element)", () => tfl.layers.batchNormalization()],
  ];
  it.each(rows)("Flatten, %s, Dense matches TF.js (layers model)", async (name, between) => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: shape }),
        between(),
        tfl.layers.dense({ units: 5 }),
      ],
    });
    randomise(model, 13);
    const folder = `flatten-${name.replace(/\W+/g, "-")}`;
    const path = writeModel(dir, folder, await saved(model));
    const r = random(17);
    const data = Float32Array.from({ length: 2 * 24 }, () => r(-1, 1));
    const expected = (model.predict(tf.tensor(data, [2, ...shape])) as tf.Tensor).dataSync();
    const out = join(dir, `${folder}.dsnet`);
    expect((await cli("import", path, "-o", out)).code).toBe(0);
    const { error, tolerance } = maxError(await runDsnet(out, data, 2), expected);
    expect(error).toBeLessThan(tolerance);
  });

  it("Reshape, Relu, Mul and Add by per-element constants, MatMul matches TF.js (graph model)", async () => {
    const weights = new GraphWeights(random(19));
    const constant = weights.constant.bind(weights);
    const artifacts = weights.artifacts([
      placeholder("input", shape),
      constant("flat", [2], [-1, 24], "int32"),
      node("reshape", "Reshape", ["input", "flat"], { T: f32, Tshape: { type: "DT_INT32" } }),
      node("relu", "Relu", ["reshape"], { T: f32 }),
      constant("scale", [24]),
      node("mul", "Mul", ["relu", "scale"], { T: f32 }),
      constant("shift", [24]),
      node("add", "AddV2", ["mul", "shift"], { T: f32 }),
      constant("fc/weights", [24, 5]),
      node("fc/MatMul", "MatMul", ["add", "fc/weights"], {
        T: f32,
        transpose_a: { b: false },
        transpose_b: { b: false },
      }),
    ]);
    const path = writeModel(dir, "flatten-graph", artifacts);
    const r = random(23);
    const data = Float32Array.from({ length: 2 * 24 }, () => r(-1, 1));
    const expected = await tfjsAnswer(artifacts, data, [2, ...shape]);
    const out = join(dir, "flatten-graph.dsnet");
    expect((await cli("import", path, "-o", out)).code).toBe(0);
    const { error, tolerance } = maxError(await runDsnet(out, data, 2), expected);
    expect(error).toBeLessThan(tolerance);
  });

  const refused: [string, () => tfl.LayersModel, RegExp][] = [
    [
      "a Concatenate of flattened values",
      () => {
        const input = tfl.input({ shape });
        const flat = tfl.layers.flatten().apply(input) as tfl.SymbolicTensor;
        const both = tfl.layers
          .concatenate({ name: "both" })
          .apply([flat, flat]) as tfl.SymbolicTensor;
        return tfl.model({
          inputs: input,
          outputs: tfl.layers.dense({ units: 5 }).apply(both) as tfl.SymbolicTensor,
        });
      },
      /Concatenate layer "both": it reads a 3x2x4 map that TF flattened in \(h, w, c\) order/,
    ],
    [
      "a flattened output",
      () =>
        tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: shape }), tfl.layers.reLU()] }),
      /the model's output is a 3x2x4 map that TF flattened/,
    ],
  ];
  it.each(refused)("%s is refused", async (name, make, message) => {
    const folder = `refused-${name.replace(/\W+/g, "-")}`;
    const path = writeModel(dir, folder, await saved(make()));
    const out = join(dir, `${folder}.dsnet`);
    const result = await cli("import", path, "-o", out);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

/** A graph model: MobileNet's x * 2 - 1, fused conv, depthwise, batch norm, residual, head. */
function graphModel(seed: number) {
  const weights = new GraphWeights(random(seed));
  const constant = weights.constant.bind(weights);
  const conv = {
    strides: list(1, 2, 2, 1),
    padding: s("SAME"),
    dilations: list(1, 1, 1, 1),
    data_format: s("NHWC"),
    T: f32,
  };
  const nodes = [
    placeholder("input", [12, 12, 3]),
    constant("two", [], [2]),
    constant("one", [], [1]),
    node("mul", "Mul", ["input", "two"], { T: f32 }),
    node("sub", "Sub", ["mul", "one"], { T: f32 }),
    constant("conv1/weights", [3, 3, 3, 8]),
    constant("conv1/bias", [8]),
    node("conv1/Relu6", "_FusedConv2D", ["sub", "conv1/weights", "conv1/bias"], {
      ...conv,
      num_args: { i: "1" },
      fused_ops: { list: { s: [s("BiasAdd").s, s("Relu6").s] } },
      epsilon: { f: 0 },
    }),
    constant("dw1/weights", [3, 3, 8, 1]),
    node("dw1/depthwise", "DepthwiseConv2dNative", ["conv1/Relu6", "dw1/weights"], {
      ...conv,
      strides: list(1, 1, 1, 1),
    }),
    ...weights.batchNorm("dw1", 8, [0.5, 2]),
    node(
      "dw1/bn",
      "FusedBatchNormV3",
      ["dw1/depthwise", "dw1/gamma", "dw1/beta", "dw1/mean", "dw1/variance"],
      {
        T: f32,
        U: f32,
        epsilon: { f: 0.001 },
        is_training: { b: false },
        data_format: s("NHWC"),
      },
    ),
    node("dw1/Relu", "Relu", ["dw1/bn"], { T: f32 }),
    node("residual", "AddV2", ["conv1/Relu6", "dw1/Relu"], { T: f32 }),
    constant("axes", [2], [1, 2], "int32"),
    node("pool", "Mean", ["residual", "axes"], {
      T: f32,
      keep_dims: { b: false },
      Tidx: { type: "DT_INT32" },
    }),
    constant("fc/weights", [8, 5]),
    constant("fc/bias", [5]),
    node("fc/MatMul", "MatMul", ["pool", "fc/weights"], {
      T: f32,
      transpose_a: { b: false },
      transpose_b: { b: false },
    }),
    node("fc/BiasAdd", "BiasAdd", ["fc/MatMul", "fc/bias"], { T: f32, data_format: s("NHWC") }),
    node("Identity", "Softmax", ["fc/BiasAdd"], { T: f32 }),
  ];
  return weights.artifacts(nodes);
}

describe("dsnet import of a TF.js graph model", () => {
  it("carries x * 2 - 1 into normalize and matches TF.js's loadGraphModel", async () => {
    const artifacts = graphModel(21);
    const path = writeModel(dir, "graph", artifacts);
    const r = random(9);
    const batch = 2;
    const data = Float32Array.from({ length: batch * 12 * 12 * 3 }, () => r(0, 1));
    const expected = await tfjsAnswer(artifacts, data, [batch, 12, 12, 3]);
    const out = join(dir, "graph.dsnet");
    const result = await cli("import", path, "-o", out);
    expect(result.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("normalize scale=2 shift=-1");
    expect(text).toContain("pad=same_upper");
    expect(text).toContain("bn eps=0.001");
    const { error, tolerance } = maxError(await runDsnet(out, data, batch), expected);
    console.log(`graph model: max error ${error.toExponential(2)} (tolerance ${tolerance})`);
    expect(error).toBeLessThan(tolerance);
  });
});

/** The graph's `mul` as `op` by a scalar Const written in the graph itself (floatVal). */
function inlineScale(a: ReturnType<typeof graphModel>, op: string, floatVal: (number | string)[]) {
  const value = { tensor: { dtype: "DT_FLOAT", tensorShape: {}, floatVal } };
  const nodes = a.modelTopology.node.map((n) =>
    n.name === "mul" ? { ...n, op, input: ["input", "inline"] } : n,
  );
  nodes.push(node("inline", "Const", [], { dtype: f32, value }));
  return { ...a, modelTopology: { ...a.modelTopology, node: nodes } };
}

describe("hostile TF.js models end in one dsnet: line, exit 1, nothing written", () => {
  const base = () => graphModel(1);
  const rows: [string, (folder: string) => string, RegExp][] = [
    [
      "a truncated shard",
      (name) => {
        const path = writeModel(dir, name, base());
        const shard = join(dir, name, "group1-shard1of1.bin");
        writeFileSync(shard, readFileSync(shard).subarray(0, 100));
        return path;
      },
      /need \d+ bytes but its shards .* hold 100 \(truncated\?\)/,
    ],
    [
      "a shard longer than its weights (a lying manifest)",
      (name) => {
        const a = base();
        const path = writeModel(dir, name, { ...a, weightSpecs: a.weightSpecs.slice(0, -1) });
        return path;
      },
      /need \d+ bytes but its shards .* hold \d+$/,
    ],
    [
      "a shard path outside the folder",
      (name) =>
        writeModel(dir, name, base(), {
          weightsManifest: [
            { paths: ["../graph/group1-shard1of1.bin"], weights: base().weightSpecs },
          ],
        }),
      /outside the model's folder/,
    ],
    [
      "an absolute shard path",
      (name) =>
        writeModel(dir, name, base(), {
          weightsManifest: [{ paths: ["/etc/passwd"], weights: base().weightSpecs }],
        }),
      /outside the model's folder/,
    ],
    [
      "a huge declared shape",
      (name) =>
        writeModel(dir, name, base(), {
          weightsManifest: [
            {
              paths: ["group1-shard1of1.bin"],
              weights: [{ name: "w", shape: [1e6, 1e6, 1e6], dtype: "float32" }],
            },
          ],
        }),
      /more than \d+ values/,
    ],
    [
      "an unknown op",
      (name) => {
        const a = base();
        const nodes = (a.modelTopology.node as { op: string; name: string }[]).map((n) =>
          n.name === "dw1/Relu" ? { ...n, op: "Elu" } : n,
        );
        return writeModel(dir, name, { ...a, modelTopology: { ...a.modelTopology, node: nodes } });
      },
      /cannot express in dsnet: Elu \(1 node: Elu \(dw1\/Relu\)\)/,
    ],
    [
      "a RealDiv by a constant 0",
      (name) => writeModel(dir, name, inlineScale(base(), "RealDiv", [0])),
      /RealDiv node "mul": a scaling by Infinity: a division by zero/,
    ],
    [
      'a Mul by a constant NaN (floatVal "NaN")',
      (name) => writeModel(dir, name, inlineScale(base(), "Mul", ["NaN"])),
      /Mul node "mul": a scaling by NaN: .*not a finite float32/,
    ],
  ];
  it.each(rows)("%s", async (name, make, message) => {
    const path = make(name.replace(/\W+/g, "-"));
    const out = join(dir, `${name.replace(/\W+/g, "-")}.dsnet`);
    const result = await cli("import", path, "-o", out);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dsnet: /);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(out.replace(".dsnet", ".safetensors"))).toBe(false);
  });
});
