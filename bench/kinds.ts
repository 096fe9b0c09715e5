import { join } from "node:path";
import { stepKeys, type CpuPlan, type Step } from "../src/backends/cpu/plan.js";
import { Random } from "../src/weights/init.js";
import { TABLE_NETWORKS } from "./cpu.js";
import { BenchFailure, CURRENT, loadRevision, ROOT, type Library } from "./revision.js";
import { heading, loadAverage, median } from "./stats.js";

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
 */

/** Rounds by default: the four networks take about 30 s a side on the 2-core development machine. */
export const DEFAULT_ROUNDS = 15;
/** In each round, a side's forward passes timed whole, then as many timed step by step. */
const PASSES = 5;
/** Rounds run first and not counted, while the engine settles. */
const WARMUP_ROUNDS = 2;

interface KindOptions {
  before?: string;
  rounds: number;
}

function parseOptions(argv: readonly string[]): KindOptions {
  const options: KindOptions = { rounds: DEFAULT_ROUNDS };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (name !== "--before" && name !== "--rounds") {
      throw new BenchFailure(`kinds: unknown option ${name} (options: --before REV, --rounds N)`);
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new BenchFailure(`kinds: ${name} needs a value`);
    }
    if (name === "--before") options.before = value;
    else if (/^[1-9]\d*$/.test(value)) options.rounds = Number(value);
    else throw new BenchFailure(`kinds: --rounds ${value}: a whole number of 1 or more`);
  }
  return options;
}

/** One side's round: the whole pass's median, and each kind's time (sum of its steps' medians). */
interface Round {
  wholeMs: number;
  ms: Map<string, number>;
}

/** One build of dsnet with the network planned, and its rounds so far. */
interface Side {
  plan: CpuPlan;
  kernels: string;
  /** Multiply-adds by kind, and by kind and variant ("depthwise 3x3 s1"). */
  macs: Map<string, number>;
  /** Whether its steps carry a variant at all (older plans' do not). */
  variants: boolean;
  output: Float32Array;
  rounds: Round[];
}

