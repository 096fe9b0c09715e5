import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as plan from "../src/backends/cpu/plan.js";
import * as program from "../src/check/program.js";
import * as compile from "../src/compile.js";
import * as init from "../src/weights/init.js";

/** The repository this bench runs from. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What a benchmark needs of dsnet: the front end, the CPU plan and the weights it starts from. */
export interface Library {
  checkFile: typeof program.checkFile;
  compileGraph: typeof compile.compileGraph;
  initialWeights: typeof init.initialWeights;
  CpuPlan: typeof plan.CpuPlan;
}

/** This tree's dsnet, as the rest of the bench imports it. */
export const CURRENT: Library = {
  checkFile: program.checkFile,
  compileGraph: compile.compileGraph,
  initialWeights: init.initialWeights,
  CpuPlan: plan.CpuPlan,
};

/** Where the modules of `Library` live in a tree. */
const MODULES = [
  "src/check/program.ts",
  "src/compile.ts",
  "src/weights/init.ts",
  "src/backends/cpu/plan.ts",
];

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
  const dir = mkdtempSync(join(tmpdir(), "dsnet-before-"));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tree = git("archive", "--format=tar", commit);
    execFileSync("tar", ["-x", "-C", dir], { input: tree });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const missing = MODULES.filter((m) => !existsSync(join(dir, m)));
    if (missing.length > 0) {
      throw new BenchFailure(
        `--before ${label}: no ${missing.join(", ")} there: it predates the API kinds loads in process (compileGraph and the CpuPlan on its graph, from ab83663 on)`,
      );
    }
    const [p, c, i, cpu] = await Promise.all(
      MODULES.map((m) => import(pathToFileURL(join(dir, m)).href)),
    );
    const library = {
      checkFile: p.checkFile,
      compileGraph: c.compileGraph,
      initialWeights: i.initialWeights,
      CpuPlan: cpu.CpuPlan,
    };
    const absent = Object.entries(library).filter(([, f]) => typeof f !== "function");
    if (absent.length > 0) {
      throw new BenchFailure(
        `--before ${label}: its dsnet has no ${absent.map(([name]) => name).join(", ")}`,
      );
    }
    return { library, label, close };
  } catch (error) {
    close();
    throw error;
  }
}
