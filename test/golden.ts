import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

/**
 * Compares text with a committed golden file. `UPDATE_GOLDEN=1 npm run test:unit` rewrites the
 * files instead, so a deliberate change shows up as a diff in review.
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === "1") {
    // Rewriting goldens is a deliberate act in development, never something CI may do.
    if (process.env.CI === "true")
      throw new Error("UPDATE_GOLDEN=1 with CI=true: goldens are not rewritten in CI");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(
      `golden file ${path} is missing; run UPDATE_GOLDEN=1 npx vitest run to create it`,
    );
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}
