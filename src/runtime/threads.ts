/*
 * Worker threads for the kernels. The main thread and each worker instantiate the same module on
 * one shared WebAssembly.Memory; a step that is worth splitting (a matrix product, im2col, a
 * depthwise layer, an element-wise step) is described once as data (`SharedStep`), and each
 * thread runs its share of it: chunks of rows, columns, tiles or output rows, each claimed by one
 * thread through counters in shared memory, its own part of the step first (claimChunk; a thread
 * the machine has descheduled then holds up only the chunk it is in). Every
 * output element is computed by one thread with the same code and operands as on one thread,
 * so the result is bitwise the same whatever the thread count.
 *
 * Threads meet at each shared step on a small control block of Int32s, with Atomics only: no
 * message per step. The main thread bumps a step counter and does its share; the workers, which
 * spin a while (SPINS) and then Atomics.wait on that counter, do theirs and count themselves
 * done. A browser's main thread may not Atomics.wait, so there it only spins.
 *
 * A worker can stop from outside (terminate() by someone else, an uncaught exception, exit), and
 * then never counts itself done. The main thread, blocked in its join, sees no 'exit' event (they
 * wait for its event loop), so the join waits in slices and, after each slice it slept through,
 * looks for a stopped worker in what it can read at once: a word the worker's own exit path
 * writes (uncaught exception, process.exit: with its exit code) and, in Node, the worker's event
 * loop times, which Node reads under the worker's lock and reports as -1 once it has stopped
 * (node_worker.cc, Worker::LoopIdleTime: the only sign of a terminate()); a browser's main
 * thread, which spins, reads the word now and then. A step that ends in time never looks. Then
 * the step throws, the pool is broken, and every later step throws the same: a worker that was
 * killed or ran out of memory would only be killed again by a restart, which could not save the
 * pass under way anyway (workers start asynchronously).
 *
 * Workers are made from text (a Blob URL in browsers, `eval` in Node's worker_threads), so that
 * a generated module, which imports nothing, needs no second file and no bundler: the text is
 * the loop below and `runShare`, taken from this very function by toString.
 */

/** How a step divides among threads: `units` units, in chunks of a multiple of `align`. */
export interface SharedStep {
  /**
   * rows: a gemm call's rows (x and out move by their strides); columns: its panels of 16
   * output columns (for few rows: each thread then reads only its part of the weights);
   * range: the units [u0, u1) a kernel takes as its last two arguments (the output rows of a
   * depthwise kernel, conv_direct or a pool, the pixels of a channel move, an element-wise
   * kernel's floats, pixels or channels), the same range for each of the step's calls (a
   * concat's, one per part); tiles:
   * im2col's tile loop (`pixels` output pixels, `tileRows` at a time). A step is one sample's:
   * a batch runs sample by sample.
   */
  split: "rows" | "columns" | "range" | "tiles";
  units: number;
  align: number;
  pixels: number;
  tileRows: number;
  calls: SharedCall[];
}

/**
 * A kernel call. A tile loop's arguments are [c, p0, rows, scratch]: c + p0·P + rows·R +
 * scratch·S, where scratch is the thread's im2col scratch (in floats).
 */
export interface SharedCall {
  fn: string;
  args: (number | number[])[];
}

/** The threads a model runs on; `run` does one shared step on all of them. */
export interface KernelThreads {
  readonly threads: number;
  /** Resolves once the workers are running: until then `run` declines and one thread works. */
  readonly ready: Promise<void>;
  /**
   * Runs shared step `step` on every thread; false when the threads cannot (one thread, closed).
   * Throws, this step and every later one, once a worker has stopped while the pool ran.
   */
  run(step: number): boolean;
  /** Ends the workers; the model goes on on one thread (not once a worker has stopped: see run). */
  close(): void;
}

/** The most threads by default, as onnxruntime-web caps them. */
const DEFAULT_THREADS = 4;
/** More threads than this is a mistake (each is a worker with its own engine instance). */
export const MAX_THREADS = 64;

/**
 * The threads to run on: `requested`, or the cores capped at 4; one, with a note, where there
 * is no shared memory (a browser page without cross-origin isolation) or no workers.
 */
