/// <reference types="@webgpu/types" />
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { compileWgsl } from "../src/backends/wgsl/compile.js";
import { compileGraph } from "../src/compile.js";
import { createWebGpuRunner, requestWebGpuDevice } from "../src/backends/wgsl/runner.js";
import type { Activation, Graph, Shape } from "../src/ir/graph.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";
import { GraphBuilder } from "./graph-builder.js";
import { checkSources } from "./helpers.js";
import { referenceForward } from "./reference.js";
import { runs } from "./runs.js";

/*
 * The WGSL kernels of the graph operations (mul, concat, slice, shuffle) on Dawn, on graphs built
 * by hand, held to the float64 reference: odd channel counts and offsets, which move channels
 * between the lanes of the vec4s the arena pads every pixel to; then the example networks made
 * of them. As in test/wgsl.test.ts, the tests are skipped with the reason in their name without
 * an adapter, except on CI (CI=true).
 */

const onCi = process.env.CI === "true";
const found = await requestWebGpuDevice().then(
  (device) => ({ device, reason: "" }),
  (e: Error) => ({ device: undefined, reason: e.message }),
);
const skipped = found.device === undefined && !onCi;
if (skipped) console.warn(`test/wgsl-graph-ops.test.ts: WebGPU tests skipped: ${found.reason}`);
const skipNote = skipped ? ` (skipped: ${found.reason.split("\n")[0]})` : "";

function gpu(): GPUDevice {
  if (!found.device) throw new Error(`CI=true and no WebGPU device: ${found.reason}`);
  return found.device;
}

afterAll(() => found.device?.destroy());

function build(input: Shape, body: (b: GraphBuilder, x: number) => number): Graph {
  const b = new GraphBuilder(input);
  return b.graph(body(b, 0));
}

