import { extname } from "node:path";
import {
  describeStepTimes,
  gflops,
  isVariantKey,
  timeSteps,
  type KeyTime,
} from "../backends/cpu/timing.js";
import { MAX_BATCH } from "../backends/errors.js";
import { describeOutput } from "../backends/output.js";
import type { Network } from "../check/network.js";
import { formatShape } from "../ir/types.js";
import { compile } from "../compile.js";
import { debugTrace } from "./debug.js";
import {
  BackendUnavailableError,
  isBackend,
  BACKENDS,
  type BackendName,
} from "../backends/index.js";
import { summarize } from "../cost/summarize.js";
import { MAX_THREADS } from "../runtime/threads.js";
import { FileError } from "../weights/errors.js";
import { Random } from "../weights/init.js";
import { RESIZE_MODES, type ResizeMode } from "../weights/image.js";
import {
  loadInput,
  loadWeights,
  MAX_NAMES_FILE_BYTES,
  readBytes,
  writeBytes,
} from "../weights/load.js";
import { writeNpy } from "../weights/npy.js";
import { writeRawFloat32 } from "../weights/raw.js";
import { writeSafetensors } from "../weights/safetensors.js";
import { initialWeights } from "../weights/init.js";
import { expectedTensors } from "../weights/tensors.js";
import {
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  outputName,
  positiveInt,
  STANDARD_OUTPUT,
  UsageError,
  wholeNumber,
  writeOutput,
  type CliIO,
} from "./io.js";
import { loadNetwork, type NetworkSelection } from "./load.js";

function backendOf(name: string | undefined): BackendName {
  const backend = name ?? "cpu";
  if (!isBackend(backend)) {
    throw new UsageError(`unknown backend ${backend} (backends: ${BACKENDS.join(", ")})`);
  }
  return backend;
}

/** A number as decimal digits: an optional sign, a fraction, an exponent (`-0.5`, `1e-3`, `.25`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `--threads N`: a whole number of threads, or undefined for the default (the cores, at most 4).
 * The GPU has no threads to choose: given with webgpu, it is refused rather than ignored.
 */
function threadsOption(text: string | undefined, backend: BackendName): number | undefined {
  if (text !== undefined && backend === "webgpu") {
    throw new UsageError("--threads is for --backend cpu and ts; webgpu runs on the GPU");
  }
  return positiveInt(text, "--threads", undefined, MAX_THREADS);
}

/**
 * `--mean` and `--std`: one finite decimal number per colour channel (`--std` not zero); not
 * `0x10` or `0b1`, which Number would read.
 */
function channelValues(text: string | undefined, option: string): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",").map((s) => s.trim());
  const values = parts.map(Number);
  if (
    parts.length !== 3 ||
    parts.some((p) => !DECIMAL.test(p)) ||
    values.some((v) => !Number.isFinite(v))
  ) {
    throw new UsageError(`${option} takes three numbers separated by commas (r,g,b), got ${text}`);
  }
  if (option === "--std" && values.includes(0))
    throw new UsageError(`--std cannot be 0, got ${text}`);
  return values;
}

function isResizeMode(mode: string): mode is ResizeMode {
  return (RESIZE_MODES as readonly string[]).includes(mode);
}

export const NO_WEIGHTS_NOTE =
  "dsnet: no --weights given: using deterministic initial weights (seed 0)\n";

/** `dsnet weights list FILE`: every tensor's name and shape, in layer order. */
export function weightsListCommand(
  file: string,
  options: NetworkSelection & { json?: boolean },
  io: CliIO,
): number {
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const tensors = expectedTensors(loaded.network).map((t) => ({ name: t.name, shape: t.shape }));
  if (options.json) {
    io.stdout(JSON.stringify(tensors, null, 2) + "\n");
  } else {
    const width = Math.max(0, ...tensors.map((t) => t.name.length));
    io.stdout(
      tensors.map((t) => `${t.name.padEnd(width)}  [${t.shape.join(", ")}]`).join("\n") +
        (tensors.length ? "\n" : ""),
    );
  }
  return EXIT_OK;
}

/** `dsnet weights init FILE -o W.safetensors`: deterministic weights (He init, non-trivial BN). */
export function weightsInitCommand(
  file: string,
  options: NetworkSelection & { output?: string; seed?: string },
  io: CliIO,
): number {
  if (!options.output) throw new UsageError("weights init needs -o FILE.safetensors");
  if (options.output.toLowerCase().endsWith(".npy")) {
    // An .npy file holds one array; a network's weights are many named tensors.
    throw new UsageError(
      `weights init writes a safetensors file (many named tensors; .npy holds one array): name it .safetensors, not ${options.output}`,
    );
  }
  const seed = wholeNumber(options.seed, "--seed", 0, 0);
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const tensors = initialWeights(loaded.network, seed).map((t) => ({
    name: t.spec.name,
    shape: t.spec.shape,
    data: t.data,
  }));
  const output = options.output;
  const metadata = { dsnet: `initial weights of ${loaded.network.name}, seed ${seed}` };
  writeOutput(io, output, writeSafetensors(tensors, metadata), "weights file");
  io.stderr(`wrote ${tensors.length} tensors to ${outputName(output)}\n`);
  return EXIT_OK;
}

