import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { compile } from "../compile.js";
import { extendNetwork, networkAt, type NetworkCheckpoint } from "../check/elaborate.js";
import { limits } from "../check/limits.js";
import type { Network } from "../check/network.js";
import { parseOverrides, unknownParameter } from "../check/overrides.js";
import {
  checkText,
  fileSystemHost,
  type CheckOptions,
  type CheckResult,
  IMPLICIT_NETWORK,
  type LoadedProgram,
  notUtf8Diagnostics,
} from "../check/program.js";
import { suggest } from "../check/suggest.js";
import type { Value } from "../check/values.js";
import { describeOutput } from "../backends/output.js";
import { renderSummary } from "../cost/render.js";
import { layerCost, summarize, type Summary } from "../cost/summarize.js";
import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { Reporter } from "../diagnostics/reporter.js";
import { lex } from "../syntax/lexer.js";
import type * as A from "../syntax/ast.js";
import { parse, syntaxLimits } from "../syntax/parse.js";
import { printProgram } from "../syntax/printer.js";
import { Source } from "../syntax/source.js";
import { FileError } from "../weights/errors.js";
import { initialWeights, Random } from "../weights/init.js";
import { loadInput, whyUnreadable, writeWhole } from "../weights/load.js";
import { complete } from "./complete.js";
import { entryState, isDeclaration } from "./continuation.js";
import { REPL_PATH, SessionDocument, Transcript, type DocumentLine } from "./document.js";
import {
  addedLayers,
  blockSignature,
  describeAddition,
  describeNetwork,
  describeParams,
  recentLayers,
} from "./feedback.js";

/**
 * Code generators, given by whoever builds the session (the CLI); a session without one says
 * so when asked for `:ts` or `:wgsl`.
 */
export interface Codegen {
  typescript?(network: Network): Promise<string>;
  wgsl?(network: Network): Promise<string>;
}

export interface SessionOptions {
  codegen?: Codegen;
  /** Colour diagnostics with ANSI codes. */
  color?: boolean;
  /**
   * Check an entry added at the end of the current network against where the network stood
   * (default); false checks the whole document for every entry, which the incremental check is
   * tested against.
   */
  incremental?: boolean;
}

/** What a line produced. The front end writes `output` to stdout and `messages` to stderr. */
export interface Reply {
  /** Results: shapes, costs, tables, generated code. */
  output: string;
  /** Diagnostics, errors and notes. */
  messages: string;
  /** The line was rejected or the command failed; the session is as it was before it. */
  failed: boolean;
  /** `:quit` was typed. */
  quit: boolean;
}

/** The seeds `:run` uses, so that the same session prints the same numbers. */
const RUN_WEIGHT_SEED = 0;
const RUN_INPUT_SEED = 1;

const PROMPT = "dsnet> ";

/**
 * A checked document: what the checker found, and where the current network stood. An entry
 * that extends the network is checked from `checkpoint` alone; the rest is the last whole check's.
 */
interface Checked {
  program: LoadedProgram;
  diagnostics: Diagnostic[];
  /** The document as the checker read it: diagnostics in it have this source. */
  source: Source | undefined;
  checkpoint: NetworkCheckpoint | undefined;
  /** The current network's MACs and parameters, when it built. */
  totals: { macs: number; params: number } | undefined;
  /** At least the tokens in the document. */
  tokens: number;
  /** The offset of the current `network { }`'s closing brace, when it is declared in the document. */
  brace: number | undefined;
}

/** The current network, when it built. */
function built(checked: Checked): Network | undefined {
  return checked.checkpoint && networkAt(checked.checkpoint);
}

interface State {
  document: SessionDocument;
  /** The network entries extend and commands act on; undefined before there is one. */
  network: string | undefined;
  /** `:set` values for the current network, as `--set` gives them. */
  overrides: ReadonlyMap<string, Value>;
  checked: Checked;
}

interface Command {
  usage: string;
  help: string;
  args: "none" | "optional" | "required";
  run(args: string): Promise<Reply> | Reply;
}

