import type { LayerGraph } from "../layer-graph.js";
import { importGraphModel } from "./graph-model.js";
import { importLayersModel } from "./layers-model.js";
import { readTfjsModel, type TfjsModel } from "./model-json.js";

/**
 * A TF.js model.json (layers or graph model) at `path`, with its shards, as dsnet layers; and
 * its weights as the manifest gives them (how each is stored).
 */
export function importTfjs(
  bytes: Uint8Array,
  path: string,
): { graph: LayerGraph; notes: string[]; weights: TfjsModel["weights"] } {
  const model = readTfjsModel(path, bytes);
  const imported =
    model.format === "graph-model" ? importGraphModel(model) : importLayersModel(model);
  return { ...imported, weights: model.weights };
}
