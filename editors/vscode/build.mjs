// Builds the VS Code extension into dist/: the client bundled with esbuild (vscode-languageclient
// inside, `vscode` left to the editor) and the TextMate grammar copied from grammar/, which
// `npm run build` generates from the parser. With --package it also packs dist/dsnet-<version>.vsix
// with vsce (no publishing, no network: --no-dependencies, as the bundle holds them).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
mkdirSync(dist, { recursive: true });

copyFileSync(
  join(here, "../../grammar/dsnet.tmLanguage.json"),
  join(dist, "dsnet.tmLanguage.json"),
);

await build({
  entryPoints: [join(here, "src/extension.ts")],
  outfile: join(dist, "extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  external: ["vscode"],
  minify: true,
  sourcemap: true,
  logLevel: "warning",
});

if (process.argv.includes("--package")) {
  const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));
  const vsix = join(dist, `dsnet-${version}.vsix`);
  const vsce = join(
    dirname(createRequire(import.meta.url).resolve("@vscode/vsce/package.json")),
    "vsce",
  );
  const args = ["package", "--no-dependencies", "--allow-missing-repository", "--out", vsix];
  const run = spawnSync(process.execPath, [vsce, ...args], { cwd: here, stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
