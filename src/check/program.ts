import { reportUnusedLets } from "./unused.js";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { Reporter } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import { BYTE_ORDER_MARK, parse } from "../syntax/parse.js";
import { stageBodies } from "../syntax/trivia.js";
import { Source, spanOf, type Span } from "../syntax/source.js";
import { elaborateResumable, type NetworkCheckpoint, type NetworkSource } from "./elaborate.js";
import { layerSpecs } from "./layers.js";
import { limits } from "./limits.js";
import type { Network } from "./network.js";
import type { Value } from "./values.js";

/** How the checker reads files; tests and the REPL give an in-memory one. */
export interface Host {
  /** The file's text, or undefined when it does not exist or is not a file. */
  readFile(path: string): string | undefined;
  /**
   * Where a file read as bytes stops being UTF-8: the first bad byte, and its offset in
   * `readFile`'s text (which reads it as U+FFFD); undefined when the file is UTF-8. Asked only
   * of a text holding U+FFFD; a host that holds text, not bytes, has no such method.
   */
  notUtf8?(path: string): { byte: number; offset: number } | undefined;
}

export const fileSystemHost: Required<Host> = {
  readFile(path) {
    try {
      if (!existsSync(path) || !statSync(path).isFile()) return undefined;
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  notUtf8(path) {
    try {
      return firstNonUtf8(readFileSync(path));
    } catch {
      return undefined;
    }
  },
};

/** The first byte that is not part of a well-formed UTF-8 character, and its offset as text. */
export function firstNonUtf8(bytes: Uint8Array): { byte: number; offset: number } | undefined {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  // The decoder rejects overlong forms, surrogates and bad continuation bytes.
  const decodes = (part: Uint8Array) => {
    try {
      strict.decode(part);
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(bytes)) return undefined;
  let i = 0;
  for (;;) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (length === 0 || i + length > bytes.length || !decodes(bytes.subarray(i, i + length))) {
      return { byte: lead, offset: strict.decode(bytes.subarray(0, i)).length };
    }
    i += length;
  }
}

/**
 * The diagnostic of a file whose bytes are not UTF-8 (DS1001 at the first bad one), or none:
 * `text` is the file as `host` read it (a bad byte became U+FFFD), `path` where it lies.
 */
export function notUtf8Diagnostics(
  text: string,
  shownAs: string,
  path: string,
  host: Host,
): Diagnostic[] {
  const bad = text.includes("\uFFFD") ? host.notUtf8?.(path) : undefined;
  if (!bad) return [];
  // Positions as parse gives them: without the byte-order mark.
  const mark = text.startsWith(BYTE_ORDER_MARK) ? 1 : 0;
  const source = new Source(shownAs, text.slice(mark));
  const at = bad.offset - mark;
  const reporter = new Reporter();
  reporter.report(
    "notUtf8",
    spanOf(source, at, at + 1),
    { byte: bad.byte.toString(16).toUpperCase().padStart(2, "0") },
    { help: "save it as UTF-8 (Latin-1 text converts with `iconv -f latin1 -t utf-8`)" },
  );
  return reporter.finish();
}

/** One parsed file of a program. */
export interface Module {
  path: string;
  program: A.Program;
}

/** The name a file's top-level statements are checked under, as an implicit network. */
export const IMPLICIT_NETWORK = "main";

export interface LoadedProgram {
  /** The file named on the command line, first, then its imports in the order met. */
  modules: Module[];
  blocks: Map<string, A.BlockDecl>;
  networks: Map<string, NetworkSource>;
  /** Networks of the entry file, in source order: what `summary` picks from. */
  entryNetworks: string[];
}

export interface CheckOptions {
  host?: Host;
  /**
   * The caller takes the entry file's network, as the CLI's commands do when no `network` is
   * named: a file that declares none (a library of blocks) is then an error, DS2017.
   */
  requireNetwork?: boolean;
  /** Elaborate only this network (default: every network of every file). */
  network?: string;
  /**
   * Whether `let`s that nothing reads are reported (DS4102, a warning; default true). The REPL
   * says no: there the line that reads a `let` has not been typed yet, and such warnings would
   * fill the cap on diagnostics with noise (an error past the cap takes a warning's place, but
   * the session would then show a DS5003 for warnings it hides anyway).
   */
  unreadLets?: boolean;
  /**
   * Parameter values (from `--set`) for the network named by `network`, or, without one, for
   * the entry file's only network.
   */
  overrides?: ReadonlyMap<string, Value>;
}

export interface CheckResult {
  program: LoadedProgram;
  /** The networks that checked without errors. */
  networks: Network[];
  diagnostics: Diagnostic[];
  /** Where each network elaborated ended, to check statements added at its end (`extendNetwork`). */
  checkpoints: Map<string, NetworkCheckpoint>;
}

/**
 * Loads a file and its imports, checks declarations (duplicates, recursion, shadowed layers)
 * and elaborates networks. Never throws for anything in the user's files.
 */
export function checkFile(path: string, options: CheckOptions = {}): CheckResult {
  return checkProgram(loadFile(path, options.host, options), options);
}

/**
 * Like `checkFile` for text already in memory (the REPL, tests); imports resolve from `path`,
 * which messages name (by default `<input>.dsnet` in the working directory).
 */
export function checkText(
  text: string,
  path = "<input>.dsnet",
  options: CheckOptions = {},
): CheckResult {
  const host = options.host ?? fileSystemHost;
  const inMemory: Host = {
    readFile: (p) => (p === resolve(path) ? text : host.readFile(p)),
    notUtf8: (p) => (p === resolve(path) ? undefined : host.notUtf8?.(p)),
  };
  return checkProgram(loadFile(path, inMemory, options), options);
}

export interface LoadResult {
  program: LoadedProgram;
  /** Syntax, import and declaration problems. */
  diagnostics: Diagnostic[];
}

/**
 * Parses a file and its imports and collects their declarations, without elaborating anything.
 * With `requireNetwork`, an entry file without a network is reported (DS2017).
 */
export function loadFile(
  path: string,
  host: Host = fileSystemHost,
  options: Pick<CheckOptions, "requireNetwork" | "unreadLets"> = {},
): LoadResult {
  const reporter = new Reporter();
  const program = loadProgram(path, host, reporter);
  if (reporter.errorCount === 0) {
    checkRecursion(program, reporter);
    if (options.unreadLets !== false) {
      for (const module of program.modules) reportUnusedLets(module.program, reporter);
    }
  }
  if (options.requireNetwork && reporter.errorCount === 0 && program.entryNetworks.length === 0) {
    const entry = program.modules[0].program.span;
    reporter.report(
      "noNetwork",
      { ...entry, end: 0 },
      { file: entry.source.path },
      {
        help: "write `network NAME { input HxWxC ... }`, or layers after a top-level `input HxWxC`",
      },
    );
  }
  return { program, diagnostics: reporter.finish() };
}

/** Elaborates the networks of a loaded program (all, or the one named in the options). */
export function checkProgram(loaded: LoadResult, options: CheckOptions = {}): CheckResult {
  const reporter = new Reporter();
  for (const d of loaded.diagnostics) reporter.add(d);
  const networks: Network[] = [];
  const checkpoints = new Map<string, NetworkCheckpoint>();
  if (reporter.errorCount === 0) {
    const { entryNetworks } = loaded.program;
    // Overrides belong to one network: the one asked for, or the entry file's only one.
    const target = options.network ?? (entryNetworks.length === 1 ? entryNetworks[0] : undefined);
    if (options.overrides?.size && target === undefined) {
      const where = loaded.program.modules[0].program.span;
      reporter.report(
        "overrideWithoutNetwork",
        { ...where, end: where.start },
        {
          file: where.source.path,
          networks: entryNetworks.length === 0 ? "none" : `several (${entryNetworks.join(", ")})`,
        },
        { help: "choose one with --network" },
      );
    }
    const selected =
      options.network !== undefined ? [options.network] : [...loaded.program.networks.keys()];
    for (const name of selected) {
      const source = loaded.program.networks.get(name);
      if (!source) continue;
      const overrides = name === target ? options.overrides : undefined;
      const { network, checkpoint } = elaborateResumable(
        source,
        loaded.program.blocks,
        reporter,
        overrides,
      );
      if (network) networks.push(network);
      if (checkpoint) checkpoints.set(name, checkpoint);
    }
  }
  return { program: loaded.program, networks, diagnostics: reporter.finish(), checkpoints };
}

/**
 * Parses the entry file and, depth first, every file it imports (each once). A syntax error in
 * any file stops the checks that need the whole program; the syntax errors of every file are
 * still reported.
 */
function loadProgram(entry: string, host: Host, reporter: Reporter): LoadedProgram {
  const modules: Module[] = [];
  const loaded = new Map<string, Module>();
  const blocks = new Map<string, A.BlockDecl>();
  const networks = new Map<string, NetworkSource>();
  const entryNetworks: string[] = [];
  const displayPath = (absolute: string) => {
    const rel = relative(process.cwd(), absolute);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : absolute;
  };

  const load = (absolute: string, shownAs: string, stack: string[], importSpan?: Span) => {
    if (loaded.has(absolute)) return;
    const text = host.readFile(absolute);
    if (text === undefined) {
      if (importSpan) return; // reported at the import, which knows what was asked for
      throw new Error(`unreadable entry file ${absolute}`);
    }
    // A file that is too large or not UTF-8 is reported once, not parsed into a cascade.
    const tooLarge = text.length > limits.sourceChars;
    const notUtf8 = tooLarge ? [] : notUtf8Diagnostics(text, shownAs, absolute, host);
    const parsed = parse(tooLarge || notUtf8.length > 0 ? "" : text, shownAs);
    if (tooLarge) {
      reporter.report(
        "fileTooLarge",
        { source: parsed.source, start: 0, end: 0 },
        { file: shownAs, limit: limits.sourceChars },
      );
    }
    for (const d of [...notUtf8, ...parsed.diagnostics]) reporter.add(d);
    const module: Module = { path: absolute, program: parsed.program };
    loaded.set(absolute, module);
    modules.push(module);
    if (parsed.diagnostics.length > 0) return;
    for (const item of parsed.program.items) {
      if (item.kind !== "import") continue;
      const target = resolve(dirname(absolute), item.path);
      const chain = [...stack, absolute];
      if (chain.includes(target)) {
        const cycle = [...chain.slice(chain.indexOf(target)), target].map(displayPath);
        reporter.report(
          "importCycle",
          item.span,
          { cycle: cycle.join(" → ") },
          {
            help: "move what both files need into a third file that imports neither",
          },
        );
        continue;
      }
      if (host.readFile(target) === undefined) {
        reporter.report(
          "importNotFound",
          item.span,
          { path: item.path, lookedFor: displayPath(target) },
          { help: "import paths are relative to the importing file" },
        );
        continue;
      }
      load(target, displayPath(target), chain, item.span);
    }
  };

  const entryAbsolute = resolve(entry);
  load(entryAbsolute, entry, []);

  for (const module of modules) {
    collectDeclarations(
      module,
      reporter,
      blocks,
      networks,
      module === modules[0] ? entryNetworks : undefined,
    );
  }
  return { modules, blocks, networks, entryNetworks };
}

function collectDeclarations(
  module: Module,
  reporter: Reporter,
  blocks: Map<string, A.BlockDecl>,
  networks: Map<string, NetworkSource>,
  entryNetworks: string[] | undefined,
) {
  const topLevel: A.Statement[] = [];
  const declared = (
    name: A.Name,
    what: string,
    earlier: Span | undefined,
    help = "rename one of them",
  ) => {
    // A name the parser's recovery left out (`network {`) has its syntax error already.
    if (name.text === "") return false;
    if (earlier) {
      reporter.report(
        "duplicateDefinition",
        name.span,
        { what, name: name.text },
        {
          related: [{ message: "first defined here", span: earlier }],
          help,
        },
      );
      return false;
    }
    return true;
  };
  for (const item of module.program.items) {
    switch (item.kind) {
      case "import":
        break;
      case "block": {
        if (layerSpecs[item.name.text]) {
          reporter.report(
            "shadowsBuiltin",
            item.name.span,
            { block: item.name.text },
            { help: "choose another name" },
          );
          break;
        }
        checkParams(item.params, reporter);
        if (
          declared(
            item.name,
            "block",
            blocks.get(item.name.text)?.name.span ?? networks.get(item.name.text)?.nameSpan,
          )
        ) {
          blocks.set(item.name.text, item);
        }
        break;
      }
      case "network": {
        checkParams(item.params, reporter);
        if (
          declared(
            item.name,
            "network",
            networks.get(item.name.text)?.nameSpan ?? blocks.get(item.name.text)?.name.span,
          )
        ) {
          networks.set(item.name.text, {
            name: item.name.text,
            nameSpan: item.name.span,
            params: item.params,
            statements: item.body.statements,
            span: item.span,
          });
          entryNetworks?.push(item.name.text);
        }
        break;
      }
      default:
        topLevel.push(item);
    }
  }
  // A file of plain statements (`input 56x56x128`, `dw 3x3 s1 -> pw 64`) is a network too. In an
  // imported file they would be ambiguous, so only the entry file's count.
  if (topLevel.length > 0 && entryNetworks) {
    const span = { ...topLevel[0].span, end: topLevel[topLevel.length - 1].span.end };
    const nameSpan = { ...span, end: span.start };
    if (
      declared(
        { text: IMPLICIT_NETWORK, span: nameSpan },
        "network",
        networks.get(IMPLICIT_NETWORK)?.nameSpan,
        `the file's top-level statements are a network called \`${IMPLICIT_NETWORK}\`: rename the other, or move these statements into it`,
      )
    ) {
      networks.set(IMPLICIT_NETWORK, {
        name: IMPLICIT_NETWORK,
        nameSpan,
        params: [],
        statements: topLevel,
        span,
      });
      entryNetworks.push(IMPLICIT_NETWORK);
    }
  }
}

function checkParams(params: A.Param[], reporter: Reporter) {
  const seen = new Map<string, Span>();
  for (const p of params) {
    if (p.name.text === "") continue;
    const earlier = seen.get(p.name.text);
    if (earlier) {
      reporter.report(
        "duplicateParameter",
        p.name.span,
        { name: p.name.text },
        { related: [{ message: "first declared here", span: earlier }] },
      );
    } else {
      seen.set(p.name.text, p.name.span);
    }
  }
}

/**
 * Blocks may not call themselves, directly or through others: an expansion would never end.
 * Reported at the call that closes each cycle, with the chain of calls as notes.
 */
function checkRecursion(program: LoadedProgram, reporter: Reporter) {
  const calls = new Map<string, A.Call[]>();
  for (const [name, block] of program.blocks) calls.set(name, callsIn(block.body.statements));
  const state = new Map<string, "active" | "done">();
  const path: { block: string; call?: A.Call }[] = [];
  const visit = (name: string) => {
    state.set(name, "active");
    for (const call of calls.get(name) ?? []) {
      const callee = call.callee.text;
      if (!program.blocks.has(callee)) continue;
      if (state.get(callee) === "active") {
        const start = path.findIndex((p) => p.block === callee);
        const cycle = [...path.slice(start).map((p) => p.block), callee];
        const steps = path.slice(start + 1).flatMap((p) => (p.call ? [p.call] : []));
        const options = {
          help: "a block's expansion must end; use `repeat` for repetition",
          related: steps.map((c) => ({
            message: `\`${c.callee.text}\` is called here`,
            span: c.span,
          })),
        };
        if (callee === name)
          reporter.report("blockCallsItself", call.span, { block: name }, options);
        else reporter.report("blockCycle", call.span, { cycle: cycle.join(" → ") }, options);
        continue;
      }
      if (state.get(callee) === "done") continue;
      path.push({ block: callee, call });
      visit(callee);
      path.pop();
    }
    state.set(name, "done");
  };
  for (const name of program.blocks.keys()) {
    if (!state.has(name)) {
      path.push({ block: name });
      visit(name);
      path.pop();
    }
  }
}

function callsIn(statements: A.Statement[]): A.Call[] {
  return statements.flatMap((st) =>
    st.kind !== "pipeline"
      ? []
      : st.stages.flatMap((s) =>
          s.kind === "call" ? [s] : stageBodies(s).flatMap((b) => callsIn(b.statements)),
        ),
  );
}
