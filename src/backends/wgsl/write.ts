import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WgslProgram } from "./compile.js";

/**
 * Writes a compiled program to `dir` (created if needed): `NN_<name>.wgsl` per step, `host.ts`,
 * `weights.bin` and `README.md`. Returns the paths written.
 */
export function writeWgslProgram(program: WgslProgram, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ...program.steps.map((s): [string, string] => [`${s.name}.wgsl`, s.code]),
    ["host.ts", program.host],
    ["weights.bin", new Uint8Array(program.weights)],
    ["README.md", program.readme],
  ];
  return files.map(([name, data]) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  });
}
