import type { Worker, WorkerOptions } from "node:worker_threads";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import type { Network } from "../src/check/network.js";
import { checkText } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";

/*
 * A worker thread that stops while its pool runs (src/runtime/threads.ts): killed from outside,
 * exiting, or throwing where nothing catches it. The main thread, which waits for every worker
 * at the end of each shared step, must not wait for it for ever: the pass throws a dsnet error,
 * and so does every pass after it. The workers are reached by wrapping Node's Worker class, as
 * the runtime finds it (process.getBuiltinModule); a wrapped worker may be given code to run
 * before the runtime's own, which stops it where it touches a given Int32 of the control block.
 * The tests assert no time: a hang is vitest's timeout.
 */

const NETWORK = [
  "input 32x32x3",
  "conv 3x3 16 -> bn -> relu6",
  "dw 3x3 -> bn -> relu6",
  "pw 32 -> bn -> relu6",
  "",
].join("\n");

/** The start of the error every pass throws once a worker has stopped. */
const STOPPED = /^dsnet: a worker thread stopped\b/;

/** Generous: a pass takes milliseconds, and a stopped worker is found within a tenth of a second. */
const TIMEOUT_MS = 60_000;

let network: Network;
let weights: Float32Array[];
let input: Float32Array;
/** One thread's output. */
let reference: Float32Array;

beforeAll(() => {
  const checked = checkText(NETWORK, "/stopped-worker.dsnet", {
    host: { readFile: () => undefined },
  });
  expect(checked.diagnostics).toEqual([]);
  network = checked.networks[0]!;
  weights = initialWeights(network, 5).map((t) => t.data);
  const random = new Random(6);
  const [h, w, c] = network.input;
  input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
  const plan = new CpuPlan(compileGraph(network, weights), { threads: 1 });
  reference = Float32Array.from(plan.forward(input));
});

afterEach(() => vi.restoreAllMocks());

/** Whether two outputs are the same floats, bit for bit. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(Float32Array.from(a).buffer);
  const y = new Uint32Array(Float32Array.from(b).buffer);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The workers the runtime starts from now on, as they start; the first also runs `prelude`
 * (JavaScript) before the runtime's worker code.
 */
function captureWorkers(prelude = ""): Worker[] {
  const builtin = process.getBuiltinModule.bind(process);
  const NodeWorker = builtin("node:worker_threads").Worker;
  const workers: Worker[] = [];
  class CapturedWorker extends NodeWorker {
    constructor(source: string, options: WorkerOptions) {
      super((workers.length === 0 ? prelude : "") + source, options);
      workers.push(this);
    }
  }
  vi.spyOn(process, "getBuiltinModule").mockImplementation(((name: string) =>
    name === "node:worker_threads" ? { Worker: CapturedWorker } : builtin(name)) as typeof builtin);
  return workers;
}

/** A plan on `threads` threads, every kernel step shared, once its workers run. */
async function runningPlan(threads: number): Promise<CpuPlan> {
  const plan = new CpuPlan(compileGraph(network, weights), { threads, minSharedMacs: 0 });
  await plan.ready;
  expect(plan.threads).toBe(threads);
  return plan;
}

