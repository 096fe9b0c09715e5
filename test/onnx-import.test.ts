import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { exportOnnx } from "../src/backends/onnx/index.js";
import { decodeModel, encodeModel, type ModelMessage } from "../src/backends/onnx/proto.js";
import type { Network } from "../src/check/network.js";
import { checkText } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { summarize } from "../src/cost/summarize.js";
import { importModel } from "../src/import/index.js";
import type { AffineNode, Graph } from "../src/ir/graph.js";
import { compareToReference } from "./fixtures.js";
import { checkSources, cli } from "./helpers.js";
import { onnxGraph, onnxNetwork } from "./onnx-networks.js";

/*
 * `dsnet import` of ONNX models: dsnet's own exports imported back (the same summary, the same
 * outputs), the structures it writes, and hostile files, each one clear error.
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputOf(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 12.9898) * 1.5);
}

/** The imported network's output against the exported graph's, on the CPU plan. */
function sameOutput(graph: Graph, back: ReturnType<typeof imported>) {
  const input = inputOf(graph.values[graph.input].reduce((a, b) => a * b, 1));
  const expected = new CpuPlan(graph, { batch: 1 }).forward(input);
  const importedGraph = compileGraph(
    back.network,
    back.tensors.map((t) => t.data),
    { target: "cpu" },
  );
  return compareToReference(new CpuPlan(importedGraph, { batch: 1 }).forward(input), expected);
}

/** Imports a model and checks the text it writes; returns the network and its weights. */
function imported(bytes: Uint8Array, name = "net") {
  const result = importModel(`${name}.onnx`, bytes, name);
  const checked = checkText(result.source, `${name}.dsnet`);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { ...result, network: checked.networks[0] };
}

describe("round trip: compile --target onnx, then import", () => {
  const example = (file: string, set: string[]): [string, () => Network] => [
    `${file} ${set.join(" ")}`,
    () => onnxNetwork(file, undefined, set),
  ];
  const source = (what: string, text: string): [string, () => Network] => [
    what,
    () => checkSources(text).networks[0],
  ];
  const twoAdds = "input 8x8x16\nadd { pw 16 } { dw 3x3 -> pw 16 }\n";
  const cases: [string, () => Network][] = [
    example("examples/mobilenet_v2.dsnet", ["alpha=0.35", "res=32", "classes=10"]),
    example("examples/shufflenet_v2.dsnet", ["width=0.5", "res=32", "classes=10"]),
    source(
      "an add, then a residual with a shortcut",
      `${twoAdds}residual { pw 16 } shortcut { pw 16 bias=true }\n`,
    ),
    source(
      "an add, then a labelled residual with a shortcut",
      `${twoAdds}proj: residual { pw 16 } shortcut { pw 16 bias=true }\n`,
    ),
    // The second join's automatic name is the first's label (add1, residual1): it is labelled.
    source(
      "an add, then an add without weights",
      `${twoAdds}add { relu } { maxpool 3x3 s1 pad=1 }\n`,
    ),
    source(
      "a residual, then a labelled residual with a shortcut",
      "input 8x8x16\nresidual { dw 3x3 -> pw 16 }\nproj: residual { pw 16 } shortcut { pw 16 bias=true }\n",
    ),
  ];
  for (const [what, networkOf] of cases) {
    it(`${what}: the same summary and outputs`, () => {
      const network = networkOf();
      const graph = onnxGraph(network);
      const back = imported(exportOnnx(graph).bytes);
      const before = summarize(network).totals;
      const after = summarize(back.network).totals;
      expect({ macs: after.macs, params: after.params }).toEqual({
        macs: before.macs,
        params: before.params,
      });
      const { maxError, tolerance } = sameOutput(graph, back);
      expect(maxError).toBeLessThanOrEqual(tolerance);
    });
  }
});

/** A small model dsnet exports, as a message to break. */
function baseModel(): ModelMessage {
  const { networks } = checkSources("input 8x8x3\nconv 3x3 4 -> bn -> relu\ngap -> fc 2\n");
  return decodeModel(exportOnnx(onnxGraph(networks[0])).bytes);
}

