import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import type { CpuPlan, Step } from "../src/backends/cpu/plan.js";
import {
  describeStepTimes,
  gflops,
  stepRows,
  timeSteps,
  type KeyTime,
} from "../src/backends/cpu/timing.js";
import type { Network } from "../src/check/network.js";
import { Random } from "../src/weights/init.js";
import { TABLE_NETWORKS } from "./cpu.js";
import { BenchFailure, CURRENT, loadRevision, ROOT, type Library } from "./revision.js";
import { heading, loadAverage, median, pairedRatio } from "./stats.js";

/**
 * `npm run bench -- kinds [--before REV] [--rounds N]`: GFLOP/s by layer type for each network
 * the tables report (MobileNetV1, V2, V3-Large, EfficientNet-B0 at 224, batch 1, one thread),
 * each step of the CPU plan timed on its own (`Step.run`, as `dsnet bench` times them), with
 * the kernel build that ran.
 *
 * With `--before REV`, dsnet as it was at commit REV is loaded into this same process next to
 * this tree's (revision.ts), and the two are measured in alternating rounds, before, after,
 * after, before..., so that both see the same machine within a second of each other; the
 * separate processes minutes apart this replaced showed the shared machine's drift more than
 * the change. Each side compiles the network with its own front end and passes, from the same
 * weights and input, and their outputs are compared.
 *
 * With `--relaxed`, this tree's two kernel builds are the two sides: simd128, then relaxed SIMD,
 * which Node 20 validates only under `--experimental-wasm-relaxed-simd` (set in this process for
 * the second plan's loading alone). The relaxed build's fused multiply-adds round differently,
 * so its outputs differ from simd128's in the last bits.
 */

/** Rounds by default: the four networks take about 30 s a side on the 2-core development machine. */
export const DEFAULT_ROUNDS = 15;
/** In each round, a side's forward passes timed whole, then as many timed step by step. */
const PASSES = 5;
/** Rounds run first and not counted, while the engine settles. */
const WARMUP_ROUNDS = 2;

interface KindOptions {
  before?: string;
  relaxed: boolean;
  rounds: number;
}

function parseOptions(argv: readonly string[]): KindOptions {
  const options: KindOptions = { rounds: DEFAULT_ROUNDS, relaxed: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (name === "--relaxed") {
      options.relaxed = true;
      continue;
    }
    if (name !== "--before" && name !== "--rounds") {
      throw new BenchFailure(
        `kinds: unknown option ${name} (options: --before REV, --relaxed, --rounds N)`,
      );
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new BenchFailure(`kinds: ${name} needs a value`);
    }
    if (name === "--before") options.before = value;
    else if (/^[1-9]\d*$/.test(value)) options.rounds = Number(value);
    else throw new BenchFailure(`kinds: --rounds ${value}: a whole number of 1 or more`);
  }
  if (options.relaxed && options.before !== undefined) {
    throw new BenchFailure("kinds: --before and --relaxed each make the two sides: give one");
  }
  return options;
}

/** One side's round: the whole pass's median, and each kind's time (sum of its steps' medians). */
interface Round {
  wholeMs: number;
  /** By kind, and by kind and variant ("depthwise 3x3 s1"). */
  times: Map<string, KeyTime>;
}

/** One build of dsnet with the network planned, and its rounds so far. */
interface Side {
  plan: CpuPlan;
  kernels: string;
  /** Whether its steps carry a variant at all (older plans' do not). */
  variants: boolean;
  output: Float32Array;
  rounds: Round[];
}

/** `network` of `file` as `library`'s front end checks it. */
function checkNetwork(library: Library, name: string, file: string, network: string): Network {
  const result = library.checkFile(join(ROOT, file), { network });
  const checked = result.networks[0];
  if (!checked) {
    // An older front end may refuse what this tree's examples say now: tell the first error.
    const first = result.diagnostics.find((d) => d.severity === "error");
    const why = first ? ` (${first.code}: ${first.message})` : "";
    throw new BenchFailure(`${name}: ${file} has no network ${network} it accepts${why}`);
  }
  return checked;
}

