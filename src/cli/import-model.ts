import { existsSync, statSync } from "node:fs";
import { basename, extname, join, dirname } from "node:path";
import { importModel } from "../import/index.js";
import { readBytes, writeWhole } from "../weights/load.js";
import { writeSafetensors } from "../weights/safetensors.js";
import { withPath } from "./import.js";
import { EXIT_OK, STANDARD_OUTPUT, UsageError, type CliIO } from "./io.js";

/**
 * `dsnet import MODEL -o NET.dsnet`: writes NET.dsnet and NET.safetensors beside it, both or
 * neither (everything is computed before either is written).
 */
export function importModelCommand(model: string, options: { output?: string }, io: CliIO): number {
  const output = outputOf(options.output);
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

/** `-o NET.dsnet`: the network's file, whose name also names the weights file beside it. */
function outputOf(output: string | undefined): string {
  const wanted = "-o NET.dsnet (the weights go to NET.safetensors beside it)";
  if (output === undefined) throw new UsageError(`import needs ${wanted}`);
  if (output === STANDARD_OUTPUT) {
    throw new UsageError(
      `-o -: import writes two files, the network and its weights, and standard output holds one: give ${wanted}`,
    );
  }
  if (extname(output) !== ".dsnet") {
    const directory = existsSync(output) && statSync(output).isDirectory();
    throw new UsageError(
      `-o ${output} is ${directory ? "a directory" : "not a .dsnet file"}: give ${wanted}`,
    );
  }
  return output;
}