/** A model of Relu and Add nodes on a 3x4x4 input, wired as given. */
function wired(edges: [string, string, string[]][], output: string): Uint8Array {
  const model = baseModel();
  model.graph.node = edges.map(([name, op, input]) => ({
    name,
    op_type: op,
    input,
    output: [name],
    attribute: [],
    doc_string: "",
  }));
  model.graph.initializer = [];
  model.graph.input[0].type.tensor_type.shape.dim = [1, 3, 4, 4].map((d) => ({ dim_value: d }));
  model.graph.output[0].name = output;
  model.graph.value_info = [];
  return encodeModel(model);
}

const POOLED = "input 8x8x3\npw 4 -> relu\navgpool 2x2\ngap -> fc 2\n";

/** POOLED's export with a Pad of `pads` (N, C, H, W begins, then ends) before its AveragePool. */
function paddedPool(pads: number[]): Uint8Array {
  const model = decodeModel(exportOnnx(onnxGraph(checkSources(POOLED).networks[0])).bytes);
  const at = model.graph.node.findIndex((n) => n.op_type === "AveragePool");
  const pool = model.graph.node[at];
  // As torch.onnx 1.13 writes F.avg_pool2d at opset 13: Pad(x, pads, constant_value).
  model.graph.node.splice(at, 0, {
    name: "/Pad",
    op_type: "Pad",
    input: [pool.input[0], "pads", "value"],
    output: ["padded"],
    attribute: [],
    doc_string: "",
  });
  pool.input = ["padded"];
  model.graph.initializer.push(
    {
      name: "pads",
      dims: [8],
      data_type: 7,
      raw_data: new Uint8Array(BigInt64Array.from(pads.map(BigInt)).buffer),
    },
    { name: "value", dims: [], data_type: 1, raw_data: new Uint8Array(4) },
  );
  return encodeModel(model);
}

const hostile: [string, () => Uint8Array, RegExp][] = [
  ["a truncated protobuf", () => encodeModel(baseModel()).slice(0, 200), /truncated or damaged/],
  ["no graph", () => new Uint8Array([0x08, 0x07]), /no graph/],
  [
    "an initializer shorter than its dims",
    () => {
      const m = baseModel();
      m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data.slice(0, 10);
      return encodeModel(m);
    },
    /initializer "conv1.weight" has dims 4x3x3x3 \(108 values\) but 10 bytes of data, not 432/,
  ],
  [
    "huge initializer dims",
    () => {
      const m = baseModel();
      m.graph.initializer[0].dims = [1e6, 1e6, 3, 3];
      return encodeModel(m);
    },
    /initializer "conv1.weight" has dims 1000000x1000000x3x3 .*too large/,
  ],
  [
    "a huge input",
    () => {
      const m = baseModel();
      m.graph.input[0].type.tensor_type.shape.dim = [1, 3, 1e6, 1e6].map((d) => ({ dim_value: d }));
      return encodeModel(m);
    },
    /input "input" is 3x1000000x1000000: too large/,
  ],
  [
    "a weight that does not fit the input",
    () => {
      const m = baseModel();
      m.graph.input[0].type.tensor_type.shape.dim = [1, 5, 8, 8].map((d) => ({ dim_value: d }));
      return encodeModel(m);
    },
    /Conv node "conv1": its weight is 4x3x3x3 with group 1, which does not fit an input of 5 channels/,
  ],
  [
    "a missing input",
    () => wired([["a", "Relu", ["nowhere"]]], "a"),
    /node "a" \(Relu\) reads "nowhere", which no node, initializer or graph input writes/,
  ],
  [
    "a cycle",
    () =>
      wired(
        [
          ["a", "Add", ["input", "b"]],
          ["b", "Relu", ["a"]],
        ],
        "b",
      ),
    /the graph has a cycle: "a", "b" wait on each other/,
  ],
  [
    "a graph that is not series-parallel",
    () =>
      wired(
        [
          ["a", "Relu", ["input"]],
          ["b", "Relu", ["input"]],
          ["c", "Add", ["a", "b"]],
          ["d", "Relu", ["a"]],
          ["e", "Add", ["c", "d"]],
        ],
        "e",
      ),
    /not series-parallel/,
  ],
  [
    "a Pad that pads",
    () => paddedPool([0, 0, 1, 1, 0, 0, 1, 1]),
    /cannot express in dsnet: Pad \(1 node: Pad \(\/Pad: pads that are not all zero\)\)/,
  ],
  [
    "operators dsnet cannot express",
    () => {
      const m = baseModel();
      m.graph.node[0].op_type = "Resize";
      m.graph.node[2].op_type = "Elu";
      return encodeModel(m);
    },
    /cannot express in dsnet: Resize, Elu \(2 nodes: Resize \(conv1\); Elu \(relu1\)\)/,
  ],
];

