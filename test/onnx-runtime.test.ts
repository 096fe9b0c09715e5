import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { exportOnnx, type OnnxOptions } from "../src/backends/onnx/index.js";
import type { Graph } from "../src/ir/graph.js";
import { Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";
import { checkSources } from "./helpers.js";
import { ONNX_OP_PROGRAM, onnxGraph, onnxNetwork } from "./onnx-networks.js";

/*
 * Every example network exported to ONNX and run in ONNX Runtime (onnxruntime-node), held to the
 * CPU plan on the same input at batch 1 and 2 through one model (the batch dimension is
 * symbolic); and every one of those models passes onnx.checker with full_check (Debian's
 * python3-onnx), which also runs ONNX's strict shape inference against the shapes the model
 * declares. Without either tool its tests are skipped with the reason in their name, except on
 * CI (CI=true), where they fail.
 */

const onCi = process.env.CI === "true";
const ort = await import("onnxruntime-node").then(
  (module) => ({ module, reason: "" }),
  (e: Error) => ({ module: undefined, reason: `onnxruntime-node: ${e.message.split("\n")[0]}` }),
);
const python = spawnSync("/usr/bin/python3", ["-c", "import onnx"], { encoding: "utf8" });
const checkerMissing =
  python.status === 0 ? "" : "no onnx module for /usr/bin/python3 (apt-get install python3-onnx)";
const skipRuntime = ort.module === undefined && !onCi;
const skipChecker = checkerMissing !== "" && !onCi;
if (skipRuntime)
  console.warn(`test/onnx-runtime.test.ts: ONNX Runtime tests skipped: ${ort.reason}`);
if (skipChecker) console.warn(`test/onnx-runtime.test.ts: ONNX checker skipped: ${checkerMissing}`);

/**
 * The graph up to the input of its final softmax: with random weights the logits run to the
 * hundreds, and a saturated softmax turns float32 rounding in them into errors near 1e-4.
 */
function logitsOf(graph: Graph): Graph {
  const last = graph.nodes[graph.nodes.length - 1];
  if (last.op !== "softmax") return graph;
  return { ...graph, nodes: graph.nodes.slice(0, -1), output: last.inputs[0] };
}

/** One exported model: the graph, the export options and the batches it runs at. */
interface ModelCase {
  file: string;
  graph: () => Graph;
  options: OnnxOptions;
  batches: number[];
}

const graphs = new Map<string, Graph>();
function cached(key: string, make: () => Graph): () => Graph {
  return () => {
    if (!graphs.has(key)) graphs.set(key, make());
    return graphs.get(key)!;
  };
}

function example(file: string, network: string | undefined, set: string[], logits = true) {
  return cached(`${file} ${network} ${set.join(" ")} ${logits}`, () => {
    const graph = onnxGraph(onnxNetwork(`examples/${file}.dsnet`, network, set));
    return logits ? logitsOf(graph) : graph;
  });
}

function program(source: string, others: Record<string, string> = {}) {
  return cached(source, () => {
    const result = checkSources(source, others);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
    return onnxGraph(result.networks[0]);
  });
}

const EXAMPLES: [file: string, network: string | undefined, set: string[]][] = [
  ["mobilenet_v1", undefined, ["res=32", "alpha=0.25", "classes=10"]],
  ["mobilenet_v2", undefined, ["res=32", "alpha=0.35", "classes=10"]],
  ["xception", undefined, ["res=32", "classes=10"]],
  ["seed_block", undefined, []],
  ["mobilenet_v3", "mobilenet_v3_large", ["res=32", "alpha=0.25", "classes=10"]],
  ["mobilenet_v3", "mobilenet_v3_small", ["res=32", "alpha=0.25", "classes=10"]],
  ["efficientnet", "efficientnet_b0", ["res=32", "classes=10"]],
  ["shufflenet_v2", undefined, ["res=32", "width=0.5", "classes=10"]],
  ["ghostnet", undefined, ["res=32", "width=0.5", "classes=10"]],
];

const separableBlock = program(
  'import "separable_block.dsnet"\ninput 16x16x8\nseparable 16\nseparable 24 s2\n',
  { "separable_block.dsnet": readFileSync("examples/separable_block.dsnet", "utf8") },
);
const ops = program(ONNX_OP_PROGRAM);
// The input's scaling: Mul and Add by [C, 1, 1] constants before the first convolution.
const normalized = program(
  "input 12x10x3\nnormalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]\nconv 3x3 8 s2 -> bn -> relu\ngap -> fc 5\n",
);
const both = [1, 2];

const CASES: ModelCase[] = [
  ...EXAMPLES.flatMap(([file, network, set]): ModelCase[] => {
    const graph = example(file, network, set);
    const name = network ?? file;
    return [
      { file: `${name}.onnx`, graph, options: {}, batches: both },
      { file: `${name}-folded.onnx`, graph, options: { foldBatchNorm: true }, batches: both },
    ];
  }),
  { file: "separable_block.onnx", graph: separableBlock, options: {}, batches: both },
  { file: "ops.onnx", graph: ops, options: {}, batches: both },
  { file: "normalize.onnx", graph: normalized, options: {}, batches: both },
  { file: "ops-folded.onnx", graph: ops, options: { foldBatchNorm: true }, batches: both },
  // Opset 13 has no HardSwish: HardSigmoid and Mul instead.
  { file: "ops-opset13.onnx", graph: ops, options: { opset: 13 }, batches: both },
  {
    file: "mobilenet_v1-softmax.onnx",
    graph: example("mobilenet_v1", undefined, EXAMPLES[0][2], false),
    options: {},
    batches: both,
  },
  {
    file: "shufflenet_v2-nhwc.onnx",
    graph: example("shufflenet_v2", undefined, EXAMPLES[7][2]),
    options: { layout: "nhwc" },
    batches: both,
  },
  // A spatial output, transposed back to NHWC.
  {
    file: "seed_block-nhwc.onnx",
    graph: example("seed_block", undefined, []),
    options: { layout: "nhwc" },
    batches: both,
  },
  {
    file: "mobilenet_v2-batch2.onnx",
    graph: example("mobilenet_v2", undefined, EXAMPLES[1][2]),
    options: { batch: 2 },
    batches: [2],
  },
];

/** [n, h, w, c] to [n, c, h, w], or back with `back`. */
function transpose(x: Float32Array, [n, h, w, c]: number[], back = false): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let i = 0; i < w; i++)
        for (let ch = 0; ch < c; ch++) {
          const nhwc = ((b * h + y) * w + i) * c + ch;
          const nchw = ((b * c + ch) * h + y) * w + i;
          if (back) out[nhwc] = x[nchw];
          else out[nchw] = x[nhwc];
        }
  return out;
}

