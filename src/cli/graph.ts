import { UsageError, type CliIO } from "./io.js";
import type { NetworkSelection } from "./load.js";

export interface GraphOptions extends NetworkSelection {
  output?: string;
  format?: "svg" | "dot";
}

/** `dsnet graph FILE`: placeholder until the graph pictures land (src/graph/). */
export async function graphCommand(
  _file: string,
  _options: GraphOptions,
  _io: CliIO,
): Promise<number> {
  throw new UsageError("graph pictures are not built yet");
}
