import { FileError } from "../errors.js";
import { type ElementKind, ELEMENT_SIZE, elementCount, shorten, toFloat32 } from "../elements.js";
import { describe, PickleGlobal, PickleTuple, unpickle } from "./pickle.js";
import type { SourceTensor } from "./tensor.js";
import { readZipEntries } from "./zip.js";

/**
 * PyTorch checkpoints written by `torch.save(model.state_dict())`: the zip format (PyTorch 1.6
 * and later: `<folder>/data.pkl` and one `<folder>/data/<key>` entry per storage) and the legacy
 * format (`_use_new_zipfile_serialization=False`: pickles, then the storages one after
 * another). The pickles go through the restricted unpickler with only the globals a state_dict
 * needs.
 */

/** The storage classes a state_dict's tensors name, with how their elements are stored. */
const STORAGES: Record<string, ElementKind> = {
  FloatStorage: "f32",
  HalfStorage: "f16",
  BFloat16Storage: "bf16",
  DoubleStorage: "f64",
  // num_batches_tracked: read past, never converted
  LongStorage: "i64",
};

/** The callable globals: OrderedDict and the tensor rebuilders. */
const CALLABLES = new Set([
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_parameter",
]);

/** What a persistent id stands for: one storage, not yet read. */
class StorageRef {
  constructor(
    readonly kind: ElementKind,
    /** `torch.FloatStorage`, ... */
    readonly type: string,
    readonly key: string,
    /** Elements, as the pickle declares them (checked against the bytes before use). */
    readonly count: number,
  ) {}
}

/** A tensor as the pickle describes it: a view of a storage. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** The first pickle of the legacy format: the number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function isZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

/** A pickle's first byte: PROTO 2 is what torch.save writes. */
function isPickle(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] <= 5;
}

/** The tensors of a PyTorch checkpoint, in the state_dict's order (the order modules run). */
export function readTorchCheckpoint(bytes: Uint8Array): SourceTensor[] {
  return isZip(bytes) ? readZipCheckpoint(bytes) : readLegacyCheckpoint(bytes);
}

function readZipCheckpoint(bytes: Uint8Array): SourceTensor[] {
  const entries = readZipEntries(bytes, (name) =>
    /^[^/]+\/(data\.pkl|byteorder|data\/[^/]+)$/.test(name),
  );
  const pickles = [...entries.keys()].filter((n) => n.endsWith("/data.pkl"));
  if (pickles.length !== 1) {
    throw new FileError(
      pickles.length === 0
        ? "it is a zip archive without a data.pkl: not a PyTorch checkpoint"
        : "it is a zip archive with several data.pkl entries",
    );
  }
  const folder = pickles[0].slice(0, -"data.pkl".length);
  const byteorder = entries.get(`${folder}byteorder`);
  const littleEndian = byteorder === undefined || new TextDecoder().decode(byteorder) === "little";
  const { value } = unpickle(entries.get(pickles[0])!, torchUnpickling(zipStorage));
  const storageBytes = (ref: StorageRef) => {
    const data = entries.get(`${folder}data/${ref.key}`);
    if (data === undefined) {
      throw new FileError(`storage ${shorten(ref.key)} is missing from the archive`);
    }
    return data;
  };
  return tensorsOf(value, storageBytes, littleEndian);
}

/** The zip format's persistent id: ('storage', type, key, location, count). */
function zipStorage(pid: unknown): StorageRef {
  const items = pid instanceof PickleTuple ? pid.items : [];
  if (items.length !== 5) throw new FileError(`a persistent id is ${describe(pid)}, not a storage`);
  return storageRef(items);
}

function storageRef(items: readonly unknown[]): StorageRef {
  const [tag, type, key, , count] = items;
  if (tag !== "storage" || !(type instanceof PickleGlobal) || !(type.name in STORAGES)) {
    throw new FileError(`a persistent id is ${describe(type)}, not a storage dsnet reads`);
  }
  if (typeof key !== "string" || !Number.isSafeInteger(count) || (count as number) < 0) {
    throw new FileError(`storage ${describe(key)} declares ${describe(count)} elements`);
  }
  return new StorageRef(STORAGES[type.name], type.qualified, key, count as number);
}

