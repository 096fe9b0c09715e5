import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as plan from "../src/backends/cpu/plan.js";
import * as program from "../src/check/program.js";
import * as compile from "../src/compile.js";
import * as init from "../src/weights/init.js";

/** The repository this bench runs from. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * What a benchmark needs of dsnet (the front end, the CPU plan and the weights it starts from):
 * each member's module in a tree, and this tree's member.
 */
const MEMBERS = {
  checkFile: ["src/check/program.ts", program.checkFile],
  compileGraph: ["src/compile.ts", compile.compileGraph],
  initialWeights: ["src/weights/init.ts", init.initialWeights],
  CpuPlan: ["src/backends/cpu/plan.ts", plan.CpuPlan],
} as const;

export type Library = { [Name in keyof typeof MEMBERS]: (typeof MEMBERS)[Name][1] };

/** This tree's dsnet, as the rest of the bench imports it. */
export const CURRENT = Object.fromEntries(
  Object.entries(MEMBERS).map(([name, [, member]]) => [name, member]),
) as Library;

/** A failure the bench reports as one line (`dsnet bench: ...`) rather than as a stack. */
export class BenchFailure extends Error {}

/** dsnet as it was at a commit, loaded in this process next to this tree's. */
export interface Revision {
  library: Library;
  /** "HEAD~5 = 0ec9739 (2026-12-01 18:20)". */
  label: string;
  /** Removes the extracted tree. */
  close(): void;
}

/**
 * A new temporary folder, and `remove`, which removes it. A SIGINT or SIGTERM before then
 * removes it too, and ends the process with the code a shell gives one the signal stopped (130
 * for SIGINT). Node handles a signal between two tasks: a long synchronous stretch delays it
 * (and the `tsx` command's wrapper kills a child that does not answer within 60 ms: hence
 * `node --import tsx` in `npm run bench`).
 */
export function temporaryFolder(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    process.exit(128 + constants.signals[signal]);
  }
  function remove(): void {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    rmSync(dir, { recursive: true, force: true });
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { dir, remove };
}

/**
 * Extracts commit `rev` (`git archive`, which leaves this repository's git state alone) into a
 * temporary folder with a link to this tree's node_modules, and imports its modules there:
 * tsx, which runs the bench, compiles them as it does this tree's. The two copies share nothing
 * but the packages, so each side runs its own front end, passes, plan and kernels.
 */
export async function loadRevision(rev: string): Promise<Revision> {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", ROOT, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 1 << 30,
    });
  let commit: string;
  try {
    commit = git("rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`).toString().trim();
  } catch {
    throw new BenchFailure(
      `--before ${rev}: not a commit of this repository (--before takes a commit, not a folder)`,
    );
  }
  const label = `${rev} = ${git("log", "-1", "--format=%h (%cd)", "--date=format:%Y-%m-%d %H:%M", commit).toString().trim()}`;
  const { dir, remove } = temporaryFolder("dsnet-before-");
  try {
    const tree = git("archive", "--format=tar", commit);
    execFileSync("tar", ["-x", "-C", dir], { input: tree });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const missing = Object.values(MEMBERS)
      .map(([module]) => module)
      .filter((module) => !existsSync(join(dir, module)));
    if (missing.length > 0) {
      throw new BenchFailure(
        `--before ${label}: no ${missing.join(", ")} there: it predates the API kinds loads in process (compileGraph and the CpuPlan on its graph, from ab83663 on)`,
      );
    }
    const members = await Promise.all(
      Object.entries(MEMBERS).map(async ([name, [module]]) => {
        const loaded = await import(pathToFileURL(join(dir, module)).href);
        return [name, loaded[name]];
      }),
    );
    const library = Object.fromEntries(members) as Library;
    const absent = Object.entries(library).filter(([, f]) => typeof f !== "function");
    if (absent.length > 0) {
      throw new BenchFailure(
        `--before ${label}: its dsnet has no ${absent.map(([name]) => name).join(", ")}`,
      );
    }
    return { library, label, close: remove };
  } catch (error) {
    remove();
    throw error;
  }
}
