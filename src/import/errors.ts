import { FileError } from "../weights/errors.js";

/**
 * A model file dsnet cannot import: damaged, inconsistent, or using what .dsnet cannot express.
 * A FileError, so the command line prints it as `dsnet: <message>` with exit code 1.
 */
export class ImportError extends FileError {
  override name = "ImportError";
}

/**
 * The error for a model with parts .dsnet cannot express: each entry of `unsupported` is
 * `<operator> (<name>: <why>)`, and `noun` is what the format calls a part ("node", "layer").
 */
export function unsupportedError(unsupported: string[], noun: string): ImportError {
  const ops = [...new Set(unsupported.map((u) => u.split(" ")[0]))];
  const n = unsupported.length;
  return new ImportError(
    `cannot express in dsnet: ${ops.join(", ")} (${n} ${noun}${n === 1 ? "" : "s"}: ${unsupported.slice(0, 20).join("; ")}${n > 20 ? "; ..." : ""})`,
  );
}