/**
 * The legacy format: the magic number, the protocol version and the system's description
 * (three small pickles), the state_dict, the list of storage keys, then each storage as an
 * 8-byte element count and its elements, in that list's order.
 */
function readLegacyCheckpoint(bytes: Uint8Array): SourceTensor[] {
  if (!isPickle(bytes)) {
    throw new FileError(
      "it is neither a zip archive nor a pickle of protocol 2 or later: not a PyTorch checkpoint (nor safetensors)",
    );
  }
  const plain = torchUnpickling(() => {
    throw new FileError("a persistent id appears outside the state_dict");
  });
  const magic = unpickle(bytes, plain);
  if (magic.value !== LEGACY_MAGIC) {
    throw new FileError(
      "it is a pickle but not a torch.save file (dsnet reads a state_dict saved with torch.save)",
    );
  }
  const version = unpickle(bytes, plain, magic.end);
  const info = unpickle(bytes, plain, version.end);
  const littleEndian = !(info.value instanceof Map) || info.value.get("little_endian") !== false;
  const kinds = new Map<string, ElementKind>();
  const main = unpickle(
    bytes,
    torchUnpickling((pid) => {
      const items = pid instanceof PickleTuple ? pid.items : [];
      if (items.length !== 6) throw new FileError(`a persistent id is ${describe(pid)}`);
      if (items[5] !== null) throw new FileError("storage views (PyTorch before 1.0) are not read");
      const ref = storageRef(items);
      kinds.set(ref.key, ref.kind);
      return ref;
    }),
    info.end,
  );
  const keys = unpickle(bytes, plain, main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === "string")) {
    throw new FileError("the list of storage keys is not a list of strings");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const located = new Map<string, { at: number; count: number }>();
  let at = keys.end;
  for (const key of keys.value as string[]) {
    if (at + 8 > bytes.byteLength) throw new FileError(`storage ${shorten(key)} is truncated`);
    const count = Number(view.getBigUint64(at, littleEndian));
    located.set(key, { at: at + 8, count });
    at += 8;
    const kind = kinds.get(key);
    if (kind === undefined) throw new FileError(`storage ${shorten(key)} is not one a tensor uses`);
    const size = ELEMENT_SIZE[kind];
    if (!Number.isSafeInteger(count) || count * size > bytes.byteLength - at) {
      throw new FileError(
        `storage ${shorten(key)} declares ${count} elements, past the end of the file`,
      );
    }
    at += count * size;
  }
  const storageBytes = (ref: StorageRef) => {
    const place = located.get(ref.key);
    if (place === undefined) throw new FileError(`storage ${shorten(ref.key)} is not in the file`);
    return bytes.subarray(place.at, place.at + place.count * ELEMENT_SIZE[ref.kind]);
  };
  return tensorsOf(main.value, storageBytes, littleEndian);
}

/** The unpickler's options for a torch.save pickle: the state_dict's globals and no others. */
function torchUnpickling(persistentLoad: (pid: unknown) => unknown) {
  return {
    findGlobal: (module: string, name: string) =>
      (module === "torch" && name in STORAGES) || CALLABLES.has(`${module}.${name}`)
        ? new PickleGlobal(module, name)
        : undefined,
    call: callTorchGlobal,
    persistentLoad,
  };
}

function callTorchGlobal(callable: PickleGlobal, args: readonly unknown[]): unknown {
  switch (callable.qualified) {
    case "collections.OrderedDict": {
      const dict = new Map<unknown, unknown>();
      if (args.length === 0) return dict;
      throw new FileError("the pickle builds an OrderedDict from arguments; torch.save never does");
    }
    case "torch._utils._rebuild_tensor":
    case "torch._utils._rebuild_tensor_v2": {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof StorageRef)) {
        throw new FileError(`a tensor is rebuilt from ${describe(storage)}, not a storage`);
      }
      return new TensorRef(
        storage as StorageRef,
        offset as number,
        integers(size, "size"),
        integers(stride, "stride"),
      );
    }
    case "torch._utils._rebuild_parameter": {
      if (!(args[0] instanceof TensorRef)) {
        throw new FileError(`a parameter is rebuilt from ${describe(args[0])}, not a tensor`);
      }
      return args[0];
    }
    default:
      throw new FileError(
        `the pickle calls ${callable.qualified}, which a weights file never does; refusing to load it`,
      );
  }
}

