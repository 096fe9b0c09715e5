import { stepKeys, type Step } from "./plan.js";

/** The steps under one key of `stepKeys`: the sum of their median times, and their multiply-adds. */
export interface KeyTime {
  ms: number;
  macs: number;
}

/**
 * Times each step on its own (`Step.run`) over `runs` passes, on what the last forward pass
 * left in the plan's buffers, and adds each step's median up under its keys: its kind, and its
 * kind and variant ("depthwise 3x3 s1") where it has one. The keys come in the steps' order.
 */
export function timeSteps(steps: readonly Step[], runs: number): Map<string, KeyTime> {
  const perStep = steps.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    steps.forEach((step, i) => {
      const start = performance.now();
      step.run();
      perStep[i].push(performance.now() - start);
    });
  }
  const times = new Map<string, KeyTime>();
  steps.forEach((step, i) => {
    const sorted = perStep[i].sort((a, b) => a - b);
    const ms = sorted[Math.floor(sorted.length / 2)];
    for (const key of stepKeys(step)) {
      const entry = times.get(key) ?? { ms: 0, macs: 0 };
      entry.ms += ms;
      entry.macs += step.macs;
      times.set(key, entry);
    }
  });
  return times;
}

/** Whether a key of `stepKeys` is a kind and variant ("depthwise 3x3 s1") rather than a kind. */
export function isVariantKey(key: string): boolean {
  return key.includes(" ");
}

/** GFLOP/s at `ms` (0 where the steps do no multiply-adds). */
export function gflops({ ms, macs }: KeyTime): number {
  return macs ? (2 * macs) / (ms * 1e6) : 0;
}

/**
 * The rows of a table by kind: each kind in the order the keys come, and under it its
 * variants where it has more than one. A label is indented two spaces for a kind, four for a
 * variant, which it names without the kind ("    3x3 s1").
 */
export function stepRows(keys: Iterable<string>): { key: string; label: string }[] {
  const all = [...new Set(keys)];
  return all
    .filter((key) => !isVariantKey(key))
    .flatMap((kind) => {
      const variants = all.filter((k) => k.startsWith(`${kind} `));
      const under = variants.length > 1 ? variants : [];
      return [
        { key: kind, label: `  ${kind}` },
        ...under.map((key) => ({ key, label: `    ${key.slice(kind.length + 1)}` })),
      ];
    });
}

/** A line per row of `stepRows`: the time, and GFLOP/s where the steps do multiply-adds. */
export function describeStepTimes(times: ReadonlyMap<string, KeyTime>): string[] {
  return stepRows(times.keys()).map(({ key, label }) => {
    const t = times.get(key)!;
    const rate = t.macs ? `, ${gflops(t).toFixed(1)} GFLOP/s` : "";
    return `${label.padEnd(12)} ${t.ms.toFixed(2).padStart(8)} ms${rate}`;
  });
}