/** What each case's run found, for the summary line at the end. */
const results: string[] = [];

const skipNote = skipRuntime ? ` (skipped: ${ort.reason})` : "";

describe.skipIf(skipRuntime)(`ONNX models in ONNX Runtime equal the CPU plan${skipNote}`, () => {
  afterAll(() => console.log(`ONNX Runtime against the CPU plan:\n${results.join("\n")}`));

  for (const { file, graph: graphFor, options, batches } of CASES) {
    it(`${file} at batch ${batches.join(" and ")}`, async () => {
      if (!ort.module) throw new Error(`CI=true and no ONNX Runtime: ${ort.reason}`);
      const { InferenceSession, Tensor } = ort.module;
      const graph = graphFor();
      const session = await InferenceSession.create(exportOnnx(graph, options).bytes);
      const [h, w, c] = graph.values[graph.input];
      const [oh, ow, oc] = graph.values[graph.output];
      const nhwc = options.layout === "nhwc";
      for (const batch of batches) {
        const random = new Random(batch);
        const input = Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
        const reference = new CpuPlan(graph, { batch }).forward(input);
        const fed = nhwc ? input : transpose(input, [batch, h, w, c]);
        const dims = nhwc ? [batch, h, w, c] : [batch, c, h, w];
        const { output } = await session.run({ input: new Tensor("float32", fed, dims) });
        const data = output.data as Float32Array;
        // [N, C] after an fc or flatten; otherwise NCHW unless the model is NHWC.
        const flat = output.dims.length === 2;
        const actual = flat || nhwc ? data : transpose(data, [batch, oh, ow, oc], true);
        const { maxError, tolerance, maxRef } = compareToReference(actual, reference);
        const context = `${file} at batch ${batch}: max error ${maxError}, tolerance ${tolerance}`;
        results.push(
          `  ${file} batch ${batch}: max |ref| ${maxRef.toPrecision(4)}, max error ${maxError.toPrecision(3)}`,
        );
        expect(actual.length, context).toBe(reference.length);
        expect(maxError, context).toBeLessThanOrEqual(tolerance);
      }
      await session.release();
    });
  }
});

const checkerNote = skipChecker ? ` (skipped: ${checkerMissing})` : "";

describe.skipIf(skipChecker)(`onnx.checker with full_check${checkerNote}`, () => {
  const folder = mkdtempSync(join(tmpdir(), "dsnet-onnx-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it(`passes all ${CASES.length} models`, () => {
    if (checkerMissing) throw new Error(`CI=true and ${checkerMissing}`);
    const paths = CASES.map(({ file, graph, options }) => {
      const path = join(folder, file);
      writeFileSync(path, exportOnnx(graph(), options).bytes);
      return path;
    });
    const script = [
      "import sys, onnx",
      "for path in sys.argv[1:]:",
      "    onnx.checker.check_model(onnx.load(path), full_check=True)",
      "    print('ok', path)",
    ].join("\n");
    const run = spawnSync("/usr/bin/python3", ["-c", script, ...paths], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(paths.length);
  });
});
