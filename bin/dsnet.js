#!/usr/bin/env node
// The dsnet command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { readFileSync } from "node:fs";
import { autoColor, runCli } from "../dist/cli.mjs";

// A reader that stops early (`dsnet compile ... -o - | head`) closes the pipe: stop quietly, as
// Unix tools do, rather than with Node's unhandled-error stack.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const isTTY = Boolean(process.stderr.isTTY);
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutBytes: (data) => process.stdout.write(data),
  readStdin: () => readFileSync(0, "utf8"),
  color: autoColor(process.env, isTTY),
  isTTY,
});
process.exitCode = code;
