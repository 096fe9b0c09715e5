import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as prettier from "prettier";
import ts from "typescript";
import type { GeneratedModule } from "../src/backends/ts/load.js";

/*
 * What a module from `dsnet compile --target ts` is held to: it loads, it type-checks under the
 * strictest flags with no DOM and no Node, and it is formatted as prettier formats it.
 */

/** Where the modules and type-check folders of one test file are written. */
export const moduleDir = mkdtempSync(join(tmpdir(), "dsnet-ts-test-"));
let counter = 0;

/** Writes a module and imports it (JavaScript directly; TypeScript through vitest's transform). */
export async function loadModule(text: string, extension: "mjs" | "ts"): Promise<GeneratedModule> {
  const file = join(moduleDir, `model${counter++}.${extension}`);
  writeFileSync(file, text);
  return (await import(pathToFileURL(file).href)) as GeneratedModule;
}

/**
 * The strictest settings projects use (Vite's templates turn on the unused checks), with nothing
 * but the ES2022 library: the module needs no DOM, no Node.
 */
const STRICTEST: ts.CompilerOptions = {
  strict: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: [],
};

/** The errors of tsc with STRICTEST on `files` (name to text), written to a folder of their own. */
export function typeErrorsOf(files: Record<string, string>): string[] {
  const folder = join(moduleDir, `check${counter++}`);
  mkdirSync(folder);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const roots = Object.keys(files)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name));
  return ts
    .getPreEmitDiagnostics(ts.createProgram(roots, STRICTEST))
    .map(
      (d) =>
        `${d.file ? `${d.file.fileName.slice(folder.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
}

/** The errors of tsc with STRICTEST on one module, `model.ts`. */
export function typeErrors(text: string): string[] {
  return typeErrorsOf({ "model.ts": text });
}

/** The module as prettier would format it (print width 100, as dsnet's own code). */
export async function prettierFormat(text: string, javascript = false): Promise<string> {
  return prettier.format(text, { parser: javascript ? "babel" : "typescript", printWidth: 100 });
}