function randomInput(graph: Graph, batch: number, seed = 1): Float32Array {
  const [h, w, c] = graph.values[graph.input];
  const random = new Random(seed);
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

/** Runs `graph` on WebGPU and holds it to the float64 reference. */
async function expectMatchesReference(graph: Graph, batch: number, context: string) {
  const input = randomInput(graph, batch);
  const reference = referenceForward(graph, input, batch);
  const runner = await createWebGpuRunner(graph, batch, { device: gpu() });
  try {
    const output = await runner.forward(input);
    const { maxError, tolerance } = compareToReference(output, reference);
    expect(output.length, context).toBe(reference.length);
    expect(maxError, context).toBeLessThanOrEqual(tolerance);
  } finally {
    runner.dispose();
  }
}

const sigmoid: Activation = { kind: "sigmoid" };

/** Each graph, named; the input's channels are odd where the case is about lanes. */
const cases: [string, Graph][] = [
  ["mul, same shape", build([5, 3, 6], (b, x) => b.mul(x, b.activation(x, { kind: "tanh" })))],
  ["mul, same shape, 8 channels", build([3, 4, 8], (b, x) => b.mul(x, b.activation(x, sigmoid)))],
  [
    "mul, 1x1xC broadcast (a squeeze-and-excitation gate), 7 channels",
    build([5, 3, 7], (b, x) => b.mul(x, b.activation(b.globalAvgPool(x), sigmoid))),
  ],
  [
    "mul, 1x1xC broadcast, 12 channels",
    build([2, 3, 12], (b, x) => b.mul(x, b.activation(b.globalAvgPool(x), sigmoid))),
  ],
  [
    "mul of a 1x1 value by a 1x1 value",
    build([1, 1, 5], (b, x) => b.mul(x, b.activation(x, sigmoid))),
  ],
  [
    "concat of 3 inputs of 5, 3 and 6 channels (slices at 3, 0, 8)",
    build([4, 3, 14], (b, x) => b.concat(b.slice(x, 3, 5), b.slice(x, 0, 3), b.slice(x, 8, 6))),
  ],
  [
    "concat of 2 inputs of 3 and 5 channels",
    build([3, 5, 8], (b, x) => b.concat(b.slice(x, 0, 3), b.slice(x, 3, 5))),
  ],
  [
    "concat of 8 and 6 channels (vec4 runs, then lanes)",
    build([3, 2, 14], (b, x) =>
      b.concat(b.slice(x, 0, 8), b.activation(b.slice(x, 8, 6), { kind: "relu" })),
    ),
  ],
  ["concat of a value with itself, 6 channels", build([2, 3, 6], (b, x) => b.concat(x, x))],
  ["concat of one input", build([2, 2, 5], (b, x) => b.concat(x))],
  ["slice at 1 of 13, 2 channels", build([3, 3, 13], (b, x) => b.slice(x, 1, 2))],
  ["slice at 3 of 13, 7 channels", build([3, 3, 13], (b, x) => b.slice(x, 3, 7))],
  ["slice at 5 to the end of 13", build([3, 3, 13], (b, x) => b.slice(x, 5, 8))],
  ["slice at 4 to the end of 13 (vec4 copy)", build([3, 3, 13], (b, x) => b.slice(x, 4, 9))],
  [
    "slice at 4 of 13, 5 channels (vec4, then lanes)",
    build([3, 3, 13], (b, x) => b.slice(x, 4, 5)),
  ],
  ["slice at 0 of 12, 8 channels", build([3, 3, 12], (b, x) => b.slice(x, 0, 8))],
  ["shuffle, 2 groups of 3", build([3, 4, 6], (b, x) => b.shuffle(x, 2))],
  ["shuffle, 2 groups of 5", build([3, 2, 10], (b, x) => b.shuffle(x, 2))],
  ["shuffle, 3 groups of 3", build([2, 3, 9], (b, x) => b.shuffle(x, 3))],
  ["shuffle, 3 groups of 4", build([2, 3, 12], (b, x) => b.shuffle(x, 3))],
  [
    "a ShuffleNet unit: split, branch, concat, shuffle",
    build([4, 4, 10], (b, x) =>
      b.shuffle(b.concat(b.slice(x, 0, 5), b.activation(b.slice(x, 5, 5), { kind: "relu6" })), 2),
    ),
  ],
];

describe.skipIf(skipped)(`WGSL graph operations${skipNote}`, () => {
  it("every shader compiles without errors or warnings", async () => {
    const device = gpu();
    for (const [name, graph] of cases) {
      for (const step of compileWgsl(graph, { batch: 2 }).steps) {
        device.pushErrorScope("validation");
        const module = device.createShaderModule({ code: step.code });
        const info = await module.getCompilationInfo();
        device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
        const error = await device.popErrorScope();
        const messages = [
          ...info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`),
          ...(error ? [error.message] : []),
        ];
        expect(messages, `${name}: ${step.name}\n${step.code}`).toEqual([]);
      }
    }
  });

  it("the steps are the graph operations' kernels", () => {
    const kinds = new Set(cases.flatMap(([, g]) => compileWgsl(g).steps.map((s) => s.kind)));
    for (const kind of ["mul", "concat", "slice", "shuffle"] as const) {
      expect(kinds.has(kind), kind).toBe(true);
    }
  });

  describe.each([1, 2])("batch %i", (batch) => {
    it.each(cases)("%s", async (name, graph) => {
      await expectMatchesReference(graph, batch, name);
    });
  });

  // Concats of slices of one input at any offsets and lengths, then a shuffle of the result.
  const slices = fc
    .tuple(
      fc.integer({ min: 1, max: 13 }),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(1, 2, 3),
      fc.constantFrom(1, 2),
    )
    .map(([c, picks, groups, batch]) => {
      const parts = picks.map(([a, b]) => {
        const start = a % c;
        return [start, 1 + (b % (c - start))] as const;
      });
      const total = parts.reduce((sum, [, n]) => sum + n, 0);
      return { c, parts, groups: total % groups === 0 ? groups : 1, batch };
    });
  it("random slices, concats and shuffles", async () => {
    await fc.assert(
      fc.asyncProperty(slices, async ({ c, parts, groups, batch }) => {
        const graph = build([2, 3, c], (b, x) =>
          b.shuffle(b.concat(...parts.map(([start, n]) => b.slice(x, start, n))), groups),
        );
        await expectMatchesReference(graph, batch, JSON.stringify({ c, parts, groups }));
      }),
      { numRuns: runs(15) },
    );
  });

  it("a network that scales its input with normalize (a constant affine node)", async () => {
    const network = checkSources(
      "input 9x7x3\nnormalize mean=[0.485, 0.456, 0.406] std=[0.229, 0.224, 0.225]\nconv 3x3 6 s2 -> bn -> relu\nnormalize scale=-0.5 shift=0.25\ngap -> fc 5\n",
    ).networks[0];
    const weights = initialWeights(network, 3).map((t) => t.data);
    for (const batch of [1, 2]) {
      const graph = compileGraph(network, weights, { target: "cpu" });
      await expectMatchesReference(graph, batch, `normalize, batch ${batch}`);
    }
  });

  // Whole networks made of them (the examples at small widths) run on WebGPU against PyTorch
  // in test/graph-networks-pytorch.test.ts.
});