/**
 * An interactive session that builds a network entry by entry. It is a state machine driven by
 * `handleLine`, with no terminal in sight: the front end (repl.ts) and the tests feed it lines.
 *
 * The session is a real .dsnet document. An entry (one or more lines, until brackets close) is
 * added to it, at the end or inside the current `network { }`, and the whole document is
 * checked; an entry with errors is dropped and the document stays as it was. Diagnostics are
 * shown where their lines were typed (`<repl>:LINE:COL`, LINE counting every line typed) or
 * loaded from (`file.dsnet:LINE:COL`).
 */
export class ReplSession {
  /** Lines or commands that failed so far (the exit code of a piped session). */
  failures = 0;
  /** Entries checked with the whole document: the work that grows with the session. */
  wholeChecks = 0;
  private state: State;
  private undoStack: { state: State; label: string }[] = [];
  private transcript = new Transcript();
  private pending: DocumentLine[] = [];
  private pendingDepth = 0;

  /** The commands, in the order :help lists them. */
  private readonly commands: Record<string, Command> = {
    ":summary": {
      usage: ":summary",
      help: "the current network's layers, shapes, parameters and MACs (as `dsnet summary`)",
      args: "none",
      run: () => this.summary(),
    },
    ":run": {
      usage: ":run [INPUT]",
      help: `a forward pass on INPUT (.npy, .png, .bin) or a random input (seed ${RUN_INPUT_SEED}); initial weights (seed ${RUN_WEIGHT_SEED})`,
      args: "optional",
      run: (args) => this.run(args),
    },
    ":ts": {
      usage: ":ts",
      help: "the TypeScript generated for the current network",
      args: "none",
      run: () => this.generate("typescript", ":ts"),
    },
    ":wgsl": {
      usage: ":wgsl",
      help: "the WGSL generated for the current network",
      args: "none",
      run: () => this.generate("wgsl", ":wgsl"),
    },
    ":show": {
      usage: ":show",
      help: "the session as a formatted .dsnet file",
      args: "none",
      run: () => this.show(),
    },
    ":save": {
      usage: ":save FILE",
      help: "write the session to FILE, formatted (`dsnet check FILE` accepts it)",
      args: "required",
      run: (args) => this.save(args),
    },
    ":load": {
      usage: ":load FILE",
      help: "replace the session with FILE; its last network (or its top-level one) is current",
      args: "required",
      run: (args) => this.loadFile(args),
    },
    ":network": {
      usage: ":network [NAME]",
      help: "list the networks (imported ones too, as --network), or make NAME the current one",
      args: "optional",
      run: (args) => this.switchNetwork(args),
    },
    ":set": {
      usage: ":set [NAME=VALUE ...]",
      help: "show, or override, the current network's parameters (as --set)",
      args: "optional",
      run: (args) => this.set(args),
    },
    ":undo": {
      usage: ":undo",
      help: "take back the last change (an entry, :load, :reset, :set or :network)",
      args: "none",
      run: () => this.undo(),
    },
    ":reset": {
      usage: ":reset",
      help: "start again from an empty session",
      args: "none",
      run: () => this.reset(),
    },
    ":help": {
      usage: ":help",
      help: "this text",
      args: "none",
      run: () => reply(this.helpText()),
    },
    ":quit": {
      usage: ":quit",
      help: "leave (so does Ctrl-D, or the end of piped input)",
      args: "none",
      run: () => ({ ...reply(), quit: true }),
    },
  };

  constructor(private options: SessionOptions = {}) {
    this.state = emptyState();
  }

  /** `dsnet> `, or `....N> ` while an entry is open, N being the brackets still open. */
  get prompt(): string {
    if (this.pending.length === 0) return PROMPT;
    return `${this.pendingDepth > 0 ? this.pendingDepth : ""}`.padStart(5, ".") + "> ";
  }

  /** The document as it stands (without an unfinished entry). */
  get text(): string {
    return this.state.document.text;
  }

  async handleLine(line: string): Promise<Reply> {
    const offset = this.transcript.add(line);
    if (this.pending.length === 0) {
      if (line.trim() === "") return reply();
      if (line.trimStart().startsWith(":")) return this.count(await this.command(line.trim()));
    }
    this.pending.push({ text: line, offset });
    const state = entryState(this.pending.map((l) => l.text).join("\n"));
    if (!state.complete) {
      this.pendingDepth = state.depth;
      return reply();
    }
    return this.count(this.submit(this.takePending()));
  }