export interface RunOptions extends NetworkSelection {
  weights?: string;
  input?: string;
  output?: string;
  top?: string;
  backend?: string;
  mean?: string;
  std?: string;
  resize?: string;
  labels?: string;
  json?: boolean;
  all?: boolean;
  threads?: string;
}

/** Most class names a --labels file may give (ImageNet-21k has 21,843). */
const MAX_LABELS = 1_000_000;

/** `--labels FILE`: one class name a line; blank lines at the end are dropped. */
function readLabels(path: string, classes: number): string[] {
  const bytes = readBytes(path, "labels file", MAX_NAMES_FILE_BYTES);
  const labels = new TextDecoder().decode(bytes).split(/\r?\n/);
  while (labels.length > 0 && labels[labels.length - 1].trim() === "") labels.pop();
  if (labels.length > MAX_LABELS) throw new FileError(`${path}: more than ${MAX_LABELS} labels`);
  if (labels.length !== classes) {
    throw new FileError(
      `${path} has ${labels.length} labels, but the network's output has ${classes} values per sample`,
    );
  }
  return labels.map((l) => l.trim());
}

/** The output as JSON: each sample's top entries (with labels), and every value with `all`. */
function outputJson(
  output: Float32Array,
  batch: number,
  shape: [number, number, number],
  top: number,
  labels: string[] | undefined,
  all: boolean,
): string {
  const per = output.length / batch;
  const samples = Array.from({ length: batch }, (_, n) => {
    const sample = output.subarray(n * per, (n + 1) * per);
    const order = [...sample.keys()].sort((a, b) => sample[b] - sample[a]).slice(0, top);
    return {
      top: order.map((i) => ({
        index: i,
        score: sample[i],
        ...(labels ? { label: labels[i] } : {}),
      })),
      ...(all ? { output: Array.from(sample) } : {}),
    };
  });
  return JSON.stringify({ shape: [batch, ...shape], samples }, null, 2) + "\n";
}

/** `dsnet run FILE --input X`: one forward pass, written to --output or summarised. */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<number> {
  const backend = backendOf(options.backend);
  const top = positiveInt(options.top, "--top", 5);
  const threads = threadsOption(options.threads, backend);
  const mean = channelValues(options.mean, "--mean");
  const std = channelValues(options.std, "--std");
  const resize = options.resize ?? "half-pixel";
  if (!isResizeMode(resize)) {
    throw new UsageError(`--resize takes ${RESIZE_MODES.join(", ")}, got ${resize}`);
  }
  if (options.all && !options.json) throw new UsageError("--all goes with --json");
  if (options.json && options.output !== undefined) {
    throw new UsageError(
      "--json prints the output as JSON and --output writes it to a file instead: give one or the other",
    );
  }
  // --top and --labels shape what is printed, which --output replaces.
  const printing = [
    ...(options.top !== undefined ? ["--top"] : []),
    ...(options.labels !== undefined ? ["--labels"] : []),
  ];
  if (options.output !== undefined && printing.length > 0) {
    const verb = printing.length > 1 ? "choose" : "chooses";
    throw new UsageError(
      `${printing.join(" and ")} ${verb} what is printed, and --output writes the output to a file instead: give one or the other`,
    );
  }
  if (!options.input)
    throw new UsageError("run needs --input FILE (.npy, .png, .jpg or raw float32 .bin)");
  if (
    options.output &&
    options.output !== STANDARD_OUTPUT &&
    ![".npy", ".bin", ".f32", ".raw"].includes(extname(options.output).toLowerCase())
  ) {
    throw new UsageError(`--output must end in .npy or .bin, got ${options.output}`);
  }
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const network = loaded.network;
  const weights = loadWeights(network, options.weights);
  const input = loadInput(network, options.input!, { mean, std, resize });
  if ((mean || std) && ![".png", ".jpg", ".jpeg"].includes(extname(options.input!).toLowerCase())) {
    io.stderr("dsnet: --mean and --std apply to image inputs only; the input is used as it is\n");
  }
  const [h, w, c] = network.layers[network.output].shape;
  const labels = options.labels ? readLabels(options.labels, h * w * c) : undefined;
  if (!options.weights) io.stderr(NO_WEIGHTS_NOTE);
  const runner = await compile(network, weights, {
    backend,
    batch: input.batch,
    threads,
    trace: debugTrace(io),
  });
  let output: Float32Array;
  try {
    output = Float32Array.from(await runner.forward(input.data));
  } finally {
    runner.dispose?.();
  }
  if (options.output) {
    // Standard output gets .npy, which says its own shape.
    const toStdout = options.output === STANDARD_OUTPUT;
    const bytes =
      toStdout || extname(options.output).toLowerCase() === ".npy"
        ? writeNpy([input.batch, h, w, c], output)
        : writeRawFloat32(output);
    writeOutput(io, options.output, bytes, "output");
    io.stderr(
      `wrote ${input.batch}x${formatShape([h, w, c])} to ${toStdout ? "standard output (.npy)" : options.output}\n`,
    );
  } else if (options.json) {
    io.stdout(outputJson(output, input.batch, [h, w, c], top, labels, options.all ?? false));
  } else {
    io.stdout(describeOutput(output, input.batch, [h, w, c], top, labels));
  }
  return EXIT_OK;
}

