import { renderDiagnostics } from "../diagnostics/render.js";
import { FileError } from "../weights/errors.js";
import { importWeights, readRenames } from "../weights/import/import.js";
import { formatMapping } from "../weights/import/match.js";
import { MAX_NAMES_FILE_BYTES, readBytes, writeWhole } from "../weights/load.js";
import { writeSafetensors } from "../weights/safetensors.js";
import {
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  outputName,
  STANDARD_OUTPUT,
  UsageError,
  writeOutput,
  type CliIO,
} from "./io.js";
import { loadNetwork, type NetworkSelection } from "./load.js";

export interface ImportOptions extends NetworkSelection {
  output?: string;
  dryRun?: boolean;
  map?: string;
  partial?: boolean;
}

/**
 * `dsnet weights import SOURCE NET.dsnet -o W.safetensors`: a PyTorch checkpoint, a
 * safetensors file of any naming or a TF.js model.json, paired with the network's tensors by
 * structure, written under dsnet's names. Prints the mapping table, and a warning at each
 * layer whose eps or padding the model file contradicts; `--dry-run` prints them and writes
 * nothing.
 */
export function weightsImportCommand(
  source: string,
  file: string,
  options: ImportOptions,
  io: CliIO,
): number {
  if (!options.output && !options.dryRun) {
    throw new UsageError("weights import needs -o FILE.safetensors (or --dry-run)");
  }
  const bytes = readBytes(source, "weights file");
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const renames =
    options.map === undefined
      ? undefined
      : withPath(options.map, () =>
          readRenames(
            new TextDecoder().decode(readBytes(options.map!, "map file", MAX_NAMES_FILE_BYTES)),
          ),
        );
  const result = withPath(source, () =>
    importWeights(bytes, loaded.network, { renames, partial: options.partial }, source),
  );
  // With -o - standard output carries the safetensors bytes alone: the table goes to stderr.
  const print = options.output === STANDARD_OUTPUT ? io.stderr : io.stdout;
  print(formatMapping(result.mapping));
  if (result.warnings.length > 0)
    io.stderr(renderDiagnostics(result.warnings, { color: io.color }));
  if (options.dryRun) return EXIT_OK;
  const output = options.output!;
  const metadata = { dsnet: `${loaded.network.name}, imported from ${source}` };
  const data = writeSafetensors(result.tensors, metadata);
  if (output === STANDARD_OUTPUT) writeOutput(io, output, data, "weights file");
  else writeWhole({ path: output, data, what: "weights file" });
  io.stderr(`wrote ${result.tensors.length} tensors to ${outputName(output)}\n`);
  return EXIT_OK;
}

/** Runs `read`, naming `path` in front of any FileError it raises about the file's contents. */
export function withPath<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof FileError && !e.message.startsWith("cannot read")) {
      throw new FileError(`${path}: ${e.message}`);
    }
    throw e;
  }
}
