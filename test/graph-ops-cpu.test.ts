import { describe, expect, it } from "vitest";
import { stepCalls } from "../src/backends/cpu/calls.js";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { planSteps } from "../src/backends/cpu/steps.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import type { Graph, Shape } from "../src/ir/graph.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { optimize } from "../src/ir/passes.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";
import { GraphBuilder } from "./graph-builder.js";
import { checkSources } from "./helpers.js";
import { referenceForward } from "./reference.js";

/*
 * mul, concat, slice and shuffle on the CPU plan and in the generated module, against the
 * float64 reference interpreter: small graphs built by hand, odd channel counts and offsets,
 * batch 1 and 3.
 */

function randomInput(graph: Graph, batch: number, seed = 7): Float32Array {
  const random = new Random(seed);
  const [h, w, c] = graph.values[graph.input];
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

function expectClose(actual: ArrayLike<number>, reference: ArrayLike<number>, context: string) {
  const { maxError, tolerance } = compareToReference(actual, reference);
  expect(maxError, context).toBeLessThanOrEqual(tolerance);
}

/** The CPU plan and the generated module, each at batch 1 and 3, against the reference. */
async function expectMatchesReference(graph: Graph) {
  const module = await importGeneratedModule(graph);
  for (const batch of [1, 3]) {
    const input = randomInput(graph, batch);
    const reference = referenceForward(graph, input, batch);
    expectClose(new CpuPlan(graph, { batch }).forward(input), reference, `plan, batch ${batch}`);
    expectClose(
      new CpuPlan(optimize(graph), { batch }).forward(input),
      reference,
      `optimised plan, batch ${batch}`,
    );
    expectClose(
      module.createModel({ batch }).forward(input),
      reference,
      `generated module, batch ${batch}`,
    );
  }
}

/** Each op on its own, from an input of the given shape. */
const cases: [string, Shape, (b: GraphBuilder) => number][] = [
  ["mul, same shape", [5, 3, 7], (b) => b.mul(0, b.conv(0, { k: 3, dw: true }))],
  ["mul, 1x1xC gate broadcast", [5, 3, 7], (b) => b.mul(0, b.globalAvgPool(0))],
  [
    "mul, 1x1xC gate from pw -> sigmoid (squeeze and excitation)",
    [4, 6, 5],
    (b) => b.mul(0, b.conv(b.globalAvgPool(0), { out: 5, act: { kind: "sigmoid" } })),
  ],
  ["mul of two 1x1xC values", [1, 1, 9], (b) => b.mul(0, b.conv(0, { out: 9 }))],
  ["concat of 2, odd channels", [3, 5, 3], (b) => b.concat(0, b.conv(0, { out: 5 }))],
  [
    "concat of 3, odd channels",
    [4, 3, 5],
    (b) => b.concat(b.conv(0, { out: 1 }), 0, b.conv(0, { out: 7, k: 3 })),
  ],
  ["concat of a value with itself", [2, 3, 3], (b) => b.concat(0, 0)],
  ["slice at an odd offset", [3, 4, 11], (b) => b.slice(0, 3, 5)],
  ["slice of the last channel", [3, 4, 7], (b) => b.slice(0, 6, 1)],
  ["slice from 0", [5, 2, 6], (b) => b.slice(0, 0, 5)],
  ["shuffle, groups 2", [3, 3, 6], (b) => b.shuffle(0, 2)],
  ["shuffle, groups 3", [2, 5, 9], (b) => b.shuffle(0, 3)],
  ["shuffle, groups 2 at 1x1", [1, 1, 10], (b) => b.shuffle(0, 2)],
];

describe("mul, concat, slice, shuffle on the CPU plan and in the generated module", () => {
  it.each(cases)("%s", async (_, input, build) => {
    const b = new GraphBuilder(input);
    await expectMatchesReference(b.graph(build(b)));
  });

  it("a chain mixing them with convolutions", async () => {
    await expectMatchesReference(mixedChain());
  });

  it("the chain's outputs are bitwise the same for a sample alone and in a batch of 3", async () => {
    const graph = mixedChain();
    const module = await importGeneratedModule(graph);
    const input = randomInput(graph, 3);
    const runners = [
      (batch: number) => new CpuPlan(graph, { batch }),
      (batch: number) => module.createModel({ batch }),
    ];
    for (const make of runners) {
      const together = make(3).forward(input).slice();
      const alone = make(1);
      const per = together.length / 3;
      for (let n = 0; n < 3; n++) {
        const sample = input.subarray((n * input.length) / 3, ((n + 1) * input.length) / 3);
        expect(alone.forward(sample)).toEqual(together.subarray(n * per, (n + 1) * per));
      }
    }
  });

  it("a ShuffleNet v2 unit and a squeeze-and-excitation gate written in dsnet", async () => {
    const source = [
      "input 7x5x10",
      "concat split=2 {",
      "} {",
      "  pw 5 -> bn -> relu",
      "  dw 3x3 -> bn",
      "  pw 5 -> bn -> relu",
      "}",
      "shuffle 2",
      "let c = in.c",
      "mul {",
      "  gap -> pw c -> hardsigmoid",
      "}",
      "slice 3 9",
      "",
    ].join("\n");
    const network = checkSources(source).networks[0];
    const weights = initialWeights(network, 4).map((t) => t.data);
    await expectMatchesReference(lowerNetwork(network, weights));
  });
});

/**
 * conv 3x3 s1 -> dw 3x3 -> shuffle 3 -> channels [1, 6), concatenated with the input and a pw,
 * gated by gap -> pw -> sigmoid, multiplied by the concat again (same shape) and projected by a
 * strided conv.
 */
function mixedChain(): Graph {
  const b = new GraphBuilder([6, 5, 5], 3);
  const a = b.conv(0, { out: 9, k: 3, act: { kind: "relu" } });
  const shuffled = b.shuffle(b.conv(a, { k: 3, dw: true }), 3);
  const sliced = b.slice(shuffled, 1, 5);
  const joined = b.concat(sliced, 0, b.conv(a, { out: 3 }));
  const gate = b.conv(b.globalAvgPool(joined), { out: 13, act: { kind: "sigmoid" } });
  const gated = b.mul(joined, gate);
  const squared = b.mul(gated, joined);
  return b.graph(b.conv(squared, { out: 4, k: 3, s: 2 }));
}

describe("the calls of the new steps", () => {
  const calls = (graph: Graph) => planSteps(graph).map((s) => stepCalls(s, []).calls);
  const m = { symbol: "m" };

  // The WebAssembly kernels take byte addresses and strides; the runtime's loops (a module's
  // `--kernels js`) elements.
  const bytes = (e: object) => ({ mul: [e, 4] });
  const loops = (graph: Graph) => planSteps(graph).map((s) => stepCalls(s, [], "js").calls);

  it("concat copies each input into its channels of every pixel", () => {
    const b = new GraphBuilder([2, 3, 3]);
    const pw = b.conv(0, { out: 4 });
    b.concat(0, pw);
    const [, concat] = calls(b.graph(2));
    const second = { add: [{ value: 2 }, 3] };
    expect(concat).toEqual([
      { fn: "k.copy_channels", args: [bytes({ value: 0 }), 12, bytes({ value: 2 }), 28, 3, 0, 6] },
      { fn: "k.copy_channels", args: [bytes({ value: 1 }), 16, bytes(second), 28, 4, 0, 6] },
    ]);
    expect(loops(b.graph(2))[1]).toEqual([
      { fn: "copyChannels", args: [m, { value: 0 }, 3, { value: 2 }, 7, 6, 3] },
      { fn: "copyChannels", args: [m, { value: 1 }, 4, second, 7, 6, 4] },
    ]);
  });

  it("slice copies its channels out of every pixel", () => {
    const b = new GraphBuilder([2, 3, 11]);
    const graph = b.graph(b.slice(0, 3, 5));
    const from = { add: [{ value: 0 }, 3] };
    expect(calls(graph)[0]).toEqual([
      { fn: "k.copy_channels", args: [bytes(from), 44, bytes({ value: 1 }), 20, 5, 0, 6] },
    ]);
    expect(loops(graph)[0]).toEqual([
      { fn: "copyChannels", args: [m, from, 11, { value: 1 }, 5, 6, 5] },
    ]);
  });

  it("mul with a 1x1xC gate reads it for the sample; the same shape multiplies element-wise", () => {
    const b = new GraphBuilder([2, 3, 5]);
    const gated = b.mul(0, b.globalAvgPool(0));
    const graph = b.graph(b.mul(gated, 0));
    // One sample: the plan and the modules run a batch sample by sample.
    const batch = 1;
    const [, loopBroadcast, loopSame] = loops(graph);
    expect(loopBroadcast).toEqual([
      { fn: "mulChannels", args: [m, { value: 0 }, { value: 1 }, { value: 2 }, batch, 6, 5] },
    ]);
    expect(loopSame).toEqual([
      { fn: "mul", args: [m, { value: 2 }, { value: 0 }, { value: 3 }, 30] },
    ]);
    // The kernels take a range of pixels or floats last.
    const address = (id: number) => bytes({ value: id });
    const [pool, broadcast, same] = calls(graph);
    expect(pool).toEqual([
      { fn: "k.global_pool", args: [address(0), address(1), batch, 6, 5, 0, 0, 5] },
    ]);
    expect(broadcast).toEqual([
      { fn: "k.mul_channels", args: [address(0), address(1), address(2), batch, 6, 5, 0, 6] },
    ]);
    expect(same).toEqual([
      { fn: "k.elementwise_mul", args: [address(2), address(0), address(3), 0, 30] },
    ]);
  });

  it("shuffle permutes the channels of every pixel", () => {
    const b = new GraphBuilder([2, 3, 6]);
    const graph = b.graph(b.shuffle(0, 3));
    expect(calls(graph)[0]).toEqual([
      { fn: "k.shuffle_channels", args: [bytes({ value: 0 }), bytes({ value: 1 }), 6, 3, 0, 6] },
    ]);
    expect(loops(graph)[0]).toEqual([
      { fn: "shuffleChannels", args: [m, { value: 0 }, { value: 1 }, 6, 6, 3] },
    ]);
  });
});

describe("the reference interpreter's new operations, on tiny known cases", () => {
  const run = (input: Shape, data: number[], build: (b: GraphBuilder) => number) => {
    const b = new GraphBuilder(input);
    return Array.from(referenceForward(b.graph(build(b)), Float32Array.from(data), 1));
  };

  it("shuffle is PyTorch's view(g, C/g).transpose: channels 0..5 with groups 2 are 0 3 1 4 2 5", () => {
    expect(run([1, 1, 6], [0, 1, 2, 3, 4, 5], (b) => b.shuffle(0, 2))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(run([1, 1, 6], [0, 1, 2, 3, 4, 5], (b) => b.shuffle(0, 3))).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it("concat and slice work per pixel", () => {
    // Two pixels of 2 channels: [a0 a1 | b0 b1].
    expect(run([1, 2, 2], [1, 2, 3, 4], (b) => b.concat(0, 0))).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(run([1, 2, 3], [1, 2, 3, 4, 5, 6], (b) => b.slice(0, 1, 2))).toEqual([2, 3, 5, 6]);
  });

  it("mul broadcasts a 1x1xC gate over the pixels", () => {
    // gap of [1 2 | 3 4] is [2 3]; times each pixel.
    expect(run([1, 2, 2], [1, 2, 3, 4], (b) => b.mul(0, b.globalAvgPool(0)))).toEqual([
      2, 6, 6, 12,
    ]);
  });
});
