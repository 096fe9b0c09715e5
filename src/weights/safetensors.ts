import {
  ELEMENT_SIZE,
  type ElementKind,
  elementCount,
  formatShape,
  littleEndianBytes,
  preview,
  toFloat32,
} from "./elements.js";
import { FileError } from "./errors.js";
import type { TensorSpec } from "./tensors.js";

export { FileError } from "./errors.js";

/** A tensor read from a safetensors file, converted to float32 whatever its stored dtype. */
export interface SafetensorsTensor {
  /** The dtype the file stores it in (`F32`, `F16`, `BF16`, ...). */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  /** The free-form `__metadata__` strings, when the file has them. */
  metadata: Record<string, string> | undefined;
  /**
   * The tensor names in the order of their data in the file (empty tensors, which take no
   * bytes, fall where their offsets put them, in no set order among themselves).
   */
  order: string[];
}

/** A tensor to write: always stored as F32. */
export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The safetensors dtypes dsnet reads, and how each is stored. */
const DTYPES = new Map<string, ElementKind>(
  Object.entries({
    F32: "f32",
    F16: "f16",
    BF16: "bf16",
    F64: "f64",
    I64: "i64",
    I32: "i32",
    I16: "i16",
    I8: "i8",
    U64: "u64",
    U32: "u32",
    U16: "u16",
    U8: "u8",
    BOOL: "bool",
  }),
);

/** The reference implementation refuses headers larger than this, and so do we. */
const MAX_HEADER_BYTES = 100_000_000;

/** How many problems `matchTensors` lists before it only counts the rest. */
const MAX_LISTED_PROBLEMS = 20;

