import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendUnavailableError } from "../src/backends/errors.js";
import { checkModelSize } from "../src/backends/onnx/export.js";
import { decodeModel, exportOnnx, type OnnxOptions } from "../src/backends/onnx/index.js";
import type { Graph } from "../src/ir/graph.js";
import { checkSources, cli } from "./helpers.js";
import { ONNX_OP_PROGRAM, onnxGraph, onnxNetwork } from "./onnx-networks.js";

/*
 * The ONNX backend's model, read back with the same onnx.proto: what it declares, how each dsnet
 * operation is written, the names and doc strings, and the CLI around it. Running the models is
 * test/onnx-runtime.test.ts (integration).
 */

const V1 = ["res=32", "alpha=0.25", "classes=10"];

function graphOf(file: string, set: string[], network?: string): Graph {
  return onnxGraph(onnxNetwork(file, network, set));
}

function opsGraph(): Graph {
  return onnxGraph(checkSources(ONNX_OP_PROGRAM).networks[0]);
}

function modelOf(graph: Graph, options: OnnxOptions = {}) {
  return decodeModel(exportOnnx(graph, options).bytes);
}

type Dim = { dim_value?: number; dim_param?: string };
/** An attribute's value, from the field its type names. */
function valueOf(a: { type: string; i?: number; f?: number; ints?: number[] }) {
  return a.type === "INTS" ? a.ints : a.type === "INT" ? a.i : a.f;
}

const dims = (info: { type: { tensor_type: { shape: { dim: Dim[] } } } }) =>
  info.type.tensor_type.shape.dim.map((d) => d.dim_param ?? d.dim_value);

describe("the ONNX model", () => {
  const graph = graphOf("examples/mobilenet_v1.dsnet", V1);

  it("declares opset 17, its IR version, dsnet as producer, and the source in doc_string", () => {
    const model = modelOf(graph);
    expect(model.ir_version).toBe(8);
    expect(model.opset_import).toEqual([{ domain: "", version: 17 }]);
    expect(model.producer_name).toBe("dsnet");
    expect(model.doc_string).toBe(
      "dsnet network mobilenet_v1 from examples/mobilenet_v1.dsnet (alpha = 0.25, res = 32, classes = 10)",
    );
    expect(model.graph.name).toBe("mobilenet_v1");
  });

  it.each([
    [2 ** 31 - 2 ** 24, undefined],
    // 2 GiB of weights came out of protobufjs, then failed to write with Node's RangeError.
    [
      2 ** 31 + 524_288,
      /^the ONNX model's weights are 2\.00 GiB, more than the 2 GiB one ONNX file holds/,
    ],
  ])("refuses weights past one protobuf's 2 GiB before encoding them: %d bytes", (bytes, error) => {
    if (error) expect(() => checkModelSize(bytes)).toThrow(BackendUnavailableError);
    if (error) expect(() => checkModelSize(bytes)).toThrow(error);
    else expect(() => checkModelSize(bytes)).not.toThrow();
  });

  it("takes `input` [N, 3, H, W] and gives `output` [N, classes], N symbolic", () => {
    const model = modelOf(graph);
    expect(model.graph.input.map((i) => [i.name, dims(i)])).toEqual([["input", ["N", 3, 32, 32]]]);
    expect(model.graph.output.map((o) => [o.name, dims(o)])).toEqual([["output", ["N", 10]]]);
    // Every value between has its full shape too.
    expect(model.graph.value_info.length).toBe(model.graph.node.length - 1);
    expect(model.graph.value_info.every((v) => dims(v)[0] === "N")).toBe(true);
  });

  it("--batch fixes the batch dimension; --layout nhwc transposes at both ends", () => {
    const fixed = modelOf(graph, { batch: 4 });
    expect(dims(fixed.graph.input[0])).toEqual([4, 3, 32, 32]);
    const seed = modelOf(graphOf("examples/seed_block.dsnet", []), { layout: "nhwc" });
    expect(dims(seed.graph.input[0])).toEqual(["N", 56, 56, 128]);
    expect(dims(seed.graph.output[0])).toEqual(["N", 56, 56, 64]);
    const ends = [seed.graph.node[0], seed.graph.node[seed.graph.node.length - 1]];
    expect(ends.map((n) => [n.op_type, n.attribute[0].ints])).toEqual([
      ["Transpose", [0, 3, 1, 2]],
      ["Transpose", [0, 2, 3, 1]],
    ]);
  });

  it("names each node after its layer and puts the layer's source line in its doc_string", () => {
    const model = modelOf(graph);
    const lines = readFileSync("examples/separable_block.dsnet", "utf8").split("\n");
    const byName = new Map(model.graph.node.map((n) => [n.name, n]));
    expect(byName.get("conv1")?.doc_string).toBe("conv1: examples/mobilenet_v1.dsnet:13");
    // A layer written inside the imported block points into that file.
    const dw = byName.get("separable1.dw1")!;
    expect(dw.op_type).toBe("Conv");
    const [, file, line] = /^separable1\.dw1: (.+):(\d+)$/.exec(dw.doc_string)!;
    expect(file).toBe("examples/separable_block.dsnet");
    expect(lines[Number(line) - 1]).toContain("dw 3x3");
    for (const node of model.graph.node) {
      expect(node.doc_string, node.name).toMatch(/^[\w.]+: examples\/[\w]+\.dsnet:\d+$/m);
      expect(graph.source.lines[node.name.split("/")[0]], node.name).toBeDefined();
    }
  });

  it("keeps the weights as initializers named as the weights file names them", () => {
    const model = modelOf(graph);
    const names = new Set(model.graph.initializer.map((t) => t.name));
    for (const tensor of graph.tensors) expect(names.has(tensor.name), tensor.name).toBe(true);
    const weight = model.graph.initializer.find((t) => t.name === "conv1.weight")!;
    expect(weight.dims).toEqual([8, 3, 3, 3]);
    const raw = weight.raw_data;
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    expect(values).toEqual(graph.tensors.find((t) => t.name === "conv1.weight")!.data);
  });
});

