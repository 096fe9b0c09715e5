import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import { integrationTests } from "./test/projects.js";
import { soak } from "./test/runs.js";

/*
 * Two projects: `integration` is the test files listed in test/projects.ts (WebGPU, generated
 * modules, the terminal), `unit` everything else, the loop to run while editing
 * (`npm run test:unit`). A new test file is a unit test unless it is listed there. `npm test`
 * runs both.
 */
export default defineConfig({
  test: {
    setupFiles: ["test/setup.ts"],
    // vitest's default, one worker fewer than the cores, is one worker on a 2-core machine; the
    // WebGPU and child-process tests spend much of their time waiting, so two overlap well
    // (npm test 2 min 58 s -> about 1 min 50 s here).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A soak run (DSNET_SOAK, see test/runs.ts) does proportionally more work per test.
    testTimeout: 120_000 * soak,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Test files share a worker's modules instead of each importing the compiler afresh:
          // npm run test:unit 53 s -> 32 to 37 s on this 2-core machine. The unit tests keep no
          // state between files (what a test sets, such as DSNET_DEBUG, it restores).
          isolate: false,
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...integrationTests],
        },
      },
      { extends: true, test: { name: "integration", include: integrationTests } },
    ],
  },
});
