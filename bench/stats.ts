/** Runs `body` `warmup` times, then `runs` times timed; returns the median and min in ms. */
export async function measure(body: () => unknown, runs: number, warmup: number) {
  for (let i = 0; i < warmup; i++) await body();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], minMs: times[0] };
}

export function heading(text: string): void {
  console.log(`\n== ${text}`);
}
