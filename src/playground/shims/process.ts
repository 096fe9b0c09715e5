/*
 * The `process` global for the page (esbuild's `inject`): the checker shows paths relative to
 * `process.cwd()`, and the debug trace reads `process.env`.
 */
export const process = { cwd: () => "/", env: {} as Record<string, string | undefined> };