  /** The end of the input: an unfinished entry is checked as it is (and reports what is missing). */
  async end(): Promise<Reply> {
    return this.pending.length > 0 ? this.count(this.submit(this.takePending())) : reply();
  }

  /** Drops an unfinished entry (Ctrl-C). */
  cancelEntry(): boolean {
    return this.takePending().length > 0;
  }

  /** Replaces the session with a file's content, as `:load FILE` does. */
  async load(file: string): Promise<Reply> {
    return this.count(this.loadFile(file));
  }

  /** Tab completion for `line` (the text before the cursor). */
  complete(line: string): [string[], string] {
    const { program } = this.state.checked;
    const current = this.state.network && program.networks.get(this.state.network);
    return complete(line, {
      commands: Object.keys(this.commands),
      blocks: program.blocks,
      networks: networkNames(program),
      parameters: current ? current.params.map((p) => p.name.text) : [],
    });
  }

  private takePending(): DocumentLine[] {
    const lines = this.pending;
    this.pending = [];
    this.pendingDepth = 0;
    return lines;
  }

  private count(r: Reply): Reply {
    if (r.failed) this.failures++;
    return r;
  }

  /** Checks the document with the entry added; keeps it when it checks. */
  private submit(entry: DocumentLine[]): Reply {
    const text = entry.map((l) => l.text).join("\n");
    const previous = this.state;
    const declaration = isDeclaration(text);
    // Lines typed here cannot go into another file, and at the top level they would start `main`.
    const imported = declaration
      ? undefined
      : previous.network && this.importedFrom(previous.network);
    if (imported) {
      return failure(
        `network \`${previous.network}\` is declared in ${imported}: entries extend only the session's own networks (:network NAME switches)`,
      );
    }
    const brace = declaration ? undefined : previous.checked.brace;
    const document =
      brace === undefined
        ? previous.document.append(entry)
        : previous.document.insertBefore(brace, entry);
    const declared = declaration
      ? parse(text).program.items.filter((i) => i.kind === "network")
      : [];
    const network = declared.length
      ? declared[declared.length - 1].name.text
      : (previous.network ?? (declaration ? undefined : IMPLICIT_NETWORK));
    const overrides = network === previous.network ? previous.overrides : new Map();
    // Top-level statements are the implicit network's, so an entry appended to the document
    // extends it; one inserted before a `}` extends that network when nothing follows it.
    const atEnd =
      brace === undefined ? network === IMPLICIT_NETWORK : previous.document.onlySpaceAfter(brace);
    const extended = !declaration && atEnd ? this.extend(entry, text, document) : undefined;
    if (!extended) this.wholeChecks++;
    const whole = extended ? undefined : check(document, network, overrides);
    const checked = extended ?? whole!.checked;
    const problems = extended ? "" : this.render(document, checked, previous);
    if (hasBlockingErrors(checked.diagnostics)) return reply("", problems, true);
    this.change({ document, network, overrides, checked }, firstLine(text));

    const out: string[] = [];
    for (const [name, block] of checked.program.blocks) {
      if (!previous.checked.program.blocks.has(name)) {
        const from = block.span.source === checked.source ? "" : ` from ${block.span.source.path}`;
        out.push(`block ${blockSignature(block)}${from}\n`);
      }
    }
    if (declared.length > 0) out.push(`network \`${network}\` is current\n`);
    const after = built(checked);
    if (after && whole) {
      const added = addedLayers(built(previous.checked), after);
      out.push(describeAddition(added, whole.summary!, checked.totals!));
    } else if (after) {
      const from = previous.checked.checkpoint!.length;
      const recent = summarize(recentLayers(after, from));
      out.push(describeAddition(after.layers.slice(from), recent, checked.totals!));
    }
    if (!after && network !== undefined && checked.program.networks.has(network)) {
      out.push(`network \`${network}\` has no input yet: start it with \`input HxWxC\`\n`);
    }
    return reply(out.join(""), problems);
  }

