import { FileError } from "../weights/errors.js";

/**
 * A model file dsnet cannot import: damaged, inconsistent, or using what .dsnet cannot express.
 * A FileError, so the command line prints it as `dsnet: <message>` with exit code 1.
 */
export class ImportError extends FileError {
  override name = "ImportError";
}
