import { readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ReplSession, type Codegen, type Reply } from "./session.js";

/** Lines of history kept in the history file. */
const HISTORY_SIZE = 1000;

export interface ReplOptions {
  /** Loaded first, as `:load FILE` would. */
  file?: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Diagnostics and errors (default: standard error). */
  errors?: NodeJS.WritableStream;
  /**
   * Prompts, line editing, completion and history. Default: when input and output are both
   * terminals; piped input gets results only, so that a script's output is just the results.
   */
  interactive?: boolean;
  /** Colour diagnostics (default: interactive and NO_COLOR unset). */
  color?: boolean;
  /** Default: $DSNET_HISTORY, else ~/.dsnet_history; "" keeps no history. */
  historyFile?: string;
  codegen?: Codegen;
}

/**
 * `dsnet repl [FILE]`: reads lines until `:quit` or the end of the input, and returns the exit
 * code. Interactive sessions exit 0; piped ones exit 1 when any line or command failed, so a
 * script can tell.
 */
export async function startRepl(options: ReplOptions = {}): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errors = options.errors ?? process.stderr;
  const interactive = options.interactive ?? Boolean(input.isTTY && output.isTTY);
  const color = options.color ?? (interactive && !process.env.NO_COLOR);
  const session = new ReplSession({ codegen: options.codegen, color });
  const historyFile = interactive
    ? (options.historyFile ?? process.env.DSNET_HISTORY ?? join(homedir(), ".dsnet_history"))
    : "";

  const lines = createInterface({
    input,
    output,
    terminal: interactive,
    prompt: session.prompt,
    historySize: HISTORY_SIZE,
    history: readHistory(historyFile),
    removeHistoryDuplicates: true,
    ...(interactive ? { completer: (line: string) => session.complete(line) } : {}),
  });
  lines.on("history", (history: string[]) => writeHistory(historyFile, history));
  const prompt = () => {
    if (!interactive) return;
    lines.setPrompt(session.prompt);
    lines.prompt();
  };
  lines.on("SIGINT", () => {
    const cancelled = session.cancelEntry();
    output.write(cancelled ? "\n" : "\n(to leave, press Ctrl-D or type :quit)\n");
    prompt();
  });
  const show = (reply: Reply) => {
    if (reply.messages) errors.write(reply.messages);
    if (reply.output) output.write(reply.output);
  };

  if (interactive) output.write("dsnet REPL: type layers, or :help for the commands\n");
  if (options.file !== undefined) show(await session.load(options.file));
  prompt();
  let quit = false;
  for await (const line of lines) {
    const reply = await session.handleLine(line);
    show(reply);
    if (reply.quit) {
      quit = true;
      break;
    }
    prompt();
  }
  if (!quit) {
    if (interactive) output.write("\n");
    show(await session.end());
  }
  lines.close();
  return !interactive && session.failures > 0 ? 1 : 0;
}

/** History, newest first (as node:readline wants it); the file holds it oldest first. */
function readHistory(file: string): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function writeHistory(file: string, history: readonly string[]) {
  if (!file) return;
  try {
    writeFileSync(file, [...history].slice(0, HISTORY_SIZE).reverse().join("\n") + "\n");
  } catch {
    // A read-only home directory costs the history, not the session.
  }
}
