import { UsageError, type CliIO } from "./io.js";

/** `dsnet explain CODE`: placeholder until the explanations land. */
export function explainCommand(_code: string, _io: CliIO): number {
  throw new UsageError("explanations are not written yet");
}
