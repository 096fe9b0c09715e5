import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import * as tfl from "@tensorflow/tfjs-layers";
import { compareToReference } from "./fixtures.js";

/*
 * TF.js models for the tests that import them (test/tfjs-import.test.ts,
 * test/weights-import-tfjs.test.ts): saved from TF.js itself, or GraphDefs written node by node
 * as TF.js's converter writes them, then put on disk as model.json and one shard.
 */

// TF.js runs the reference answers on its CPU backend, registered by the import above.
await tf.setBackend("cpu");

/** A seeded uniform in [lo, hi). */
export function random(seed: number) {
  let s = seed >>> 0;
  return (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  };
}

export interface Artifacts {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  format?: string;
}

/** Writes model.json and one shard into the folder `root/name`; returns model.json's path. */
export function writeModel(
  root: string,
  name: string,
  a: Artifacts,
  extra: Record<string, unknown> = {},
): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "group1-shard1of1.bin"), new Uint8Array(a.weightData));
  const json = {
    format: a.format ?? "layers-model",
    generatedBy: "test",
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: a.weightSpecs }],
    ...extra,
  };
  const path = join(folder, "model.json");
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/** The model.json at `path` and its one shard as writeModel wrote them. */
export function readModel(path: string): Artifacts {
  const json = JSON.parse(readFileSync(path, "utf8"));
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: json.weightsManifest[0].weights,
    weightData: new Uint8Array(readFileSync(join(path, "..", "group1-shard1of1.bin"))).buffer,
  };
}

/** TF.js's own answer for `data`: the model loaded by TF.js, as a graph or a layers model. */
export async function tfjsAnswer(a: Artifacts, data: Float32Array, shape: number[]) {
  const artifacts = a as tf.io.ModelArtifacts;
  const model =
    a.format === "graph-model"
      ? await loadGraphModel({ load: async () => artifacts })
      : await tfl.loadLayersModel({ load: async () => artifacts });
  return (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync();
}

/** What `model.save` hands its handler: the topology, the manifest and the weights' bytes. */
export async function saved(model: tfl.LayersModel): Promise<Artifacts> {
  let artifacts: Artifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a as Artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return artifacts!;
}

/** Random weights for every variable, the batch norms' variances positive (in `variances`). */
export function randomise(
  model: tfl.LayersModel,
  seed: number,
  [lo, hi]: [number, number] = [0.5, 2],
) {
  const r = random(seed);
  model.setWeights(
    model.weights.map((w) => {
      const n = w.shape.reduce((x, y) => x! * y!, 1)!;
      const variance = w.name.includes("moving_variance");
      return tf.tensor(
        Array.from({ length: n }, () => (variance ? r(lo, hi) : r(-0.5, 0.5))),
        w.shape as number[],
      );
    }),
  );
}

/** The largest difference from the reference, and the tolerance 1e-4 · max(1, max |ref|). */
export function maxError(actual: ArrayLike<number>, reference: ArrayLike<number>) {
  const { maxError: error, tolerance } = compareToReference(actual, reference);
  return { error, tolerance };
}

/** A GraphDef node as TF.js's converter writes it. */
export const node = (
  name: string,
  op: string,
  input: string[],
  attr: Record<string, unknown> = {},
) => ({ name, op, input, attr });
/** A string attribute (base64, as the converter writes them). */
export const s = (text: string) => ({ s: Buffer.from(text).toString("base64") });
export const list = (...i: number[]) => ({ list: { i: i.map(String) } });
export const f32 = { type: "DT_FLOAT" };

/** An NHWC image Placeholder of any batch. */
export function placeholder(name: string, [h, w, c]: number[]) {
  const dim = [-1, h, w, c].map((d) => ({ size: String(d) }));
  return node(name, "Placeholder", [], { dtype: f32, shape: { shape: { dim } } });
}

/** A graph model's weights: each `constant` a Const node whose value is in the shard. */
export class GraphWeights {
  private readonly weights: {
    name: string;
    shape: number[];
    dtype: "float32" | "int32";
    data: number[];
  }[] = [];

  constructor(private readonly r: (lo: number, hi: number) => number) {}

  /** A Const node of `data`, or of values uniform in [-0.5, 0.5). */
  constant(name: string, shape: number[], data?: number[], dtype: "float32" | "int32" = "float32") {
    const n = shape.reduce((a, b) => a * b, 1);
    this.weights.push({
      name,
      shape,
      dtype,
      data: data ?? Array.from({ length: n }, () => this.r(-0.5, 0.5)),
    });
    return node(name, "Const", [], {
      dtype: { type: dtype === "int32" ? "DT_INT32" : "DT_FLOAT" },
    });
  }

  /** A batch norm's Const nodes `name/gamma`, `/beta`, `/mean` and `/variance`, the variances in [lo, hi). */
  batchNorm(name: string, c: number, [lo, hi]: [number, number]) {
    return [
      this.constant(`${name}/gamma`, [c]),
      this.constant(`${name}/beta`, [c]),
      this.constant(`${name}/mean`, [c]),
      this.constant(
        `${name}/variance`,
        [c],
        Array.from({ length: c }, () => this.r(lo, hi)),
      ),
    ];
  }

  /** The graph model of `nodes`, its weights in one shard. */
  artifacts(nodes: ReturnType<typeof node>[]): Artifacts & {
    modelTopology: { node: ReturnType<typeof node>[]; versions: object };
  } {
    const view = new DataView(
      new ArrayBuffer(4 * this.weights.reduce((n, w) => n + w.data.length, 0)),
    );
    let at = 0;
    for (const w of this.weights) {
      for (const v of w.data) {
        if (w.dtype === "int32") view.setInt32(at, v, true);
        else view.setFloat32(at, v, true);
        at += 4;
      }
    }
    return {
      format: "graph-model",
      modelTopology: { node: nodes, versions: { producer: 1 } },
      weightSpecs: this.weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      weightData: view.buffer,
    };
  }
}
