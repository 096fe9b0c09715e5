import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";

/*
 * Golden files: text compared with a committed file. `UPDATE_GOLDEN=1 npm run test:unit` (or
 * `npx vitest run` for the goldens in the integration project) rewrites the files instead, so a
 * deliberate change shows up as a diff in review.
 */

function updating(): boolean {
  if (process.env.UPDATE_GOLDEN !== "1") return false;
  // Rewriting goldens is a deliberate act in development, never something CI may do.
  if (process.env.CI === "true")
    throw new Error("UPDATE_GOLDEN=1 with CI=true: goldens are not rewritten in CI");
  return true;
}

export interface GoldenOptions {
  /**
   * Replaces the parts of the text that are not under test with fixed markers. It is applied to
   * both sides, so it must leave masked text unchanged.
   */
  mask?: (text: string) => string;
}

/** Compares text with a committed golden file, or rewrites the file with UPDATE_GOLDEN=1. */
export function expectGolden(path: string, actual: string, options: GoldenOptions = {}): void {
  const mask = options.mask ?? ((text: string) => text);
  if (updating()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, mask(actual));
    return;
  }
  if (!existsSync(path)) {
    throw new Error(
      `golden file ${path} is missing; run UPDATE_GOLDEN=1 npx vitest run to create it`,
    );
  }
  expect(mask(actual)).toBe(mask(readFileSync(path, "utf8")));
}

/**
 * Compares a set of files, by name, with a committed golden folder: the same names, each with
 * the same text. With UPDATE_GOLDEN=1 the folder is rewritten to hold exactly these files.
 */
export function expectGoldenFolder(dir: string, files: Record<string, string>): void {
  const names = Object.keys(files).sort();
  if (updating()) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const name of names) writeFileSync(join(dir, name), files[name]);
    return;
  }
  if (!existsSync(dir)) {
    throw new Error(
      `golden folder ${dir} is missing; run UPDATE_GOLDEN=1 npx vitest run to create it`,
    );
  }
  expect(readdirSync(dir).sort(), `the files in ${dir}`).toEqual(names);
  for (const name of names) {
    expect(files[name], join(dir, name)).toBe(readFileSync(join(dir, name), "utf8"));
  }
}

const NETWORK_BANNER = "// ---- the network ----";
const RUNTIME_MARKER = "// ---- dsnet's runtime, copied here (masked in the golden file) ----";
/**
 * A base64 literal (the weights, the kernels) of 40 characters or more, in any quotes: one string,
 * strings joined with `+` over lines, or a template literal of lines; or one already masked.
 */
const BASE64_LITERAL =
  /(["'`])(?:<base64>|[A-Za-z0-9+/]+={0,2}(?:\1 \+\n *\1[A-Za-z0-9+/]+={0,2})+|(?=[A-Za-z0-9+/=\n]{40})[A-Za-z0-9+/=\n]+)\1/g;

/**
 * A generated TypeScript module with what dsnet copies into every module masked, so that its
 * golden holds only the code generated for the network: everything between the header comment
 * and the `// ---- the network ----` banner (the runtime and its assembled kernels, however the
 * runtime is split) becomes one marker line, and every base64 string literal (the weights)
 * becomes `<base64>`.
 */
export function maskGeneratedModule(text: string): string {
  const lines = text.split("\n");
  const header = lines.findIndex((line) => !line.startsWith("//"));
  const network = lines.indexOf(NETWORK_BANNER);
  if (header < 0 || network < header) {
    throw new Error(`no "${NETWORK_BANNER}" banner after the header comment`);
  }
  return [...lines.slice(0, header), "", RUNTIME_MARKER, "", ...lines.slice(network)]
    .join("\n")
    .replace(BASE64_LITERAL, "`<base64>`");
}
