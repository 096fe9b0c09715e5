import type { Network } from "../check/network.js";
import { checkProgram, loadFile, type Host } from "../check/program.js";
import { summarize, type Summary } from "../cost/summarize.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { BlockDecl } from "../syntax/ast.js";
import { examples } from "./examples.js";

/**
 * The file the editor's text is checked as, in the page's root ("/", shims/path.ts): its
 * imports resolve beside it, among the examples.
 */
export const EDITOR_FILE = "playground.dsnet";

/** What the page shows for the editor's text. */
export interface Analysis {
  diagnostics: Diagnostic[];
  /** The networks the file declares, in order. */
  networks: string[];
  /** The one the page shows and runs (the one asked for, else the file's first), if it checked. */
  network: Network | undefined;
  summary: Summary | undefined;
  /** Every block the program declares, for completion. */
  blocks: ReadonlyMap<string, BlockDecl>;
}

/** Checks the editor's text as `dsnet check` does (every network) and summarises one network. */
export function analyze(text: string, chosen?: string): Analysis {
  const host: Host = {
    readFile(path) {
      if (path === `/${EDITOR_FILE}`) return text;
      return Object.hasOwn(examples, path.slice(1)) ? examples[path.slice(1)] : undefined;
    },
  };
  const loaded = loadFile(EDITOR_FILE, host, { requireNetwork: true });
  const networks = loaded.program.entryNetworks;
  const name = chosen !== undefined && networks.includes(chosen) ? chosen : networks[0];
  const result = checkProgram(loaded);
  const network = result.networks.find((n) => n.name === name);
  return {
    diagnostics: result.diagnostics,
    networks,
    network,
    summary: network && summarize(network),
    blocks: loaded.program.blocks,
  };
}
