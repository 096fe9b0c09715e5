import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

/*
 * dsnet as a stranger gets it: the tarball `npm pack` makes (from dist/, so run `npm run build`
 * first), installed into an empty project. The install is offline: its lockfile is made from
 * dsnet's own (the same versions of dsnet's run-time dependencies, no dev dependencies), so npm
 * takes every package from its cache. Then a strict TypeScript project imports dsnet, and the
 * installed command compiles a network and says what to install for WebGPU.
 */

const root = process.cwd();
const work = mkdtempSync(join(tmpdir(), "dsnet-package-"));
const consumer = join(work, "consumer");

/** The most an install may add without the WebGPU backend. */
const MAX_INSTALL_BYTES = 80 * 1024 * 1024;

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, CI: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface PackedFile {
  path: string;
}

let tarball: string;
let packed: PackedFile[];

beforeAll(() => {
  const pack = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], root);
  expect(pack.code, pack.stderr).toBe(0);
  const [result] = JSON.parse(pack.stdout) as [{ filename: string; files: PackedFile[] }];
  tarball = join(work, result.filename);
  packed = result.files;
  installOffline();
}, 120_000);

/** An empty project with the tarball installed, from npm's cache only. */
function installOffline() {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, never>;
  const dependency = `file:${tarball}`;
  const closure = runtimeClosure(lock.packages);
  const manifest = { name: "consumer", version: "1.0.0", private: true, type: "module" };
  const packages: Record<string, unknown> = {
    "": { ...manifest, dependencies: { dsnet: dependency } },
    "node_modules/dsnet": {
      version: own.version,
      resolved: dependency,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      license: own.license,
      dependencies: own.dependencies,
      peerDependencies: own.peerDependencies,
      peerDependenciesMeta: own.peerDependenciesMeta,
      bin: own.bin,
      engines: own.engines,
    },
  };
  for (const path of closure) {
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const entry = lock.packages[path]!;
    // dsnet's lockfile leaves out registry addresses; npm finds the cached tarball by them.
    const resolved = `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-${entry.version}.tgz`;
    packages[path] = { resolved, ...entry };
  }
  spawnSync("mkdir", ["-p", consumer]);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ ...manifest, dependencies: { dsnet: dependency } }, null, 2),
  );
  writeFileSync(
    join(consumer, "package-lock.json"),
    JSON.stringify({ ...manifest, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  const install = run(
    "npm",
    ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"],
    consumer,
  );
  expect(
    install.code,
    `npm ci --offline (needs npm's cache of the packages):\n${install.stderr}`,
  ).toBe(0);
}

interface LockEntry {
  version: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The lockfile paths of dsnet's run-time dependencies and theirs, found as Node finds them. */
function runtimeClosure(packages: Record<string, LockEntry>): Set<string> {
  const find = (from: string, name: string): string | undefined => {
    for (let base = from; ;) {
      const path = `${base ? `${base}/` : ""}node_modules/${name}`;
      if (packages[path]) return path;
      if (!base) return undefined;
      const up = base.lastIndexOf("/node_modules/");
      base = up < 0 ? "" : base.slice(0, up);
    }
  };
  const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const closure = new Set<string>();
  const queue = Object.keys(own.dependencies).map((name) => find("", name));
  while (queue.length > 0) {
    const path = queue.pop();
    if (path === undefined || closure.has(path)) continue;
    closure.add(path);
    const entry = packages[path]!;
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push(find(path, name));
  }
  return closure;
}

/** Bytes of the files under `dir` (links not followed). */
function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else total += lstatSync(path).size;
  }
  return total;
}

describe("npm pack", () => {
  it("ships dist/, bin/, grammar/, the examples, README and package.json, nothing else", () => {
    const allowed = /^(dist|bin|grammar|examples)\/|^(package\.json|README\.md|LICENSE)$/;
    expect(packed.map((f) => f.path).filter((path) => !allowed.test(path))).toEqual([]);
    const paths = packed.map((f) => f.path);
    for (const needed of ["bin/dsnet.js", "dist/cli.mjs", "dist/index.js", "dist/index.d.ts"])
      expect(paths).toContain(needed);
    expect(paths.some((p) => p.startsWith("examples/"))).toBe(true);
    console.info(`npm pack: ${packed.length} files`);
  });
});

describe("the tarball, installed into an empty project", () => {
  it("adds under 80 MB, without the WebGPU backend, an assembler or a formatter", () => {
    const modules = join(consumer, "node_modules");
    const bytes = sizeOf(modules);
    console.info(`installed: ${(bytes / 1024 / 1024).toFixed(1)} MB in node_modules`);
    expect(bytes).toBeLessThan(MAX_INSTALL_BYTES);
    const installed = readdirSync(modules);
    for (const absent of ["webgpu", "wabt", "prettier", "typescript", "esbuild"])
      expect(installed).not.toContain(absent);
  });

  it("type-checks in a strict TypeScript project that imports it (no skipLibCheck)", () => {
    const main = join(consumer, "main.ts");
    writeFileSync(
      main,
      [
        'import { checkText, compile, compileWgsl, createRunner, generateModule, type Graph, type Network } from "dsnet";',
        'const result = checkText("input 8x8x3\\nconv 3x3 8 -> relu\\n");',
        "const network: Network | undefined = result.networks[0];",
        "const graph: Graph | undefined = undefined;",
        "export const used = [network, graph, compile, compileWgsl, createRunner, generateModule];",
        "",
      ].join("\n"),
    );
    const program = ts.createProgram([main], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file?.fileName.slice(consumer.length + 1) ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      );
    expect(errors).toEqual([]);
    // The declarations were checked, not skipped: dsnet's own are among the program's files.
    expect(
      program.getSourceFiles().some((f) => f.fileName.includes("dsnet/dist/backends/wgsl")),
    ).toBe(true);
  });

  it("gives a command that compiles a network to TypeScript, with no formatter installed", () => {
    const dsnet = join(consumer, "node_modules", "dsnet", "bin", "dsnet.js");
    const example = join(consumer, "node_modules", "dsnet", "examples", "seed_block.dsnet");
    const r = run(
      process.execPath,
      [dsnet, "compile", example, "--target", "ts", "-o", "m.ts"],
      consumer,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(consumer, "m.ts"), "utf8")).toMatch(/export function createModel/);
  });

  it("says to install webgpu when --backend webgpu is asked for without it", () => {
    const dsnet = join(consumer, "node_modules", "dsnet", "bin", "dsnet.js");
    const example = join(consumer, "node_modules", "dsnet", "examples", "seed_block.dsnet");
    const r = run(
      process.execPath,
      [dsnet, "bench", example, "--backend", "webgpu", "--runs", "1", "--warmup", "1"],
      consumer,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dsnet: .*npm install webgpu/m);
    expect(r.stderr).not.toMatch(/^\s+at .*\.m?[jt]s:\d+/m);
  });
});
