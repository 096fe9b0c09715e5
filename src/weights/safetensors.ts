import { readSafetensorsHeader, WeightsFileError, weightsMismatch } from "../runtime/runtime.js";
import {
  type ElementKind,
  elementCount,
  formatShape,
  littleEndianBytes,
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

/** How each safetensors dtype is stored (src/runtime/safetensors.ts says which dsnet reads). */
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

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data. Every tensor is converted to float32.
 * The header is read and checked by the runtime's reader, the one generated modules use, so
 * both accept and refuse the same files; anything malformed, however hostile, is a FileError.
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  const { entries, order, metadata, data } = asFileError(() => readSafetensorsHeader(bytes));
  const tensors = new Map<string, SafetensorsTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, {
      dtype,
      shape,
      data: toFloat32(data.subarray(begin, end), DTYPES.get(dtype)!, true),
    });
  }
  return { tensors, metadata, order };
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
 * match, one FileError lists every problem (see weightsMismatch, which generated modules use
 * too): missing tensors, tensors the network has no use for, and shapes that differ.
 */
export function matchTensors(
  file: SafetensorsFile,
  expected: readonly TensorSpec[],
): Float32Array[] {
  const problem = weightsMismatch(
    new Map([...file.tensors].map(([name, t]) => [name, t.shape])),
    file.order,
    expected.map((s) => [s.name, s.shape]),
  );
  if (problem !== undefined) throw new FileError(problem);
  return expected.map((s) => file.tensors.get(s.name)!.data);
}

/** Runs one of the runtime's readers, its WeightsFileErrors made dsnet's FileErrors. */
function asFileError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof WeightsFileError) throw new FileError(e.message);
    throw e;
  }
}
