import type { Step } from "./cpu/plan.js";

/** A network ready to run on one backend, for one batch size. */
export interface Runner {
  readonly backend: BackendName;
  readonly batch: number;
  /** Threads the CPU runtime runs on (cpu and ts); absent elsewhere. */
  readonly threads?: number;
  /** N x H x W x C in, N x h x w x c out; the result may be reused by the next call. */
  forward(input: Float32Array): Promise<Float32Array>;
  /**
   * Which build of the WebAssembly kernels runs (cpu: relaxed SIMD where the engine has it;
   * ts: the generated module embeds the plain one); absent for webgpu.
   */
  readonly kernels?: string;
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