describe("hostile and inexpressible models: one clear error", () => {
  for (const [what, bytes, message] of hostile) {
    it(what, () => {
      expect(() => importModel("m.onnx", bytes(), "m")).toThrow(message);
    });
  }

  it("the command prints one dsnet: line, exits 1 and writes nothing", async () => {
    const model = join(dir, "bad.onnx");
    writeFileSync(model, hostile[hostile.length - 1][1]());
    const out = join(dir, "bad.dsnet");
    const r = await cli("import", model, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dsnet: .*bad\.onnx: cannot express in dsnet: Resize, Elu/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "bad.safetensors"))).toBe(false);
  });

  it("names that read as other syntax become labels that do not (a network called s2)", () => {
    const network = checkSources("input 6x6x4\npw 8 -> relu\n").networks[0];
    const bytes = exportOnnx(onnxGraph(network)).bytes;
    expect(imported(bytes, "s2").source).toContain("network s2_ {");
  });

  it("writes both files or neither: a folder in the way leaves the old weights alone", async () => {
    const network = checkSources("input 6x6x4\npw 8 -> relu\n").networks[0];
    const model = join(dir, "small.onnx");
    writeFileSync(model, exportOnnx(onnxGraph(network)).bytes);
    const folder = join(dir, "taken.dsnet");
    mkdirSync(folder);
    writeFileSync(join(dir, "taken.safetensors"), "old");
    const r = await cli("import", model, "-o", folder);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dsnet: cannot write the network .*taken\.dsnet: it is a directory/);
    expect(readFileSync(join(dir, "taken.safetensors"), "utf8")).toBe("old");
  });

  it("a file of another kind", () => {
    expect(() => importModel("m.json", new TextEncoder().encode("{}"), "m")).toThrow(
      /cannot tell what kind of model this is: dsnet imports ONNX/,
    );
  });
});