  /**
   * Checks an entry that adds statements to the end of the current network from where the
   * network stood, without checking the document again; undefined when only a whole check
   * gives the same answer: the entry is not statements alone, or has any diagnostic (a whole
   * check reports those, with the limits that look ahead), or the document may pass a size limit.
   */
  private extend(
    entry: DocumentLine[],
    text: string,
    document: SessionDocument,
  ): Checked | undefined {
    const previous = this.state.checked;
    if (this.options.incremental === false || !previous.checkpoint) return undefined;
    const parsed = parse(text + "\n", document.path);
    const statements = parsed.program.items.filter(
      (i): i is A.Statement => i.kind === "let" || i.kind === "input" || i.kind === "pipeline",
    );
    if (parsed.diagnostics.length > 0 || statements.length !== parsed.program.items.length)
      return undefined;
    const tokens = previous.tokens + lex(text + "\n").tokens.length;
    // The whole check's own tests, exactly: with a margin, every entry in the last tenth of a
    // session at the token cap cost a whole check (1.4 s at 45,000 tokens, and 45 MB kept for :undo).
    if (tokens > syntaxLimits.tokens || document.textLength > limits.sourceChars) return undefined;
    // The entry's spans count document lines, as a whole check's would.
    const source = new EntrySource(
      document.path,
      parsed.source.text,
      document.lineNumber(entry[0]),
    );
    moveSpans(parsed.program, parsed.source, source);
    const reporter = new Reporter();
    const { checkpoint } = extendNetwork(previous.checkpoint, statements, reporter);
    const found = reporter.finish().filter((d) => d.code !== catalogue.missingInput.code);
    if (!checkpoint || found.length > 0) return undefined;
    // The entry adds no diagnostic of its own (`found`) and leaves the rest of the document as
    // it was, so a whole check reports what the last one did, the missing input aside: the one
    // diagnostic it would add, a `let` that nothing reads yet, the REPL's checks leave out (see
    // `checkDocument`), and the cap on diagnostics counts the same ones as before.
    const added = checkpoint.shared.layers.slice(previous.checkpoint.length, checkpoint.length);
    const totals = { ...(previous.totals ?? { macs: 0, params: 0 }) };
    for (const layer of added) {
      const cost = layerCost(layer);
      totals.macs += cost.macs;
      totals.params += cost.params;
    }
    const brace =
      previous.brace === undefined
        ? undefined
        : previous.brace + document.textLength - this.state.document.textLength;
    return {
      ...previous,
      checkpoint,
      totals: checkpoint.complete ? totals : undefined,
      tokens,
      brace,
    };
  }

  private change(next: State, label: string) {
    this.undoStack.push({ state: this.state, label });
    this.state = next;
  }

  /**
   * The diagnostics of a check, rendered where their lines were written. Warnings that were
   * already there before the change are not repeated, and a network without input is not a
   * problem here (see `hasBlockingErrors`).
   */
  private render(document: SessionDocument, checked: Checked, previous?: State): string {
    const transcript = this.transcript.source;
    const relocate = (c: Checked, d: SessionDocument) =>
      c.diagnostics
        .filter((x) => x.code !== catalogue.missingInput.code)
        .map((x) => (c.source ? d.relocate(x, c.source, transcript) : x));
    const key = (d: Diagnostic) => `${d.code} ${d.span.source.path}:${d.span.start} ${d.message}`;
    const seen = new Set(
      previous ? relocate(previous.checked, previous.document).map(key) : undefined,
    );
    const shown = relocate(checked, document).filter(
      (d) => d.severity === "error" || !seen.has(key(d)),
    );
    return renderDiagnostics(shown, { color: this.options.color });
  }

  private async command(line: string): Promise<Reply> {
    const [, name, args] = /^(:\S*)\s*(.*)$/.exec(line)!;
    const command = this.commands[name];
    if (!command) {
      const guess = suggest(name, Object.keys(this.commands));
      return failure(
        `unknown command ${name}${guess ? `; did you mean ${guess}?` : ""} (:help lists the commands)`,
      );
    }
    if (command.args === "none" && args !== "") return failure(`${name} takes no arguments`);
    if (command.args === "required" && args === "") return failure(`usage: ${command.usage}`);
    try {
      return await command.run(args);
    } catch (e) {
      // A bug in a backend or a code generator should not cost the user the session.
      // Known failures (a file, a backend) say enough in their message; the stack of anything
      // else is for DSNET_DEBUG, as on the command line.
      const detail =
        e instanceof Error
          ? process.env.DSNET_DEBUG
            ? (e.stack ?? e.message)
            : e.message
          : String(e);
      return failure(`${name} failed: ${detail}`);
    }
  }