/** Plans `network` (as `library` checked it), one thread, after checking its per-step hook. */
async function prepare(
  library: Library,
  name: string,
  network: Network,
  weights: Float32Array[],
  input: Float32Array,
): Promise<Side> {
  const plan = new library.CpuPlan(library.compileGraph(network, weights, { target: "cpu" }), {
    threads: 1,
  });
  await plan.ready;
  const steps: unknown = plan.steps;
  const timeable = (s: Partial<Step> | undefined) =>
    typeof s?.run === "function" && typeof s.kind === "string" && typeof s.macs === "number";
  if (!Array.isArray(steps) || steps.length === 0 || !steps.every(timeable)) {
    throw new BenchFailure(
      `${name}: its CpuPlan has no per-step timing hook (steps, each with kind, macs and run()), which kinds times`,
    );
  }
  return {
    plan,
    // Older plans do not say which build ran.
    kernels: plan.kernelsVariant ?? "not reported",
    variants: plan.steps.some((s) => s.variant !== undefined),
    output: Float32Array.from(plan.forward(input)),
    rounds: [],
  };
}

/** What `load` returns, loaded with relaxed SIMD validated (Node 20 needs the flag for it). */
async function withRelaxedSimd<T>(load: () => Promise<T>): Promise<T> {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  try {
    return await load();
  } finally {
    setFlagsFromString("--no-experimental-wasm-relaxed-simd");
  }
}

/** A round of `PASSES` whole passes, then `PASSES` passes step by step, each step timed. */
function timeRound(plan: CpuPlan, input: Float32Array): Round {
  const whole: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const start = performance.now();
    plan.forward(input);
    whole.push(performance.now() - start);
  }
  return { wholeMs: median(whole), times: timeSteps(plan.steps, PASSES) };
}

/** "bit-identical" (Object.is on every element), or the largest difference. */
function compareOutputs(before: Float32Array, after: Float32Array): string {
  if (before.length !== after.length) {
    return `outputs of different lengths (${before.length} before, ${after.length} after)`;
  }
  let differ = 0;
  let max = 0;
  let largest = 0;
  for (let i = 0; i < after.length; i++) {
    largest = Math.max(largest, Math.abs(after[i]!));
    if (Object.is(before[i], after[i])) continue;
    differ++;
    max = Math.max(max, Math.abs(before[i]! - after[i]!));
  }
  if (differ === 0) return "outputs bit-identical";
  const scale = `of max |out| ${largest.toExponential(2)}`;
  return `outputs differ: max |diff| ${max.toExponential(2)} ${scale}, ${differ} of ${after.length} elements`;
}

/** A side's time under each key: the median over its rounds. */
function medianTimes(side: Side): Map<string, KeyTime> {
  return new Map(
    [...side.rounds[0]!.times].map(([key, { macs }]) => [
      key,
      { ms: median(roundMs(side, key)), macs },
    ]),
  );
}

/** A side's time under `key` in each round. */
function roundMs(side: Side, key: string): number[] {
  return side.rounds.map((r) => r.times.get(key)!.ms);
}

/** GFLOP/s, or the time where the steps do no multiply-adds ("-" where a side has no such steps). */
function rate(time: KeyTime | undefined): string {
  if (time === undefined) return "-";
  return time.macs ? `${gflops(time).toFixed(1)} GFLOP/s` : `${time.ms.toFixed(2)} ms`;
}

function printAlone(network: string, after: Side): void {
  const whole = median(after.rounds.map((r) => r.wholeMs));
  console.log(`\n${network}: ${whole.toFixed(2)} ms a pass (kernels: ${after.kernels})`);
  for (const line of describeStepTimes(medianTimes(after))) console.log(line);
}

/** Before's time over after's, as the ratio of medians and the median of each round's ratio. */
function speedUps(before: number[], after: number[]): string {
  const ofMedians = median(before) / median(after);
  const paired = pairedRatio(before, after);
  return `${ofMedians.toFixed(2).padStart(7)}x ${paired.toFixed(2).padStart(7)}x`;
}