export function threadCount(requested: number | undefined): number {
  if (
    requested !== undefined &&
    (!Number.isInteger(requested) || requested < 1 || requested > MAX_THREADS)
  ) {
    throw new RangeError(
      `threads must be a whole number from 1 to ${MAX_THREADS}, got ${requested}`,
    );
  }
  const threads = requested ?? Math.min(coreCount(), DEFAULT_THREADS);
  if (threads === 1) return 1;
  if (typeof SharedArrayBuffer !== "function" || !workerApi()) {
    note(
      "dsnet: one thread: no shared memory or workers here (a browser page needs cross-origin isolation, Node 20.16 or later)",
    );
    return 1;
  }
  return threads;
}

/** The cores this process may use (Node), or the browser's count of them; 1 when unknown. */
function coreCount(): number {
  const g = globalThis as unknown as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (name: string) => { availableParallelism(): number } };
  };
  return (
    g.process?.getBuiltinModule?.("node:os").availableParallelism() ??
    g.navigator?.hardwareConcurrency ??
    1
  );
}

/** A one-line note on the console (typed here: a generated module assumes no DOM, no Node). */
function note(text: string): void {
  (globalThis as unknown as { console: { warn(text: string): void } }).console.warn(text);
}

/** Node's worker_threads (Node 20.16 and later) or the browser's Worker, whichever is here. */
function workerApi(): "node" | "web" | undefined {
  const g = globalThis as unknown as { process?: { getBuiltinModule?: unknown }; Worker?: unknown };
  if (typeof g.process?.getBuiltinModule === "function") return "node";
  return typeof g.Worker === "function" ? "web" : undefined;
}

/** A started worker: what both kinds have. */
interface ThreadWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** What a worker's events tell the pool: each is called at most once. */
interface WorkerEvents {
  /** Whether it started running. */
  started(ok: boolean): void;
  /** It stopped after it had started: its exit code where there is one, and what it threw. */
  stopped(code: number | undefined, thrown: unknown): void;
}

/** A worker, and whether it has stopped as far as can be read now, without events. */
interface SpawnedWorker {
  worker: ThreadWorker;
  hasStopped(): boolean;
}

/** A worker running `source`, which says once it is running. */
function spawnWorker(source: string, events: WorkerEvents): SpawnedWorker {
  const g = globalThis as unknown as {
    process: { getBuiltinModule(name: string): { Worker: new (...a: unknown[]) => NodeWorker } };
    Worker: new (url: string) => WebWorker;
    Blob: new (parts: string[], options: { type: string }) => object;
    URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  };
  if (workerApi() === "node") {
    const worker = new (g.process.getBuiltinModule("node:worker_threads").Worker)(source, {
      eval: true,
    });
    let running = false;
    let thrown: unknown;
    // Held until it runs (someone may be awaiting `ready`), then not: a forgotten model must
    // not keep Node alive.
    worker.once("message", () => {
      running = true;
      worker.unref();
      events.started(true);
    });
    // Listened to for the worker's whole life: an 'error' event nobody listens to is thrown on
    // the main thread. 'exit' follows it.
    worker.on("error", (error) => (thrown = error));
    worker.once("exit", (code) =>
      running ? events.stopped(code as number, thrown) : events.started(false),
    );
    const hasStopped = () => {
      // Node's loop figures for a worker: idle -1 once it has stopped; all zeros once its 'exit'
      // was seen, or where it stopped before they were first read. A runtime without them (one
      // that only imitates worker_threads) tells nothing here: its terminate() is not found.
      try {
        const figures = worker.performance?.eventLoopUtilization?.();
        return figures !== undefined && (figures.idle < 0 || figures.active <= 0);
      } catch {
        return false;
      }
    };
    return { worker, hasStopped };
  }
  const url = g.URL.createObjectURL(new g.Blob([source], { type: "text/javascript" }));
  const worker = new g.Worker(url);
  let running = false;
  worker.onmessage = () => {
    worker.onmessage = null;
    running = true;
    g.URL.revokeObjectURL(url);
    events.started(true);
  };
  // A Web Worker lives on after an uncaught exception, but its loop (the handler that threw)
  // does not. One the browser itself ends tells nothing: a page has no exit event, no figures.
  worker.onerror = (event: { message?: string }) => {
    if (running) {
      worker.onerror = null;
      events.stopped(undefined, event.message);
      return;
    }
    worker.onmessage = worker.onerror = null;
    g.URL.revokeObjectURL(url);
    events.started(false);
  };
  return { worker, hasStopped: () => false };
}

interface NodeWorker extends ThreadWorker {
  on(event: string, listener: (value: unknown) => void): void;
  once(event: string, listener: (value: unknown) => void): void;
  unref(): void;
  performance?: { eventLoopUtilization?(): { idle: number; active: number } };
}

