/*
 * How hard the property tests try, in one place. Each fast-check property asks for `runs(n)`,
 * with n sized for the everyday loop; a soak run raises them all at once:
 *   DSNET_SOAK=20 npx vitest run
 * multiplies every count (and the test timeouts, see vitest.config.ts) by 20. Properties that
 * name no count get fast-check's default of 100, scaled the same way (test/setup.ts).
 */

function soakFactor(): number {
  const text = process.env.DSNET_SOAK;
  if (text === undefined || text === "") return 1;
  const factor = Number(text);
  if (!Number.isFinite(factor) || factor < 1)
    throw new Error(`DSNET_SOAK must be a number >= 1, got ${JSON.stringify(text)}`);
  return factor;
}

/** The multiplier from DSNET_SOAK (default 1). */
export const soak = soakFactor();

/** `n` fast-check runs, times the soak factor. */
export function runs(n: number): number {
  return Math.ceil(n * soak);
}
