import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { limits } from "../../check/limits.js";
import { type ElementKind, ELEMENT_SIZE, preview, toFloat32 } from "../../weights/elements.js";
import { readBytes } from "../../weights/load.js";
import { ImportError } from "../errors.js";

/*
 * A TF.js model.json and its weight shards, distrusted: the manifest's paths stay inside the
 * model's folder, every shape is bounded before anything is allocated, the shards hold exactly
 * the bytes the manifest's weights need, and quantised weights (uint8, uint16, float16) are
 * dequantised as TF.js does: q · scale + min.
 */

/** A weight of the manifest, under its TF.js name, in its TF.js layout, as float32. */
export interface TfjsWeight {
  name: string;
  shape: number[];
  /** How the shard stores it: float32, or uint8 / uint16 / float16 when quantised. */
  stored: string;
  data: Float32Array;
}

export interface TfjsModel {
  format: "layers-model" | "graph-model";
  /** modelTopology: Keras's model config (layers) or a GraphDef as JSON (graph). */
  topology: Record<string, unknown>;
  /** In the manifest's order. */
  weights: Map<string, TfjsWeight>;
  /** generatedBy and convertedBy, for the header comment. */
  producer: string;
}

/** Largest model.json read: TF.js writes weights into shards, so its topology is small. */
const MAX_JSON_BYTES = 64 * 2 ** 20;
/** Most shard files and weights a manifest may list. */
const MAX_SHARDS = 10_000;
const MAX_WEIGHTS = 100_000;

/** How each dtype a manifest may give (or quantise to) is stored. */
const STORED_KINDS: Record<string, ElementKind> = {
  float32: "f32",
  int32: "i32",
  bool: "bool",
  uint8: "u8",
  uint16: "u16",
  float16: "f16",
};

/** Whether bytes look like a TF.js model.json: a JSON object with modelTopology. */
export function isTfjsModelJson(bytes: Uint8Array): boolean {
  // A UTF-8 byte order mark (as Windows editors write) may come first.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && i < 64 && bytes[i] <= 0x20) i++;
  if (bytes[i] !== 0x7b) return false;
  const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 1 << 16)));
  return head.includes('"modelTopology"') || head.includes('"weightsManifest"');
}

/** Reads model.json (at `path`, holding `bytes`) and the shards its manifest lists. */
export function readTfjsModel(path: string, bytes: Uint8Array): TfjsModel {
  if (bytes.byteLength > MAX_JSON_BYTES) {
    throw new ImportError(
      `the model.json is ${bytes.byteLength} bytes, more than ${MAX_JSON_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ImportError(`not a readable TF.js model.json: ${(e as Error).message}`);
  }
  if (!isObject(json) || !isObject(json.modelTopology)) {
    throw new ImportError("not a TF.js model.json: it has no modelTopology object");
  }
  const topology = json.modelTopology;
  const format =
    json.format === "graph-model" || (json.format === undefined && Array.isArray(topology.node))
      ? "graph-model"
      : json.format === "layers-model" || json.format === undefined
        ? "layers-model"
        : null;
  if (!format) {
    throw new ImportError(
      `a TF.js model of format ${preview(json.format)}: dsnet reads layers-model and graph-model`,
    );
  }
  const producer = [json.generatedBy, json.convertedBy]
    .filter((p) => typeof p === "string")
    .join(", ");
  return {
    format,
    topology,
    weights: readManifest(path, json.weightsManifest),
    producer: producer || "unknown",
  };
}

function readManifest(path: string, manifest: unknown): Map<string, TfjsWeight> {
  const weights = new Map<string, TfjsWeight>();
  if (manifest === undefined) return weights;
  if (!Array.isArray(manifest)) throw new ImportError("its weightsManifest is not a list");
  const groups = manifest.map((group, g) => {
    const what = `weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ImportError(`${what} is not an object with paths and weights lists`);
    }
    return { what, paths: group.paths as unknown[], specs: group.weights as unknown[] };
  });
  const shardCount = groups.reduce((n, g) => n + g.paths.length, 0);
  const weightCount = groups.reduce((n, g) => n + g.specs.length, 0);
  if (shardCount > MAX_SHARDS || weightCount > MAX_WEIGHTS) {
    throw new ImportError(
      `its manifest lists ${shardCount} shards and ${weightCount} weights; dsnet reads at most ${MAX_SHARDS} and ${MAX_WEIGHTS}`,
    );
  }
  const folder = dirname(resolve(path));
  let elements = 0;
  for (const { what, paths, specs } of groups) {
    // Everything is measured before a shard is read.
    const layout = specs.map((s, i) => readSpec(s, `${what}.weights[${i}]`));
    for (const l of layout) {
      elements += l.count;
      if (elements > limits.networkWeightElements) {
        throw new ImportError(`its weights hold more than ${limits.networkWeightElements} values`);
      }
    }
    const needed = layout.reduce((n, l) => n + l.count * ELEMENT_SIZE[STORED_KINDS[l.stored]], 0);
    const files = paths.map((p) => shardPath(folder, p, what));
    const sizes = files.map((f) => sizeOf(f));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== needed) {
      throw new ImportError(
        `the weights of ${what} need ${needed} bytes but its shards (${paths.map(String).join(", ")}) hold ${total}${total < needed ? " (truncated?)" : ""}`,
      );
    }
    const data = new Uint8Array(total);
    let at = 0;
    files.forEach((f, i) => {
      const shard = readBytes(f, "weight shard");
      if (shard.byteLength !== sizes[i])
        throw new ImportError(`the shard ${f} changed while it was read`);
      data.set(shard, at);
      at += shard.byteLength;
    });
    at = 0;
    for (const l of layout) {
      const size = l.count * ELEMENT_SIZE[STORED_KINDS[l.stored]];
      if (weights.has(l.name))
        throw new ImportError(`its manifest lists the weight "${l.name}" twice`);
      weights.set(l.name, {
        name: l.name,
        shape: l.shape,
        stored: l.stored,
        data: decode(data.subarray(at, at + size), l),
      });
      at += size;
    }
  }
  return weights;
}

