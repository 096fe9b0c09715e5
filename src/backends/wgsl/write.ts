import { existsSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { makeFolder, writeWhole } from "../../weights/load.js";
import type { WgslProgram } from "./compile.js";

/**
 * The list of what dsnet wrote into an output folder, kept there so that compiling into the
 * same folder again removes the shaders of the last network (and nothing of anyone else's).
 */
export const WRITTEN_LIST = "dsnet-files.json";

/**
 * Writes a compiled program to `dir` (created if needed): `NN_<name>.wgsl` per step, the host
 * (host.ts, or host.js and host.d.ts), `weights.bin`, `README.md`, and the list of them. Files
 * an earlier compile wrote there (as its list says) that this one does not write are removed.
 * Returns the paths written; a failure to write is a FileError.
 */
export function writeWgslProgram(program: WgslProgram, dir: string): string[] {
  makeFolder(dir, "output folder");
  const files: [string, string | Uint8Array][] = [
    ...program.steps.map((s): [string, string] => [`${s.name}.wgsl`, s.code]),
    [program.hostFile, program.host],
    ...(program.hostDeclarations
      ? [["host.d.ts", program.hostDeclarations] as [string, string]]
      : []),
    ["weights.bin", new Uint8Array(program.weights)],
    ["README.md", program.readme],
  ];
  const names = new Set(files.map(([name]) => name));
  const list = `${JSON.stringify({ writtenBy: "dsnet compile --target wgsl", files: [...names] }, null, 2)}\n`;
  const written = [...files, [WRITTEN_LIST, list] as [string, string]].map(([name, data]) => ({
    path: join(dir, name),
    data,
    what: "output file",
  }));
  // Every file or none, and the last compile's shaders removed only once the new ones are in.
  const stale = writtenBefore(dir).filter((name) => !names.has(name));
  writeWhole(...written);
  for (const name of stale) {
    try {
      unlinkSync(join(dir, name)); // a file, never a folder
    } catch {
      // Gone already, or a folder now: nothing of the last compile to remove.
    }
  }
  return written.map(({ path }) => path);
}

/** The files the list in `dir` names: plain names only, so that nothing outside `dir` is touched. */
function writtenBefore(dir: string): string[] {
  const path = join(dir, WRITTEN_LIST);
  if (!existsSync(path)) return [];
  try {
    const { files } = JSON.parse(readFileSync(path, "utf8")) as { files?: unknown };
    if (!Array.isArray(files)) return [];
    return files.filter(
      (f): f is string =>
        typeof f === "string" &&
        /^[^/\\]+$/.test(f) &&
        f !== "." &&
        f !== ".." &&
        f !== WRITTEN_LIST,
    );
  } catch {
    return []; // not a list dsnet wrote: leave the folder as it is
  }
}
