import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { stepCalls } from "../src/backends/cpu/calls.js";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { planSteps, type StepDescriptor } from "../src/backends/cpu/steps.js";
import { SHARED_MACS, sharedStepPlan } from "../src/backends/cpu/threads.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import type { Network } from "../src/check/network.js";
import { compile, compileGraph } from "../src/compile.js";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { instantiateKernels } from "../src/runtime/kernels.js";
import { packFc } from "../src/runtime/packing.js";
import { startKernelThreads, threadCount } from "../src/runtime/threads.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { exampleNetwork } from "./helpers.js";
import { randomNetwork } from "./random-networks.js";
import { runs } from "./runs.js";

/*
 * Threads split each shared step so that every output element is computed by one thread with
 * the same kernel and the same arguments as on one thread: the results are bitwise equal,
 * whatever the thread count.
 */

const EXAMPLES: [string, string[]][] = [
  ["examples/mobilenet_v1.dsnet", ["res=96"]],
  ["examples/mobilenet_v2.dsnet", ["res=96"]],
  ["examples/xception.dsnet", ["res=71"]],
];

function inputFor(network: Network, batch: number, seed = 3): Float32Array {
  const random = new Random(seed);
  const [h, w, c] = network.input;
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

/** Whether two outputs are the same floats, bit for bit (NaN included); the first difference. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.findIndex((v, i) => v !== y[i]);
}

const plans: CpuPlan[] = [];
afterAll(() => plans.forEach((p) => p.dispose()));

async function planOutput(
  network: Network,
  weights: Float32Array[],
  input: Float32Array,
  batch: number,
  threads: number,
): Promise<{ output: Float32Array; threads: number }> {
  const graph = compileGraph(network, weights, { target: "cpu" });
  const plan = new CpuPlan(graph, { batch, threads, minSharedMacs: 0 });
  plans.push(plan);
  await plan.ready;
  const output = Float32Array.from(plan.forward(input));
  // A second pass on the same plan: the workers wait for the next step and run it again.
  expect(firstDifference(plan.forward(input), output)).toBe(-1);
  plan.dispose();
  return { output, threads: plan.threads };
}

describe("threads", () => {
  it("give bitwise the same output as one thread on the examples, with 2 and 3 threads", async () => {
    for (const [file, set] of EXAMPLES) {
      const network = exampleNetwork(file, set);
      const weights = initialWeights(network).map((t) => t.data);
      for (const batch of [1, 2]) {
        const input = inputFor(network, batch);
        const one = await planOutput(network, weights, input, batch, 1);
        for (const threads of [2, 3]) {
          const many = await planOutput(network, weights, input, batch, threads);
          expect(many.threads, file).toBe(threads);
          expect(firstDifference(many.output, one.output), `${file}, batch ${batch}`).toBe(-1);
        }
      }
    }
  });

  it("give bitwise the same output as one thread on random networks, every kernel step shared", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, async ({ source, network, weights, input, batch }) => {
        const one = await planOutput(network, weights, input, batch, 1);
        for (const threads of [2, 3]) {
          const many = await planOutput(network, weights, input, batch, threads);
          expect(firstDifference(many.output, one.output), `${source}\n${threads} threads`).toBe(
            -1,
          );
        }
      }),
      { numRuns: runs(15) },
    );
  });

  it("split a pointwise layer by columns where it has fewer pixels than output channels", () => {
    // Each thread reads all of the weights by rows, all of the input by columns (threads.ts).
    const network = exampleNetwork("examples/mobilenet_v3.dsnet");
    const weights = initialWeights(network).map((t) => t.data);
    const graph = compileGraph(network, weights, { target: "cpu" });
    const splits = new Map(
      planSteps(graph).map((d) => [d.layers[0], sharedStepPlan(d, stepCalls(d, [0, 0]))?.split]),
    );
    const expected = {
      // 28x28 to 40 and to 240 channels; 14x14 to 80 and 112 (5 and 7 panels of 16 columns).
      "bneck4.pw2": "rows",
      "bneck7.pw1": "rows",
      "bneck7.pw2": "rows",
      "bneck12.pw2": "rows",
      // 14x14 to 672 channels, 7x7 to 960; the fully connected layers' one row.
      "bneck12.pw1": "columns",
      "bneck15.pw1": "columns",
      "head1.fc1": "columns",
    };
    const layers = Object.keys(expected);
    expect(Object.fromEntries(layers.map((layer) => [layer, splits.get(layer)]))).toEqual(expected);
  });

  it("share the pools and channel moves of SHARED_MACS elements or more by ranges of rows or pixels", () => {
    // [file, layer, elements read (worked out by hand), the split and the calls it makes].
    const rows: [string, string, number, { split: string; calls: number } | undefined][] = [
      // 112x112x24 max pooled 3x3 s2: 56·56·24 outputs of 9 taps.
      ["shufflenet_v2", "maxpool1", 677_376, { split: "range", calls: 1 }],
      // Stage 2, 28x28: 784 pixels of 116 channels, or of 58 for a slice.
      ["shufflenet_v2", "stage2.down1.concat1.concat", 90_944, undefined],
      ["shufflenet_v2", "stage2.down1.shuffle1", 90_944, undefined],
      ["shufflenet_v2", "stage2.repeat1.0.concat1.split1", 45_472, undefined],
      // Ghost modules: the primary and the cheap half, 112x112x(8 + 8), 56x56x(12 + 12) and
      // x(36 + 36), 28x28x(60 + 60) and x(120 + 120).
      ["ghostnet", "bottleneck1.add1.ghost1.concat1.concat", 200_704, { split: "range", calls: 2 }],
      ["ghostnet", "bottleneck2.add1.branch1.ghost2.concat1.concat", 75_264, undefined],
      ["ghostnet", "bottleneck3.add1.ghost1.concat1.concat", 225_792, { split: "range", calls: 2 }],
      ["ghostnet", "bottleneck5.add1.ghost1.concat1.concat", 94_080, undefined],
      [
        "ghostnet",
        "bottleneck6.add1.branch1.ghost1.concat1.concat",
        188_160,
        { split: "range", calls: 2 },
      ],
    ];
    const steps = new Map<string, StepDescriptor>();
    for (const name of new Set(rows.map(([file]) => file))) {
      const network = exampleNetwork(`examples/${name}.dsnet`);
      const weights = initialWeights(network).map((t) => t.data);
      for (const d of planSteps(compileGraph(network, weights, { target: "cpu" }))) {
        steps.set(`${name} ${d.layers[0]}`, d);
      }
    }
    for (const [file, layer, read, expected] of rows) {
      // The rule's threshold is what the row's figure is held against.
      expect(read >= SHARED_MACS, `${layer}: ${read} elements`).toBe(expected !== undefined);
      const d = steps.get(`${file} ${layer}`);
      expect(d, `${file} ${layer}`).toBeDefined();
      const plan = sharedStepPlan(d!, stepCalls(d!, []));
      expect(plan && { split: plan.split, calls: plan.calls.length }, layer).toEqual(expected);
    }
  });

  it.each([
    // [pixels, output channels, split]: columns only under 256 pixels and under N, N >= 32.
    [196, 80, "rows"],
    [196, 196, "rows"],
    [196, 197, "columns"],
    [255, 1024, "columns"],
    [256, 1024, "rows"],
    [16, 32, "columns"],
    [16, 31, "rows"],
  ] as const)(
    "split a pointwise layer of %i pixels to %i channels by %s",
    (pixels, outC, split) => {
      const d: StepDescriptor = {
        ...{ node: 0, layers: ["pw"], macs: pixels * 512 * outC, kind: "pointwise", x: 0, out: 1 },
        ...{ pixels, inC: 512, outC, act: { code: 0, slope: 0 } },
      };
      expect(sharedStepPlan(d, stepCalls(d, [0, 0]))?.split).toBe(split);
    },
  );

  it("cover every row and column of a shared gemm, split by rows or by columns", async () => {
    // 37 rows of 35 columns (3 panels of 16) over 3 threads, the output first filled with NaN:
    // a chunk that no thread ran would stay so.
    const [rows, k, columns] = [37, 11, 35];
    const random = new Random(9);
    const weight = Float32Array.from({ length: columns * k }, () => random.uniform(-1, 1));
    const bias = Float32Array.from({ length: columns }, () => random.uniform(-1, 1));
    const [panels, paddedBias] = packFc(weight, bias, columns, k);
    const x = 16;
    const w = x + rows * k + 4;
    const b = w + panels!.length;
    const out = b + paddedBias!.length + 4;
    const end = out + rows * columns + 16;
    const instance = instantiateKernels(KERNELS_WASM_BASE64, end, true);
    const m = instance.memory;
    for (let i = 0; i < rows * k; i++) m[x + i] = random.uniform(-1, 1);
    m.set(panels!, w);
    m.set(paddedBias!, b);
    const args = [x * 4, k * 4, w * 4, b * 4, out * 4, columns * 4, rows, k, columns, 1, 0];
    instance.kernels.gemm(...(args as Parameters<typeof instance.kernels.gemm>));
    const expected = m.slice(out, out + rows * columns);
    const split = (split: "rows" | "columns", units: number, align: number) => ({
      split,
      units,
      align,
      pixels: 0,
      tileRows: 0,
      calls: [{ fn: "gemm", args }],
    });
    const threads = startKernelThreads({
      ...instance,
      threads: 3,
      scratch: end,
      scratchStride: 0,
      steps: [split("rows", rows, 4), split("columns", 3, 1)],
    });
    await threads.ready;
    for (const step of [0, 1]) {
      m.fill(NaN, out, out + rows * columns);
      expect(threads.run(step)).toBe(true);
      expect(firstDifference(m.slice(out, out + rows * columns), expected), `step ${step}`).toBe(
        -1,
      );
    }
    threads.close();
    // Closed, the threads decline and the caller runs the step itself.
    expect(threads.run(0)).toBe(false);
  });

  it("run the generated module on 1, 2 and 3 threads, bitwise as the CPU plan", async () => {
    const network = exampleNetwork("examples/mobilenet_v2.dsnet", ["res=96"]);
    const weights = initialWeights(network).map((t) => t.data);
    const input = inputFor(network, 1);
    const plan = await planOutput(network, weights, input, 1, 1);
    const module = await importGeneratedModule(compileGraph(network, weights, { target: "ts" }));
    for (const threads of [1, 2, 3]) {
      const model = module.createModel({ batch: 1, threads });
      await model.ready;
      expect(model.threads).toBe(threads);
      expect(firstDifference(Float32Array.from(model.forward(input)), plan.output)).toBe(-1);
      model.close();
      // After close it runs on one thread, still the same.
      expect(firstDifference(Float32Array.from(model.forward(input)), plan.output)).toBe(-1);
    }
  });

  it("default to the cores, at most 4, in a runner", async () => {
    const network = exampleNetwork("examples/mobilenet_v1.dsnet", ["res=96"]);
    const weights = initialWeights(network).map((t) => t.data);
    for (const backend of ["cpu", "ts"] as const) {
      const runner = await compile(network, weights, { backend });
      expect(runner.threads, backend).toBe(Math.min(availableParallelism(), 4));
      runner.dispose?.();
    }
    expect(() => threadCount(0)).toThrow(RangeError);
    expect(() => threadCount(1.5)).toThrow(RangeError);
    expect(() => threadCount(65)).toThrow(RangeError);
    expect(threadCount(64)).toBe(64);
  });

  describe("without SharedArrayBuffer (a page without cross-origin isolation)", () => {
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    });

    it("fall back to one thread with a one-line note, and the same output", async () => {
      const network = exampleNetwork("examples/mobilenet_v1.dsnet", ["res=96"]);
      const weights = initialWeights(network).map((t) => t.data);
      const input = inputFor(network, 1);
      const one = await planOutput(network, weights, input, 1, 1);
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      vi.stubGlobal("SharedArrayBuffer", undefined);
      const fallback = await planOutput(network, weights, input, 1, 2);
      expect(fallback.threads).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/^dsnet: one thread: .*cross-origin/);
      expect(String(warn.mock.calls[0]![0])).not.toContain("\n");
      expect(firstDifference(fallback.output, one.output)).toBe(-1);
    });
  });

  it("spin before they sleep only where they do not outnumber the cores", async () => {
    const network = exampleNetwork("examples/mobilenet_v1.dsnet", ["res=96"]);
    const weights = initialWeights(network).map((t) => t.data);
    const input = inputFor(network, 1);
    const one = await planOutput(network, weights, input, 1, 1);
    const builtin = process.getBuiltinModule.bind(process);
    const NodeWorker = builtin("node:worker_threads").Worker;
    const spins: number[] = [];
    class Recorded extends NodeWorker {
      override postMessage(message: { spins?: number }, ...rest: unknown[]) {
        if (message && typeof message.spins === "number") spins.push(message.spins);
        return super.postMessage(message, ...(rest as []));
      }
    }
    // A machine of 2 cores, whatever this one has.
    vi.spyOn(process, "getBuiltinModule").mockImplementation(((name: string) =>
      name === "node:worker_threads"
        ? { Worker: Recorded }
        : name === "node:os"
          ? { availableParallelism: () => 2 }
          : builtin(name)) as typeof builtin);
    try {
      for (const threads of [2, 3]) {
        spins.length = 0;
        const run = await planOutput(network, weights, input, 1, threads);
        expect(run.threads).toBe(threads);
        expect(firstDifference(run.output, one.output)).toBe(-1);
        // 2 threads: the worker spins a while; 3 on 2 cores: both sleep at once.
        expect(spins).toEqual(threads === 2 ? [50_000] : [0, 0]);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("fall back to one thread with a one-line note where workers are refused", async () => {
    const network = exampleNetwork("examples/mobilenet_v1.dsnet", ["res=96"]);
    const weights = initialWeights(network).map((t) => t.data);
    const input = inputFor(network, 1);
    const one = await planOutput(network, weights, input, 1, 1);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const builtin = process.getBuiltinModule.bind(process);
    const refused = class {
      constructor() {
        throw new Error("refused");
      }
    };
    vi.spyOn(process, "getBuiltinModule").mockImplementation(((name: string) =>
      name === "node:worker_threads" ? { Worker: refused } : builtin(name)) as typeof builtin);
    try {
      const fallback = await planOutput(network, weights, input, 1, 2);
      expect(fallback.threads).toBe(1);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        "dsnet: no worker threads allowed here: running on one thread",
      ]);
      expect(firstDifference(fallback.output, one.output)).toBe(-1);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("do not keep Node alive when a plan is never disposed", () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-threads-"));
    try {
      const script = join(dir, "forgotten.mts");
      const src = (path: string) => JSON.stringify(resolve(path));
      writeFileSync(
        script,
        [
          `import { CpuPlan } from ${src("src/backends/cpu/plan.ts")};`,
          `import { compileGraph } from ${src("src/compile.ts")};`,
          `import { initialWeights } from ${src("src/weights/init.ts")};`,
          `import { exampleNetwork } from ${src("test/helpers.ts")};`,
          `const network = exampleNetwork(${src("examples/mobilenet_v1.dsnet")}, ["res=96"]);`,
          "const graph = compileGraph(network, initialWeights(network).map((t) => t.data));",
          "const plan = new CpuPlan(graph, { threads: 2 });",
          "await plan.ready;",
          "plan.forward(new Float32Array(96 * 96 * 3));",
          "console.log(`ran on ${plan.threads} threads`);",
        ].join("\n"),
      );
      const started = Date.now();
      const r = spawnSync(process.execPath, ["--import", "tsx", script], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("ran on 2 threads\n");
      expect(r.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
