import {
  createConnection,
  ErrorCodes,
  Message,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageReader,
  type ResponseMessage,
} from "vscode-languageserver/node.js";
import { startLanguageServer } from "../lsp/server.js";
import type { CliIO } from "./io.js";

/**
 * `dsnet lsp --stdio`: the language server, speaking JSON-RPC over standard input and output.
 * It runs until the client sends `exit` or closes the stream.
 */
export async function lspCommand(_io: CliIO): Promise<number> {
  // Our own reader, because vscode-languageserver drops the reader's errors: a message that is
  // not JSON, or a header without a usable Content-Length, would get no answer at all. JSON-RPC
  // answers what it cannot read with a Parse error whose id is null, since it has no id to give.
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  const answerError = (code: number, message: string) => {
    const answer: ResponseMessage = { jsonrpc: "2.0", id: null, error: { code, message } };
    return writer.write(answer).catch(() => {});
  };
  // JSON that is no request, notification or response (`42`, `{"id": 7}`, a batch, which LSP
  // does not have) is an Invalid Request; vscode-languageserver would only log it.
  const messages: MessageReader = {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback) =>
      reader.listen((message) => {
        if (
          Message.isRequest(message) ||
          Message.isNotification(message) ||
          Message.isResponse(message)
        ) {
          callback(message);
        } else {
          const what = Array.isArray(message)
            ? "a batch, which LSP does not have"
            : "not a request, notification or response";
          void answerError(ErrorCodes.InvalidRequest, `Invalid Request: ${what}`);
        }
      }),
  };
  const connection = createConnection(messages, writer);
  // A body that is not JSON leaves the stream in step, and the server goes on. A header without
  // a usable Content-Length does not: the base protocol has no marker to find the next message
  // by, so every later one would be misread or lost while the client waited for answers. The
  // server then stops (exit 1), and the client, told why, can start a new one.
  reader.onError(async (error) => {
    const inStep = error instanceof SyntaxError;
    // On one line: vscode-jsonrpc's header messages quote the header across lines.
    const said = error.message.replace(/\s+/g, " ");
    const reason = inStep ? `the message is not JSON (${said})` : said;
    await answerError(ErrorCodes.ParseError, `Parse error: ${reason}`);
    if (inStep) return;
    process.stderr.write(`dsnet: lsp: an unreadable message header (${reason}): stopping\n`);
    process.exit(1);
  });
  // Given a reader rather than a stream, the connection no longer ends the process when the
  // client closes standard input; exit as it would, with 0 only after a shutdown request.
  let shutdownReceived = false;
  connection.onShutdown(() => {
    shutdownReceived = true;
  });
  reader.onClose(() => process.exit(shutdownReceived ? 0 : 1));
  // Standard output carries the protocol: anything printed goes to the client's log instead.
  const log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.log = console.info = console.debug = log;
  console.warn = console.error = (...args: unknown[]) =>
    connection.console.error(args.map(String).join(" "));
  startLanguageServer(connection);
  return new Promise<number>(() => {});
}
