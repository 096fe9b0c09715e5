/// <reference types="@webgpu/types" />
import fc from "fast-check";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { compileWgsl, type WgslStepKind } from "../src/backends/wgsl/compile.js";
import { WgslNetwork } from "../src/backends/wgsl/host-runtime.js";
import { createWebGpuRunner, requestWebGpuDevice } from "../src/backends/wgsl/runner.js";
import { writeWgslProgram } from "../src/backends/wgsl/write.js";
import type { Network } from "../src/check/network.js";
import { checkFile } from "../src/check/program.js";
import type { Graph } from "../src/ir/graph.js";
import { compileGraph } from "../src/compile.js";
import { fuseSeparable } from "../src/ir/passes.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";
import { checkSources, exampleNetwork } from "./helpers.js";
import { randomNetwork } from "./random-networks.js";
import { runs } from "./runs.js";

/*
 * The WGSL backend run for real: Dawn (the `webgpu` package) on whatever adapter it finds, in
 * development and CI SwiftShader's Vulkan driver on the CPU (VK_ICD_FILENAMES, see
 * DESIGN.md §7). Every output is held to the CPU plan. Without an adapter the tests are skipped
 * with the reason in their name, except on CI (CI=true), where they fail.
 */

const onCi = process.env.CI === "true";
const found = await requestWebGpuDevice().then(
  (device) => ({ device, reason: "" }),
  (e: Error) => ({ device: undefined, reason: e.message }),
);
const skipped = found.device === undefined && !onCi;
if (skipped) console.warn(`test/wgsl.test.ts: WebGPU tests skipped: ${found.reason}`);

/** The device, or a failure that says why there is none (only reached on CI). */
function gpu(): GPUDevice {
  if (!found.device) throw new Error(`CI=true and no WebGPU device: ${found.reason}`);
  return found.device;
}

afterAll(() => found.device?.destroy());

/** The graph the CPU plan runs; `fuseSeparable` of it is the one WebGPU runs. */
function graphOf(network: Network, seed = 0): Graph {
  return compileGraph(
    network,
    initialWeights(network, seed).map((t) => t.data),
    { target: "cpu" },
  );
}

function randomInput(network: Network, batch: number, seed = 1): Float32Array {
  const [h, w, c] = network.input;
  const random = new Random(seed);
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

/** The graph up to the input of its final softmax: logits show errors a softmax would hide. */
function logitsOf(graph: Graph): Graph {
  const last = graph.nodes[graph.nodes.length - 1];
  if (last.op !== "softmax") return graph;
  return { ...graph, nodes: graph.nodes.slice(0, -1), output: last.inputs[0] };
}

function expectClose(actual: Float32Array, reference: Float32Array, context: string): void {
  const { maxError, tolerance } = compareToReference(actual, reference);
  expect(actual.length, context).toBe(reference.length);
  expect(maxError, context).toBeLessThanOrEqual(tolerance);
}

/** Runs `graph` on WebGPU and on the CPU plan and compares. */
async function expectMatchesCpu(
  graph: Graph,
  input: Float32Array,
  batch: number,
  context: string,
  fused = true,
): Promise<Float32Array> {
  const reference = new CpuPlan(graph, { batch }).forward(input).slice();
  const runner = await createWebGpuRunner(fused ? fuseSeparable(graph) : graph, batch, {
    device: gpu(),
  });
  try {
    const output = await runner.forward(input);
    expectClose(output, reference, context);
    return output;
  } finally {
    runner.dispose();
  }
}

/**
 * Creates a shader module and (unless `pipeline` is false) a pipeline, returning WGSL messages
 * and validation errors. The module is WGSL checked by Tint, in milliseconds; the pipeline is
 * SwiftShader compiling it, some 50 ms a shader.
 */
async function compileShader(device: GPUDevice, code: string, pipeline = true): Promise<string[]> {
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  if (pipeline) {
    device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  }
  const error = await device.popErrorScope();
  return [
    ...info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`),
    ...(error ? [error.message] : []),
  ];
}

/**
 * What decides whether a shader makes a valid pipeline: its code without the header comment and
 * with every number set to 0, except on the lines that size workgroups and workgroup memory (what
 * pipeline creation checks against the device's limits). Shaders alike in this compile alike.
 */
function pipelineShape(code: string): string {
  return code
    .slice(code.indexOf("\n\n"))
    .split("\n")
    .map((line) => (line.includes("workgroup") ? line : line.replace(/\d+/g, "0")))
    .join("\n");
}

/** Every kind of step there is (the type checker keeps the list whole). */
const STEP_KINDS = Object.keys({
  "fused-separable": 0,
  depthwise: 0,
  pointwise: 0,
  conv: 0,
  "grouped-conv": 0,
  fc: 0,
  maxpool: 0,
  avgpool: 0,
  "global-avgpool": 0,
  "global-maxpool": 0,
  add: 0,
  mul: 0,
  concat: 0,
  slice: 0,
  shuffle: 0,
  affine: 0,
  activation: 0,
  copy: 0,
  flatten: 0,
  softmax: 0,
} satisfies Record<WgslStepKind, 0>);

const skipNote = skipped ? ` (skipped: ${found.reason.split("\n")[0]})` : "";

describe.skipIf(skipped)(`WGSL shaders on WebGPU${skipNote}`, () => {
  // The first network of each example: the others of a file (EfficientNet B1 to B7) are the same
  // kinds of shader at other sizes. Tint checks every shader; SwiftShader compiles a pipeline for
  // each one whose pipelineShape differs from those before it, in any example.
  const examples = readdirSync("examples")
    .filter((f) => f.endsWith(".dsnet"))
    .flatMap((f) =>
      checkFile(`examples/${f}`)
        .networks.slice(0, 1)
        .map((n) => [f, n] as const),
    );

  // Shaders already compiled to a pipeline, by their pipelineShape, across examples.
  const compiled = new Set<string>();

  it.each(examples)(
    "every shader of %s compiles without errors or warnings",
    async (file, network) => {
      const graph = fuseSeparable(graphOf(network));
      const program = compileWgsl(graph, { sourceFile: `examples/${file}` });
      for (const step of program.steps) {
        const placed = pipelineShape(step.code);
        const pipeline = !compiled.has(placed);
        compiled.add(placed);
        expect(await compileShader(gpu(), step.code, pipeline), step.name).toEqual([]);
      }
    },
  );

  it("shaders compile with hostile text from the user in their comments", async () => {
    const network = exampleNetwork("examples/seed_block.dsnet");
    const hostile = "a*/b\nc\r\nd\u2028e\u2029f\u0085g\u000bh`${x}\\";
    const program = compileWgsl(graphOf(network), { sourceFile: hostile, networkName: hostile });
    for (const step of program.steps) {
      expect(await compileShader(gpu(), step.code), step.name).toEqual([]);
    }
  });

  it("reports a WGSL error with the step's name, line and column", async () => {
    const broken = {
      network: "broken",
      batch: 1,
      arenaBytes: 16,
      weightBytes: 0,
      input: { offset: 0, shape: [1, 1, 1, 4] as [number, number, number, number] },
      output: { offset: 0, shape: [1, 1, 1, 4] as [number, number, number, number] },
      steps: [
        {
          name: "01_bad",
          workgroups: [1, 1, 1] as [number, number, number],
          code: "@compute @workgroup_size(1)\nfn main() {\n  let x: u32 = 1.5;\n}\n",
        },
      ],
    };
    await expect(WgslNetwork.create(gpu(), broken, new ArrayBuffer(0))).rejects.toThrow(
      /01_bad\.wgsl:3:\d+: .*\n\s+let x: u32 = 1\.5;/,
    );
  });
});

