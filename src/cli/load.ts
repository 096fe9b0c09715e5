import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  checkProgram,
  fileSystemHost,
  loadFile,
  type CheckResult,
  type Host,
  type LoadResult,
} from "../check/program.js";
import { parseOverrides } from "../check/overrides.js";
import type { Network } from "../check/network.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { whyUnreadable } from "../weights/load.js";
import { UsageError, type CliIO } from "./io.js";

export interface NetworkSelection {
  network?: string;
  set?: string[];
}

/**
 * Fails with a usage error unless `path` is a file: a .dsnet source named on the command line.
 * Data files (weights, inputs) are read with `readBytes`, whose errors say the same (exit 1).
 */
export function requireFile(path: string): void {
  const problem = whyUnreadable(path, "network");
  if (problem) throw new UsageError(problem);
}

/** How diagnostics and summaries name a program read from standard input. */
export const STDIN_NAME = "<stdin>";

/** `-` and `/dev/stdin` name standard input wherever a .dsnet file is read. */
export function isStdin(file: string): boolean {
  return file === "-" || file === "/dev/stdin";
}

/** What messages and generated headers call the source `file` names. */
export function sourceName(file: string): string {
  return isStdin(file) ? STDIN_NAME : file;
}

/** A .dsnet source named on the command line: where to read it and what to call it. */
export interface Source {
  /** The name diagnostics show: the path as given, or `<stdin>`. */
  path: string;
  /** Reads it (standard input, read once) and, relative to it, its imports. */
  host: Host;
}

const stdinText = new WeakMap<CliIO, string>();

/**
 * The source `file` names: a file, which must exist, or standard input for `-` and
 * `/dev/stdin`, whose imports are relative to the current directory. Standard input is read
 * once per command, so `dsnet check - -` checks the same text twice.
 */
export function sourceOf(file: string, io: CliIO): Source {
  if (!isStdin(file)) {
    requireFile(file);
    return { path: file, host: fileSystemHost };
  }
  let text = stdinText.get(io);
  if (text === undefined) {
    text = io.readStdin ? io.readStdin() : readFileSync(0, "utf8");
    stdinText.set(io, text);
  }
  const absolute = resolve(STDIN_NAME);
  const stdin = text;
  return {
    path: sourceName(file),
    host: {
      readFile: (p) => (p === absolute ? stdin : fileSystemHost.readFile(p)),
      notUtf8: (p) => (p === absolute ? undefined : fileSystemHost.notUtf8(p)),
    },
  };
}

/** The source's text (fmt reads it without checking). */
export function sourceText(source: Source): string {
  return source.host.readFile(resolve(source.path))!;
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
  const source = sourceOf(file, io);
  const parsed = parseOverrides(options.set ?? []);
  if (!parsed.ok) throw new UsageError(parsed.message);
  // Without --network the command takes the file's own network; a file without one (a library
  // of blocks, say) is a problem in the file, reported by the checker as DS2017.
  const loaded = loadFile(source.path, source.host, {
    requireNetwork: options.network === undefined,
  });
  if (hasErrors(loaded.diagnostics)) {
    io.stderr(renderDiagnostics(loaded.diagnostics, { color: io.color }));
    return undefined;
  }
  const name = chooseNetwork(source.path, loaded, options.network);
  // A --set of a parameter the network lacks is the checker's DS6001, at the network's name.
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