  // --- commands -----------------------------------------------------------------------------

  private loadFile(file: string): Reply {
    const text = fileSystemHost.readFile(resolve(file));
    if (text === undefined) {
      return failure(whyUnreadable(file, "network") ?? `cannot read the network ${file}`);
    }
    // As `dsnet check` reports it: one DS1001 at the first bad byte, not the lexer's U+FFFD.
    const notUtf8 = notUtf8Diagnostics(text, file, resolve(file), fileSystemHost);
    if (notUtf8.length > 0) {
      return reply("", renderDiagnostics(notUtf8, { color: this.options.color }), true);
    }
    const document = SessionDocument.fromFile(file, text);
    const { text: checkedText } = document;
    const result = checkDocument(checkedText, document.path, { overrides: new Map() });
    const network = result.program.entryNetworks[result.program.entryNetworks.length - 1];
    const { checked } = checkedAs(result, network, checkedText);
    const problems = this.render(document, checked);
    if (hasBlockingErrors(checked.diagnostics)) return reply("", problems, true);
    this.change({ document, network, overrides: new Map(), checked }, `:load ${file}`);
    const { entryNetworks, blocks } = checked.program;
    const out = [`loaded ${file}\n`];
    if (blocks.size > 0)
      out.push(`blocks: ${[...blocks.values()].map(blockSignature).join(", ")}\n`);
    if (entryNetworks.length > 1) {
      out.push(
        `networks: ${entryNetworks.join(", ")}; \`${network}\`, the last, is current (:network NAME switches)\n`,
      );
    }
    out.push(this.describeCurrent());
    return reply(out.join(""), problems);
  }

  private summary(): Reply {
    const network = built(this.state.checked);
    if (!network) return this.noNetwork();
    return reply(renderSummary(summarize(network)));
  }

  private async run(file: string): Promise<Reply> {
    const network = built(this.state.checked);
    if (!network) return this.noNetwork();
    try {
      const weights = initialWeights(network, RUN_WEIGHT_SEED).map((t) => t.data);
      const input = file ? loadInput(network, file) : randomInput(network);
      const runner = await compile(network, weights, { backend: "cpu", batch: input.batch });
      let output: Float32Array;
      try {
        output = Float32Array.from(await runner.forward(input.data));
      } finally {
        runner.dispose?.();
      }
      const [h, w, c] = network.layers[network.output].shape;
      const note = file
        ? `initial weights (seed ${RUN_WEIGHT_SEED})`
        : `random input (uniform in [-1, 1), seed ${RUN_INPUT_SEED}), initial weights (seed ${RUN_WEIGHT_SEED})`;
      return reply(describeOutput(output, input.batch, [h, w, c], 5), `${note}\n`);
    } catch (e) {
      if (e instanceof FileError) return failure(e.message);
      throw e;
    }
  }

  private async generate(kind: "typescript" | "wgsl", name: string): Promise<Reply> {
    const network = built(this.state.checked);
    if (!network) return this.noNetwork();
    const codegen = this.options.codegen;
    if (!codegen?.[kind]) return failure(`${name} is not available in this build`);
    const code = await codegen[kind](network);
    return reply(code.endsWith("\n") ? code : code + "\n");
  }

  private show(): Reply {
    const text = this.formatted();
    return text ? reply(text) : failure("the session is empty");
  }

  private save(file: string): Reply {
    const text = this.formatted(dirname(resolve(file)));
    if (!text) return failure("the session is empty: nothing to save");
    try {
      writeWhole({ path: file, data: new TextEncoder().encode(text), what: "network" });
    } catch (e) {
      if (e instanceof FileError) return failure(e.message);
      throw e;
    }
    const note =
      this.state.overrides.size > 0
        ? `the file keeps the declared defaults, not the :set values (${[...this.state.overrides.keys()].join(", ")})\n`
        : "";
    return reply(`wrote ${file}\n`, note);
  }

  /**
   * The document as `dsnet fmt` prints it; for a file in the folder `folder`, its relative
   * imports rewritten to resolve from there as they did from the document's folder.
   */
  private formatted(folder?: string): string {
    const { document } = this.state;
    const { program } = parse(document.text, document.path);
    const from = dirname(resolve(document.path));
    if (folder === undefined || folder === from) return printProgram(program);
    const items = program.items.map((item) =>
      item.kind === "import" && !isAbsolute(item.path)
        ? { ...item, path: relative(folder, resolve(from, item.path)).split(sep).join("/") }
        : item,
    );
    return printProgram({ ...program, items });
  }

