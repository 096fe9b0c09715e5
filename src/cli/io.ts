import { FileError } from "../weights/errors.js";
import { writeAll, writeWhole } from "../weights/load.js";

/** Where a command writes; tests pass buffers, the binary passes the process's streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * Colour diagnostics. The binary sets it as `--color auto` decides (`autoColor`); runCli
   * overrides it for `--color always` and `--color never`.
   */
  color: boolean;
  /** Standard error is a terminal: progress lines are drawn only there. */
  isTTY?: boolean;
  /**
   * Says what long work is under way (runCli gives every command one: `withProgress`); a
   * command calls it between phases and in long loops.
   */
  progress?: (text: string) => void;
  /** Bytes to standard output, for `-o -` with a binary file (default: writeStandardOutput). */
  stdoutBytes?: (data: Uint8Array) => void;
  /** Standard input, whole, for a file named `-` (default: read from file descriptor 0). */
  readStdin?: () => string;
}

/**
 * Exit codes: 0 success, 1 the program or a file it names has errors, 2 the command line is
 * wrong, 3 a bug in dsnet.
 */
export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
/**
 * Standard output's reader closed it before the output was all written (`dsnet ... | head`):
 * 141, 128 + SIGPIPE, what a shell reports for any tool a closed pipe stops, so that a script
 * (`set -o pipefail`) tells a cut-off output from a whole one, and not 1, which would say that
 * the program has errors.
 */
export const EXIT_OUTPUT_CLOSED = 141;

/** A mistake on the command line: printed as `dsnet: message`, exit code 2. */
export class UsageError extends Error {}

/**
 * Standard output was closed by its reader: the command stops where it is and runCli gives
 * EXIT_OUTPUT_CLOSED, printing nothing more (no one reads it, and a tool a pipe stops is silent).
 */
export class OutputClosedError extends Error {}

/**
 * An option that takes a whole number written in digits (not `1e3`, `0x10` or ` 5`), from 1 to
 * `max`; `fallback` when it is not given.
 */
export function positiveInt<T extends number | undefined>(
  text: string | undefined,
  option: string,
  fallback: T,
  max = Number.MAX_SAFE_INTEGER,
): number | T {
  return wholeNumber(text, option, fallback, 1, max);
}

/**
 * An option that takes a whole number written in digits, from `least` to `max`; `fallback` when
 * it is not given.
 */
export function wholeNumber<T extends number | undefined>(
  text: string | undefined,
  option: string,
  fallback: T,
  least: number,
  max = Number.MAX_SAFE_INTEGER,
): number | T {
  if (text === undefined) return fallback;
  const n = digits(text);
  if (!(n >= least && n <= max)) {
    // Past the largest, the message names it; otherwise the least, which is what counts.
    const range =
      max === Number.MAX_SAFE_INTEGER && !(n > max)
        ? `of at least ${least}`
        : `from ${least} to ${max}`;
    throw new UsageError(`${option} takes a whole number ${range}, got ${text || '""'}`);
  }
  return n;
}

/** The number `text` writes in decimal digits alone (no sign, exponent, spaces), else NaN. */
export function digits(text: string): number {
  return /^[0-9]+$/.test(text) ? Number(text) : NaN;
}

export const COLOR_CHOICES = ["auto", "always", "never"] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/**
 * What `--color auto` means, as Node and the `supports-color` package read the environment:
 * `FORCE_COLOR` (set, and not `0` or `false`) turns colour on and wins over `NO_COLOR` (set and
 * not empty, https://no-color.org), which turns it off; otherwise colour when standard error is
 * a terminal that is not `TERM=dumb`.
 */
export function autoColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== "dumb";
}

/** `--color`: always and never decide; auto keeps what the caller found (`autoColor`). */
export function colorFor(choice: ColorChoice, auto: boolean): boolean {
  return choice === "always" ? true : choice === "never" ? false : auto;
}

/**
 * The io a command gets: `progress(text)` draws one line on standard error, redrawn in place,
 * while long work runs (`progress("")` clears it), and any other output clears it first. When
 * standard error is not a terminal (a pipe, a log file) progress prints nothing, so what a
 * script captures holds only the results.
 */
export function withProgress(io: CliIO): CliIO & { progress(text: string): void } {
  let shown = false;
  const clear = () => {
    if (shown) io.stderr("\r\x1b[2K");
    shown = false;
  };
  return {
    ...io,
    stdout: (text) => (clear(), io.stdout(text)),
    stderr: (text) => (clear(), io.stderr(text)),
    stdoutBytes: (data) => (clear(), (io.stdoutBytes ?? writeStandardOutput)(data)),
    progress(text) {
      if (!io.isTTY) return;
      if (!text) return clear();
      io.stderr(`\r\x1b[2Kdsnet: ${text}`);
      shown = true;
    },
  };
}

/** `-o -`: the output goes to standard output. */
export const STANDARD_OUTPUT = "-";

/** How a message names an output file: its path, or standard output for `-`. */
export function outputName(path: string): string {
  return path === STANDARD_OUTPUT ? "standard output" : path;
}

/**
 * Writes a command's one output file whole or not at all (`writeWhole`), or, for `-o -`, its text
 * or bytes to standard output.
 */
export function writeOutput(io: CliIO, path: string, data: string | Uint8Array, what: string) {
  if (path !== STANDARD_OUTPUT) return writeWhole({ path, data, what });
  if (typeof data === "string") io.stdout(data);
  else (io.stdoutBytes ?? writeStandardOutput)(data);
}

/**
 * Writes to standard output before returning, so that a closed pipe (EPIPE) is known at the
 * write that meets it: the command stops there, before it says what it wrote, rather than when
 * Node reports it later. Throws OutputClosedError for a closed pipe, FileError for another
 * failure (a full disk).
 */
export function writeStandardOutput(data: string | Uint8Array): void {
  try {
    writeAll(1, typeof data === "string" ? Buffer.from(data) : data);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") {
      throw new OutputClosedError("standard output is closed");
    }
    throw new FileError(`cannot write standard output: ${(e as Error).message}`);
  }
}
