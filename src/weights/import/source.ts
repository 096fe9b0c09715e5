import { isOnnxFile } from "../../import/onnx-file.js";
import { isTfjsModelJson } from "../../import/tfjs/model-json.js";
import { FileError } from "../errors.js";
import { readSafetensors } from "../safetensors.js";
import type { ImportSource, SourceTensor } from "./tensor.js";
import { readTfjsSource } from "./tfjs.js";
import { readTorchCheckpoint } from "./torch.js";

export type { ImportSource, SourceTensor } from "./tensor.js";

/** Prefixes that wrappers put before every name: DataParallel, torch.compile. */
const WRAPPER_PREFIXES = ["module.", "_orig_mod."];

/** The most top-level modules whose orders are all tried (6! = 720 orders). */
const MAX_PERMUTED = 6;

/**
 * The tensors of a weights file of any naming: a PyTorch checkpoint (its state_dict's order
 * is the order modules run), a safetensors file (its data's order, then the order of its
 * names: libraries other than PyTorch's own write safetensors sorted by name), or a TF.js
 * model.json at `path` with its shards (see readTfjsSource).
 */
export function readSource(bytes: Uint8Array, path = ""): ImportSource {
  if (isTfjsModelJson(bytes)) return readTfjsSource(bytes, path);
  // safetensors starts with its header's length and then `{`; anything else is torch.save's
  if (!isSafetensors(bytes)) {
    const { tensors, prefix } = stripPrefix(readCheckpoint(bytes, path));
    return {
      kind: "a PyTorch checkpoint",
      orders: [{ name: "state_dict order", tensors }],
      prefix,
    };
  }
  const file = readSafetensors(bytes);
  const { tensors, prefix } = stripPrefix(
    file.order.map((name) => {
      const t = file.tensors.get(name)!;
      return { name, shape: t.shape, dtype: t.dtype, data: t.data };
    }),
  );
  return {
    kind: "a safetensors file",
    orders: [{ name: "the file's order", tensors }, ...moduleOrders(tensors)],
    prefix,
  };
}

/** A PyTorch checkpoint's tensors; an ONNX model, which is none, is refused with where it goes. */
function readCheckpoint(bytes: Uint8Array, path: string): SourceTensor[] {
  try {
    return readTorchCheckpoint(bytes);
  } catch (e) {
    if (!(e instanceof FileError) || !isOnnxFile(path, bytes)) throw e;
    throw new FileError(
      "it is an ONNX model, not a PyTorch checkpoint: `dsnet import MODEL.onnx -o NET.dsnet` writes a network and its weights (NET.safetensors) from it",
    );
  }
}

function isSafetensors(bytes: Uint8Array): boolean {
  return bytes.byteLength > 8 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0;
}

function stripPrefix(tensors: SourceTensor[]): { tensors: SourceTensor[]; prefix: string } {
  const prefix = WRAPPER_PREFIXES.find(
    (p) => tensors.length > 0 && tensors.every((t) => t.name.startsWith(p)),
  );
  if (prefix === undefined) return { tensors, prefix: "" };
  return { tensors: tensors.map((t) => ({ ...t, name: t.name.slice(prefix.length) })), prefix };
}

/**
 * The orders that names give: modules sorted by path, with the top-level modules in each of
 * their orders (name order first), since names cannot tell `features` runs before `classifier`.
 */
function moduleOrders(tensors: SourceTensor[]): { name: string; tensors: SourceTensor[] }[] {
  const sorted = byModule(tensors);
  const groups = new Map<string, SourceTensor[]>();
  for (const t of sorted) {
    const head = t.name.split(".")[0];
    groups.set(head, [...(groups.get(head) ?? []), t]);
  }
  const heads = [...groups.keys()];
  const orders = heads.length <= MAX_PERMUTED ? permutations(heads) : [heads];
  return orders.map((order) => ({
    name: `module order by name (${order.join(", ")})`,
    tensors: order.flatMap((h) => groups.get(h)!),
  }));
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** PyTorch's order within a module, the order `_save_to_state_dict` writes. */
const ROLE_ORDER = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];

/**
 * The tensors in module order recovered from names: modules by their path with numbers
 * compared as numbers (`features.2` before `features.10`), a module's tensors in PyTorch's
 * order. Top-level modules cannot be put in order by name (`classifier` sorts before
 * `features`); the matcher tries them in every order (see matchSource).
 */
function byModule(tensors: SourceTensor[]): SourceTensor[] {
  const split = (name: string) => {
    const dot = name.lastIndexOf(".");
    return { module: dot < 0 ? "" : name.slice(0, dot), role: name.slice(dot + 1) };
  };
  const rank = (role: string) => {
    const i = ROLE_ORDER.indexOf(role);
    return i < 0 ? ROLE_ORDER.length : i;
  };
  return [...tensors].sort((a, b) => {
    const x = split(a.name);
    const y = split(b.name);
    return (
      comparePaths(x.module, y.module) ||
      rank(x.role) - rank(y.role) ||
      (x.role < y.role ? -1 : x.role > y.role ? 1 : 0)
    );
  });
}

function comparePaths(a: string, b: string): number {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const m = /^\d+$/.test(x[i]);
    const n = /^\d+$/.test(y[i]);
    if (m && n) return Number(x[i]) - Number(y[i]);
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}
