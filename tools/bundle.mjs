// Bundles the CLI into one file (dist/cli.mjs) so `dsnet` starts fast: loading chevrotain's
// hundreds of small modules one by one costs more than everything dsnet check does.
// Heavy or native packages stay external and are loaded only by the commands that need them.
import { copyFile } from "node:fs/promises";
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // The language server's protocol libraries and the graph layout serve one command each
  // (`lsp`, `graph`): loaded from node_modules when asked for, they add nothing to the start of
  // every other command.
  external: [
    "webgpu",
    "typescript",
    "pngjs",
    "@tensorflow/*",
    "vscode-languageserver",
    "vscode-languageserver/*",
    "vscode-languageserver-textdocument",
    "@dagrejs/dagre",
  ],
  // commander is CommonJS and calls require(); give the ES module bundle one.
  banner: {
    js: "import { createRequire as __dsnetCreateRequire } from 'node:module'; const require = __dsnetCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});

// The browser playground (`dsnet playground` serves dist/playground): the page's script and
// styles. Node's modules, which library code imports for work the page never does (reading
// files, loading a generated module, decoding a PNG), are replaced by the small shims in
// src/playground/shims; webgpu (Dawn for Node) stays out: the page has the browser's WebGPU.
const shim = (name) => `./src/playground/shims/${name}.ts`;
await build({
  entryPoints: { playground: "src/playground/main.ts" },
  outdir: "dist/playground",
  bundle: true,
  platform: "browser",
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: true,
  loader: { ".dsnet": "text" },
  inject: [shim("process")],
  alias: {
    "node:path": shim("path"),
    "node:crypto": shim("crypto"),
    ...Object.fromEntries(
      ["node:fs", "node:os", "node:url", "node:zlib", "pngjs"].map((m) => [m, shim("unavailable")]),
    ),
  },
  external: ["webgpu"],
  logLevel: "warning",
});
await copyFile("src/playground/index.html", "dist/playground/index.html");
