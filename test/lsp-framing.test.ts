import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { StreamMessageReader, type Message } from "vscode-jsonrpc/node.js";

/*
 * What `dsnet lsp --stdio` answers for bytes it cannot read as a JSON-RPC message: a Parse error
 * (-32700) whose id is null, as JSON-RPC 2.0 asks, and it goes on reading. Each case has a server
 * of its own, because a header that lies leaves the stream out of step for the rest of it: the
 * base protocol has no marker to find the next message by, so what follows is misread too.
 */

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const request = (id: number, method: string, params: object = {}) =>
  frame(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
const initialize = request(2, "initialize", { processId: null, rootUri: null, capabilities: {} });

/** A Parse error or an Invalid Request whose message matches, or a request's result. */
type Answer = { parseError: RegExp } | { invalid: RegExp } | { id: number; result: unknown };
const initialized = { id: 2, result: expect.objectContaining({ capabilities: expect.anything() }) };

/** `stops`: a header the server cannot read past, after which it stops and says why. */
const stops = /^dsnet: lsp: an unreadable message header \(.+\): stopping\n$/;

const cases: {
  name: string;
  sent: string;
  answers: Answer[];
  exitCode?: number;
  stderr?: RegExp;
}[] = [
  {
    name: "a body that is not JSON, then a request that is served",
    sent: frame('{"jsonrpc":"2.0","id":1,"method":') + initialize,
    answers: [{ parseError: /not JSON \(Unexpected end of JSON input\)/ }, initialized],
  },
  {
    name: "a body that is not JSON at all, twice, then a request that is served",
    sent: frame("hello") + frame("{]") + initialize,
    answers: [{ parseError: /not JSON/ }, { parseError: /not JSON/ }, initialized],
  },
  {
    name: "JSON that is no JSON-RPC message, then a request that is served",
    sent: frame("42") + frame('{"id":7}') + frame("[]") + initialize,
    answers: [
      { invalid: /^Invalid Request: not a request, notification or response$/ },
      { invalid: /^Invalid Request: not a request, notification or response$/ },
      { invalid: /^Invalid Request: a batch, which LSP does not have$/ },
      initialized,
    ],
  },
  {
    name: "a Content-Length that is not a number: the server stops",
    sent: "Content-Length: abc\r\n\r\n{}" + initialize,
    answers: [{ parseError: /Content-Length value must be a number\. Got abc/ }],
    stderr: stops,
  },
  {
    name: "a header without Content-Length",
    sent: "Content-Type: application/json\r\n\r\n{}",
    answers: [{ parseError: /must provide a Content-Length/ }],
    stderr: stops,
  },
  {
    name: "a header line without a colon",
    sent: "Content-Length 2\r\n\r\n{}",
    answers: [{ parseError: /separate key and value using ':'/ }],
    stderr: stops,
  },
  {
    name: "a Content-Length larger than the body, which swallows the request after it",
    sent: 'Content-Length: 80\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"shutdown"}' + initialize,
    answers: [{ parseError: /not JSON \(Unexpected non-whitespace character after JSON/ }],
  },
  {
    name: "a Content-Length of 10^12, which the server waits for without allocating it",
    sent: "Content-Length: 1000000000000\r\n\r\n{}" + initialize,
    answers: [],
  },
  {
    name: "a shutdown request, then the stream closes",
    sent: request(3, "shutdown"),
    answers: [{ id: 3, result: null }],
    exitCode: 0,
  },
];

/** Writes `sent` to a fresh server, collects its answers, then closes its standard input. */
async function answersTo(sent: string, expected: number) {
  const server = spawn(process.execPath, ["bin/dsnet.js", "lsp", "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr.on("data", (chunk) => (stderr += chunk));
  // A server that stopped on a bad header has closed its end already.
  server.stdin.on("error", () => {});
  const exited = new Promise<number | null>((done) => server.once("exit", done));
  const messages: Message[] = [];
  const enough = new Promise<void>((done) => {
    if (expected === 0) done();
    new StreamMessageReader(server.stdout).listen((message) => {
      messages.push(message);
      if (messages.length >= expected) done();
    });
  });
  server.stdin.write(sent);
  // Generous, for a loaded machine starting several servers at once: only a failing case waits.
  await Promise.race([enough, new Promise((wait) => setTimeout(wait, 20_000))]);
  // Long enough for an answer that should not come to come.
  await new Promise((wait) => setTimeout(wait, 300));
  server.stdin.end();
  return { messages, code: await exited, stderr };
}

describe("dsnet lsp: what it cannot read", () => {
  it.concurrent.each(cases)("$name", async ({ sent, answers, exitCode = 1, stderr: said }) => {
    const { messages, code, stderr } = await answersTo(sent, answers.length);
    expect(messages).toEqual(
      answers.map((answer) =>
        "parseError" in answer || "invalid" in answer
          ? {
              jsonrpc: "2.0",
              id: null,
              error:
                "parseError" in answer
                  ? { code: -32700, message: expect.stringMatching(answer.parseError) }
                  : { code: -32600, message: expect.stringMatching(answer.invalid) },
            }
          : { jsonrpc: "2.0", ...answer },
      ),
    );
    // The server stays up until the stream closes, then exits as the protocol says: 0 only
    // after a shutdown request; or it stops at a header it cannot read past (exit 1), saying
    // so. Otherwise nothing on stderr: no stack from a crash.
    expect(code).toBe(exitCode);
    if (said) expect(stderr).toMatch(said);
    else expect(stderr).toBe("");
  });
});
