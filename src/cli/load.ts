import { existsSync, statSync } from "node:fs";
import { checkProgram, loadFile, type CheckResult, type LoadResult } from "../check/program.js";
import { parseOverrides, unknownParameter } from "../check/overrides.js";
import type { Network } from "../check/network.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { UsageError, type CliIO } from "./io.js";

export interface NetworkSelection {
  network?: string;
  set?: string[];
}

/** Fails with a usage error unless `path` is a readable file. */
export function requireFile(path: string): void {
  if (!existsSync(path)) throw new UsageError(`cannot find ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
}

/**
 * Checks a file and picks one network from it: the one named by --network, or the file's only
 * network. Prints diagnostics; returns undefined when there were errors.
 */
export function loadNetwork(
  file: string,
  options: NetworkSelection,
  io: CliIO,
): { network: Network; result: CheckResult } | undefined {
  requireFile(file);
  const parsed = parseOverrides(options.set ?? []);
  if (!parsed.ok) throw new UsageError(parsed.message);
  // Without --network the command takes the file's own network; a file without one (a library
  // of blocks, say) is a problem in the file, reported by the checker as DS2017.
  const loaded = loadFile(file, undefined, { requireNetwork: options.network === undefined });
  if (hasErrors(loaded.diagnostics)) {
    io.stderr(renderDiagnostics(loaded.diagnostics, { color: io.color }));
    return undefined;
  }
  const name = chooseNetwork(file, loaded, options.network);
  const declared = loaded.program.networks.get(name)!.params.map((p) => p.name.text);
  const unknown = unknownParameter(name, declared, parsed.overrides);
  if (unknown) throw new UsageError(`--set: ${unknown}`);
  const result = checkProgram(loaded, { network: name, overrides: parsed.overrides });
  if (result.diagnostics.length > 0)
    io.stderr(renderDiagnostics(result.diagnostics, { color: io.color }));
  const network = result.networks.find((n) => n.name === name);
  if (!network || hasErrors(result.diagnostics)) return undefined;
  return { network, result };
}

function chooseNetwork(file: string, loaded: LoadResult, requested: string | undefined): string {
  const { networks, entryNetworks } = loaded.program;
  if (requested !== undefined) {
    if (!networks.has(requested)) {
      const names = [...networks.keys()];
      throw new UsageError(
        `no network named ${requested} in ${file}` +
          (names.length ? ` (networks: ${names.join(", ")})` : ""),
      );
    }
    return requested;
  }
  if (entryNetworks.length === 1) return entryNetworks[0];
  throw new UsageError(
    `${file} declares several networks; choose one with --network (${entryNetworks.join(", ")})`,
  );
}