  /**
   * `:network`: the networks `--network` accepts for the document, imported ones included
   * (those say where they are declared).
   */
  private switchNetwork(name: string): Reply {
    const { program } = this.state.checked;
    if (name === "") {
      if (program.networks.size === 0) return failure("the session has no network yet");
      const list = networkNames(program).map((n) => {
        const from = this.importedFrom(n);
        return `${n === this.state.network ? "*" : " "} ${n}${from ? ` (from ${from})` : ""}`;
      });
      return reply(list.join("\n") + "\n");
    }
    if (!program.networks.has(name)) {
      const known = networkNames(program).join(", ") || "none yet";
      return failure(`no network named ${name} (networks: ${known})`);
    }
    const { document } = this.state;
    const { checked } = check(document, name, new Map());
    const problems = this.render(document, checked, this.state);
    if (hasBlockingErrors(checked.diagnostics)) return reply("", problems, true);
    this.change({ document, network: name, overrides: new Map(), checked }, `:network ${name}`);
    return reply(this.describeCurrent(), problems);
  }

  private set(args: string): Reply {
    const { document, network, checked: current } = this.state;
    const declaration = network !== undefined ? current.program.networks.get(network) : undefined;
    if (args === "") {
      const builtNetwork = built(current);
      if (!builtNetwork) return this.noNetwork();
      const params = describeParams(builtNetwork.params);
      return reply(params ? `${params}\n` : `network \`${builtNetwork.name}\` has no parameters\n`);
    }
    if (!declaration) return this.noNetwork();
    const declared = declaration.params.map((p) => p.name.text);
    if (declared.length === 0) {
      return failure(
        `network \`${network}\` has no parameters: declare them (\`network n(alpha = 1.0) { ... }\`), or name a value with \`let\``,
      );
    }
    const assignments = args.match(/[A-Za-z_]\w*\s*=.*?(?=\s+[A-Za-z_]\w*\s*=|$)/g) ?? [args];
    const parsed = parseOverrides(assignments);
    if (!parsed.ok) return failure(parsed.message.replace(/^--set/, ":set"));
    const unknown = unknownParameter(network!, declared, parsed.overrides);
    if (unknown) return failure(unknown);
    const overrides = new Map([...this.state.overrides, ...parsed.overrides]);
    const { checked } = check(document, network, overrides);
    const problems = this.render(document, checked, this.state);
    if (hasBlockingErrors(checked.diagnostics)) return reply("", problems, true);
    this.change({ document, network, overrides, checked }, `:set ${args}`);
    return reply(this.describeCurrent(), problems);
  }

  private undo(): Reply {
    const last = this.undoStack.pop();
    if (!last) return failure("nothing to undo");
    this.state = last.state;
    return reply(`undid ${last.label}\n${this.describeCurrent()}`);
  }

  private reset(): Reply {
    this.change(emptyState(), ":reset");
    return reply("the session is empty (:undo brings it back)\n");
  }

  /** The file that declares network `name`, when it is not the session's document. */
  private importedFrom(name: string): string | undefined {
    const { program, source } = this.state.checked;
    const file = program.networks.get(name)?.span.source;
    return file && file !== source ? file.path : undefined;
  }

  private describeCurrent(): string {
    const { network, checked } = this.state;
    const current = built(checked);
    if (current) return describeNetwork(current);
    return network === undefined ? "no network yet\n" : `network \`${network}\` has no input yet\n`;
  }

  private noNetwork(): Reply {
    const { network } = this.state;
    return failure(
      network === undefined
        ? "no network yet: start one with `input HxWxC`"
        : `network \`${network}\` has no input yet: start it with \`input HxWxC\``,
    );
  }