interface Spec {
  name: string;
  shape: number[];
  count: number;
  stored: string;
  scale: number;
  min: number;
}

function readSpec(spec: unknown, what: string): Spec {
  if (!isObject(spec) || typeof spec.name !== "string")
    throw new ImportError(`${what} has no name`);
  const name = spec.name;
  const shape = spec.shape;
  if (
    !Array.isArray(shape) ||
    shape.length > 8 ||
    !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new ImportError(
      `weight "${name}" has shape ${preview(shape)}, not a list of non-negative integers`,
    );
  }
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (count > limits.weightElements) {
      throw new ImportError(
        `weight "${name}" has shape [${shape.join(", ")}]: more than ${limits.weightElements} values`,
      );
    }
  }
  const dtype = spec.dtype;
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") {
    throw new ImportError(
      `weight "${name}" has dtype ${preview(dtype)}; dsnet reads float32, int32 and bool`,
    );
  }
  const q = spec.quantization;
  if (q === undefined || q === null)
    return { name, shape: shape as number[], count, stored: dtype, scale: 1, min: 0 };
  if (!isObject(q) || !["uint8", "uint16", "float16"].includes(q.dtype as string)) {
    throw new ImportError(
      `weight "${name}" has quantization ${preview(q)}; dsnet reads uint8, uint16 and float16`,
    );
  }
  const stored = q.dtype as string;
  if (stored === "float16")
    return { name, shape: shape as number[], count, stored, scale: 1, min: 0 };
  const { scale, min } = q;
  if (
    typeof scale !== "number" ||
    typeof min !== "number" ||
    !Number.isFinite(scale) ||
    !Number.isFinite(min)
  ) {
    throw new ImportError(
      `weight "${name}" is quantised to ${stored} without a finite scale and min`,
    );
  }
  return { name, shape: shape as number[], count, stored, scale, min };
}

function decode(bytes: Uint8Array, spec: Spec): Float32Array {
  const out = toFloat32(bytes, STORED_KINDS[spec.stored], true);
  if (spec.stored === "uint8" || spec.stored === "uint16") {
    for (let i = 0; i < out.length; i++) out[i] = out[i] * spec.scale + spec.min;
  }
  return out;
}

/** A shard's file: a relative path that stays inside the model's folder, links resolved. */
function shardPath(folder: string, path: unknown, what: string): string {
  if (typeof path !== "string" || path === "" || path.length > 1024) {
    throw new ImportError(`${what} lists a shard path ${preview(path)} that is not a file name`);
  }
  const outside = () =>
    new ImportError(
      `${what} lists the shard "${path}", outside the model's folder: dsnet reads shards beside model.json only`,
    );
  if (isAbsolute(path) || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.includes("\\")) throw outside();
  const file = resolve(folder, path);
  const inside = (root: string, f: string) => {
    const r = relative(root, f);
    return r !== "" && !r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r);
  };
  if (!inside(folder, file)) throw outside();
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    throw new ImportError(
      `${what} lists the shard "${path}", which does not exist beside the model.json`,
    );
  }
  if (!inside(realpathSync(folder), real)) throw outside();
  return real;
}

function sizeOf(file: string): number {
  const stat = statSync(file);
  if (!stat.isFile()) throw new ImportError(`the shard ${file} is not a file`);
  return stat.size;
}

/** Whether a JSON value is an object (not null, not a list). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
