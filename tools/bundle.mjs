// Bundles the CLI into one file (dist/cli.mjs) so `dsnet` starts fast: loading chevrotain's
// hundreds of small modules one by one costs more than everything dsnet check does.
// Heavy or native packages stay external and are loaded only by the commands that need them.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["webgpu", "prettier", "typescript", "pngjs", "@tensorflow/*"],
  // commander is CommonJS and calls require(); give the ES module bundle one.
  banner: {
    js: "import { createRequire as __dsnetCreateRequire } from 'node:module'; const require = __dsnetCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
