#!/usr/bin/env node
// The dsnet command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { readFileSync } from "node:fs";
import { autoColor, EXIT_OUTPUT_CLOSED, runCli, writeStandardOutput } from "../dist/cli.mjs";

// A reader that stops early (`dsnet repl | head`) closes the pipe under the commands that write
// through process.stdout (the REPL, the language server): stop quietly, as a tool a closed pipe
// stops does, rather than with Node's unhandled-error stack. The others write through
// writeStandardOutput, and runCli gives EXIT_OUTPUT_CLOSED for them.
// Standard error likewise (`dsnet ... 2>&1 | head`): its reader is gone, so no one reads a word.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(EXIT_OUTPUT_CLOSED);
    throw error;
  });
}

const isTTY = Boolean(process.stderr.isTTY);
const code = await runCli(process.argv.slice(2), {
  stdout: writeStandardOutput,
  stderr: (text) => process.stderr.write(text),
  stdoutBytes: writeStandardOutput,
  readStdin: () => readFileSync(0, "utf8"),
  color: autoColor(process.env, isTTY),
  isTTY,
});
process.exitCode = code;
