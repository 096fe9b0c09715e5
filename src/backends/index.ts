import type { Network } from "../check/network.js";
import { lowerNetwork } from "../ir/lower.js";
import { optimize } from "../ir/passes.js";
import { CpuPlan, type Step } from "./cpu/plan.js";
import { BackendUnavailableError } from "./errors.js";
import { importGeneratedModule } from "./ts/load.js";

export { BackendUnavailableError };

/** A network ready to run on one backend, for one batch size. */
export interface Runner {
  readonly backend: BackendName;
  readonly batch: number;
  /** N x H x W x C in, N x h x w x c out; the result may be reused by the next call. */
  forward(input: Float32Array): Promise<Float32Array>;
  /** The plan's steps, where the backend has them (per-kind timing in `dsnet bench`). */
  readonly steps?: Step[];
  dispose?(): void;
}

/**
 * cpu: the interpreted CPU plan. ts: the module `dsnet compile --target ts` generates, loaded
 * in process. webgpu: the WGSL shaders of `dsnet compile --target wgsl`, on Dawn (the `webgpu`
 * package).
 */
export const BACKENDS = ["cpu", "ts", "webgpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackend(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** Builds a runner for a network and its weights (in `expectedTensors` order). */
export async function createRunner(
  backend: BackendName,
  network: Network,
  weights: Float32Array[],
  batch: number,
): Promise<Runner> {
  switch (backend) {
    case "cpu": {
      const plan = new CpuPlan(optimize(lowerNetwork(network, weights)), { batch });
      return { backend, batch, steps: plan.steps, forward: async (input) => plan.forward(input) };
    }
    case "ts": {
      const model = (await importGeneratedModule(network, weights)).createModel({ batch });
      return { backend, batch, forward: async (input) => model.forward(input) };
    }
    case "webgpu": {
      // Loaded only when asked for: Dawn is a large native module.
      const { createWebGpuRunner, requestWebGpuDevice } = await import("./wgsl/runner.js");
      const device = await requestWebGpuDevice().catch((e: Error) => {
        throw new BackendUnavailableError(e.message);
      });
      const runner = await createWebGpuRunner(optimize(lowerNetwork(network, weights)), batch, {
        device,
      });
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
