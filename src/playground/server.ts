import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/*
 * The playground's server: the built page (dist/playground) on 127.0.0.1 only. It serves the
 * page's own files and nothing else, so the folder's other contents (tsc's output for
 * src/playground) and the rest of the disk stay out of reach; the page fetches nothing after
 * it has loaded.
 */

/** The files of the page, as tools/bundle.mjs writes them, and their types. */
const PAGE_FILES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "playground.js": "text/javascript; charset=utf-8",
  "playground.js.map": "application/json",
  "playground.css": "text/css; charset=utf-8",
  "playground.css.map": "application/json",
};

export interface PlaygroundServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `directory` (the built page) on 127.0.0.1:`port`; port 0 picks a free one. */
export async function servePlayground(directory: string, port: number): Promise<PlaygroundServer> {
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const name = path === "/" ? "index.html" : path.slice(1);
    const type = Object.hasOwn(PAGE_FILES, name) ? PAGE_FILES[name] : undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const body = type && (await readFile(join(directory, name)).catch(() => undefined));
    if (!body) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, {
      "content-type": type,
      "content-length": body.byteLength,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
