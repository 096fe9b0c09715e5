import type { Graph } from "../ir/graph.js";
import { CpuPlan, type Step } from "./cpu/plan.js";

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

export const BACKENDS = ["cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackend(name: string): name is BackendName {
  return (BACKENDS as readonly string[]).includes(name);
}

/** Builds a runner for an optimised graph (see `optimize` in ir/passes.ts). */
export async function createRunner(
  backend: BackendName,
  graph: Graph,
  batch: number,
): Promise<Runner> {
  switch (backend) {
    case "cpu": {
      const plan = new CpuPlan(graph, { batch });
      return { backend, batch, steps: plan.steps, forward: async (input) => plan.forward(input) };
    }
  }
}