describe("the structure it writes", () => {
  /** The network of `lines` exported and imported back: its graph, the import and its body. */
  function exportedAndBack(lines: string[]) {
    const graph = onnxGraph(checkSources(lines.join("\n")).networks[0]);
    const back = imported(exportOnnx(graph).bytes);
    return { graph, back, body: back.source.split("network net {")[1] };
  }

  it("forks joined by add, mul and concat become residual, mul, add and concat", () => {
    const { graph, back, body } = exportedAndBack([
      "input 8x8x8",
      "residual {",
      "  dw 3x3 -> bn -> relu",
      "}",
      "mul {",
      "  gap -> pw 8 bias=true -> sigmoid",
      "}",
      "add { pw 8 } { dw 3x3 -> bn }",
      "concat split=2 {} { pw 4 -> bn -> silu }",
      "shuffle 2",
      "concat {} { dw 3x3 -> bn -> hardswish }",
      "maxpool 3x3 s2 pad=1 -> avgpool 2x2",
      "gap -> fc 3",
      "",
    ]);
    expect(body).toMatch(
      /residual1: residual \{\n +residual1_dw1: dw 3x3\n +residual1_bn1: bn -> relu\n +\}/,
    );
    expect(body).toMatch(/\n  mul1: mul \{\n +gap\n +mul1_pw1: pw 8 bias=true -> sigmoid\n/);
    expect(body).toMatch(/\n  add1: add \{\n +add1_branch1: pw 8\n +\} \{\n/);
    expect(body).toMatch(
      /concat1_branch2: concat split=2 \{\} \{\n.*pw 4\n.*bn -> silu\n +\}\n +shuffle 2/,
    );
    expect(body).toMatch(/concat \{\} \{\n/);
    expect(body).toMatch(/maxpool 3x3 s2 pad=1 -> avgpool 2x2/);
    const { maxError, tolerance } = sameOutput(graph, back);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });

  it("dsnet's residuals with a shortcut come back as such; an add of two branches stays one", () => {
    const { graph, back, body } = exportedAndBack([
      "input 8x8x8",
      "residual { conv 3x3 16 s2 -> bn -> relu -> conv 3x3 16 -> bn } shortcut { pw 16 s2 -> bn }",
      "relu",
      "proj: residual { dw 3x3 -> pw 16 } shortcut { avgpool 3x3 s1 pad=1 }",
      "add { pw 16 } { pw 16 -> relu }",
      "",
    ]);
    expect(body).toMatch(
      /\n  residual1: residual \{\n(?: +residual1_\w+: .*\n){4}  \} shortcut \{\n +residual1_shortcut_pw1: conv 1x1 16 s2\n +residual1_shortcut_bn1: bn\n  \}\n  relu\n/,
    );
    // A shortcut without weights: told from its node's name, proj.shortcut.
    expect(body).toMatch(
      /\n  proj: residual \{\n.*\n.*\n  \} shortcut \{\n +avgpool 3x3 s1 pad=1\n  \}\n/,
    );
    expect(body).toMatch(
      /\n  add1: add \{\n +add1_branch1: pw 16\n  \} \{\n +add1_branch2_pw1: pw 16 -> relu\n  \}\n/,
    );
    const { maxError, tolerance } = sameOutput(graph, back);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });
});

describe("the header says what the file shows", () => {
  it("no BatchNormalization nodes: any batch norm was folded, not that the source had one", () => {
    const bytes = (source: string) => exportOnnx(onnxGraph(checkSources(source).networks[0])).bytes;
    const none = imported(bytes("input 8x8x3\nconv 3x3 4 bias=true -> relu\ngap -> fc 2\n")).source;
    expect(none).toContain(
      "# The model has no BatchNormalization nodes: any batch norm its source had is folded into\n",
    );
    expect(none).not.toMatch(/exporter folded/);
    const kept = imported(bytes("input 8x8x3\nconv 3x3 4 -> bn -> relu\ngap -> fc 2\n")).source;
    expect(kept).not.toMatch(/BatchNormalization/);
  });
});

describe("text from the model stays inside its comments", () => {
  // Each would end its comment and be read as .dsnet: a layer, or a second network.
  const breaks = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085"];
  const cases: [string, string, (m: ModelMessage, text: string) => string][] = [
    ["the file name", "file", (_m, text) => `m${text}.onnx`],
    ["the producer", "producer", (m, text) => ((m.producer_name = text), "m.onnx")],
    [
      "the input's name",
      "input",
      (m, text) => (renameValue(m, m.graph.input[0].name, text), "m.onnx"),
    ],
    [
      "a renamed weight's name, written after its layer",
      "weight",
      (m, text) => (renameValue(m, m.graph.initializer[0].name, `onnx::Conv_1${text}`), "m.onnx"),
    ],
  ];
  for (const [what, tag, change] of cases) {
    it.each(breaks.map((b) => [JSON.stringify(b), b]))(`${what} holding %s`, (_name, b) => {
      const model = baseModel();
      const path = change(model, `${tag}${b}relu${b}network evil {${b}}${b}`);
      const { source } = importModel(path, encodeModel(model), "m");
      const lines = source.split(/\r\n|[\r\n\u2028\u2029\u0085]/);
      // The lines are the ones written for an ordinary model: only comments hold the text.
      expect(lines.filter((l) => /evil|^\s*relu/.test(l) && !/#/.test(l))).toEqual([]);
      expect(source).toMatch(
        /\nnetwork m \{\n  input 8x8x3\n  conv1: conv 3x3 4( +#[^\n]*)?\n  bn1:/,
      );
      expect(checkText(source, "m.dsnet").networks).toHaveLength(1);
    });
  }
});

/** Renames a value (an input or an initializer) wherever the model names it. */
function renameValue(model: ModelMessage, from: string, to: string) {
  for (const list of [model.graph.input, model.graph.initializer]) {
    for (const v of list) if (v.name === from) v.name = to;
  }
  for (const node of model.graph.node) node.input = node.input.map((n) => (n === from ? to : n));
}

describe("operators that change nothing are dropped", () => {
  it("an all-zero Pad before an AveragePool (PyTorch's F.avg_pool2d): the output without it", () => {
    const graph = onnxGraph(checkSources(POOLED).networks[0]);
    const back = imported(paddedPool([0, 0, 0, 0, 0, 0, 0, 0]));
    expect(back.source).toContain("pw1: pw 4 -> relu -> avgpool 2x2 -> gap\n");
    const { maxError, tolerance } = sameOutput(graph, back);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });
});

describe("the input's scaling imports as normalize", () => {
  /** The network, exported to ONNX (`edit` changing the model) and imported back, both run. */
  function roundTrip(source: string, edit?: (m: ModelMessage) => void) {
    const network = checkSources(source).networks[0];
    const graph = onnxGraph(network);
    const model = decodeModel(exportOnnx(graph).bytes);
    edit?.(model);
    const back = imported(encodeModel(model));
    return { text: back.source, graph, back, ...sameOutput(graph, back) };
  }

  /** The constant scale and shift a graph's `normalize` lowered to. */
  function scaling(graph: Graph) {
    const node = graph.nodes.find((n) => n.op === "affine" && !n.tensors) as AffineNode;
    return { scale: Array.from(node.scale), shift: Array.from(node.shift) };
  }

  // Both forms lower to one Mul and Add, so dsnet's own export writes `mean= std=` where its
  // decimals are the shorter: the numbers as written, lowering to the same float32s.
  const written: [string, string][] = [
    ["normalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]", "the same"],
    ["normalize mean=[123.675, 116.28, 103.53] std=[58.395, 57.12, 57.375]", "the same"],
    ["normalize std=255", "the same"],
    ["normalize mean=0.5 std=[0.25, 0.5, 2]", "the same"],
    ["normalize scale=2 shift=-1", "the same"],
    ["normalize mean=0.5 std=0.5", "normalize scale=2 shift=-1"],
  ];
  for (const [layer, back] of written) {
    it(`dsnet's own \`${layer}\` comes back as ${back}, the same float32s`, () => {
      const expected = back === "the same" ? layer : back;
      const round = roundTrip(`input 8x8x3\n${layer}\nconv 3x3 4 -> bn -> relu\ngap -> fc 2\n`);
      expect(round.text).toContain(`  ${expected}\n`);
      const importedGraph = compileGraph(
        round.back.network,
        round.back.tensors.map((t) => t.data),
        { target: "cpu" },
      );
      expect(scaling(importedGraph)).toEqual(scaling(round.graph));
      expect(round.maxError).toBe(0);
    });
  }

  it("dsnet's own normalize (Mul, then Add) comes back as the same layer, the same output", () => {
    const layer = "normalize scale=[2, 0.5, 4] shift=[-1, 0.25, -2]";
    const { text, maxError, tolerance } = roundTrip(
      `input 8x8x3\n${layer}\nconv 3x3 4 -> bn -> relu\ngap -> fc 2\n`,
    );
    expect(text).toContain(`  ${layer}\n`);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });

  it("PyTorch's (x - mean) / std (Sub, then Div) is `normalize mean= std=`", () => {
    const layer = "normalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]";
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const { text, maxError, tolerance } = roundTrip(
      `input 8x8x3\n${layer}\nconv 3x3 4 -> bn -> relu\ngap -> fc 2\n`,
      (m) => {
        // dsnet writes x · (1/std) + (-mean/std); make it x - mean, then / std.
        const [mul, add] = m.graph.node.filter((n) => n.op_type === "Mul" || n.op_type === "Add");
        mul.op_type = "Sub";
        add.op_type = "Div";
        for (const [name, values] of [
          [mul.input[1], mean],
          [add.input[1], std],
        ] as const) {
          const init = m.graph.initializer.find((t) => t.name === name)!;
          init.raw_data = new Uint8Array(Float32Array.from(values).buffer);
        }
      },
    );
    expect(text).toContain(`  ${layer}\n`);
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });

  it("a constant on the left (2 · x) and a broadcast over width, not channels, is an error", () => {
    const { text } = roundTrip("input 8x8x3\nnormalize scale=2 shift=0\npw 4\n", (m) => {
      const mul = m.graph.node.find((n) => n.op_type === "Mul")!;
      mul.input = [mul.input[1], mul.input[0]];
    });
    expect(text).toContain("  normalize scale=2 shift=0\n");
    const model = decodeModel(
      exportOnnx(
        onnxGraph(checkSources("input 8x8x3\nnormalize scale=2 shift=0\npw 4\n").networks[0]),
      ).bytes,
    );
    const scale = model.graph.initializer.find((t) => t.name.endsWith(".scale"))!;
    scale.dims = [3];
    expect(() => importModel("net.onnx", encodeModel(model), "net")).toThrow(
      /a constant of dims \[3\]; dsnet scales by one value or one per channel/,
    );
  });
});
