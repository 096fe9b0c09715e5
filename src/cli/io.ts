/** Where a command writes; tests pass buffers, the binary passes the process's streams. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour diagnostics (a terminal that wants it). */
  color: boolean;
}

/**
 * Exit codes: 0 success, 1 the program or a file it names has errors, 2 the command line is
 * wrong, 3 a bug in dsnet.
 */
export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** A mistake on the command line: printed as `dsnet: message`, exit code 2. */
export class UsageError extends Error {}
