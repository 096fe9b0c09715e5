/**
 * The onnxruntime peers for the CPU benchmark: the IR graph the CPU plan runs (same weights,
 * batch norm folded) written by dsnet's own ONNX exporter (NCHW, batch 1), run by
 * onnxruntime-web's wasm backend (SIMD) and by onnxruntime-node (native, the ceiling).
 *
 * onnxruntime-web reads `ort.env.wasm.numThreads` once, when its first session starts, so each
 * thread count runs in a child process of its own (this file, forked); the timing happens
 * there, and only medians cross the process boundary.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { exportOnnx, INPUT_NAME, OUTPUT_NAME } from "../src/backends/onnx/index.js";
import type { Graph } from "../src/ir/graph.js";
import { measure } from "./stats.js";

/** A peer timed where it runs: `time` gives the median of `runs` forward passes in ms. */
export interface TimedPeer {
  name: string;
  threads: number;
  /** The output for the input it was built with, NHWC as the CPU plan gives it. */
  output: Float32Array;
  time(runs: number, warmup: number): Promise<number>;
  close(): void;
}

/** onnxruntime-web's wasm backend on `threads` threads, in a child process. */
export async function ortWebPeer(
  graph: Graph,
  input: Float32Array,
  threads: number,
): Promise<TimedPeer> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    serialization: "advanced",
  });
  const ask = request(child);
  const { output } = (await ask({
    model: exportOnnx(graph, { foldBatchNorm: true, batch: 1 }).bytes,
    input: toNchw(graph, input),
    shape: nchwShape(graph),
    threads,
  })) as { output: Float32Array };
  return {
    name: "onnxruntime-web wasm",
    threads,
    output: fromNchw(graph, output),
    time: async (runs, warmup) => ((await ask({ runs, warmup })) as { medianMs: number }).medianMs,
    close: () => child.kill(),
  };
}

/** onnxruntime-node (native) with `intraOpNumThreads: threads`, in this process. */
export async function ortNodePeer(
  graph: Graph,
  input: Float32Array,
  threads: number,
): Promise<TimedPeer> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(
    exportOnnx(graph, { foldBatchNorm: true, batch: 1 }).bytes,
    { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all" },
  );
  const feeds = { [INPUT_NAME]: new ort.Tensor("float32", toNchw(graph, input), nchwShape(graph)) };
  const run = () => session.run(feeds);
  const output = (await run())[OUTPUT_NAME].data as Float32Array;
  return {
    name: "onnxruntime-node",
    threads,
    output: fromNchw(graph, output),
    time: async (runs, warmup) => (await measure(run, runs, warmup)).medianMs,
    close: () => void session.release(),
  };
}

/**
 * Throws unless `output` agrees with the CPU plan's `ref` to 1e-4 * max(1, max |ref|);
 * returns the largest difference.
 */
export function checkAgainst(ref: Float32Array, output: Float32Array, name: string): number {
  if (output.length !== ref.length) {
    throw new Error(`${name} gave ${output.length} values, the CPU plan ${ref.length}`);
  }
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
  const diff = ref.reduce((d, v, i) => Math.max(d, Math.abs(v - output[i])), 0);
  if (!(diff <= 1e-4 * scale)) {
    throw new Error(`${name} differs from the CPU plan by ${diff} (max |ref| ${scale})`);
  }
  return diff;
}

const CHILD_FLAG = "--ort-web-child";

/** One message to the child and its one answer; the parent asks one thing at a time. */
function request(child: ChildProcess) {
  return (message: object) =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the onnxruntime-web child exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (answer: { error?: string }) => {
        child.off("exit", onExit);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      });
      child.send(message);
    });
}

/** The child: one session, built on the first message, then timed on each later one. */
async function serveOrtWeb(): Promise<void> {
  const ort = await import("onnxruntime-web");
  let run: (() => Promise<unknown>) | undefined;
  // Its wasm worker threads would keep it alive after the parent has gone.
  process.on("disconnect", () => process.exit(0));
  process.on("message", async (m: Record<string, unknown>) => {
    try {
      if (!run) {
        ort.env.wasm.numThreads = m.threads as number;
        ort.env.wasm.simd = true;
        const session = await ort.InferenceSession.create(m.model as Uint8Array, {
          executionProviders: ["wasm"],
          graphOptimizationLevel: "all",
        });
        const x = new ort.Tensor("float32", m.input as Float32Array, m.shape as number[]);
        run = () => session.run({ [INPUT_NAME]: x });
        const output = ((await run()) as Record<string, { data: Float32Array }>)[OUTPUT_NAME];
        process.send!({ output: output.data });
      } else {
        const { medianMs } = await measure(run, m.runs as number, m.warmup as number);
        process.send!({ medianMs });
      }
    } catch (e) {
      process.send!({ error: String(e) });
    }
  });
}

if (process.argv.includes(CHILD_FLAG) && process.send) await serveOrtWeb();

function nchwShape(graph: Graph): number[] {
  const [h, w, c] = graph.values[graph.input];
  return [1, c, h, w];
}

/** An NHWC image (batch 1) as NCHW. */
function toNchw(graph: Graph, x: Float32Array): Float32Array {
  const [h, w, c] = graph.values[graph.input];
  const out = new Float32Array(x.length);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[k * h * w + p] = x[p * c + k];
  return out;
}

/** The model's NCHW (or [N, C]) output as the CPU plan's NHWC. */
function fromNchw(graph: Graph, y: Float32Array): Float32Array {
  const [h, w, c] = graph.values[graph.output];
  const out = new Float32Array(y.length);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[p * c + k] = y[k * h * w + p];
  return out;
}