interface Entry {
  name: string;
  kind: ElementKind;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data. Every tensor is converted to float32.
 * Anything malformed, however hostile, is a FileError; nothing is allocated from a size the
 * file states until that size has been checked against the file's length.
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) {
    throw invalid(
      `it is ${bytes.byteLength} bytes long, too short to hold even the 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) {
    throw invalid(
      `its header length is ${headerLength} bytes, more than the ${MAX_HEADER_BYTES} allowed (is this a safetensors file?)`,
    );
  }
  if (8 + headerLength > bytes.byteLength) {
    throw invalid(
      `its header length is ${headerLength} bytes but only ${bytes.byteLength - 8} bytes follow (is the file truncated?)`,
    );
  }
  const header = parseHeader(bytes.subarray(8, 8 + headerLength));
  const data = bytes.subarray(8 + headerLength);

  let metadata: Record<string, string> | undefined;
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") metadata = readMetadata(value);
    else entries.push(readEntry(name, value, data.byteLength));
  }

  const inFileOrder = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: Entry | undefined;
  for (const entry of inFileOrder) {
    if (entry.begin === entry.end) continue;
    if (previous && entry.begin < previous.end) {
      throw invalid(
        `tensors "${previous.name}" (bytes ${previous.begin}..${previous.end}) and "${entry.name}" (bytes ${entry.begin}..${entry.end}) overlap`,
      );
    }
    previous = entry;
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: toFloat32(data.subarray(e.begin, e.end), e.kind, true),
    });
  }
  return { tensors, metadata, order: inFileOrder.map((e) => e.name) };
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw invalid("its header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw invalid(`its header is not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (!isObject(header)) throw invalid(`its header is ${preview(header)}, not a JSON object`);
  return header;
}

function readMetadata(value: unknown): Record<string, string> {
  if (!isObject(value)) {
    throw invalid(`its __metadata__ is ${preview(value)}, not an object of strings`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw invalid(`its __metadata__ entry "${key}" is ${preview(v)}, not a string`);
    }
  }
  return value as Record<string, string>;
}

function readEntry(name: string, value: unknown, dataLength: number): Entry {
  const what = `tensor "${name}"`;
  if (!isObject(value)) throw invalid(`${what} is described by ${preview(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") throw invalid(`${what} has no dtype (a string such as "F32")`);
  const kind = DTYPES.get(dtype);
  if (kind === undefined) {
    throw new FileError(
      `${what} has dtype ${preview(dtype)}, which dsnet cannot read (it reads ${[...DTYPES.keys()].join(", ")})`,
    );
  }
  const count = elementCount(shape, `not a valid safetensors file: ${what}`);
  const dims = shape as number[];
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw invalid(
      `${what} has data_offsets ${preview(offsets)}, not a pair [begin, end] of non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end)
    throw invalid(`${what} has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLength) {
    throw invalid(
      `${what} has data_offsets [${begin}, ${end}] past the end of the data (${dataLength} bytes; is the file truncated?)`,
    );
  }
  const needed = count * ELEMENT_SIZE[kind];
  if (end - begin !== needed) {
    throw invalid(
      `${what} has shape ${formatShape(dims)} of ${dtype}, which needs ${needed} bytes, but its data_offsets [${begin}, ${end}] cover ${end - begin}`,
    );
  }
  return { name, kind, dtype, shape: dims, begin, end };
}

/**
 * Writes tensors as a safetensors file, all F32, laid out and listed in the given order. The
 * header is padded with spaces to a multiple of 8 bytes, as the reference implementation does,
 * so the data that follows stays aligned.
 */
export function writeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Uint8Array {
  // The header is assembled by hand: JSON.stringify of an object would move names that look
  // like integers to the front.
  const fields: string[] = [];
  if (metadata) fields.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const names = new Set<string>();
  let offset = 0;
  for (const { name, shape, data } of tensors) {
    if (name === "__metadata__" || names.has(name)) {
      throw new FileError(`cannot write a tensor named "${name}" twice or as __metadata__`);
    }
    names.add(name);
    const count = elementCount(shape, `tensor "${name}"`);
    if (count !== data.length) {
      throw new FileError(
        `tensor "${name}" has shape ${formatShape(shape)} (${count} values) but ${data.length} values`,
      );
    }
    const entry = { dtype: "F32", shape, data_offsets: [offset, offset + data.byteLength] };
    fields.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(`{${fields.join(",")}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setUint32(0, headerLength, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { data } of tensors) {
    out.set(littleEndianBytes(data), at);
    at += data.byteLength;
  }
  return out;
}

/**
 * The data of the tensors a network expects, in `expected` order. When the file does not
 * match, one FileError lists every problem: missing tensors, tensors the network has no
 * use for, and shapes that differ (the listing is capped; the rest are counted). PyTorch's
 * batch-norm `num_batches_tracked` counters are not weights and are ignored.
 */
export function matchTensors(
  file: SafetensorsFile,
  expected: readonly TensorSpec[],
): Float32Array[] {
  const expectedNames = new Set(expected.map((s) => s.name));
  const found: Float32Array[] = [];
  const problems: string[] = [];
  const missing: TensorSpec[] = [];
  let wrongShape = 0;
  for (const spec of expected) {
    const tensor = file.tensors.get(spec.name);
    if (!tensor) {
      missing.push(spec);
      problems.push(`missing ${spec.name}, expected shape ${formatShape(spec.shape)}`);
    } else if (formatShape(tensor.shape) !== formatShape(spec.shape)) {
      wrongShape++;
      problems.push(
        `${spec.name}: expected ${formatShape(spec.shape)}, file has ${formatShape(tensor.shape)}`,
      );
    } else {
      found.push(tensor.data);
    }
  }
  const unexpected = file.order.filter(
    (name) => !expectedNames.has(name) && !isBatchCounter(name, expectedNames),
  );
  for (const name of unexpected) {
    problems.push(`unexpected ${name} ${formatShape(file.tensors.get(name)!.shape)}`);
  }
  if (problems.length === 0) return found;

  const counts = [
    missing.length > 0 ? `${missing.length} missing` : "",
    unexpected.length > 0 ? `${unexpected.length} unexpected` : "",
    wrongShape > 0 ? `${wrongShape} with the wrong shape` : "",
  ].filter(Boolean);
  const lines = [`the weights do not match the network: ${counts.join(", ")}`];
  lines.push(...problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p}`));
  if (problems.length > MAX_LISTED_PROBLEMS) {
    lines.push(`  and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  }
  const prefix = commonExtraPrefix(missing, file);
  if (prefix !== undefined) {
    lines.push(`the file's names seem to start with an extra "${prefix}"; remove it from them`);
  }
  throw new FileError(lines.join("\n"));
}

/** `bn1.num_batches_tracked`, when the network expects `bn1.running_mean`. */
function isBatchCounter(name: string, expectedNames: ReadonlySet<string>): boolean {
  const suffix = ".num_batches_tracked";
  return (
    name.endsWith(suffix) && expectedNames.has(`${name.slice(0, -suffix.length)}.running_mean`)
  );
}

/**
 * The prefix (`module.`, `model.`) that the file puts before every missing name, when there is
 * one: the usual reason a PyTorch checkpoint matches nothing.
 */
function commonExtraPrefix(missing: readonly TensorSpec[], file: SafetensorsFile) {
  const first = missing[0];
  if (!first) return undefined;
  for (const name of file.order) {
    if (name.length <= first.name.length || !name.endsWith(first.name)) continue;
    const prefix = name.slice(0, -first.name.length);
    if (missing.every((spec) => file.tensors.has(prefix + spec.name))) return prefix;
  }
  return undefined;
}

function invalid(reason: string): FileError {
  return new FileError(`not a valid safetensors file: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