interface WebWorker extends ThreadWorker {
  onmessage: (() => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}

/** The control block's Int32s: the step counter, the step, workers done, workers running. */
const GO = 0;
const STEP = 1;
const DONE = 2;
const RUNNING = 3;
/** Set by a worker whose share of a step threw. */
const FAILED = 5;
/**
 * Set by a worker as it stops on its own: 1 + its exit code in Node, -1 in a browser (no code).
 * (Int32 7 is only ever waited on, in the main thread's test of whether it may wait.)
 */
const STOPPED = 6;
/** From here, one Int32 per thread: how many of its own chunks of the step have been claimed. */
const CLAIMS = 8;

/**
 * Polls of the control block before a thread sleeps on it: a few hundred microseconds in V8.
 * Waking from Atomics.wait takes long on a VM, and a worker waits out every run of steps that
 * stay on the main thread (a squeeze-and-excitation block's pool and scale), the main thread a
 * worker that ends last. On the 2-core development machine, two threads ran MobileNetV3-Large
 * 1.04x, MobileNetV2 1.02x and EfficientNet-B0 1.02x faster than with 2,000 polls (15 us warm),
 * paired and interleaved, with 3 ms between passes so that one plan's spinning cannot slow the
 * other's pass; 10,000 gave half of that, 200,000 no more. Between passes, and through a run of
 * main-thread steps, a worker then spins that long for nothing, on a core of its own: where
 * threads outnumber the cores, none spins (startKernelThreads). A browser's
 * main thread, which never sleeps in its join, looks for a stopped worker every SPINS polls.
 */
const SPINS = 50_000;
/**
 * How long the main thread sleeps in its join before it looks for a stopped worker: longer than
 * most shared steps take, short enough that a pass with a dead worker fails promptly.
 */
const JOIN_SLICE_MS = 50;

/** What the threads share: the kernels (instantiateKernels' instance) and the steps. */
export interface KernelThreadsOptions {
  threads: number;
  module: object;
  wasmMemory: object;
  kernels: object;
  steps: SharedStep[];
  scratch: number;
  scratchStride: number;
}

/**
 * Starts `threads - 1` workers on `kernels`' module and memory for `steps`; the main thread is
 * thread 0. Each thread has its own im2col scratch: thread i's at `scratch + i * scratchStride`.
 */
export function startKernelThreads(options: KernelThreadsOptions): KernelThreads {
  const { threads, steps, scratch, scratchStride } = options;
  const workers = steps.length > 0 ? threads - 1 : 0;
  if (workers === 0) {
    return { threads: 1, ready: Promise.resolve(), run: () => false, close() {} };
  }
  const control = new Int32Array(new SharedArrayBuffer(4 * (CLAIMS + threads)));
  const kernels = options.kernels as Record<string, (...args: number[]) => void>;
  const values: number[] = [];
  const claim = (total: number) => claimChunk(control, CLAIMS, threads, 0, total);
  // More threads than cores: a thread that spins holds a core that one with work is waiting
  // for, until the system's time slice ends (MobileNetV1 at batch 16, 32x32, ran 20x slower on
  // 4 threads than on 2 on the 2-core development machine): there they sleep at once.
  const spins = threads > coreCount() ? 0 : SPINS;
  // The main thread sleeps only where it may (not in a browser's main thread).
  let canWait = true;
  try {
    Atomics.wait(control, 7, 1, 0);
  } catch {
    canWait = false;
  }
  const source = [
    `const claimChunk = ${claimChunk.toString()};`,
    `const runShare = ${runShare.toString()};`,
    WORKER_LOOP,
  ].join("\n");
  let closed = false;
  /** Why the threads cannot run any more (a worker stopped): every later step throws it. */
  let broken: { message: string; cause: unknown } | undefined;
  let pending = workers;
  let resolve = () => {};
  const ready = new Promise<void>((r) => (resolve = r));
  const started = (ok: boolean) => {
    if (!ok && !closed) {
      note("dsnet: a worker thread failed to start: running on one thread");
      close();
    }
    if (--pending === 0 || !ok) resolve();
  };
  const stopped = (code: number | undefined, cause: unknown) => {
    // What a worker threw is told after the join found it stopped: it is the cause from then.
    if (broken) broken.cause ??= cause;
    if (closed) return;
    const exit = code === undefined ? "" : ` (exit code ${code})`;
    broken = {
      message: `dsnet: a worker thread stopped${exit}: this model cannot run any more; make a new one`,
      cause,
    };
    close();
  };
  /** Whether a worker has stopped, from what can be read without events (see the top). */
  const findStopped = (): boolean => {
    const word = Atomics.load(control, STOPPED);
    if (word !== 0) stopped(word > 0 ? word - 1 : undefined, undefined);
    else if (running.some((r) => r.hasStopped())) stopped(undefined, undefined);
    return broken !== undefined;
  };
  /** What every step throws once the pool is broken. */
  const brokenError = (): Error => {
    const { message, cause } = broken!;
    return new Error(message, cause === undefined ? undefined : { cause });
  };
  const running: SpawnedWorker[] = [];
  try {
    for (let i = 1; i <= workers; i++) {
      const spawned = spawnWorker(source, { started, stopped });
      running.push(spawned);
      const init = { module: options.module, memory: options.wasmMemory, control, steps };
      const own = { threads, index: i, scratch: scratch + i * scratchStride };
      spawned.worker.postMessage({ ...init, ...own, spins });
    }
  } catch {
    // A page's Content-Security-Policy may refuse workers from a blob: URL.
    note("dsnet: no worker threads allowed here: running on one thread");
    close();
    return { threads: 1, ready: Promise.resolve(), run: () => false, close() {} };
  }
  function close() {
    if (closed) return;
    closed = true;
    Atomics.store(control, STEP, -1);
    Atomics.add(control, GO, 1);
    Atomics.notify(control, GO);
    for (const { worker } of running) worker.terminate();
  }
  return {
    threads,
    ready,
    close,
    run(step: number): boolean {
      if (broken) throw brokenError();
      if (closed || Atomics.load(control, RUNNING) !== workers) return false;
      Atomics.store(control, DONE, 0);
      for (let t = 0; t < threads; t++) Atomics.store(control, CLAIMS + t, 0);
      Atomics.store(control, STEP, step);
      Atomics.add(control, GO, 1);
      Atomics.notify(control, GO);
      // Every running worker counts itself done even when its share throws; the main thread
      // waits for them before it reports its own failure, so that no worker is still writing
      // when the next step starts. A stopped worker never does: after each slice the join
      // sleeps through, it looks for one (the browser's main thread, which only spins, now and
      // then), and the step throws; the other workers are asked to end first.
      let failure: { error: unknown } | undefined;
      try {
        runShare(kernels, steps[step]!, threads, scratch, values, claim);
      } catch (error) {
        failure = { error };
      }
      for (let spin = 0; ; spin++) {
        const done = Atomics.load(control, DONE);
        if (done === workers) break;
        if (spin <= spins) continue;
        const slept = canWait
          ? Atomics.wait(control, DONE, done, JOIN_SLICE_MS) === "timed-out"
          : spin % SPINS === 0;
        if (slept && findStopped()) throw brokenError();
      }
      if (failure) throw failure.error;
      if (Atomics.load(control, FAILED) !== 0) {
        // The caller then runs the whole step on the main thread (each element is written
        // whole, so running it again is safe): a fault the kernels raise is raised there.
        note("dsnet: a worker thread failed: running on one thread");
        close();
        return false;
      }
      return true;
    },
  };
}

/**
 * The next chunk of a step of `total` chunks for thread `index`: each thread owns a contiguous
 * run of them (thread t the t-th part), takes its own in order, then, its own gone, those left
 * of the threads after it. Owning the same part of every step is meant to keep a thread on the
 * rows it wrote in the step before, in its own cache (MobileNetV2's narrow layers fit in one
 * core's L2; on the 2-core development machine the gain was within its noise, 0 to 3%); taking
 * what is left keeps a thread the machine has descheduled from holding up the step.
 * `total` or more: none left. Also a worker's text (toString), so it names nothing outside.
 */
function claimChunk(
  control: Int32Array,
  claimsAt: number,
  threads: number,
  index: number,
  total: number,
): number {
  const per = Math.ceil(total / threads);
  for (let k = 0; k < threads; k++) {
    const owner = (index + k) % threads;
    const c = Atomics.add(control, claimsAt + owner, 1);
    if (c < per && owner * per + c < total) return owner * per + c;
  }
  return total;
}

/**
 * A thread's part of a step: chunks of it, each claimed by `claim` (claimChunk), with `values`
 * as room for the arguments. About sixteen chunks per thread: a thread that starts late (a
 * worker woken from its wait) or is slowed then leaves less undone for the others to take up.
 * On the 2-core development machine, MobileNetV2 on two threads ran at 1.56x to 1.74x its
 * one-thread speed with 16, against 1.39x to 1.51x with 4 and 1.44x to 1.65x with 8, in
 * interleaved runs in one process; 1 or 2 per thread were worse still. This is also a worker's text
 * (toString), so it names nothing outside itself.
 */
function runShare(
  kernels: Record<string, (...args: number[]) => void>,
  step: SharedStep,
  threads: number,
  scratch: number,
  values: number[],
  claim: (total: number) => number,
): void {
  const aligned = Math.ceil(step.units / step.align);
  const chunk = Math.ceil(aligned / Math.min(aligned, 16 * threads)) * step.align;
  const total = Math.ceil(step.units / chunk);
  const tiled = step.split === "tiles";
  for (let u0 = claim(total) * chunk; u0 < step.units; u0 = claim(total) * chunk) {
    const u1 = Math.min(step.units, u0 + chunk);
    // Tiles one at a time; the other splits in one call of each of the step's calls per chunk.
    for (let u = u0; u < u1; u = tiled ? u + 1 : u1) {
      const p0 = tiled ? u * step.tileRows : 0;
      const rows = tiled ? Math.min(step.tileRows, step.pixels - p0) : 0;
      for (let c = 0; c < step.calls.length; c++) {
        const call = step.calls[c]!;
        const args = call.args;
        for (let i = 0; i < args.length; i++) {
          const a = args[i]!;
          values[i] =
            typeof a === "number" ? a : a[0]! + a[1]! * p0 + a[2]! * rows + a[3]! * scratch;
        }
        if (step.split === "rows") {
          values[0] = values[0]! + u0 * values[1]!;
          values[4] = values[4]! + u0 * values[5]!;
          values[6] = u1 - u0;
        } else if (step.split === "columns") {
          // Panel u0 of the weights starts 16·K floats per panel in; bias and out 16 floats.
          values[2] = values[2]! + u0 * 64 * values[7]!;
          values[3] = values[3]! + u0 * 64;
          values[4] = values[4]! + u0 * 64;
          values[8] = Math.min(values[8]!, u1 * 16) - u0 * 16;
        } else if (step.split === "range") {
          values[args.length - 2] = u0;
          values[args.length - 1] = u1;
        }
        kernels[call.fn]!.apply(undefined, values);
      }
    }
  }
}

/**
 * A worker: instantiate the kernels on the shared memory, say so, then run its share of each
 * step the main thread starts until the step is -1. `seen` counts from 0, so a step started
 * before the worker ran is not missed (the main thread waits for every worker first anyway).
 */
const WORKER_LOOP = `
  const port = typeof require === "function" ? require("node:worker_threads").parentPort : self;
  const start = (init) => {
    const { control, steps, threads, index, scratch, spins } = init;
    const imports = { env: { memory: init.memory } };
    const kernels = new WebAssembly.Instance(init.module, imports).exports;
    const values = [];
    const claim = (total) => claimChunk(control, ${CLAIMS}, threads, index, total);
    // A worker that stops on its own says so where a main thread blocked in its join reads it.
    const stopped = (word) => Atomics.compareExchange(control, ${STOPPED}, 0, word);
    if (port.on) process.on("exit", (code) => stopped(1 + code));
    else self.addEventListener("error", () => stopped(-1));
    Atomics.add(control, ${RUNNING}, 1);
    port.postMessage("running");
    for (let seen = 0; ; ) {
      let go = Atomics.load(control, ${GO});
      for (let spin = 0; go === seen && spin < spins; spin++) go = Atomics.load(control, ${GO});
      while (go === seen) {
        Atomics.wait(control, ${GO}, seen);
        go = Atomics.load(control, ${GO});
      }
      seen = go;
      const step = Atomics.load(control, ${STEP});
      if (step < 0) return;
      try {
        runShare(kernels, steps[step], threads, scratch, values, claim);
      } catch {
        Atomics.store(control, ${FAILED}, 1);
      }
      if (Atomics.add(control, ${DONE}, 1) === threads - 2) Atomics.notify(control, ${DONE});
    }
  };
  if (port.on) port.once("message", start);
  else port.onmessage = (event) => start(event.data);
  `;
