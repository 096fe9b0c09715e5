import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tfl from "@tensorflow/tfjs-layers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  readModel,
  s,
  saved,
  tfjsAnswer,
  writeModel,
  type Artifacts,
} from "./tfjs-models.js";

/*
 * `dsnet weights import model.json NET.dsnet`: a TF.js model built here with TF.js, its weights
 * imported into a .dsnet written by hand, `dsnet run` compared with TF.js's own answer; and the
 * warnings where the .dsnet contradicts what the model says (eps, padding).
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-weights-tfjs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A MobileNet-like layers model on 16x16x3: a ZeroPadding2D and a VALID stride-2 conv (Keras's
 * MobileNetV2 stem), SAME stride-2 depthwise, batch norms with Keras's eps 1e-3, a head.
 */
async function layersModel(): Promise<string> {
  const input = tfl.input({ shape: [16, 16, 3] });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor) =>
    layer.apply(x) as tfl.SymbolicTensor;
  let x = apply(
    tfl.layers.zeroPadding2d({
      padding: [
        [0, 1],
        [0, 1],
      ],
    }),
    input,
  );
  x = apply(
    tfl.layers.conv2d({
      filters: 8,
      kernelSize: 3,
      strides: 2,
      padding: "valid",
      useBias: false,
      name: "conv1",
    }),
    x,
  );
  x = apply(tfl.layers.batchNormalization({ epsilon: 1e-3, name: "conv1_bn" }), x);
  x = apply(tfl.layers.reLU({ maxValue: 6 }), x);
  x = apply(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: 2,
      padding: "same",
      useBias: false,
      name: "dw1",
    }),
    x,
  );
  x = apply(tfl.layers.batchNormalization({ epsilon: 1e-3, name: "dw1_bn" }), x);
  x = apply(tfl.layers.reLU({}), x);
  x = apply(tfl.layers.conv2d({ filters: 16, kernelSize: 1, useBias: false, name: "pw1" }), x);
  x = apply(tfl.layers.batchNormalization({ epsilon: 1e-3, name: "pw1_bn" }), x);
  x = apply(tfl.layers.reLU({}), x);
  x = apply(tfl.layers.globalAveragePooling2d({}), x);
  x = apply(tfl.layers.dense({ units: 10, name: "logits" }), x);
  const model = tfl.model({ inputs: input, outputs: x });
  // Small variances, so that eps 1e-3 against 1e-5 shows in the answer.
  randomise(model, 17, [0.002, 0.05]);
  return writeModel(dir, "layers", await saved(model));
}

/** The .dsnet written by hand for the model; `edit` changes one line of it. */
const NETWORK = `network tiny {
  input 16x16x3
  conv 3x3 8 s2 pad=same_upper
  bn eps=0.001
  relu6
  dw 3x3 s2 pad=same_upper
  bn eps=0.001
  relu
  pw 16
  bn eps=0.001
  relu
  gap
  fc 10
}
`;

function writeNet(name: string, edit?: [string, string]): string {
  const path = join(dir, `${name}.dsnet`);
  writeFileSync(path, edit ? NETWORK.replace(edit[0], edit[1]) : NETWORK);
  return path;
}

/** The width of the network's last fc. */
function expectedClasses(net: string): string {
  return [...readFileSync(net, "utf8").matchAll(/fc (\d+)/g)].pop()![1];
}

/** `dsnet run`'s answer with the imported weights, through .npy files. */
async function dsnetAnswer(net: string, weights: string, data: Float32Array, shape: number[]) {
  const input = join(dir, "input.npy");
  writeFileSync(input, writeNpy(shape, data));
  const output = `${weights}.npy`;
  const run = await cli("run", net, "--weights", weights, "--input", input, "--output", output);
  expect(run.stderr).toBe(`wrote ${shape[0]}x1x1x${expectedClasses(net)} to ${output}\n`);
  expect(run.code).toBe(0);
  return readNpy(readFileSync(output)).data as Float32Array;
}

const batch = 2;
const shape = [batch, 16, 16, 3];
const data = (() => {
  const r = random(5);
  return Float32Array.from({ length: batch * 16 * 16 * 3 }, () => r(-1, 1));
})();

