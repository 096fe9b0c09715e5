import type { Network } from "../../check/network.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { FileError } from "../errors.js";
import { initialWeights } from "../init.js";
import type { TensorToWrite } from "../safetensors.js";
import { expectedTensors } from "../tensors.js";
import { conventionWarnings } from "./conventions.js";
import { type Mapping, matchSource, type MatchOptions } from "./match.js";
import { readSource } from "./source.js";

export interface ImportResult {
  /** What the file was, in words. */
  kind: string;
  mapping: Mapping;
  /** The network's tensors under dsnet's names, in `expectedTensors` order. */
  tensors: TensorToWrite[];
  /** Where the model file's eps or padding disagree with the .dsnet (see conventionWarnings). */
  warnings: Diagnostic[];
}

/**
 * A network's weights from a file of another naming (a PyTorch checkpoint, a safetensors
 * file from torchvision, timm or Hugging Face, a TF.js model.json at `path` with its shards),
 * paired by structure (see matchSource). With `partial`, what the file lacks is dsnet's
 * initial weights (seed 0).
 */
export function importWeights(
  bytes: Uint8Array,
  network: Network,
  options: MatchOptions = {},
  path = "",
): ImportResult {
  const source = readSource(bytes, path);
  const expected = expectedTensors(network);
  const mapping = matchSource(source, expected, options);
  const imported = new Map(
    mapping.rows.flatMap((r) => (r.source && r.target ? [[r.target.name, r.source.data]] : [])),
  );
  const initial = mapping.rows.some((r) => r.status === "initial")
    ? initialWeights(network, 0)
    : [];
  const tensors = expected.map((spec, i) => ({
    name: spec.name,
    shape: spec.shape,
    data: imported.get(spec.name) ?? initial[i].data,
  }));
  return { kind: source.kind, mapping, tensors, warnings: conventionWarnings(mapping, network) };
}

/**
 * The explicit pairs of a --map file: a JSON object `{"file name": "dsnet name"}` or lines of
 * two names separated by spaces (`#` starts a comment). A dsnet name of `-` (or null in JSON)
 * leaves the file's tensor out.
 */
export function readRenames(text: string): Map<string, string | null> {
  const renames = new Map<string, string | null>();
  const add = (from: string, to: string | null) => {
    if (renames.has(from)) throw new FileError(`it names ${from} twice`);
    renames.set(from, to === "-" ? null : to);
  };
  if (text.trimStart().startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new FileError(`it is not valid JSON (${(e as Error).message})`);
    }
    for (const [from, to] of Object.entries(json as Record<string, unknown>)) {
      if (to !== null && typeof to !== "string") {
        throw new FileError(`${from} maps to ${JSON.stringify(to)}, not a name`);
      }
      add(from, to);
    }
    return renames;
  }
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const words = line.split(/\s+/);
    if (words.length !== 2) {
      throw new FileError(
        `line ${i + 1} has ${words.length} names, not two (file name, dsnet name)`,
      );
    }
    add(words[0], words[1]);
  });
  return renames;
}