/** Plans `network` of `file` with `library`, one thread, after checking its per-step hook. */
async function prepare(
  library: Library,
  name: string,
  file: string,
  network: string,
  weights: Float32Array[],
  input: Float32Array,
): Promise<Side> {
  const result = library.checkFile(join(ROOT, file), { network });
  const checked = result.networks[0];
  if (!checked) {
    // An older front end may refuse what this tree's examples say now: tell the first error.
    const first = result.diagnostics.find((d) => d.severity === "error");
    const why = first ? ` (${first.code}: ${first.message})` : "";
    throw new BenchFailure(`${name}: ${file} has no network ${network} it accepts${why}`);
  }
  const plan = new library.CpuPlan(library.compileGraph(checked, weights, { target: "cpu" }), {
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
  const macs = new Map<string, number>();
  for (const step of plan.steps) {
    for (const key of stepKeys(step)) macs.set(key, (macs.get(key) ?? 0) + step.macs);
  }
  return {
    plan,
    // Older plans do not say which build ran.
    kernels: plan.kernelsVariant ?? "not reported",
    macs,
    variants: plan.steps.some((s) => s.variant !== undefined),
    output: Float32Array.from(plan.forward(input)),
    rounds: [],
  };
}

/** A round of `PASSES` whole passes, then `PASSES` passes step by step, each step timed. */
function timeRound(plan: CpuPlan, input: Float32Array): Round {
  const whole: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const start = performance.now();
    plan.forward(input);
    whole.push(performance.now() - start);
  }
  const perStep = plan.steps.map(() => [] as number[]);
  for (let p = 0; p < PASSES; p++) {
    plan.steps.forEach((step, i) => {
      const start = performance.now();
      step.run();
      perStep[i]!.push(performance.now() - start);
    });
  }
  const ms = new Map<string, number>();
  plan.steps.forEach((step, i) => {
    const t = median(perStep[i]!);
    for (const key of stepKeys(step)) ms.set(key, (ms.get(key) ?? 0) + t);
  });
  return { wholeMs: median(whole), ms };
}

/** "bit-identical" (Object.is on every element), or the largest difference. */
function compareOutputs(before: Float32Array, after: Float32Array): string {
  if (before.length !== after.length) {
    return `outputs of different lengths (${before.length} before, ${after.length} after)`;
  }
  let differ = 0;
  let max = 0;
  for (let i = 0; i < after.length; i++) {
    if (Object.is(before[i], after[i])) continue;
    differ++;
    max = Math.max(max, Math.abs(before[i]! - after[i]!));
  }
  if (differ === 0) return "outputs bit-identical";
  return `outputs differ: max |diff| ${max.toExponential(2)}, ${differ} of ${after.length} elements`;
}

/** A side's median time under `key` over its rounds (undefined where it has no such steps). */
function medianMs(side: Side, key: string): number | undefined {
  if (!side.macs.has(key)) return undefined;
  return median(side.rounds.map((r) => r.ms.get(key)!));
}

/** GFLOP/s from the median time, or the time where the steps do no multiply-adds. */
function rate(side: Side, key: string): string {
  const ms = medianMs(side, key);
  if (ms === undefined) return "-";
  const macs = side.macs.get(key)!;
  return macs ? `${((2 * macs) / (ms * 1e6)).toFixed(1)} GFLOP/s` : `${ms.toFixed(2)} ms`;
}

/**
 * The rows to print: each kind in the order the steps come, and under it its variants where
 * either side has more than one of them.
 */
function rowsOf(sides: Side[]): { key: string; label: string }[] {
  const keys = [...new Set(sides.flatMap((s) => [...s.macs.keys()]))];
  return keys
    .filter((key) => !key.includes(" "))
    .flatMap((kind) => {
      const variants = keys.filter((k) => k.startsWith(`${kind} `));
      const under = variants.length > 1 ? variants : [];
      return [
        { key: kind, label: `  ${kind}` },
        ...under.map((key) => ({ key, label: `    ${key.slice(kind.length + 1)}` })),
      ];
    });
}

function printAlone(network: string, after: Side): void {
  const whole = median(after.rounds.map((r) => r.wholeMs));
  console.log(`\n${network}: ${whole.toFixed(2)} ms a pass (kernels: ${after.kernels})`);
  for (const { key, label } of rowsOf([after])) {
    const ms = medianMs(after, key)!;
    const gflops = after.macs.get(key) ? `, ${rate(after, key)}` : "";
    console.log(`${label.padEnd(12)} ${ms.toFixed(2).padStart(8)} ms${gflops}`);
  }
}

/** Before's time over after's, as the ratio of medians and the median of each round's ratio. */
function speedUps(before: number[], after: number[]): string {
  const ofMedians = median(before) / median(after);
  const paired = median(before.map((b, i) => b / after[i]!));
  return `${ofMedians.toFixed(2).padStart(7)}x ${paired.toFixed(2).padStart(7)}x`;
}

function printPaired(network: string, before: Side, after: Side): void {
  const kernels =
    before.kernels === after.kernels
      ? `kernels ${after.kernels} on both sides`
      : `kernels ${before.kernels} before, ${after.kernels} after`;
  console.log(`\n${network}: ${compareOutputs(before.output, after.output)}; ${kernels}`);
  if (after.variants && !before.variants) {
    console.log("  (before's steps have no filter and stride: its variant lines are empty)");
  }
  console.log(
    `${"".padEnd(12)} ${"before".padStart(14)} ${"after".padStart(14)} ${"speed-up".padStart(8)} ${"paired".padStart(8)}`,
  );
  for (const { key, label } of rowsOf([after, before])) {
    const both = before.macs.has(key) && after.macs.has(key);
    const ratios = both
      ? speedUps(
          before.rounds.map((r) => r.ms.get(key)!),
          after.rounds.map((r) => r.ms.get(key)!),
        )
      : "";
    console.log(
      `${label.padEnd(12)} ${rate(before, key).padStart(14)} ${rate(after, key).padStart(14)} ${ratios}`,
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
    if (revision) {
      console.log(`before: ${revision.label}; after: this tree, in the same process`);
      console.log(
        `${options.rounds} rounds alternating before and after, each ${PASSES} passes timed whole and ${PASSES} step by step;` +
          " speed-up: the ratio of the median times, paired: the median of the rounds' ratios",
      );
    }
    console.log(`load average at the start: ${loadAverage(" / ")}`);
    const started = performance.now();
    for (const { file, network } of TABLE_NETWORKS) {
      const random = new Random(7);
      const checked = CURRENT.checkFile(join(ROOT, file), { network }).networks[0]!;
      const [h, w, c] = checked.input;
      const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
      const weights = CURRENT.initialWeights(checked).map((t) => t.data);
      const after = await prepare(CURRENT, "this tree", file, network, weights, input);
      const before = revision
        ? await prepare(
            revision.library,
            `--before ${revision.label}`,
            file,
            network,
            weights,
            input,
          )
        : undefined;
      const sides = before ? [before, after] : [after];
      for (let round = 0; round < WARMUP_ROUNDS + options.rounds; round++) {
        // Which side goes first alternates, so that going first (or second) favours neither.
        for (const side of round % 2 ? [...sides].reverse() : sides) {
          const timed = timeRound(side.plan, input);
          if (round >= WARMUP_ROUNDS) side.rounds.push(timed);
        }
      }
      if (before) printPaired(network, before, after);
      else printAlone(network, after);
      for (const side of sides) side.plan.dispose();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`\nload average at the end: ${loadAverage(" / ")}; ${seconds} s`);
  } finally {
    revision?.close();
  }
}
