import { oneLine } from "../backends/comment.js";
import { basename } from "node:path";
import { checkText } from "../check/program.js";
import { locationOf } from "../diagnostics/diagnostic.js";
import { expectedTensors } from "../weights/tensors.js";
import type { TensorToWrite } from "../weights/safetensors.js";
import { ImportError } from "./errors.js";
import {
  labelFor,
  labelJoins,
  layersInOrder,
  render,
  structure,
  type LayerGraph,
} from "./layer-graph.js";
import { importOnnx } from "./onnx.js";
import { isOnnxFile } from "./onnx-file.js";
import { importTfjs } from "./tfjs/index.js";
import { isTfjsModelJson } from "./tfjs/model-json.js";

/*
 * `dsnet import`: a model file of another framework as a .dsnet network and its weights. Each
 * format has an importer that gives a LayerGraph (onnx.ts, tfjs/); the rest is shared: the graph is
 * written as nested pipelines, the text is checked by dsnet's own checker, and the weights are
 * paired with the tensors the checked network expects, in order, every shape compared.
 */

export interface ImportedNetwork {
  /** The .dsnet text. */
  source: string;
  /** The weights under dsnet's names, in its order. */
  tensors: TensorToWrite[];
  /** The network's name. */
  name: string;
  format: string;
}

interface Format {
  name: string;
  /** Whether the file is of this format, by its extension or its first bytes. */
  recognises: (path: string, bytes: Uint8Array) => boolean;
  /** The model at `path` (whose bytes are `bytes`; a format may read files beside it). */
  read: (bytes: Uint8Array, path: string) => { graph: LayerGraph; notes: string[] };
}

const FORMATS: Format[] = [
  {
    name: "ONNX",
    recognises: isOnnxFile,
    read: importOnnx,
  },
  {
    name: "TF.js",
    // model.json: a JSON object with modelTopology; its weights are in shards beside it.
    recognises: (_path, bytes) => isTfjsModelJson(bytes),
    read: importTfjs,
  },
];

/**
 * The network a model file describes, named `name`. Throws ImportError for a file it cannot
 * read or a model .dsnet cannot express.
 */
export function importModel(path: string, bytes: Uint8Array, name: string): ImportedNetwork {
  const format = FORMATS.find((f) => f.recognises(path, bytes));
  if (!format) {
    throw new ImportError(
      `cannot tell what kind of model this is: dsnet imports ${FORMATS.map((f) => f.name).join(", ")} (.onnx, TF.js model.json)`,
    );
  }
  const { graph, notes } = format.read(bytes, path);
  const network = labelFor(name, new Set());
  const [h, w, c] = graph.inputShape;
  const statements = structure(graph);
  labelJoins(statements, new Set(graph.layers.flatMap((l) => (l.label ? [l.label] : []))));
  const body = render(statements);
  const source = [
    oneLine(`# Imported by \`dsnet import\` from ${basename(path)} (${format.name}: ${notes[0]}).`),
    "# Labels are the model's weight names (or node names) with other characters as _;",
    "# the weights are in the .safetensors file beside this one, under dsnet's names.",
    ...notes.slice(1).map((n) => `# ${oneLine(n)}`),
    "",
    `network ${network} {`,
    `  input ${h}x${w}x${c}`,
    ...body,
    "}",
    "",
  ].join("\n");
  const checked = checkText(source, `${network}.dsnet`);
  const errors = checked.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || checked.networks.length !== 1) {
    // The text is never shown, so each error quotes its line of it.
    const quoted = errors.map((d) => {
      const { line } = locationOf(d.span).start;
      return `${d.message} (line ${line} of the .dsnet it would write: \`${d.span.source.lineText(line).trim()}\`)`;
    });
    throw new ImportError(
      `dsnet cannot write this model as a .dsnet that checks: ${quoted.join("; ")}`,
    );
  }
  const specs = expectedTensors(checked.networks[0]);
  const ordered = layersInOrder(statements).flatMap((l) => l.tensors);
  if (specs.length !== ordered.length) {
    throw new Error(`internal: ${specs.length} tensors expected, ${ordered.length} imported`);
  }
  const tensors = specs.map((spec, i) => {
    const t = ordered[i];
    if (t.shape.join() !== spec.shape.join()) {
      throw new Error(`internal: ${spec.name} is [${spec.shape}] but ${t.name} is [${t.shape}]`);
    }
    return { name: spec.name, shape: spec.shape, data: t.data };
  });
  return { source, tensors, name: network, format: format.name };
}
