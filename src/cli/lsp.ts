import { createConnection } from "vscode-languageserver/node.js";
import { startLanguageServer } from "../lsp/server.js";
import type { CliIO } from "./io.js";

/**
 * `dsnet lsp --stdio`: the language server, speaking JSON-RPC over standard input and output.
 * It runs until the client sends `exit` or closes the stream; the connection ends the process.
 */
export async function lspCommand(_io: CliIO): Promise<number> {
  const connection = createConnection(process.stdin, process.stdout);
  // Standard output carries the protocol: anything printed goes to the client's log instead.
  const log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.log = console.info = console.debug = log;
  console.warn = console.error = (...args: unknown[]) =>
    connection.console.error(args.map(String).join(" "));
  startLanguageServer(connection);
  return new Promise<number>(() => {});
}
