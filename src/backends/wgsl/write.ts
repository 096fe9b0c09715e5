import { join } from "node:path";
import { makeFolder, writeBytes } from "../../weights/load.js";
import type { WgslProgram } from "./compile.js";

/**
 * Writes a compiled program to `dir` (created if needed): `NN_<name>.wgsl` per step, `host.ts`,
 * `weights.bin` and `README.md`. Returns the paths written; a failure to write is a FileError.
 */
export function writeWgslProgram(program: WgslProgram, dir: string): string[] {
  makeFolder(dir, "output folder");
  const files: [string, string | Uint8Array][] = [
    ...program.steps.map((s): [string, string] => [`${s.name}.wgsl`, s.code]),
    ["host.ts", program.host],
    ["weights.bin", new Uint8Array(program.weights)],
    ["README.md", program.readme],
  ];
  return files.map(([name, data]) => {
    const path = join(dir, name);
    writeBytes(path, data, "output file");
    return path;
  });
}
