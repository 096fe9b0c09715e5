import { UsageError, type CliIO } from "./io.js";

/** `dsnet lsp --stdio`: placeholder until the language server lands (src/lsp/). */
export async function lspCommand(_io: CliIO): Promise<number> {
  throw new UsageError("the language server is not built yet");
}
