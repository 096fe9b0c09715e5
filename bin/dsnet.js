#!/usr/bin/env node
// The dsnet command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { runCli } from "../dist/cli.mjs";

const color = process.stderr.isTTY && !process.env.NO_COLOR;
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color,
});
process.exitCode = code;
