import type { Graph } from "../ir/graph.js";
import { CpuPlan } from "./cpu/plan.js";
import { BackendUnavailableError } from "./errors.js";
import { importGeneratedModule } from "./ts/load.js";
import { threadCount } from "../runtime/threads.js";
import type { BackendName, Runner } from "./types.js";

export { BackendUnavailableError };
export { BACKENDS, isBackend, type BackendName, type Runner } from "./types.js";

export interface RunnerOptions {
  /** cpu and ts: threads to run on; default the cores, at most 4 (src/runtime/threads.ts). */
  threads?: number;
}

/**
 * Builds a runner for an IR graph on one backend (`compileGraph` makes the graph each backend
 * wants: the webgpu one may hold fused separable nodes, which only it runs).
 */
export async function createRunner(
  backend: BackendName,
  graph: Graph,
  batch: number,
  options: RunnerOptions = {},
): Promise<Runner> {
  switch (backend) {
    case "cpu": {
      const plan = new CpuPlan(graph, { batch, threads: threadCount(options.threads) });
      await plan.ready;
      return {
        backend,
        batch,
        threads: plan.threads,
        kernels: plan.kernelsVariant,
        steps: plan.steps,
        forward: async (input) => plan.forward(input),
        dispose: () => plan.dispose(),
      };
    }
    case "ts": {
      const model = (await importGeneratedModule(graph)).createModel({
        batch,
        threads: options.threads,
      });
      await model.ready;
      return {
        backend,
        batch,
        threads: model.threads,
        kernels: model.kernels,
        forward: async (input) => model.forward(input),
        dispose: () => model.close(),
      };
    }
    case "webgpu": {
      // Loaded only when asked for: Dawn is a large native module.
      const { createWebGpuRunner, requestWebGpuDevice } = await import("./wgsl/runner.js");
      const device = await requestWebGpuDevice().catch((e: Error) => {
        throw new BackendUnavailableError(e.message);
      });
      const runner = await createWebGpuRunner(graph, batch, { device });
      return {
        ...runner,
        dispose() {
          runner.dispose();
          device.destroy();
        },
      };
    }
  }
}
