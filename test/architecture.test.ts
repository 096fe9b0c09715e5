import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { posix } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * The phases' dependencies, read from the import statements of every file under src/: a backend
 * receives the IR graph and never reaches back into the front end, the IR knows no backend, and
 * no files import each other in a circle. Type-only imports count (the messages mark them): a
 * backend that needs the checker's types still depends on the checker, and two files that need
 * each other's types are one module in two pieces.
 */

/** Every .ts file under `dir`, as a repository path ("src/ir/graph.ts"). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = posix.join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return path.endsWith(".ts") ? [path] : [];
    });
}

interface Import {
  specifier: string;
  /** `import type`, `export type`, or every name imported is a type: gone at run time. */
  typeOnly: boolean;
}

/**
 * The relative imports in a file's text: `import ... from`, `import "..."`, `export ... from`,
 * `import("...")` with a string literal, and `import("...").T` in a type.
 */
function relativeImports(text: string): Import[] {
  const found: Import[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteral(node) && /^\.\.?\//.test(node.text))
      found.push({ specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const names = clause?.namedBindings;
      const typeNames =
        clause !== undefined &&
        clause.name === undefined &&
        names !== undefined &&
        ts.isNamedImports(names) &&
        names.elements.length > 0 &&
        names.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || typeNames);
    } else if (ts.isExportDeclaration(node)) {
      const names = node.exportClause;
      const typeNames =
        names !== undefined &&
        ts.isNamedExports(names) &&
        names.elements.length > 0 &&
        names.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || typeNames);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("file.ts", text, ts.ScriptTarget.ES2022, true));
  return found;
}

/** The file a relative specifier names: `./x.js` is `./x.ts`, a folder its `index.ts`. */
function resolveSpecifier(from: string, specifier: string): string {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [path.replace(/\.js$/, ".ts"), `${path}.ts`, posix.join(path, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? path;
}

const files = sourceFiles("src");
/** For each file, the files it imports. */
const imports = new Map<string, string[]>();
/** "a -> b" for each file a that imports b only for its types. */
const typeOnly = new Set<string>();
for (const file of files) {
  const found = relativeImports(readFileSync(file, "utf8")).map((i) => ({
    target: resolveSpecifier(file, i.specifier),
    typeOnly: i.typeOnly,
  }));
  const targets = [...new Set(found.map((i) => i.target))];
  imports.set(file, targets);
  for (const target of targets) {
    if (found.every((i) => i.target !== target || i.typeOnly)) typeOnly.add(`${file} -> ${target}`);
  }
}

/** "imports", or "imports the types of" where nothing of the target is left at run time. */
function importVerb(file: string, target: string): string {
  return typeOnly.has(`${file} -> ${target}`) ? "imports the types of" : "imports";
}

function isUnder(file: string, dir: string): boolean {
  return file.startsWith(`${dir}/`) || file === `${dir}.ts`;
}

/** Each import of a file under `from` of a file under one of `forbidden`, as a sentence. */
function forbiddenImports(from: string, forbidden: string[]): string[] {
  return files
    .filter((file) => isUnder(file, from))
    .flatMap((file) =>
      imports
        .get(file)!
        .filter((target) => forbidden.some((dir) => isUnder(target, dir)))
        .map((target) => `${file} ${importVerb(file, target)} ${target}`),
    );
}

/**
 * The import cycles, one per strongly connected group of files (Tarjan's algorithm), each
 * written as a path through the group back to its start: "a.ts -> b.ts -(types)-> a.ts", where
 * `-(types)->` is an import of types only.
 */
function importCycles(): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of imports.get(file) ?? []) {
      if (!imports.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1 || imports.get(file)!.includes(file)) groups.push(group);
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return groups.map((group) =>
    cycleThrough(group.sort()).reduce((text, next, i, path) =>
      i === 0 ? next : `${text} ${arrow(path[i - 1], next)} ${next}`,
    ),
  );
}

function arrow(file: string, target: string): string {
  return typeOnly.has(`${file} -> ${target}`) ? "-(types)->" : "->";
}

/** A shortest path from the group's first file back to itself, inside the group. */
function cycleThrough(group: string[]): string[] {
  const start = group[0];
  const inGroup = new Set(group);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of imports.get(file)!) {
      if (!inGroup.has(next)) continue;
      if (next === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  throw new Error(`unreachable: ${start} is in a cycle`);
}

describe("reading imports", () => {
  it("finds static imports, re-exports, side-effect and dynamic imports, relative ones only", () => {
    const text = [
      'import fc from "fast-check";',
      'import { a } from "./a.js";',
      'import type { B } from "../b.js";',
      'import {\n  c,\n  type C,\n} from "./c.js";',
      'export * from "./d.js";',
      'export { type E } from "./e/index.js";',
      'import "./f.js";',
      'const g = await import("./g.js");',
      'let h: import("./h.js").H;',
      '// import { i } from "./i.js" is a comment',
    ].join("\n");
    expect(relativeImports(text)).toEqual([
      { specifier: "./a.js", typeOnly: false },
      { specifier: "../b.js", typeOnly: true },
      { specifier: "./c.js", typeOnly: false },
      { specifier: "./d.js", typeOnly: false },
      { specifier: "./e/index.js", typeOnly: true },
      { specifier: "./f.js", typeOnly: false },
      { specifier: "./g.js", typeOnly: false },
      { specifier: "./h.js", typeOnly: true },
    ]);
  });

  it("resolves every relative import of src/ to a file", () => {
    expect(files.length).toBeGreaterThan(30);
    const unresolved = [...imports].flatMap(([file, targets]) =>
      targets.filter((t) => !existsSync(t)).map((t) => `${file} imports missing ${t}`),
    );
    expect(unresolved).toEqual([]);
    expect(imports.get("src/ir/passes.ts")).toContain("src/ir/graph.ts");
  });
});

describe("the phases depend on each other in one direction", () => {
  it("no backend imports the front end, the cost model, the CLI or the REPL", () => {
    expect(
      forbiddenImports("src/backends", [
        "src/check",
        "src/syntax",
        "src/cost",
        "src/cli",
        "src/repl",
      ]),
      "a backend takes the IR graph (src/ir) and nothing else from the compiler",
    ).toEqual([]);
  });

  it("the IR imports no backend, nor the CLI or the REPL", () => {
    expect(
      forbiddenImports("src/ir", ["src/backends", "src/cli", "src/repl"]),
      "what a backend needs belongs on the IR's nodes",
    ).toEqual([]);
  });

  it("no files under src/ import each other in a cycle", () => {
    expect(importCycles(), "import cycles among src/ files").toEqual([]);
  });
});
