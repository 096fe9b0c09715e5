import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Graph } from "../../ir/graph.js";
import { generateModule } from "./generate.js";

/** The API every generated module exports (the TypeScript declarations are in the module). */
export interface GeneratedModule {
  inputShape: readonly number[];
  outputShape: readonly number[];
  weightTensors: ReadonlyArray<readonly [string, readonly number[]]>;
  createModel(...args: unknown[]): {
    batch: number;
    threads: number;
    kernels: "relaxed-simd" | "simd128" | "js";
    ready: Promise<void>;
    forward(input: Float32Array): Float32Array;
    close(): void;
  };
}

/**
 * Generates a network's module (plain JavaScript, weights embedded), writes it to a temporary
 * file and imports it: `run --backend ts` and `bench --backend ts` measure the generated code.
 * `kernels`: as `dsnet compile --kernels` (bench/cpu.ts measures both).
 */
export async function importGeneratedModule(
  graph: Graph,
  kernels: "wasm" | "js" = "wasm",
): Promise<GeneratedModule> {
  const text = await generateModule({
    graph,
    weightsOrigin: "in-process",
    javascript: true,
    kernels,
  });
  const dir = mkdtempSync(join(tmpdir(), "dsnet-ts-"));
  const file = join(dir, "model.mjs");
  try {
    writeFileSync(file, text);
    return (await import(pathToFileURL(file).href)) as GeneratedModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