function printPaired(
  network: string,
  before: Side,
  after: Side,
  names: [string, string] = ["before", "after"],
): void {
  let kernels = `kernels ${before.kernels} ${names[0]}, ${after.kernels} ${names[1]}`;
  if (before.kernels === after.kernels) kernels = `kernels ${after.kernels} on both sides`;
  else if (names[0] === before.kernels) kernels = `kernels ${before.kernels} and ${after.kernels}`;
  console.log(`\n${network}: ${compareOutputs(before.output, after.output)}; ${kernels}`);
  if (after.variants && !before.variants) {
    console.log("  (before's steps have no filter and stride: its variant lines are empty)");
  }
  console.log(
    `${"".padEnd(12)} ${names[0].padStart(14)} ${names[1].padStart(14)} ${"speed-up".padStart(8)} ${"paired".padStart(8)}`,
  );
  const [beforeTimes, afterTimes] = [medianTimes(before), medianTimes(after)];
  for (const { key, label } of stepRows([...afterTimes.keys(), ...beforeTimes.keys()])) {
    const both = beforeTimes.has(key) && afterTimes.has(key);
    const ratios = both ? speedUps(roundMs(before, key), roundMs(after, key)) : "";
    console.log(
      `${label.padEnd(12)} ${rate(beforeTimes.get(key)).padStart(14)} ${rate(afterTimes.get(key)).padStart(14)} ${ratios}`,
    );
  }
  const wholes = (side: Side) => side.rounds.map((r) => r.wholeMs);
  const ms = (side: Side) => `${median(wholes(side)).toFixed(2)} ms`;
  console.log(
    `${"  whole pass".padEnd(12)} ${ms(before).padStart(14)} ${ms(after).padStart(14)} ${speedUps(wholes(before), wholes(after))}`,
  );
}

export async function kindBenchmarks(argv: readonly string[] = []): Promise<void> {
  const options = parseOptions(argv);
  const revision = options.before === undefined ? undefined : await loadRevision(options.before);
  try {
    heading("CPU: GFLOP/s by layer type, 224, batch 1, one thread");
    if (options.relaxed) {
      console.log("this tree's simd128 and relaxed-SIMD kernel builds, in the same process");
    }
    if (revision || options.relaxed) {
      if (revision) console.log(`before: ${revision.label}; after: this tree, in the same process`);
      console.log(
        `${options.rounds} rounds alternating the two sides, each ${PASSES} passes timed whole and ${PASSES} step by step;` +
          " speed-up: the ratio of the median times, paired: the median of the rounds' ratios",
      );
    }
    console.log(`load average at the start: ${loadAverage(" / ")}`);
    const started = performance.now();
    for (const { file, network } of TABLE_NETWORKS) {
      const random = new Random(7);
      const checked = checkNetwork(CURRENT, "this tree", file, network);
      const [h, w, c] = checked.input;
      const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
      const weights = CURRENT.initialWeights(checked).map((t) => t.data);
      let before: Side | undefined;
      if (options.relaxed) before = await prepare(CURRENT, "this tree", checked, weights, input);
      const after = options.relaxed
        ? await withRelaxedSimd(() => prepare(CURRENT, "this tree", checked, weights, input))
        : await prepare(CURRENT, "this tree", checked, weights, input);
      if (options.relaxed && after.kernels !== "relaxed-simd") {
        throw new BenchFailure(`kinds --relaxed: the relaxed-SIMD build did not load here`);
      }
      if (revision) {
        const name = `--before ${revision.label}`;
        const theirs = checkNetwork(revision.library, name, file, network);
        before = await prepare(revision.library, name, theirs, weights, input);
      }
      const sides = before ? [before, after] : [after];
      for (let round = 0; round < WARMUP_ROUNDS + options.rounds; round++) {
        // Which side goes first alternates, so that going first (or second) favours neither.
        for (const side of round % 2 ? [...sides].reverse() : sides) {
          const timed = timeRound(side.plan, input);
          if (round >= WARMUP_ROUNDS) side.rounds.push(timed);
        }
        // Node handles a signal between tasks: a Ctrl-C waits for the round, not the network.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (before && options.relaxed) printPaired(network, before, after, ["simd128", "relaxed"]);
      else if (before) printPaired(network, before, after);
      else printAlone(network, after);
      for (const side of sides) side.plan.dispose();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`\nload average at the end: ${loadAverage(" / ")}; ${seconds} s`);
  } finally {
    revision?.close();
  }
}