describe("dsnet weights import of a TF.js layers model", () => {
  let model: string;
  let expected: Float32Array | Int32Array | Uint8Array;
  beforeAll(async () => {
    model = await layersModel();
    expected = await tfjsAnswer(readModel(model), data, shape);
  });

  it("imports into a hand-written .dsnet, no warnings, and dsnet run gives TF.js's answer", async () => {
    const net = writeNet("right");
    const weights = join(dir, "right.safetensors");
    const result = await cli("weights", "import", model, net, "-o", weights);
    expect(result.stderr).toBe(`wrote 17 tensors to ${weights}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^file +dsnet +shape\nconv1\/kernel +conv1\.weight +\[8, 3, 3, 3\]\n/,
    );
    expect(result.stdout).toMatch(/\nconv1_bn\/moving_variance +bn1\.running_var +\[8\]\n/);
    expect(result.stdout).toMatch(/\nlogits\/kernel +fc1\.weight +\[10, 16\]\n/);
    expect(result.stdout).toMatch(/\n17 tensors imported in the model's layer order\n$/);
    const got = await dsnetAnswer(net, weights, data, shape);
    const { error, tolerance } = maxError(got, expected);
    console.log(`TF.js layers model: max error ${error.toExponential(2)} (tolerance ${tolerance})`);
    expect(error).toBeLessThan(tolerance);
  });

  const rows: {
    name: string;
    edit: [string, string];
    code: string;
    line: number;
    message: RegExp;
    help: string;
  }[] = [
    {
      name: "`bn` with dsnet's eps where the model's is Keras's 1e-3",
      edit: ["  relu\n  pw 16\n  bn eps=0.001", "  relu\n  pw 16\n  bn"],
      code: "DS7001",
      line: 10,
      message: /the imported batch norm pw1_bn has eps 0\.001, but this `bn` uses 0\.00001/,
      help: "write `bn eps=0.001`",
    },
    {
      name: "`same` where TF's SAME at stride 2 on an even size needs same_upper",
      edit: ["dw 3x3 s2 pad=same_upper", "dw 3x3 s2"],
      code: "DS7002",
      line: 6,
      message:
        /the imported dw1 pads this 8x8 input by \[0, 1, 0, 1\] \(TF's SAME: the odd pixel at the end\), but this layer pads it by 1/,
      help: "write `pad=same_upper` on this layer",
    },
    {
      name: "`valid` where a ZeroPadding2D pads before the convolution",
      edit: ["conv 3x3 8 s2 pad=same_upper", "conv 3x3 8 s2 valid"],
      code: "DS7002",
      line: 3,
      message:
        /the imported conv1 pads this 16x16 input by \[0, 1, 0, 1\] \(\[0, 1, 0, 1\] of zeros first, then VALID\), but this layer pads it by 0/,
      help: "write `pad=same_upper` on this layer",
    },
    {
      name: "a stride the model does not have",
      edit: ["dw 3x3 s2 pad=same_upper", "dw 3x3 pad=same_upper"],
      code: "DS7003",
      line: 6,
      message:
        /the imported dw1 has stride 2 and dilation 1, but this layer has stride 1 and dilation 1/,
      help: "write `s2` on this layer",
    },
  ];
  it.each(rows)(
    "warns at the layer's line: $name",
    async ({ name, edit, code, line, message, help }) => {
      const file = name.replace(/\W+/g, "-");
      const net = writeNet(file, edit);
      const weights = join(dir, `${file}.safetensors`);
      // The shapes agree, so the weights import; the warning says why the answer would not.
      const result = await cli("weights", "import", model, net, "-o", weights);
      expect(result.code).toBe(0);
      const lines = result.stderr.split("\n");
      expect(lines[0]).toMatch(
        new RegExp(`^${net.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:${line}:3: warning ${code}: `),
      );
      expect(lines[0]).toMatch(message);
      expect(result.stderr).toContain(`help: ${help}`);
      expect(result.stderr.match(/warning DS/g)).toHaveLength(1);
      if (code === "DS7003") return; // a stride changes the shapes: dsnet runs it, but not as TF.js does
      const { error, tolerance } = maxError(await dsnetAnswer(net, weights, data, shape), expected);
      expect(error).toBeGreaterThan(tolerance);
    },
  );

  it("--dry-run prints the table and writes nothing", async () => {
    const net = writeNet("dry", ["  relu\n  pw 16\n  bn eps=0.001", "  relu\n  pw 16\n  bn"]);
    const weights = join(dir, "dry.safetensors");
    const result = await cli("weights", "import", model, net, "-o", weights, "--dry-run");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^file +dsnet +shape\n/);
    expect(result.stdout.trim().split("\n")).toHaveLength(1 + 17 + 1);
    expect(result.stderr).toMatch(/warning DS7001/);
    expect(result.stderr).not.toContain("wrote");
    expect(existsSync(weights)).toBe(false);
  });

  it("--partial loads the backbone into a network with another head, --map renames", async () => {
    const net = join(dir, "backbone.dsnet");
    writeFileSync(net, NETWORK.replace("fc 10", "fc 4"));
    const weights = join(dir, "backbone.safetensors");
    const strict = await cli("weights", "import", model, net, "-o", weights);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/logits\/kernel \[10, 16\] with fc1\.weight \[4, 16\]/);
    const partial = await cli("weights", "import", model, net, "-o", weights, "--partial");
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/\nlogits\/kernel +- +\[10, 16\] +left out\n/);
    expect(partial.stdout).toMatch(/\n- +fc1\.weight +\[4, 16\] +initial weights\n/);
    const map = join(dir, "map.txt");
    writeFileSync(map, "logits/kernel -\nlogits/bias -\n");
    const mapped = await cli(
      "weights",
      "import",
      model,
      net,
      "--map",
      map,
      "--partial",
      "--dry-run",
    );
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toMatch(/15 tensors imported/);
  });
});

/** A graph model: x * 2 - 1, a fused conv (bias, relu6) SAME at stride 2, a batch norm, a head. */
function graphModel(): Artifacts {
  const weights = new GraphWeights(random(23));
  const constant = weights.constant.bind(weights);
  const op = (name: string, type: string, input: string[], attr: Record<string, unknown> = {}) =>
    node(name, type, input, { T: f32, ...attr });
  const nodes = [
    placeholder("input", [16, 16, 3]),
    constant("two", [], [2]),
    constant("one", [], [1]),
    op("mul", "Mul", ["input", "two"]),
    op("sub", "Sub", ["mul", "one"]),
    constant("stem/weights", [3, 3, 3, 8]),
    constant("stem/bias", [8]),
    op("stem/Relu6", "_FusedConv2D", ["sub", "stem/weights", "stem/bias"], {
      strides: list(1, 2, 2, 1),
      padding: s("SAME"),
      dilations: list(1, 1, 1, 1),
      data_format: s("NHWC"),
      num_args: { i: "1" },
      fused_ops: { list: { s: [s("BiasAdd").s, s("Relu6").s] } },
    }),
    ...weights.batchNorm("bn", 8, [0.002, 0.05]),
    op("bn", "FusedBatchNormV3", ["stem/Relu6", "bn/gamma", "bn/beta", "bn/mean", "bn/variance"], {
      U: f32,
      epsilon: { f: 0.001 },
      is_training: { b: false },
      data_format: s("NHWC"),
    }),
    constant("axes", [2], [1, 2], "int32"),
    op("pool", "Mean", ["bn", "axes"], { keep_dims: { b: false }, Tidx: { type: "DT_INT32" } }),
    constant("fc/weights", [8, 5]),
    constant("fc/bias", [5]),
    op("fc/MatMul", "MatMul", ["pool", "fc/weights"], {
      transpose_a: { b: false },
      transpose_b: { b: false },
    }),
    op("fc/BiasAdd", "BiasAdd", ["fc/MatMul", "fc/bias"], { data_format: s("NHWC") }),
  ];
  return weights.artifacts(nodes);
}

describe("dsnet weights import of a TF.js graph model", () => {
  it("imports into a hand-written .dsnet with normalize, and dsnet run gives TF.js's answer", async () => {
    const model = writeModel(dir, "graph", graphModel());
    const net = join(dir, "graph.dsnet");
    const text = (pad: string, bn: string) =>
      `network g {\n  input 16x16x3\n  normalize scale=2 shift=-1\n  conv 3x3 8 s2${pad} bias=true -> relu6\n  ${bn}\n  gap -> fc 5\n}\n`;
    writeFileSync(net, text(" pad=same_upper", "bn eps=0.001"));
    const weights = join(dir, "graph.safetensors");
    const result = await cli("weights", "import", model, net, "-o", weights);
    expect(result.stderr).toBe(`wrote 8 tensors to ${weights}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nstem\/weights +conv1\.weight +\[8, 3, 3, 3\]\n/);
    const expected = await tfjsAnswer(readModel(model), data, shape);
    const { error, tolerance } = maxError(await dsnetAnswer(net, weights, data, shape), expected);
    console.log(`TF.js graph model: max error ${error.toExponential(2)} (tolerance ${tolerance})`);
    expect(error).toBeLessThan(tolerance);

    writeFileSync(net, text("", "bn"));
    const wrong = await cli("weights", "import", model, net, "--dry-run");
    expect(wrong.code).toBe(0);
    expect(wrong.stderr).toMatch(new RegExp(`graph\\.dsnet:4:3: warning DS7002: `));
    expect(wrong.stderr).toMatch(new RegExp(`graph\\.dsnet:5:3: warning DS7001: `));
  });
});
