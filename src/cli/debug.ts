import type { Trace } from "../compile.js";
import type { CliIO } from "./io.js";

/**
 * DSNET_DEBUG=1..4 shows what each phase produced, on stderr, as tinygrad's DEBUG does: 1 the
 * shapes after elaboration, 2 also the IR after lowering and after each pass, 3 also the step
 * plan, 4 also the generated code. Any value also keeps internal errors' stack traces.
 */
function debugLevel(): number {
  const value = process.env.DSNET_DEBUG;
  if (value === undefined || value === "") return 0;
  const level = Number(value);
  return Number.isInteger(level) && level >= 0 ? level : 1;
}

/** A trace that prints the phases up to DSNET_DEBUG's level, or undefined when it is unset. */
export function debugTrace(io: CliIO): Trace | undefined {
  const level = debugLevel();
  if (level === 0) return undefined;
  return (at, title, text) => {
    if (at <= level) io.stderr(`--- DSNET_DEBUG=${at}: ${title} ---\n${text()}`);
  };
}
