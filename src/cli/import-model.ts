import { basename, extname, join, dirname } from "node:path";
import { importModel } from "../import/index.js";
import { readBytes, writeWhole } from "../weights/load.js";
import { writeSafetensors } from "../weights/safetensors.js";
import { withPath } from "./import.js";
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
  const imported = withPath(model, () => importModel(model, bytes, basename(output, ".dsnet")));
  const metadata = { dsnet: `${imported.name}, imported from ${basename(model)}` };
  writeWhole(
    { path: weightsPath, data: writeSafetensors(imported.tensors, metadata), what: "weights file" },
    { path: output, data: new TextEncoder().encode(imported.source), what: "network" },
  );
  io.stderr(
    `wrote ${output} and ${weightsPath} (${imported.tensors.length} tensors, from ${imported.format})\n`,
  );
  return EXIT_OK;
}