describe("batch norm", () => {
  const graph = graphOf("examples/mobilenet_v1.dsnet", V1);
  const ops = (options: OnnxOptions) => modelOf(graph, options).graph.node.map((n) => n.op_type);

  it("by default is Conv then BatchNormalization, as the source writes it", () => {
    const model = modelOf(graph);
    const bn = model.graph.node.find((n) => n.name === "bn1")!;
    expect(bn.op_type).toBe("BatchNormalization");
    expect(bn.input).toEqual([
      "conv1",
      "bn1.weight",
      "bn1.bias",
      "bn1.running_mean",
      "bn1.running_var",
    ]);
    expect(bn.attribute.map((a) => [a.name, valueOf(a)])).toEqual([
      ["epsilon", expect.closeTo(1e-5, 9)],
    ]);
    const bnLayers = graph.tensors.filter((t) => t.name.endsWith(".running_var")).length;
    expect(ops({}).filter((op) => op === "BatchNormalization")).toHaveLength(bnLayers);
  });

  it("with foldBatchNorm is folded into the convolution, with the IR's folded weights", () => {
    expect(ops({ foldBatchNorm: true })).not.toContain("BatchNormalization");
    const model = modelOf(graph, { foldBatchNorm: true });
    const conv = model.graph.node.find((n) => n.name === "conv1")!;
    expect(conv.input).toEqual(["input", "conv1.weight+folded", "conv1.bias+folded"]);
    expect(conv.doc_string).toBe("conv1: examples/mobilenet_v1.dsnet:13");
  });

  it("with nothing to fold into stays a BatchNormalization (an affine node in the IR)", () => {
    const folded = modelOf(opsGraph(), { foldBatchNorm: true });
    expect(
      folded.graph.node.filter((n) => n.op_type === "BatchNormalization").map((n) => n.name),
    ).toEqual(["bn2"]);
  });
});