export interface BenchOptions extends NetworkSelection {
  backend?: string;
  runs?: string;
  warmup?: string;
  batch?: string;
  threads?: string;
  weights?: string;
  json?: boolean;
}

export interface BenchResult {
  backend: BackendName;
  network: string;
  batch: number;
  /** cpu and ts: the threads it ran on. */
  threads?: number;
  runs: number;
  medianMs: number;
  minMs: number;
  macs: number;
  gflops: number;
  /** CPU plan only: time and GFLOP/s per kind of step, from separately timed passes. */
  perKind?: Record<string, { ms: number; macs: number; gflops: number }>;
  /** The same by kind and filter and stride ("depthwise 3x3 s1"), for the windowed kinds. */
  perVariant?: Record<string, { ms: number; macs: number; gflops: number }>;
  /** cpu and ts: which build of the WebAssembly kernels ran (relaxed SIMD where the engine has it). */
  kernels?: string;
}

/** `dsnet bench FILE`: forward passes only (the plan is built once), warm-up, then the median. */
export async function benchCommand(
  file: string,
  options: BenchOptions,
  io: CliIO,
): Promise<number> {
  const backend = backendOf(options.backend);
  const runs = positiveInt(options.runs, "--runs", 30);
  const warmup = wholeNumber(options.warmup, "--warmup", 5, 0);
  const batch = positiveInt(options.batch, "--batch", 1, MAX_BATCH);
  const threads = threadsOption(options.threads, backend);
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  if (!options.weights) io.stderr(NO_WEIGHTS_NOTE);
  const result = await benchmark(loaded.network, backend, {
    runs,
    warmup,
    batch,
    threads,
    weights: options.weights,
    progress: io.progress,
  });
  io.stdout(options.json ? JSON.stringify(result, null, 2) + "\n" : describeBench(result));
  return EXIT_OK;
}

export async function benchmark(
  network: Network,
  backend: BackendName,
  options: {
    runs: number;
    warmup: number;
    batch: number;
    threads?: number;
    weights?: string;
    progress?: (text: string) => void;
  },
): Promise<BenchResult> {
  const weights = loadWeights(network, options.weights);
  options.progress?.(`compiling ${network.name} for ${backend}`);
  const runner = await compile(network, weights, {
    backend,
    batch: options.batch,
    threads: options.threads,
  });
  const [h, w, c] = network.input;
  const random = new Random(1);
  const input = Float32Array.from({ length: options.batch * h * w * c }, () =>
    random.uniform(-1, 1),
  );
  for (let i = 0; i < options.warmup; i++) {
    options.progress?.(`warm-up ${i + 1}/${options.warmup}`);
    await runner.forward(input);
  }
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    options.progress?.(`run ${i + 1}/${options.runs}`);
    const start = performance.now();
    await runner.forward(input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)];
  const macs = summarize(network).totals.macs * options.batch;
  const result: BenchResult = {
    backend,
    network: network.name,
    batch: options.batch,
    ...(runner.threads === undefined ? {} : { threads: runner.threads }),
    runs: options.runs,
    medianMs,
    minMs: times[0],
    macs,
    gflops: (2 * macs) / (medianMs * 1e6),
  };
  options.progress?.("timing each step");
  if (runner.steps) {
    void runner.forward(input);
    const times = timeSteps(runner.steps, options.runs);
    result.perKind = withRates(times, false);
    result.perVariant = withRates(times, true);
  }
  if (runner.kernels) result.kernels = runner.kernels;
  runner.dispose?.();
  return result;
}

/** The times under kinds (or under kinds and variants) with their GFLOP/s, as `--json` has them. */
function withRates(times: Map<string, KeyTime>, variants: boolean) {
  return Object.fromEntries(
    [...times]
      .filter(([key]) => isVariantKey(key) === variants)
      .map(([key, t]) => [key, { ms: t.ms, macs: t.macs, gflops: gflops(t) }]),
  );
}

export function describeBench(r: BenchResult): string {
  const lines = [
    `${r.network} on ${r.backend}, batch ${r.batch}: median ${r.medianMs.toFixed(2)} ms, min ${r.minMs.toFixed(2)} ms over ${r.runs} runs; ${r.gflops.toFixed(1)} GFLOP/s (${(r.macs / 1e6).toFixed(1)} M MACs)${r.threads === undefined ? "" : `; ${r.threads} thread${r.threads === 1 ? "" : "s"}`}`,
  ];
  if (r.kernels) lines.push(`  kernels: ${r.kernels}`);
  if (r.perKind) {
    lines.push(
      ...describeStepTimes(
        new Map([...Object.entries(r.perKind), ...Object.entries(r.perVariant ?? {})]),
      ),
    );
  }
  return lines.join("\n") + "\n";
}