describe.skipIf(skipped)(`WGSL outputs equal the CPU plan's${skipNote}`, () => {
  it.each([1, 2])("the seed block (56x56x128, dw 3x3 -> pw 64), batch %i", async (batch) => {
    const network = exampleNetwork("examples/seed_block.dsnet");
    await expectMatchesCpu(graphOf(network), randomInput(network, batch), batch, "seed block");
  });

  const small: [string, string[]][] = [
    ["examples/mobilenet_v1.dsnet", ["alpha=0.25", "res=32", "classes=10"]],
    ["examples/mobilenet_v2.dsnet", ["alpha=0.35", "res=32", "classes=10"]],
  ];
  describe.each(small)("%s %j", (file, set) => {
    const network = exampleNetwork(file, set);
    const graph = graphOf(network, 3);
    // Most of the time goes to compiling pipelines, so each extra run is another whole network.
    it("batch 1: the output", async () => {
      await expectMatchesCpu(graph, randomInput(network, 1), 1, `${file} output`);
    });
    it.each([1, 2])("batch %i: the logits", async (batch) => {
      const input = randomInput(network, batch);
      await expectMatchesCpu(logitsOf(graph), input, batch, `${file} logits`);
    });
  });

  // Its steps, optimised and as lowered, fused and not, are every kind of shader there is; at
  // batch 32 the fc step is the tiled matrix product instead of the matrix-vector one.
  const everyKind = [
    "input 7x6x5",
    "conv 3x3 8 s2 -> bn -> relu",
    "sep 12 3x3",
    "dw 3x3 -> relu6",
    "maxpool 2x2 pad=1 -> tanh",
    "conv 3x3 8 groups=2",
    "residual {\n  dw 3x3 -> bn -> silu\n  pw in.c\n}",
    "bn -> relu",
    "mul {\n  gap -> sigmoid\n}",
    "concat {\n} {\n  dw 3x3\n}",
    "slice 1 in.c - 3",
    "shuffle 3",
    "avgpool 2x2 s1 same",
    "gmp",
    "gap",
    "dropout 0.5",
    "flatten -> fc 5 -> softmax",
  ].join("\n");
  it.each([1, 2, 32])("a network with every kind of step, batch %i", async (batch) => {
    const network = checkSources(everyKind).networks[0];
    const weights = initialWeights(network, 5).map((t) => t.data);
    const input = randomInput(network, batch);
    const kinds = new Set<WgslStepKind>();
    for (const optimize of [true, false]) {
      const graph = compileGraph(network, weights, { target: "cpu", optimize });
      for (const fused of [true, false]) {
        const program = compileWgsl(fused ? fuseSeparable(graph) : graph, { batch });
        for (const step of program.steps) kinds.add(step.kind);
        const how = `${optimize ? "optimised" : "as lowered"}, ${fused ? "fused" : "unfused"}`;
        await expectMatchesCpu(graph, input, batch, how, fused);
      }
    }
    expect([...kinds].sort()).toEqual([...STEP_KINDS].sort());
  });

  it("random networks (odd sizes and channels, strides, dilations, padding, multipliers)", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, async ({ source, network, weights, input, batch }) => {
        const graph = compileGraph(network, weights, { target: "cpu" });
        await expectMatchesCpu(graph, input, batch, source);
      }),
      { numRuns: runs(40) },
    );
  });

  it("a grid of more than 65535 workgroups runs in two dimensions", async () => {
    const network = checkSources("input 1040x1024x16\nrelu6\n").networks[0];
    const graph = graphOf(network);
    const program = compileWgsl(graph);
    expect(program.steps[0].workgroups[1]).toBeGreaterThan(1);
    const input = Float32Array.from({ length: 1040 * 1024 * 16 }, (_, i) => ((i % 97) - 40) / 5);
    await expectMatchesCpu(graph, input, 1, "2D grid");
  });
});

