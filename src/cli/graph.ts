import { extname } from "node:path";
import { graphDot, graphSvg, type GraphPictureOptions } from "../graph/index.js";
import {
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  positiveInt,
  STANDARD_OUTPUT,
  UsageError,
  writeOutput,
  type CliIO,
} from "./io.js";
import { loadNetwork, type NetworkSelection } from "./load.js";

export interface GraphOptions extends NetworkSelection {
  output?: string;
  format?: "svg" | "dot";
  depth?: string;
  collapse?: string[];
}

/**
 * `dsnet graph FILE`: the network as an SVG picture, or Graphviz dot with `--format dot` (or an
 * output file ending in .dot or .gv).
 */
export async function graphCommand(
  file: string,
  options: GraphOptions,
  io: CliIO,
): Promise<number> {
  const picture: GraphPictureOptions = {
    depth: depthOf(options.depth),
    collapse: options.collapse,
  };
  const toFile = options.output !== undefined && options.output !== STANDARD_OUTPUT;
  const format = options.format ?? (toFile && /\.(dot|gv)$/i.test(options.output!) ? "dot" : "svg");
  if (toFile) {
    const extension = extname(options.output!).toLowerCase();
    if (!PICTURE_EXTENSIONS[format].includes(extension)) {
      throw new UsageError(
        `-o ${options.output}: ${format === "svg" ? "an SVG picture" : "a Graphviz dot file"} is written to a ${PICTURE_EXTENSIONS[format].join(" or ")} file (rsvg-convert makes a PNG from the SVG)`,
      );
    }
  }
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const known = new Set(loaded.network.layers.flatMap((l) => prefixes(l.name)));
  for (const name of options.collapse ?? []) {
    if (!known.has(name)) throw new UsageError(`--collapse: no block named ${name} in ${file}`);
  }
  const text =
    format === "dot" ? graphDot(loaded.network, picture) : graphSvg(loaded.network, picture);
  writeOutput(io, options.output ?? STANDARD_OUTPUT, text, "picture");
  if (toFile) io.stderr(`wrote ${options.output}\n`);
  return EXIT_OK;
}

/**
 * `--depth N` counts as `summary --depth N` does: N levels shown, so `--depth 1` is one box per
 * top-level block. The picture's own depth counts the frames left open inside those boxes' level.
 */
function depthOf(text: string | undefined): number | undefined {
  const n = positiveInt(text, "--depth", undefined);
  return n === undefined ? undefined : n - 1;
}

/** What each picture format's file is called: anything else is refused, not written as SVG. */
const PICTURE_EXTENSIONS = { svg: [".svg"], dot: [".dot", ".gv"] };

/** `a.b.c` -> `a`, `a.b`: the clusters a layer's name puts it in. */
function prefixes(name: string): string[] {
  const parts = name.split(".");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("."));
}
