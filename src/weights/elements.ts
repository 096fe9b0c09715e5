import { FileError } from "./errors.js";

/** The element types dsnet reads from files; every one is widened or narrowed to float32. */
export type ElementKind =
  | "f16"
  | "bf16"
  | "f32"
  | "f64"
  | "i8"
  | "i16"
  | "i32"
  | "i64"
  | "u8"
  | "u16"
  | "u32"
  | "u64"
  | "bool";

export const ELEMENT_SIZE: Record<ElementKind, number> = {
  f16: 2,
  bf16: 2,
  f32: 4,
  f64: 8,
  i8: 1,
  i16: 2,
  i32: 4,
  i64: 8,
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  bool: 1,
};

/**
 * The most elements one tensor may have. Sizes are checked against the file's length before
 * anything is allocated; this bound keeps the arithmetic on shapes exact as well.
 */
export const MAX_ELEMENTS = 2 ** 31;

/**
 * The number of elements of `shape`, or a FileError naming `what` when the shape is not a
 * list of non-negative integers or has more than MAX_ELEMENTS elements.
 */
export function elementCount(shape: unknown, what: string): number {
  if (
    !Array.isArray(shape) ||
    !shape.every((d): d is number => Number.isSafeInteger(d) && (d as number) >= 0)
  ) {
    throw new FileError(`${what}: shape ${preview(shape)} is not a list of non-negative integers`);
  }
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count > MAX_ELEMENTS) {
      throw new FileError(
        `${what}: shape ${formatShape(shape)} has more than 2^31 elements, more than dsnet can hold`,
      );
    }
  }
  return count;
}

/** `[32, 3, 3, 3]`, the way shapes appear in messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A value from a file, as JSON, cut short so a hostile file cannot flood a message. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return shorten(text);
}

/** Text from a file cut to at most 60 characters. */
export function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Decodes `bytes` (a whole number of elements of `kind`) into float32. Floats are widened
 * exactly bit for bit (f16 subnormals, infinities and NaNs included); f64 and integers wider
 * than 24 bits are rounded to the nearest float32.
 */
export function toFloat32(
  bytes: Uint8Array,
  kind: ElementKind,
  littleEndian: boolean,
): Float32Array {
  const count = Math.floor(bytes.byteLength / ELEMENT_SIZE[kind]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  // The float kinds are converted on the bits, so NaN payloads and signed zeros survive.
  const bits = new Uint32Array(out.buffer);
  switch (kind) {
    case "f32":
      for (let i = 0; i < count; i++) bits[i] = view.getUint32(4 * i, littleEndian);
      return out;
    case "f16":
      for (let i = 0; i < count; i++) bits[i] = float16Bits(view.getUint16(2 * i, littleEndian));
      return out;
    case "bf16":
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, littleEndian) << 16;
      return out;
    default: {
      const read = readers[kind];
      for (let i = 0; i < count; i++) out[i] = read(view, i, littleEndian);
      return out;
    }
  }
}

const readers: Record<
  Exclude<ElementKind, "f32" | "f16" | "bf16">,
  (view: DataView, i: number, littleEndian: boolean) => number
> = {
  f64: (v, i, le) => v.getFloat64(8 * i, le),
  i8: (v, i) => v.getInt8(i),
  i16: (v, i, le) => v.getInt16(2 * i, le),
  i32: (v, i, le) => v.getInt32(4 * i, le),
  i64: (v, i, le) => Number(v.getBigInt64(8 * i, le)),
  u8: (v, i) => v.getUint8(i),
  u16: (v, i, le) => v.getUint16(2 * i, le),
  u32: (v, i, le) => v.getUint32(4 * i, le),
  u64: (v, i, le) => Number(v.getBigUint64(8 * i, le)),
  bool: (v, i) => (v.getUint8(i) === 0 ? 0 : 1),
};

/** The float32 bit pattern of the IEEE half-precision value with bits `h`. */
export function float16Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  // A subnormal half is a normal float: shift the leading one up to the implicit bit.
  let e = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** The little-endian bytes of `data`, bit for bit, on any host. */
export function littleEndianBytes(data: Float32Array | Float64Array): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < bits.length; i++) view.setUint32(4 * i, bits[i], true);
  } else {
    const bits = new BigUint64Array(data.buffer, data.byteOffset, data.length);
    for (let i = 0; i < bits.length; i++) view.setBigUint64(8 * i, bits[i], true);
  }
  return out;
}