describe.skipIf(skipped)(`the fused separable kernel${skipNote}`, () => {
  const pair = fc
    .tuple(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 13 }),
      // Past 32 output channels the fused kernel's tiles are 64 channels wide.
      fc.oneof(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 30, max: 70 })),
      fc.constantFrom("3x3", "5x5", "3x1", "2x2"),
      fc.constantFrom("s1", "s2"),
      fc.constantFrom("", "d2"),
      fc.constantFrom("same", "same_upper", "valid", "pad=[0, 1, 1, 0]"),
      fc.constantFrom("", "-> bn -> relu6", "-> sigmoid", "-> bn -> leaky_relu 0.2"),
      fc.constantFrom("", "-> bn -> relu6", "-> hardswish", "-> bn"),
      fc.constantFrom(1, 2),
    )
    .map(([h, w, c, n, k, s, d, p, dwAct, pwAct, batch]) => ({
      source: `input ${h}x${w}x${c}\ndw ${k} ${s} ${d} ${p} ${dwAct}\npw ${n} ${pwAct}\n`,
      batch,
    }))
    .map(({ source, batch }) => ({ source, batch, network: checkSources(source).networks[0] }))
    .filter(({ network }) => network !== undefined);

  it("equals the unfused depthwise and pointwise kernels and the CPU plan", async () => {
    await fc.assert(
      fc.asyncProperty(
        pair,
        fc.integer({ min: 0, max: 99 }),
        async ({ source, batch, network }, seed) => {
          const graph = graphOf(network, seed);
          const fused = compileWgsl(fuseSeparable(graph), { batch });
          const unfused = compileWgsl(graph, { batch });
          expect(fused.steps.map((s) => s.kind)).toEqual(["fused-separable"]);
          expect(unfused.steps.map((s) => s.kind)).toEqual(["depthwise", "pointwise"]);
          const input = randomInput(network, batch, seed);
          const a = await expectMatchesCpu(graph, input, batch, `fused: ${source}`);
          const b = await expectMatchesCpu(graph, input, batch, `unfused: ${source}`, false);
          expectClose(a, b, `fused vs unfused: ${source}`);
        },
      ),
      { numRuns: runs(25) },
    );
  });
});

describe.skipIf(skipped)(`the generated host.ts${skipNote}`, () => {
  it("runs as written to disk, with weights.bin, and matches the CPU plan", async () => {
    const source =
      "input 9x7x3\nconv 3x3 6 s2 -> bn -> relu\nsep 10 3x3\nresidual {\n  dw 3x3 -> bn -> silu\n  pw in.c\n}\ngap -> fc 5 -> softmax\n";
    const network = checkSources(source).networks[0];
    const graph = graphOf(network, 4);
    const batch = 2;
    const program = compileWgsl(fuseSeparable(graph), { batch, sourceFile: "main.dsnet" });
    const dir = mkdtempSync(join(tmpdir(), "dsnet-wgsl-"));
    try {
      writeWgslProgram(program, dir);
      const host = (await import(pathToFileURL(join(dir, "host.ts")).href)) as {
        createNetwork(device: GPUDevice, weights: ArrayBuffer): Promise<WgslNetwork>;
      };
      const file = readFileSync(join(dir, "weights.bin"));
      const weights = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
      const net = await host.createNetwork(gpu(), weights);
      const input = randomInput(network, batch);
      const reference = new CpuPlan(graph, { batch }).forward(input).slice();
      expectClose(await net.forward(input), reference, "host.ts");
      net.destroy();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