  private helpText(): string {
    const width = Math.max(...Object.values(this.commands).map((c) => c.usage.length));
    return [
      "Type dsnet lines: `input 56x56x128`, then layers such as `dw 3x3 s1 -> pw 64`. Each entry",
      "extends the current network and prints its new output shape and what the entry cost.",
      "An entry goes on over several lines while a bracket is open or a line ends in `->`",
      "(`block name(params) {` ... `}`); write `} else {` and `} shortcut {` on one line.",
      "Ctrl-C drops an unfinished entry. A line with errors is not kept; messages count the",
      "lines typed in the session: <repl>:LINE:COLUMN.",
      "",
      ...Object.values(this.commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.help}`),
      "",
    ].join("\n");
  }
}

function emptyState(): State {
  const document = SessionDocument.empty(REPL_PATH);
  return {
    document,
    network: undefined,
    overrides: new Map(),
    checked: check(document, undefined, new Map()).checked,
  };
}

/** A whole check of the document, with `network` as the current one. */
function check(
  document: SessionDocument,
  network: string | undefined,
  overrides: ReadonlyMap<string, Value>,
): WholeCheck {
  const { text } = document;
  return checkedAs(checkDocument(text, document.path, { network, overrides }), network, text);
}

/**
 * Checks the session's text as `checkText` does, without the warnings about `let`s that nothing
 * reads (DS4102): in a session the line that reads a `let` has not been typed yet. Left out
 * before the networks are checked, they do not count towards the cap on diagnostics, so a
 * session of unread `let`s gets no DS5003 for warnings it would hide anyway.
 */
function checkDocument(text: string, path: string, options: CheckOptions): CheckResult {
  return checkText(text, path, { ...options, unreadLets: false });
}

/**
 * A whole check's result, with `network` as the current one, and that network's summary when it
 * built (for the entry's feedback; states do not keep it).
 */
interface WholeCheck {
  checked: Checked;
  summary: Summary | undefined;
}

function checkedAs(result: CheckResult, network: string | undefined, text: string): WholeCheck {
  const current = result.networks.find((n) => n.name === network);
  const summary = current && summarize(current);
  const program = result.program.modules[0]?.program;
  const decl = program?.items.find(
    (i): i is A.NetworkDecl => i.kind === "network" && i.name.text === network,
  );
  const brace = decl ? decl.body.span.end - 1 : -1;
  const checked: Checked = {
    program: result.program,
    diagnostics: result.diagnostics,
    source: program?.span.source,
    checkpoint: network === undefined ? undefined : result.checkpoints.get(network),
    totals: summary && { macs: summary.totals.macs, params: summary.totals.params },
    tokens: lex(text).tokens.length,
    brace: text[brace] === "}" ? brace : undefined,
  };
  return { checked, summary };
}

/** A REPL entry parsed alone: its offsets are its own, its lines the document's. */
class EntrySource extends Source {
  constructor(
    path: string,
    text: string,
    private firstLine: number,
  ) {
    super(path, text);
  }

  override position(offset: number) {
    const at = super.position(offset);
    return { ...at, line: at.line + this.firstLine - 1 };
  }

  override lineText(line: number): string {
    return super.lineText(line - this.firstLine + 1);
  }
}

/** Points every span of a freshly parsed tree at `to` rather than `from`. */
function moveSpans(tree: object, from: Source, to: Source) {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null || node instanceof Source) continue;
    if ((node as { source?: unknown }).source === from) (node as { source: Source }).source = to;
    for (const value of Object.values(node)) if (typeof value === "object") stack.push(value);
  }
}

/**
 * Errors that stop an entry. A network without `input` is not one: a session may declare
 * values (`let c = 64`) before its input, and the network simply has no shape yet.
 */
function hasBlockingErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error" && d.code !== catalogue.missingInput.code);
}

/** The networks `:network` offers: the document's, in order, then those of its imports. */
function networkNames(program: LoadedProgram): string[] {
  return [...new Set([...program.entryNetworks, ...program.networks.keys()])];
}

function randomInput(network: Network): { data: Float32Array; batch: number } {
  const [h, w, c] = network.input;
  const random = new Random(RUN_INPUT_SEED);
  return { data: Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1)), batch: 1 };
}

function firstLine(text: string): string {
  const lines = text.split("\n");
  return `\`${lines[0].trim()}\`${lines.length > 1 ? " ..." : ""}`;
}

function reply(output = "", messages = "", failed = false): Reply {
  return { output, messages, failed, quit: false };
}

function failure(message: string): Reply {
  return reply("", `error: ${message}\n`, true);
}