function integers(value: unknown, what: string): number[] {
  const items = value instanceof PickleTuple ? value.items : undefined;
  if (!items || !items.every((d) => typeof d === "number" && Number.isSafeInteger(d))) {
    throw new FileError(`a tensor's ${what} is ${describe(value)}, not a tuple of integers`);
  }
  return items as number[];
}

/**
 * The state_dict inside a checkpoint's value: the value itself when it is a dict of tensors,
 * else the dict of tensors under `state_dict`, `model`, ... (`{"model": state_dict, "epoch":
 * 3}`), at most three levels down.
 */
function findStateDict(value: unknown, depth = 0): Map<string, TensorRef> {
  if (!(value instanceof Map)) {
    throw new FileError(`the checkpoint holds ${describe(value)}, not a state_dict`);
  }
  const entries = [...value.entries()];
  if (
    entries.length > 0 &&
    entries.every(([k, v]) => typeof k === "string" && v instanceof TensorRef)
  ) {
    return value as Map<string, TensorRef>;
  }
  const nested = entries.filter(([, v]) => v instanceof Map);
  const preferred = WRAPPER_KEYS.map((k) => nested.find(([key]) => key === k)).find(Boolean);
  const chosen = preferred ?? (nested.length === 1 ? nested[0] : undefined);
  if (chosen === undefined || depth >= 3) {
    const keys = entries
      .slice(0, 8)
      .map(([k]) => String(k))
      .join(", ");
    throw new FileError(
      `the checkpoint is a dict (${shorten(keys)}) without a state_dict of tensors in it`,
    );
  }
  return findStateDict(chosen[1], depth + 1);
}

/** Where training scripts keep the model's state_dict, in order of preference. */
const WRAPPER_KEYS = ["state_dict", "model_state_dict", "model", "module", "net", "network"];

/**
 * The state_dict's tensors, converted to float32 and made contiguous, in its order;
 * `num_batches_tracked` is kept (with no data) so the matching can say it skipped it.
 */
function tensorsOf(
  value: unknown,
  storageBytes: (ref: StorageRef) => Uint8Array,
  littleEndian: boolean,
): SourceTensor[] {
  const converted = new Map<string, Float32Array>();
  const out: SourceTensor[] = [];
  for (const [name, tensor] of findStateDict(value)) {
    const { storage, offset, shape, stride } = tensor;
    const what = `tensor ${shorten(name)}`;
    const count = elementCount(shape, what);
    const dtype = storage.type.slice("torch.".length);
    if (storage.kind === "i64") {
      if (!name.endsWith("num_batches_tracked")) {
        throw new FileError(`${what} holds integers (${dtype}), not weights`);
      }
      out.push({ name, shape, dtype, data: new Float32Array(0) });
      continue;
    }
    const bytes = storageBytes(storage);
    const size = ELEMENT_SIZE[storage.kind];
    if (bytes.byteLength < storage.count * size) {
      throw new FileError(
        `storage ${shorten(storage.key)} declares ${storage.count} elements but holds ${Math.floor(bytes.byteLength / size)}`,
      );
    }
    if (stride.length !== shape.length || stride.some((s) => s < 0)) {
      throw new FileError(
        `${what} has strides (${stride.join(", ")}) for shape (${shape.join(", ")})`,
      );
    }
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new FileError(`${what} starts at ${describe(offset)}, not an element of its storage`);
    }
    let last = offset;
    for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * stride[d];
    if (count > 0 && (last >= storage.count || count > storage.count)) {
      throw new FileError(
        `${what} of shape (${shape.join(", ")}) needs ${Math.max(count, last + 1)} elements of its storage, which has ${storage.count}`,
      );
    }
    let all = converted.get(storage.key);
    if (all === undefined) {
      all = toFloat32(bytes.subarray(0, storage.count * size), storage.kind, littleEndian);
      converted.set(storage.key, all);
    }
    out.push({ name, shape, dtype, data: gather(all, offset, shape, stride, count) });
  }
  return out;
}

/** The elements of a strided view, in row-major order. */
function gather(
  storage: Float32Array,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  count: number,
): Float32Array {
  const out = new Float32Array(count);
  if (count === 0) return out;
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    out[i] = storage[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        at += stride[d];
        break;
      }
      at -= (shape[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
  return out;
}