describe("each operation", () => {
  const model = modelOf(opsGraph());
  const node = (name: string) => {
    const found = model.graph.node.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name}`);
    return {
      op: found.op_type,
      inputs: found.input,
      ...Object.fromEntries(found.attribute.map((a) => [a.name, valueOf(a)])),
    };
  };

  it("Conv with pads [top, left, bottom, right], strides, dilations and group", () => {
    expect(node("conv1")).toMatchObject({
      op: "Conv",
      dilations: [2, 2],
      pads: [2, 2, 2, 2],
      group: 1,
    });
    expect(node("conv2")).toMatchObject({ op: "Conv", strides: [2, 2], group: 2 });
    expect(node("residual1.dw1")).toMatchObject({ op: "Conv", group: 8, kernel_shape: [3, 3] });
  });

  it("activations: LeakyRelu, Tanh, Clip for relu6, HardSigmoid 1/6 and 0.5, HardSwish, SiLU", () => {
    expect(node("leaky_relu1")).toMatchObject({ op: "LeakyRelu", alpha: expect.closeTo(0.1, 7) });
    expect(node("tanh1").op).toBe("Tanh");
    expect(node("relu6_1")).toMatchObject({
      op: "Clip",
      inputs: ["bn2", "clip.min(0)", "clip.max(6)"],
    });
    expect(node("hardsigmoid1")).toMatchObject({
      op: "HardSigmoid",
      alpha: expect.closeTo(1 / 6, 7),
      beta: 0.5,
    });
    expect(node("residual2.hardswish1").op).toBe("HardSwish");
    expect(node("silu1/sigmoid")).toMatchObject({ op: "Sigmoid", inputs: ["bn3"] });
    expect(node("silu1")).toMatchObject({ op: "Mul", inputs: ["bn3", "silu1/sigmoid"] });
  });

  it("opset 13 writes hard swish as HardSigmoid and Mul, and IR version 7", () => {
    const old = modelOf(opsGraph(), { opset: 13 });
    expect(old.ir_version).toBe(7);
    const names = old.graph.node.map((n) => `${n.name} ${n.op_type}`);
    expect(names).toContain("residual2.hardswish1/hardsigmoid HardSigmoid");
    expect(names).toContain("residual2.hardswish1 Mul");
  });

  it("pools with explicit pads; average pool leaves padding out of the count", () => {
    expect(node("maxpool1")).toMatchObject({ op: "MaxPool", pads: [1, 1, 1, 1], strides: [2, 2] });
    expect(node("avgpool1")).toMatchObject({ op: "AveragePool", count_include_pad: 0 });
    expect(node("mul1.gmp1").op).toBe("GlobalMaxPool");
  });

  it("softmax over channels, flatten, Gemm with transB, and [N, C] back to [N, C, 1, 1]", () => {
    expect(node("softmax1")).toMatchObject({ op: "Softmax", axis: 1 });
    expect(node("flatten1")).toMatchObject({ op: "Flatten", axis: 1 });
    expect(node("fc1")).toMatchObject({
      op: "Gemm",
      transB: 1,
      inputs: ["flatten1", "fc1.weight", "fc1.bias"],
    });
    expect(node("residual2.add")).toMatchObject({
      op: "Add",
      inputs: ["residual2.hardswish1", "silu1"],
    });
    expect(node("residual2.add/unflatten").op).toBe("Reshape");
    expect(node("pw1")).toMatchObject({
      op: "Conv",
      inputs: ["residual2.add/unflatten", "pw1.weight"],
    });
    expect(node("mul1.mul")).toMatchObject({
      op: "Mul",
      inputs: ["residual1.add", "mul1.sigmoid1"],
    });
  });

  it("concat, slice and shuffle as PyTorch writes them", () => {
    const shufflenet = modelOf(
      graphOf("examples/shufflenet_v2.dsnet", ["res=32", "width=0.5", "classes=10"]),
    );
    const byName = new Map(shufflenet.graph.node.map((n) => [n.name, n]));
    const int64s = (name: string) => {
      const t = shufflenet.graph.initializer.find((i) => i.name === name)!;
      const raw = t.raw_data;
      return [...new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length))];
    };
    expect(byName.get("stage2.down1.concat1.concat")?.op_type).toBe("Concat");
    const split = byName.get("stage2.repeat1.0.concat1.split2")!;
    expect(split.op_type).toBe("Slice");
    expect(split.input.slice(1).map(int64s)).toEqual([[24n], [48n], [1n]]);
    const shuffle = ["split", "transpose"].map((s) => byName.get(`stage2.down1.shuffle1/${s}`)!);
    expect(shuffle.map((n) => n.op_type)).toEqual(["Reshape", "Transpose"]);
    expect(int64s(shuffle[0].input[1])).toEqual([0n, 2n, 24n, 4n, 4n]);
    expect(shuffle[1].attribute[0].ints).toEqual([0, 2, 1, 3, 4]);
    expect(byName.get("stage2.down1.shuffle1")?.op_type).toBe("Reshape");
  });

  it("refuses opsets below 13", () => {
    expect(() => exportOnnx(opsGraph(), { opset: 12 })).toThrow(/13 to 21/);
  });
});

describe("dsnet compile --target onnx", () => {
  const folder = mkdtempSync(join(tmpdir(), "dsnet-onnx-cli-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const v1 = ["examples/mobilenet_v1.dsnet", ...V1.flatMap((s) => ["--set", s])];

  it("writes the model and, with --verbose, one line per node", async () => {
    const out = join(folder, "m.onnx");
    const r = await cli("compile", ...v1, "--target", "onnx", "-o", out, "--verbose", "--fold-bn");
    expect(r.code, r.stderr).toBe(0);
    const model = decodeModel(readFileSync(out));
    expect(model.graph.node.map((n) => n.op_type)).not.toContain("BatchNormalization");
    expect(r.stderr).toContain(`ONNX opset 17 (IR version 8): ${model.graph.node.length} nodes`);
    expect(r.stderr).toMatch(/^ {2}conv1 +Conv +Nx8x16x16 +\(input\)$/m);
    expect(r.stderr).toMatch(/^ {2}fc1 +Gemm +Nx10 +\(fc1\/flatten\)$/m);
    expect(r.stderr).toContain(`wrote ${out}`);
  });

  it("takes --opset, --batch and --layout", async () => {
    const out = join(folder, "b.onnx");
    const args = ["--opset", "13", "--batch", "3", "--layout", "nhwc"];
    const r = await cli("compile", ...v1, "--target", "onnx", "-o", out, ...args);
    expect(r.code, r.stderr).toBe(0);
    const model = decodeModel(readFileSync(out));
    expect(model.opset_import[0].version).toBe(13);
    expect(dims(model.graph.input[0])).toEqual([3, 32, 32, 3]);
  });

  it("reads the options once: checkOnnxOptions gives numbers, and writeOnnx writes them", async () => {
    const { checkOnnxOptions, writeOnnx } = await import("../src/cli/onnx.js");
    const given = { target: "onnx", opset: "013", layout: "nhwc", foldBn: true };
    const onnx = checkOnnxOptions(given);
    expect(onnx).toEqual({ opset: 13, layout: "nhwc", foldBatchNorm: true });
    const out = join(folder, "numbers.onnx");
    let stderr = "";
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), color: false };
    const graph = graphOf("examples/mobilenet_v1.dsnet", V1);
    expect(await writeOnnx(graph, { ...onnx, batch: 2 }, { output: out }, io)).toBe(0);
    const model = decodeModel(readFileSync(out));
    expect(model.opset_import[0].version).toBe(13);
    expect(dims(model.graph.input[0])[0]).toBe(2);
    expect(model.graph.node.map((n) => n.op_type)).not.toContain("BatchNormalization");
    expect(stderr).toBe(`wrote ${out} (${(readFileSync(out).length / 1024).toFixed(0)} KiB)\n`);
  });

  it.each([
    [["--opset", "11"], "--opset takes 13 to 21, not 11 (dsnet needs opset 13 at least"],
    [["--opset", "x"], "--opset takes 13 to 21, not x"],
    [["--layout", "nc"], "--layout takes nchw or nhwc, not nc"],
    [["--js"], "--js writes a JavaScript module, not an ONNX model"],
    [["--batch", "0"], "--batch takes a whole number from 1 to 1073741824, got 0"],
  ])("%j is a usage error", async (args, message) => {
    const r = await cli(
      "compile",
      ...v1,
      "--target",
      "onnx",
      "-o",
      join(folder, "x.onnx"),
      ...args,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`dsnet: ${message}`);
  });

  it("refuses the ONNX options for other targets, and needs -o", async () => {
    const ts = await cli(
      "compile",
      ...v1,
      "--target",
      "ts",
      "-o",
      join(folder, "m.ts"),
      "--fold-bn",
      "--layout",
      "nhwc",
    );
    expect(ts.code).toBe(2);
    expect(ts.stderr).toContain("dsnet: --layout, --fold-bn: for --target onnx only");
    const noOutput = await cli("compile", ...v1, "--target", "onnx");
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain("dsnet: compile needs -o FILE");
  });
});
