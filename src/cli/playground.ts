import { UsageError, type CliIO } from "./io.js";

/** `dsnet playground`: placeholder until the playground lands (src/playground/). */
export async function playgroundCommand(_options: { port?: string }, _io: CliIO): Promise<number> {
  throw new UsageError("the playground is not built yet");
}
