import { loadavg } from "node:os";

/** Runs `body` `warmup` times, then `runs` times timed; returns the median and min in ms. */
export async function measure(body: () => unknown, runs: number, warmup: number) {
  for (let i = 0; i < warmup; i++) await body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), minMs: Math.min(...times) };
}

/** The middle value (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/**
 * The median over rounds of each round's `over[i] / under[i]` ("paired"): the two times of a
 * round were taken within seconds of each other, on one state of the machine, where a ratio of
 * two medians may take them from minutes apart; the machine's drift moves it much less.
 */
export function pairedRatio(over: readonly number[], under: readonly number[]): number {
  return median(over.map((t, i) => t / under[i]));
}

/** The load average over 1, 5 and 15 minutes, to two places. */
export function loadAverage(separator: string): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(separator);
}

export function heading(text: string): void {
  console.log(`\n== ${text}`);
}
