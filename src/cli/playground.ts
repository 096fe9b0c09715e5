import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { servePlayground } from "../playground/server.js";
import { EXIT_OK, UsageError, type CliIO } from "./io.js";

/**
 * Where `npm run build` put the page: beside dist/cli.mjs when this module is bundled into it,
 * or dist/playground from src/cli (tests) and dist/cli (tsc's output).
 */
function pageDirectory(): string {
  const candidates = [
    new URL("playground/", import.meta.url),
    new URL("../../dist/playground/", import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((dir) => existsSync(`${dir}playground.js`));
  if (!found) throw new UsageError("the playground is not built: run `npm run build` first");
  return found;
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got ${text}`);
  }
  return port;
}

/**
 * `dsnet playground [--port N]`: serves the browser playground on 127.0.0.1 (any free port
 * by default) until interrupted.
 */
export async function playgroundCommand(options: { port?: string }, io: CliIO): Promise<number> {
  const port = portOf(options.port);
  const directory = pageDirectory();
  const server = await servePlayground(directory, port).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "EADDRINUSE") throw new UsageError(`port ${port} is in use on 127.0.0.1`);
    throw e;
  });
  try {
    io.stdout(`dsnet playground: ${server.url}\n`);
  } catch (e) {
    // No one can learn the address (standard output is closed): serve no one.
    await server.close();
    throw e;
  }
  io.stderr("press Ctrl+C to stop\n");
  await new Promise<void>((resolve) => process.once("SIGINT", resolve));
  await server.close();
  return EXIT_OK;
}
