import { rmSync } from "node:fs";
import { basename, extname, join, dirname } from "node:path";
import { importModel } from "../import/index.js";
import { writeWhole } from "../weights/import/import.js";
import { readBytes } from "../weights/load.js";
import { writeSafetensors } from "../weights/safetensors.js";
import { FileError } from "../weights/errors.js";
import { EXIT_OK, UsageError, type CliIO } from "./io.js";

/**
 * `dsnet import MODEL -o NET.dsnet`: writes NET.dsnet and NET.safetensors beside it, both or
 * neither (everything is computed before either is written).
 */
export function importModelCommand(model: string, options: { output?: string }, io: CliIO): number {
  const output = options.output;
  if (!output || extname(output) !== ".dsnet") {
    throw new UsageError("import needs -o NET.dsnet (the weights go to NET.safetensors beside it)");
  }
  const weightsPath = join(dirname(output), `${basename(output, ".dsnet")}.safetensors`);
  const bytes = readBytes(model, "model");
  let imported;
  try {
    imported = importModel(model, bytes, basename(output, ".dsnet"));
  } catch (e) {
    if (e instanceof FileError) throw new FileError(`${model}: ${e.message}`);
    throw e;
  }
  const metadata = { dsnet: `${imported.name}, imported from ${basename(model)}` };
  writeWhole(weightsPath, writeSafetensors(imported.tensors, metadata), "weights file");
  try {
    writeWhole(output, new TextEncoder().encode(imported.source), "network");
  } catch (e) {
    rmSync(weightsPath, { force: true });
    throw e;
  }
  io.stderr(
    `wrote ${output} and ${weightsPath} (${imported.tensors.length} tensors, from ${imported.format})\n`,
  );
  return EXIT_OK;
}
