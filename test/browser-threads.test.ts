import { existsSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { generateModule } from "../src/backends/ts/generate.js";
import type { Network } from "../src/check/network.js";
import { checkText } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";

/*
 * The browser side of src/runtime/threads.ts, in real headless Chromium (Debian's, driven by
 * playwright-core): a generated JavaScript module (`dsnet compile --target ts --js`), served
 * from 127.0.0.1 and imported by a page, runs on Web Workers made from a Blob URL over one
 * shared WebAssembly.Memory where the page is cross-origin isolated (COOP same-origin, COEP
 * require-corp), and on one thread, with a one-line console note, where it is not. Either way
 * the output is bitwise what one thread gives, and what the CPU plan gives in Node on the same
 * build of the kernels (Chromium validates relaxed SIMD, which Node 20 does only under a flag).
 */

const CHROMIUM = "/usr/bin/chromium";

const missing = !existsSync(CHROMIUM)
  ? `Chromium is not installed (${CHROMIUM}): apt-get install -y chromium`
  : undefined;
if (missing && process.env.CI === "true") {
  throw new Error(`the browser threads test needs Chromium in CI: ${missing}`);
}

/*
 * Small, but with steps of every split past SHARED_MACS (100,000 multiply-adds per sample,
 * src/backends/cpu/threads.ts): conv_direct's output rows and a depthwise layer's (range) at
 * 32x32, im2col's tiles (a 3x3 conv on 16 channels), a pointwise layer's rows (16x16) and its
 * columns (8x8, under 256 pixels). The stride-2 depthwise layers stay on the main thread.
 */
const NETWORK = [
  "input 32x32x3",
  "conv 3x3 16 -> bn -> relu6",
  "dw 3x3 -> bn -> relu6",
  "conv 3x3 32 s2 -> bn -> relu6",
  "pw 64 -> bn -> relu6",
  "dw 3x3 s2 -> bn -> relu6",
  "pw 128 -> bn -> relu6",
  "",
].join("\n");
const SPLITS = ["range", "range", "tiles", "rows", "columns"];

/** The note threadCount writes where there is no SharedArrayBuffer (src/runtime/threads.ts). */
const ONE_THREAD_NOTE =
  "dsnet: one thread: no shared memory or workers here (a browser page needs cross-origin isolation, Node 20.16 or later)";

/** Longest a forward pass may take on the page's main thread (it takes milliseconds). */
const FORWARD_MS = 3_000;

/**
 * The page: imports the module and, for each thread count, creates a model, awaits `ready`,
 * runs forward twice (the workers wait for the next step and run it again) and once more after
 * close (one thread); then one model of 2 threads run before its `ready` (on one thread, or on
 * both if the worker is already running). Outputs go back as the floats' bits.
 *
 * To see that the workers took part, the page keeps the control block each worker is sent
 * (Worker.prototype.postMessage, wrapped): its Int32s are, in src/runtime/threads.ts, GO (the
 * shared steps started, plus one for close), STEP (-1 once closed), DONE, RUNNING (workers
 * running), an unused one and FAILED (then each thread's claimed chunks, not read here). The
 * main thread bumps GO only when every worker is running, and then waits until every worker
 * has counted itself DONE.
 */
const PAGE = `<!doctype html>
<meta charset="utf-8" />
<title>dsnet threads</title>
<link rel="icon" href="data:," />
<script type="module">
  const bitsOf = (out) => Array.from(new Uint32Array(Float32Array.from(out).buffer));
  let controls = [];
  if (typeof Worker === "function") {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
      if (message && message.control instanceof Int32Array) controls.push(message.control);
      return post.call(this, message, ...rest);
    };
  }
  const controlsNow = () => controls.map((c) => Array.from(c.subarray(0, 6)));
  window.runThreads = async (inputBits, counts) => {
    const module = await import("./model.mjs");
    const input = new Float32Array(Uint32Array.from(inputBits).buffer);
    const runs = [];
    for (const threads of counts) {
      controls = [];
      const model = module.createModel({ threads });
      await model.ready;
      const start = performance.now();
      const first = bitsOf(model.forward(input));
      const ms = performance.now() - start;
      const afterFirst = controlsNow();
      const again = bitsOf(model.forward(input));
      model.close();
      const closed = bitsOf(model.forward(input));
      const control = controlsNow();
      runs.push({ requested: threads, threads: model.threads, ms, first, again, closed, afterFirst, control });
    }
    const eager = module.createModel({ threads: 2 });
    const start = performance.now();
    const beforeReady = bitsOf(eager.forward(input));
    const eagerMs = performance.now() - start;
    await eager.ready;
    const afterReady = bitsOf(eager.forward(input));
    eager.close();
    return {
      kernels: eager.kernels,
      crossOriginIsolated: self.crossOriginIsolated,
      sharedArrayBuffer: typeof SharedArrayBuffer,
      runs,
      eager: { threads: eager.threads, ms: eagerMs, beforeReady, afterReady },
    };
  };
</script>
`;

interface PageResult {
  /** The build of the kernels the module took ("relaxed-simd" or "simd128"). */
  kernels: string;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: string;
  runs: {
    requested: number;
    threads: number;
    ms: number;
    first: number[];
    again: number[];
    closed: number[];
    /** Each worker's control block's first six Int32s, after the first forward and at the end. */
    afterFirst: number[][];
    control: number[][];
  }[];
  eager: { threads: number; ms: number; beforeReady: number[]; afterReady: number[] };
}

/** The first index where two arrays of float bits differ, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function bitsOf(floats: Float32Array): number[] {
  return Array.from(new Uint32Array(Float32Array.from(floats).buffer));
}

const title = missing
  ? `generated modules on Web Workers in Chromium (skipped: ${missing})`
  : "generated modules on Web Workers in Chromium";

describe.skipIf(missing !== undefined)(title, () => {
  let network: Network;
  let moduleText: string;
  let input: Float32Array;
  /** The CPU plan's output in Node on each build of the kernels. */
  const references = new Map<string, Float32Array>();
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    const checked = checkText(NETWORK, "/browser-threads.dsnet", {
      host: { readFile: () => undefined },
    });
    expect(checked.diagnostics).toEqual([]);
    network = checked.networks[0];
    const weights = initialWeights(network, 11).map((t) => t.data);
    const random = new Random(4);
    const [h, w, c] = network.input;
    input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
    moduleText = await generateModule({
      graph: compileGraph(network, weights, { target: "ts" }),
      weightsOrigin: "dsnet's deterministic initial weights, seed 11",
      javascript: true,
    });
    // Node 20 validates the relaxed-SIMD build only under this flag, put back at once.
    for (const relaxed of [false, true]) {
      if (relaxed) setFlagsFromString("--experimental-wasm-relaxed-simd");
      const plan = new CpuPlan(compileGraph(network, weights), { threads: 1 });
      references.set(plan.kernelsVariant, Float32Array.from(plan.forward(input)));
      if (relaxed) setFlagsFromString("--no-experimental-wasm-relaxed-simd");
    }
    expect([...references.keys()]).toEqual(["simd128", "relaxed-simd"]);

    // /isolated/ with the headers that make a page cross-origin isolated, /plain/ without.
    server = createServer((request, response) => {
      const [, kind, file] = /^\/(isolated|plain)\/(model\.mjs)?$/.exec(request.url ?? "") ?? [];
      if (!kind) {
        response.writeHead(404).end();
        return;
      }
      response.setHeader("Cache-Control", "no-store");
      if (kind === "isolated") {
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
      }
      response.setHeader("Content-Type", file ? "text/javascript" : "text/html");
      response.end(file ? moduleText : PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  /** Opens a page, runs the thread counts on it, and what its console and workers showed. */
  async function runPage(kind: "isolated" | "plain", counts: number[]) {
    const page: Page = await browser.newPage();
    const consoleMessages: { type: string; text: string }[] = [];
    const errors: string[] = [];
    const workers: string[] = [];
    page.on("console", (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("worker", (w) => workers.push(w.url()));
    try {
      await page.goto(`${origin}/${kind}/`);
      await page.waitForFunction(() => "runThreads" in window);
      // A deadlocked main thread (spinning on workers that never come) never answers: fail
      // with that, not with the test's timeout.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        page.evaluate(
          `window.runThreads(${JSON.stringify(bitsOf(input))}, ${JSON.stringify(counts)})`,
        ) as Promise<PageResult>,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the ${kind} page did not answer in 15 s: a deadlock?`)),
            15_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      return { result, consoleMessages, errors, workers };
    } finally {
      await page.close();
    }
  }

  it("the module shares steps of every kind among threads", () => {
    expect([...moduleText.matchAll(/split: "(\w+)"/g)].map((m) => m[1])).toEqual(SPLITS);
    expect(moduleText).toContain("startKernelThreads(sharing)");
  });

  it("runs on 2 and 3 Web Workers' threads on a cross-origin isolated page, bitwise as one thread and as the CPU plan in Node", async () => {
    const { result, consoleMessages, errors, workers } = await runPage("isolated", [1, 2, 3]);
    expect(errors).toEqual([]);
    // No note: nothing fell back to one thread.
    expect(consoleMessages).toEqual([]);
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.sharedArrayBuffer).toBe("function");
    expect(result.runs.map((r) => [r.requested, r.threads])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    // threads - 1 workers per model (2 threads, 3, and the eager model's 2), each from a Blob URL.
    expect(workers).toHaveLength(1 + 2 + 1);
    for (const url of workers) expect(url).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    const one = result.runs[0]!.first;
    const shared = SPLITS.length;
    for (const run of result.runs) {
      const context = `${run.threads} threads`;
      expect(run.ms, context).toBeLessThan(FORWARD_MS);
      // Every worker ran every shared step of the first forward ([GO, STEP, DONE, RUNNING,
      // unused, FAILED]), and of the second; then close bumped GO once more and set STEP to -1.
      const workers = run.threads - 1;
      expect(run.afterFirst, context).toEqual(
        Array.from({ length: workers }, () => [
          shared,
          shared - 1,
          workers,
          workers,
          expect.any(Number),
          0,
        ]),
      );
      expect(run.control, context).toEqual(
        Array.from({ length: workers }, () => [
          2 * shared + 1,
          -1,
          workers,
          workers,
          expect.any(Number),
          0,
        ]),
      );
      // Each output element is computed by one thread with the same code: the same bits.
      expect(firstDifference(run.first, one), context).toBe(-1);
      expect(firstDifference(run.again, one), `${context}, again`).toBe(-1);
      expect(firstDifference(run.closed, one), `${context}, after close`).toBe(-1);
    }
    // Chromium's V8 validates relaxed SIMD, so the module takes that build; the plan in Node
    // ran it too: the same instructions on the same operands, bitwise the same in Chromium's
    // V8 as in Node's: no tolerance.
    expect(result.kernels).toBe("relaxed-simd");
    const reference = references.get(result.kernels)!;
    expect(firstDifference(one, bitsOf(reference)), "browser vs the CPU plan in Node").toBe(-1);
    // Run before `ready`, a model does not wait for its workers.
    expect(result.eager.threads).toBe(2);
    expect(result.eager.ms).toBeLessThan(FORWARD_MS);
    expect(firstDifference(result.eager.beforeReady, one), "before ready").toBe(-1);
    expect(firstDifference(result.eager.afterReady, one), "after ready").toBe(-1);
  });

  it("falls back to one thread with a one-line note on a page without cross-origin isolation", async () => {
    const { result, consoleMessages, errors, workers } = await runPage("plain", [1, 2, 3]);
    expect(errors).toEqual([]);
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.sharedArrayBuffer).toBe("undefined");
    expect(result.runs.map((r) => [r.requested, r.threads])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(workers).toEqual([]);
    // One note per model that asked for more than one thread (2, 3, and the eager 2); none for
    // the one that did not.
    const note = { type: "warning", text: ONE_THREAD_NOTE };
    expect(consoleMessages).toEqual([note, note, note]);
    expect(result.eager.threads).toBe(1);
    const reference = references.get(result.kernels)!;
    expect(firstDifference(result.eager.beforeReady, bitsOf(reference))).toBe(-1);
    for (const run of result.runs) {
      const context = `${run.requested} threads requested`;
      expect(run.ms, context).toBeLessThan(FORWARD_MS);
      expect(run.control, context).toEqual([]);
      expect(firstDifference(run.first, bitsOf(reference)), context).toBe(-1);
      expect(firstDifference(run.again, bitsOf(reference)), `${context}, again`).toBe(-1);
      expect(firstDifference(run.closed, bitsOf(reference)), `${context}, after close`).toBe(-1);
    }
  });
});
