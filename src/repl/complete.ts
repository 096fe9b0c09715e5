import { readdirSync } from "node:fs";
import { layerSpecs } from "../check/layers.js";
import type * as A from "../syntax/ast.js";

/** What completion can offer, taken from the session. */
export interface CompletionContext {
  commands: readonly string[];
  blocks: ReadonlyMap<string, A.BlockDecl>;
  networks: readonly string[];
  /** Parameters of the current network (for `:set`). */
  parameters: readonly string[];
}

/** Words that start a stage, besides layer and block names. */
const stageKeywords = ["repeat", "residual", "if"];
/** Words that start a line, besides stages. */
const lineKeywords = ["input", "let", "block", "network", "import"];
/** Commands whose argument is a file. */
const fileCommands = new Set([":load", ":save", ":run"]);

/**
 * Completions for the end of `line`, in node:readline's form: the candidates and the text they
 * replace. At the start of a stage: layers, blocks and keywords; after a layer or block name: its
 * parameter names (`pad=`); at the start of a line: commands; after `:load`, `:save` and `:run`:
 * files; after `:network` and `:set`: networks and parameters.
 */
export function complete(line: string, context: CompletionContext): [string[], string] {
  const command = /^\s*(:\S*)(\s+)?(.*)$/.exec(line);
  if (command) {
    const [, name, space, rest] = command;
    if (space === undefined) return matching(context.commands, name);
    if (fileCommands.has(name)) return completeFile(rest);
    const word = /\S*$/.exec(rest)![0];
    if (name === ":network") return matching(context.networks, word);
    if (name === ":set")
      return matching(
        context.parameters.map((p) => `${p}=`),
        word,
      );
    return [[], word];
  }
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line)?.[0] ?? "";
  const before = line.slice(0, line.length - word.length);
  if (/(^|->|[{;]|[A-Za-z0-9_]:)\s*$/.test(before)) {
    const names = [...Object.keys(layerSpecs), ...context.blocks.keys(), ...stageKeywords];
    if (before.trim() === "") names.push(...lineKeywords);
    return matching(names, word);
  }
  if (/=\s*$/.test(before)) return [[], word];
  // After a callee: its parameters. The stage is what follows the last `->`, `{` or `;`.
  const stage = before.split(/->|[{;]/).pop()!;
  const callee = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*)/.exec(stage)?.[1];
  const params = callee
    ? (layerSpecs[callee]?.params.map((p) => p.name) ??
      context.blocks.get(callee)?.params.map((p) => p.name.text) ??
      [])
    : [];
  return matching(
    params.map((p) => `${p}=`),
    word,
  );
}

function matching(candidates: Iterable<string>, word: string): [string[], string] {
  const found = [...new Set(candidates)].filter((c) => c.startsWith(word)).sort();
  return [found, word];
}

/** Files and folders (with a trailing `/`) whose path starts with `partial`. */
function completeFile(partial: string): [string[], string] {
  const folder = partial.slice(0, partial.lastIndexOf("/") + 1);
  const prefix = partial.slice(folder.length);
  try {
    const entries = readdirSync(folder || ".", { withFileTypes: true });
    const names = entries
      .filter((e) => prefix.startsWith(".") || !e.name.startsWith("."))
      .map((e) => folder + e.name + (e.isDirectory() ? "/" : ""));
    return matching(names, partial);
  } catch {
    return [[], partial];
  }
}
