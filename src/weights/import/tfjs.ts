import { ImportError } from "../../import/errors.js";
import { layersInOrder, structure, type ImportedLayer } from "../../import/layer-graph.js";
import { importTfjs } from "../../import/tfjs/index.js";
import type { TensorSpec } from "../tensors.js";
import type { ImportSource, SourceTensor } from "./tensor.js";

/** PyTorch's roles of a batch norm's four tensors, in the order TF.js's importer gives them. */
const BATCH_NORM_ROLES: TensorSpec["role"][] = ["weight", "bias", "running_mean", "running_var"];

/**
 * A TF.js model's weights (model.json at `path` and its shards) as source tensors, translated
 * by the TF.js importer into dsnet's layouts (OIHW kernels, depthwise [in·mult, 1, kh, kw],
 * Dense [out, in]), each carrying its role, and the first of each layer what the model says
 * about its eps or padding. The order `dsnet import` would write the layers in comes first,
 * then the model's own order of layers.
 */
export function readTfjsSource(bytes: Uint8Array, path: string): ImportSource {
  const { graph, weights } = importTfjs(bytes, path);
  const tensorsOf = (layers: ImportedLayer[]): SourceTensor[] =>
    layers.flatMap((layer) =>
      layer.tensors.map((t, i) => ({
        name: t.name,
        shape: t.shape,
        dtype: weights.get(t.name)?.stored ?? "float32",
        data: t.data,
        role:
          layer.eps !== undefined ? BATCH_NORM_ROLES[i] : t.shape.length === 1 ? "bias" : "weight",
        layer:
          i === 0 && (layer.eps !== undefined || layer.window)
            ? { name: layer.label ?? t.name, eps: layer.eps, window: layer.window }
            : undefined,
      })),
    );
  const orders = [{ name: "the model's layer order", tensors: tensorsOf(graph.layers) }];
  let written: ImportedLayer[] | undefined;
  try {
    written = layersInOrder(structure(graph));
  } catch (e) {
    // A graph dsnet cannot write as pipelines still pairs in the model's order.
    if (!(e instanceof ImportError)) throw e;
  }
  if (written && written.some((l, i) => l !== graph.layers[i])) {
    orders.unshift({ name: "the order dsnet import writes", tensors: tensorsOf(written) });
  }
  return { kind: "a TF.js model", orders, prefix: "" };
}
