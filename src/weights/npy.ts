import {
  ELEMENT_SIZE,
  type ElementKind,
  elementCount,
  formatShape,
  littleEndianBytes,
  shorten,
  toFloat32,
} from "./elements.js";
import { FileError } from "./errors.js";

export interface NpyArray {
  shape: number[];
  /** Converted to float32 whatever the file stores. */
  data: Float32Array;
  /** The file's NumPy type string (`<f4`, `<f2`, `|u1`, ...). */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** NumPy's type codes (kind and size) that dsnet reads. */
const KINDS = new Map<string, ElementKind>(
  Object.entries({
    f2: "f16",
    f4: "f32",
    f8: "f64",
    i1: "i8",
    i2: "i16",
    i4: "i32",
    i8: "i64",
    u1: "u8",
    u2: "u16",
    u4: "u32",
    u8: "u64",
    b1: "bool",
  }),
);

/**
 * Reads a NumPy .npy file (format 1.0, 2.0 or 3.0) holding one C-ordered array of floats,
 * integers or booleans, converted to float32. Anything malformed is a FileError.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw invalid("it does not start with the .npy magic string \\x93NUMPY");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw invalid(`it has format version ${major}.${minor}; dsnet reads 1.0, 2.0 and 3.0`);
  }
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.byteLength < 8 + lengthSize) throw invalid("it ends inside its header length");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthSize + headerLength;
  if (dataStart > bytes.byteLength) {
    throw invalid(
      `its header length is ${headerLength} bytes but only ${bytes.byteLength - 8 - lengthSize} bytes follow (is the file truncated?)`,
    );
  }
  const headerBytes = bytes.subarray(8 + lengthSize, dataStart);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(headerBytes);
  } catch {
    throw invalid("its header is not valid UTF-8");
  }
  const header = parseHeader(text);

  const descr = header.get("descr");
  const fortranOrder = header.get("fortran_order");
  const shapeValue = header.get("shape");
  if (Array.isArray(descr)) {
    throw new FileError(
      `the .npy file holds a structured array (dtype ${show(descr)}); dsnet reads plain arrays of numbers`,
    );
  }
  if (typeof descr !== "string") throw invalid(`its descr is ${show(descr)}, not a string`);
  const match = /^([<>|])([a-z]\d+)$/.exec(descr);
  const kind = match ? KINDS.get(match[2]) : undefined;
  if (!match || kind === undefined || (match[1] === "|" && ELEMENT_SIZE[kind] !== 1)) {
    throw new FileError(
      `the .npy file has dtype '${descr}', which dsnet cannot read (it reads floats '<f2', '<f4', '<f8', integers such as '<i4' and '|u1', and booleans '|b1')`,
    );
  }
  if (typeof fortranOrder !== "boolean") {
    throw invalid(`its fortran_order is ${show(fortranOrder)}, not True or False`);
  }
  if (!(shapeValue instanceof Tuple)) {
    throw invalid(`its shape is ${show(shapeValue)}, not a tuple`);
  }
  const count = elementCount(shapeValue.items, "not a valid .npy file");
  const shape = shapeValue.items as number[];
  if (fortranOrder && shape.filter((d) => d !== 1).length > 1) {
    throw new FileError(
      `the .npy file stores its ${formatShape(shape)} array in Fortran (column-major) order; save it with numpy.ascontiguousarray`,
    );
  }
  const needed = count * ELEMENT_SIZE[kind];
  const dataLength = bytes.byteLength - dataStart;
  if (dataLength !== needed) {
    throw invalid(
      `its shape ${formatShape(shape)} of '${descr}' needs ${needed} bytes of data but the file has ${dataLength}${dataLength < needed ? " (is it truncated?)" : ""}`,
    );
  }
  return {
    shape,
    data: toFloat32(bytes.subarray(dataStart), kind, match[1] !== ">"),
    dtype: descr,
  };
}

/**
 * Writes an array as a .npy file, format 1.0, `<f4` for a Float32Array or `<f8` for a
 * Float64Array. The header is laid out exactly as NumPy lays it out: keys sorted, room left to
 * grow the first axis, padded with spaces so the data starts at a multiple of 64 bytes.
 */
export function writeNpy(shape: readonly number[], data: Float32Array | Float64Array): Uint8Array {
  if (shape.length > 64) {
    throw new FileError(`cannot write .npy: NumPy arrays have at most 64 dimensions`);
  }
  const count = elementCount(shape, "cannot write .npy");
  if (count !== data.length) {
    throw new FileError(
      `cannot write .npy: shape ${formatShape(shape)} has ${count} values but the data has ${data.length}`,
    );
  }
  const descr = data instanceof Float32Array ? "<f4" : "<f8";
  const pythonShape = shape.length === 1 ? `(${shape[0]},)` : `(${shape.map(String).join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonShape}, }`;
  // NumPy leaves room for the first axis to grow to 21 digits without rewriting the file.
  if (shape.length > 0) header += " ".repeat(21 - String(shape[0]).length);
  const padding = 64 - ((10 + header.length + 1) % 64);
  header += " ".repeat(padding) + "\n";

  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(littleEndianBytes(data), 10 + header.length);
  return out;
}

/** A Python tuple in a header (a list parses to a plain array). */
class Tuple {
  constructor(readonly items: PyValue[]) {}
}

type PyValue = string | number | boolean | null | PyValue[] | Tuple | Map<string, PyValue>;

/** The header must be a dict with exactly NumPy's three keys. */
function parseHeader(text: string): Map<string, PyValue> {
  const header = new PythonLiteralParser(text).parseAll();
  if (!(header instanceof Map)) throw invalid(`its header is not a Python dict`);
  const keys = [...header.keys()].sort();
  if (keys.join(",") !== "descr,fortran_order,shape") {
    throw invalid(
      `its header has the keys ${show(keys)}; it should have descr, fortran_order and shape`,
    );
  }
  return header;
}

/**
 * The subset of Python literal syntax that .npy headers use: dicts, tuples, lists, strings,
 * integers (with Python 2's `L` suffix), True, False and None.
 */
class PythonLiteralParser {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.at !== this.text.length) this.fail("unexpected text after the dict");
    return value;
  }

  private value(): PyValue {
    this.skipSpace();
    if (++this.depth > 16) this.fail("nested too deeply");
    const c = this.text[this.at];
    let value: PyValue;
    if (c === "{") value = this.dict();
    else if (c === "(") value = this.sequence(")");
    else if (c === "[") value = this.sequence("]");
    else if (c === "'" || c === '"') value = this.string();
    else value = this.word();
    this.depth--;
    return value;
  }

  private dict(): Map<string, PyValue> {
    const dict = new Map<string, PyValue>();
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.eat("}")) return dict;
      const key = this.value();
      if (typeof key !== "string") this.fail("dict key is not a string");
      this.skipSpace();
      if (!this.eat(":")) this.fail("expected ':'");
      dict.set(key, this.value());
      this.skipSpace();
      if (this.eat("}")) return dict;
      if (!this.eat(",")) this.fail("expected ',' or '}'");
    }
  }

  /** A tuple `(1, 2)`, `(1,)`, `()` or a list `[...]`. */
  private sequence(close: ")" | "]"): PyValue {
    const items: PyValue[] = [];
    this.at++;
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.eat(close)) break;
      items.push(this.value());
      this.skipSpace();
      if (this.eat(close)) break;
      if (!this.eat(",")) this.fail(`expected ',' or '${close}'`);
      sawComma = true;
    }
    if (close === "]") return items;
    // `(3)` is just 3 in Python; only a comma makes a tuple.
    return items.length === 1 && !sawComma ? items[0] : new Tuple(items);
  }

  private string(): string {
    const quote = this.text[this.at++];
    let result = "";
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) this.fail("unterminated string");
      if (c === quote) return result;
      result += c === "\\" ? (this.text[this.at++] ?? "") : c;
    }
  }

  private word(): PyValue {
    const word = /^(-?\d+)L?|^[A-Za-z_]\w*/.exec(this.text.slice(this.at, this.at + 40));
    if (!word) this.fail("unexpected character");
    this.at += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    if (word[0] === "None") return null;
    this.fail(`unexpected name ${word[0]}`);
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private eat(c: string): boolean {
    if (this.text[this.at] !== c) return false;
    this.at++;
    return true;
  }

  private fail(reason: string): never {
    throw invalid(`its header is not a Python literal (${reason} at character ${this.at})`);
  }
}

/** A header value as Python writes it, for messages. */
function show(value: PyValue | undefined): string {
  return shorten(repr(value));
}

function repr(value: PyValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (value instanceof Tuple) {
    return value.items.length === 1
      ? `(${repr(value.items[0])},)`
      : `(${value.items.map(repr).join(", ")})`;
  }
  return `{${[...value].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
}

function invalid(reason: string): FileError {
  return new FileError(`not a valid .npy file: ${reason}`);
}
