import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TABLE_NETWORKS } from "./cpu.js";
import { heading, loadAverage, median } from "./stats.js";

/**
 * `npm run bench -- kinds [--before DIR]`: GFLOP/s by layer type for each network the tables
 * report (MobileNetV1, V2, V3-Large, EfficientNet-B0 at 224, batch 1, one thread), each step
 * timed on its own as `dsnet bench` does, with the kernel build that ran. With `--before DIR`
 * (a checkout of an older dsnet, built), its `dsnet bench` runs too, in rounds alternating with
 * this one's, and the table has both: before and after, measured in the same minutes.
 *
 * Both sides run as their built command (`node bin/dsnet.js bench`), one process per round, so
 * neither shares an engine with the other: run `npm run build` first, here and in DIR.
 */

/** Rounds per side; each round is one `dsnet bench` of 20 passes. */
const ROUNDS = 7;

/** One `dsnet bench` run: the whole pass and each kind's time (ms) and GFLOP/s. */
interface KindRun {
  medianMs: number;
  kernels: string;
  kinds: Map<string, { ms: number; gflops?: number }>;
}

function benchOnce(root: string, file: string, network: string, oneThread: boolean): KindRun {
  const args = [join(root, "bin/dsnet.js"), "bench", join(root, file), "--network", network];
  args.push("--runs", "20", "--warmup", "5");
  if (oneThread) args.push("--threads", "1");
  const text = execFileSync(process.execPath, args, { encoding: "utf8", stdio: "pipe" });
  const medianMs = Number(/median ([\d.]+) ms/.exec(text)?.[1]);
  const kernels = /kernels: (\S+)/.exec(text)?.[1] ?? "simd128";
  const kinds = new Map<string, { ms: number; gflops?: number }>();
  // "  depthwise  2.84 ms, 12.2 GFLOP/s", then its filters and strides ("    3x3 s1  ...").
  let kind = "";
  for (const line of text.split("\n")) {
    const m =
      /^( {2}| {4})(\w+(?: s[\dx]+)?(?: d[\dx]+)?) +([\d.]+) ms(?:, ([\d.]+) GFLOP\/s)?$/.exec(
        line,
      );
    if (!m) continue;
    const [, indent, name, ms, gflops] = m;
    if (indent!.length === 2) kind = name!;
    const key = indent!.length === 2 ? name! : `${kind} ${name}`;
    kinds.set(key, { ms: Number(ms), gflops: gflops === undefined ? undefined : Number(gflops) });
  }
  if (!Number.isFinite(medianMs) || kinds.size === 0) {
    throw new Error(`could not read dsnet bench's output:\n${text}`);
  }
  return { medianMs, kernels, kinds };
}

/** `dsnet bench --help` of the build at `root`. */
function helpText(root: string): string {
  const args = [join(root, "bin/dsnet.js"), "bench", "--help"];
  return execFileSync(process.execPath, args, { encoding: "utf8", stdio: "pipe" });
}

/** Medians over rounds, kind by kind (GFLOP/s from the median time and the run's rate). */
function summarise(runs: KindRun[]) {
  const kinds = new Map<string, { ms: number; gflops?: number }>();
  for (const kind of runs[0]!.kinds.keys()) {
    const times = runs.map((r) => r.kinds.get(kind)?.ms ?? NaN);
    const ms = median(times);
    const first = runs[0]!.kinds.get(kind)!;
    // Each run's GFLOP/s is its MACs over its time: the same MACs in every run of a side.
    const gflops = first.gflops === undefined ? undefined : (first.gflops * first.ms) / ms;
    kinds.set(kind, { ms, gflops });
  }
  return { medianMs: median(runs.map((r) => r.medianMs)), kernels: runs[0]!.kernels, kinds };
}

export async function kindBenchmarks(argv: readonly string[] = []): Promise<void> {
  const at = argv.indexOf("--before");
  const before = at >= 0 ? argv[at + 1] : undefined;
  // A mistake on the command line, reported as bench/run.ts reports an unknown part.
  if (at >= 0 && (before === undefined || !existsSync(join(before, "bin/dsnet.js")))) {
    console.error(`--before ${before ?? ""}: no bin/dsnet.js there (a dsnet checkout, built)`);
    process.exit(2);
  }
  // An older dsnet may predate --threads (and then ran on one thread anyway).
  const beforeThreads = before === undefined ? undefined : helpText(before).includes("--threads");
  heading("CPU: GFLOP/s by layer type, 224, batch 1, one thread");
  console.log(`load average at the start: ${loadAverage(" / ")}`);
  for (const { file, network } of TABLE_NETWORKS) {
    const afterRuns: KindRun[] = [];
    const beforeRuns: KindRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (before !== undefined) beforeRuns.push(benchOnce(before, file, network, beforeThreads!));
      afterRuns.push(benchOnce(".", file, network, true));
    }
    const after = summarise(afterRuns);
    const old = before === undefined ? undefined : summarise(beforeRuns);
    console.log(
      `\n${network}: ${after.medianMs.toFixed(2)} ms (kernels: ${after.kernels})` +
        (old
          ? `; before ${old.medianMs.toFixed(2)} ms (${(old.medianMs / after.medianMs).toFixed(2)}x)`
          : ""),
    );
    const rate = (k?: { ms: number; gflops?: number }) =>
      k === undefined
        ? "-"
        : `${k.ms.toFixed(2)} ms${k.gflops === undefined ? "" : ` ${k.gflops.toFixed(1)} GFLOP/s`}`;
    for (const [kind, k] of after.kinds) {
      const was = old?.kinds.get(kind);
      const line = `  ${kind.padEnd(10)} ${rate(k).padStart(22)}`;
      console.log(
        old
          ? `${line}   before ${rate(was).padStart(22)}   ${was ? (was.ms / k.ms).toFixed(2) + "x" : ""}`
          : line,
      );
    }
  }
  console.log(`\nload average at the end: ${loadAverage(" / ")}`);
}