/** The error `forward` throws. */
function forwardError(forward: () => unknown): Error {
  try {
    forward();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error("forward did not throw");
}

/**
 * Terminates `worker` and returns once it has stopped, without giving the event loop a turn: so
 * that the next pass cannot run before the worker has stopped (terminate() only asks), and the
 * worker's 'exit' event is not delivered yet. Stopped as the runtime reads it: Node's event loop
 * figures for the worker, idle -1 (or all zeros) once it has stopped.
 */
function terminateNow(worker: Worker): void {
  void worker.terminate();
  const stopped = () => {
    const { idle, active } = worker.performance.eventLoopUtilization();
    return idle < 0 || active <= 0;
  };
  for (const deadline = Date.now() + TIMEOUT_MS / 2; !stopped() && Date.now() < deadline;);
}

/** Resolves once `worker`'s 'exit' event has been delivered (the runtime's listener first). */
const exited = (worker: Worker) => new Promise((resolve) => worker.once("exit", resolve));

describe("a worker thread that stops", () => {
  it(
    "when terminated from outside fails the next pass, and every pass after it, with one message",
    async () => {
      const workers = captureWorkers();
      const plan = await runningPlan(3);
      expect(sameBits(plan.forward(input), reference)).toBe(true);
      // Its 'exit' event cannot come before the pass: the pass finds it stopped on its own.
      terminateNow(workers[0]!);
      const first = forwardError(() => plan.forward(input));
      expect(first.message).toMatch(STOPPED);
      expect(forwardError(() => plan.forward(input)).message).toBe(first.message);
      await exited(workers[0]!);
      expect(forwardError(() => plan.forward(input)).message).toBe(first.message);
      plan.dispose();
      expect(forwardError(() => plan.forward(input)).message).toBe(first.message);
    },
    TIMEOUT_MS,
  );

  it(
    "names the exit code when the worker's exit was seen before the pass",
    async () => {
      const workers = captureWorkers();
      const plan = await runningPlan(2);
      expect(await workers[0]!.terminate()).toBe(1);
      expect(forwardError(() => plan.forward(input)).message).toBe(
        "dsnet: a worker thread stopped (exit code 1): this model cannot run any more; make a new one",
      );
      plan.dispose();
    },
    TIMEOUT_MS,
  );

  it(
    "names the exit code of a worker that exits during a step",
    async () => {
      // Atomics.load of the control block's Int32 1 (STEP in src/runtime/threads.ts) is how a
      // woken worker reads which step to run: it exits there, while the main thread does its
      // share and then waits for the worker's.
      const workers = captureWorkers(`
        const load = Atomics.load;
        Atomics.load = (array, index) => (index === 1 ? process.exit(3) : load(array, index));
      `);
      const plan = await runningPlan(3);
      expect(forwardError(() => plan.forward(input)).message).toMatch(
        /^dsnet: a worker thread stopped \(exit code 3\): /,
      );
      await exited(workers[0]!);
      plan.dispose();
    },
    TIMEOUT_MS,
  );

  it(
    "fails the pass where a worker throws outside its share of a step, with what it threw as the cause",
    async () => {
      // Atomics.add on the control block's Int32 2 (DONE in src/runtime/threads.ts) is how a
      // worker counts itself done: outside the try around its share, so nothing catches this.
      const workers = captureWorkers(`
        const add = Atomics.add;
        Atomics.add = (array, index, value) => {
          if (index === 2) throw new Error("a worker's fault");
          return add(array, index, value);
        };
      `);
      const plan = await runningPlan(2);
      const first = forwardError(() => plan.forward(input));
      expect(first.message).toMatch(/^dsnet: a worker thread stopped \(exit code 1\): /);
      // Its 'error' event, once delivered, is listened to (not thrown on the main thread) and
      // gives the later passes their cause.
      await exited(workers[0]!);
      const later = forwardError(() => plan.forward(input));
      expect(later.message).toBe(first.message);
      expect((later.cause as Error).message).toBe("a worker's fault");
      plan.dispose();
    },
    TIMEOUT_MS,
  );

  it(
    "does not take a live worker whose share outlasts the join's slices for a stopped one",
    async () => {
      // The first time it reads which step to run (Int32 1, STEP), the worker busies itself for
      // 300 ms, six of the join's 50 ms slices, in which the main thread looks for a stopped
      // worker each time: the pass must wait for it and give one thread's bits.
      captureWorkers(`
        const load = Atomics.load;
        let slowed = false;
        Atomics.load = (array, index) => {
          if (index === 1 && !slowed) {
            slowed = true;
            for (const end = Date.now() + 300; Date.now() < end; );
          }
          return load(array, index);
        };
      `);
      const plan = await runningPlan(2);
      expect(sameBits(plan.forward(input), reference)).toBe(true);
      expect(sameBits(plan.forward(input), reference)).toBe(true);
      plan.dispose();
    },
    TIMEOUT_MS,
  );

  it(
    "leaves other plans bitwise as one thread, before and after",
    async () => {
      const healthy = await runningPlan(3);
      const workers = captureWorkers();
      const broken = await runningPlan(2);
      terminateNow(workers[0]!);
      expect(() => broken.forward(input)).toThrow(STOPPED);
      expect(sameBits(healthy.forward(input), reference)).toBe(true);
      vi.restoreAllMocks();
      const after = await runningPlan(2);
      expect(sameBits(after.forward(input), reference)).toBe(true);
      expect(sameBits(after.forward(input), reference)).toBe(true);
      for (const plan of [healthy, broken, after]) plan.dispose();
    },
    TIMEOUT_MS,
  );

  it(
    "fails a generated module's forward the same way",
    async () => {
      const module = await importGeneratedModule(compileGraph(network, weights, { target: "ts" }));
      // The module's own one thread as the reference, which holds whichever build of the
      // kernels the engine validates (a test file may turn V8's relaxed-SIMD flag on).
      const one = module.createModel({ batch: 1, threads: 1 });
      const moduleReference = Float32Array.from(one.forward(input));
      one.close();
      const workers = captureWorkers();
      const model = module.createModel({ batch: 1, threads: 2 });
      await model.ready;
      expect(model.threads).toBe(2);
      expect(sameBits(model.forward(input), moduleReference)).toBe(true);
      terminateNow(workers[0]!);
      const first = forwardError(() => model.forward(input));
      expect(first.message).toMatch(STOPPED);
      expect(forwardError(() => model.forward(input)).message).toBe(first.message);
      model.close();
    },
    TIMEOUT_MS,
  );
});
