/*
 * The safetensors format, read one way by dsnet (src/weights/safetensors.ts calls
 * readSafetensorsHeader and weightsMismatch) and by the generated modules that take their
 * weights at load time (readSafetensorsTensors). A file is an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the data.
 *
 * Anything malformed, however hostile, is a WeightsFileError. Nothing is allocated from a size
 * the file states until that size has been checked against the file's length; JSON nested deep
 * enough to exhaust a recursive parser's stack is refused before it is parsed; and a key given
 * twice is refused, since JSON.parse silently keeps the last where another reader may keep the
 * first. F32 is read as is, F16 and BF16 widened, F64 and the integer types converted (PyTorch
 * files carry batch norm's integer step counters).
 */

export class WeightsFileError extends Error {}

/** The dtypes safetensors defines that dsnet reads, with their sizes in bytes. */
const DTYPE_BYTES = new Map<string, number>([
  ["F32", 4],
  ["F16", 2],
  ["BF16", 2],
  ["F64", 8],
  ["I64", 8],
  ["I32", 4],
  ["I16", 2],
  ["I8", 1],
  ["U64", 8],
  ["U32", 4],
  ["U16", 2],
  ["U8", 1],
  ["BOOL", 1],
]);

/** The reference implementation refuses headers larger than this, and so do we. */
const MAX_HEADER_BYTES = 100_000_000;

/** The most elements one tensor may have: it keeps the arithmetic on shapes exact. */
const MAX_TENSOR_ELEMENTS = 2 ** 31;

/** How deep the header's JSON may nest; a valid one nests three deep (header, entry, shape). */
const MAX_HEADER_DEPTH = 64;

/** How many problems a mismatch lists before it only counts the rest. */
const MAX_LISTED_PROBLEMS = 20;

/** A tensor as the header describes it; `begin` and `end` are byte offsets into the data. */
export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** The tensors, in the header's order. */
  entries: SafetensorsEntry[];
  /**
   * The tensor names in the order of their data in the file (empty tensors, which take no
   * bytes, fall where their offsets put them, in no set order among themselves).
   */
  order: string[];
  /** The free-form `__metadata__` strings, when the file has them. */
  metadata: Record<string, string> | undefined;
  /** The bytes after the header, which the entries' offsets index. */
  data: Uint8Array;
}

/** The header of a safetensors file, every entry checked against the data that follows it. */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
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
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") metadata = readMetadata(value);
    else entries.push(readEntry(name, value, data.byteLength));
  }

  const inFileOrder = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: SafetensorsEntry | undefined;
  for (const entry of inFileOrder) {
    if (entry.begin === entry.end) continue;
    if (previous && entry.begin < previous.end) {
      throw invalid(
        `tensors "${previous.name}" (bytes ${previous.begin}..${previous.end}) and "${entry.name}" (bytes ${entry.begin}..${entry.end}) overlap`,
      );
    }
    previous = entry;
  }
  return { entries, order: inFileOrder.map((e) => e.name), metadata, data };
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = decodeUtf8(headerBytes);
  } catch {
    throw invalid("its header is not valid UTF-8");
  }
  const repeated = scanHeaderJson(text);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw invalid(`its header is not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (!isObject(header)) throw invalid(`its header is ${preview(header)}, not a JSON object`);
  if (repeated !== undefined) throw invalid(repeated);
  return header;
}

/**
 * Scans the header's JSON for what JSON.parse cannot be trusted with. Nesting deeper than
 * MAX_HEADER_DEPTH is refused here, before any parser recurses into it. A key repeated within
 * one object is returned as a problem, for the caller to report once the text has parsed (on
 * text that does not, the scan proves nothing). Strings and brackets are tokenised as JSON
 * tokenises them; everything else is left to JSON.parse.
 */
function scanHeaderJson(text: string): string | undefined {
  // Per open bracket, the keys its object has had so far; null for an array.
  const open: (Set<string> | null)[] = [];
  let entry = "";
  let expectKey = false;
  let repeated: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) {
          escaped = true;
          i++;
        }
      }
      const keys = open[open.length - 1];
      if (!expectKey || !keys) continue;
      expectKey = false;
      let key: string;
      try {
        key = escaped ? String(JSON.parse(text.slice(start, i + 1))) : text.slice(start + 1, i);
      } catch {
        continue;
      }
      if (keys.has(key)) {
        repeated ??=
          open.length === 1
            ? `its header lists ${preview(key)} twice`
            : `its header's entry ${preview(entry)} gives ${preview(key)} twice`;
      }
      keys.add(key);
      if (open.length === 1) entry = key;
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length === MAX_HEADER_DEPTH) {
        throw invalid(`its header nests deeper than ${MAX_HEADER_DEPTH} levels`);
      }
      open.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return repeated;
}

/** `__metadata__`: per the format, an object of string values. */
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

function readEntry(name: string, value: unknown, dataLength: number): SafetensorsEntry {
  const what = `tensor "${name}"`;
  if (!isObject(value)) throw invalid(`${what} is described by ${preview(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") throw invalid(`${what} has no dtype (a string such as "F32")`);
  const size = DTYPE_BYTES.get(dtype);
  if (size === undefined) {
    throw new WeightsFileError(
      `${what} has dtype ${preview(dtype)}, which dsnet cannot read (it reads ${[...DTYPE_BYTES.keys()].join(", ")})`,
    );
  }
  const count = elementCount(shape, what);
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
  const needed = count * size;
  if (end - begin !== needed) {
    throw invalid(
      `${what} has shape ${formatShape(dims)} of ${dtype}, which needs ${needed} bytes, but its data_offsets [${begin}, ${end}] cover ${end - begin}`,
    );
  }
  return { name, dtype, shape: dims, begin, end };
}

/** The number of elements of a tensor's shape, once it is known to be a valid one. */
function elementCount(shape: unknown, what: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(`${what}: shape ${preview(shape)} is not a list of non-negative integers`);
  }
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const d of shape as number[]) {
    count *= d;
    if (count > MAX_TENSOR_ELEMENTS) {
      throw invalid(
        `${what}: shape ${formatShape(shape)} has more than 2^31 elements, more than dsnet can hold`,
      );
    }
  }
  return count;
}

/**
 * What keeps a file's tensors from being the weights a network expects (`expected`: names and
 * PyTorch-layout shapes, in order), as one message, or undefined when they are. It lists every
 * missing tensor, tensor the network has no use for, and shape that differs (the listing is
 * capped; the rest are counted). PyTorch's batch-norm `num_batches_tracked` counters are not
 * weights and are ignored. `found` gives the file's tensors' shapes, `order` their names in
 * the order to list them.
 */
export function weightsMismatch(
  found: ReadonlyMap<string, readonly number[]>,
  order: readonly string[],
  expected: readonly (readonly [string, readonly number[]])[],
): string | undefined {
  const expectedNames = new Set(expected.map(([name]) => name));
  const problems: string[] = [];
  const missing: string[] = [];
  let wrongShape = 0;
  for (const [name, shape] of expected) {
    const fileShape = found.get(name);
    if (!fileShape) {
      missing.push(name);
      problems.push(`missing ${name}, expected shape ${formatShape(shape)}`);
    } else if (formatShape(fileShape) !== formatShape(shape)) {
      wrongShape++;
      problems.push(`${name}: expected ${formatShape(shape)}, file has ${formatShape(fileShape)}`);
    }
  }
  const unexpected = order.filter(
    (name) => !expectedNames.has(name) && !isBatchCounter(name, expectedNames),
  );
  for (const name of unexpected) {
    problems.push(`unexpected ${name} ${formatShape(found.get(name)!)}`);
  }
  if (problems.length === 0) return undefined;

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
  const prefix = commonExtraPrefix(missing, found, order);
  if (prefix !== undefined) {
    lines.push(`the file's names seem to start with an extra "${prefix}"; remove it from them`);
  }
  return lines.join("\n");
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
function commonExtraPrefix(
  missing: readonly string[],
  found: ReadonlyMap<string, unknown>,
  order: readonly string[],
): string | undefined {
  const first = missing[0];
  if (first === undefined) return undefined;
  for (const name of order) {
    if (name.length <= first.length || !name.endsWith(first)) continue;
    const prefix = name.slice(0, -first.length);
    if (missing.every((m) => found.has(prefix + m))) return prefix;
  }
  return undefined;
}

/** The tensors of a safetensors file, in `expected` order (name and PyTorch-layout shape). */
export function readSafetensorsTensors(
  bytes: Uint8Array,
  expected: readonly (readonly [string, readonly number[]])[],
): Float32Array[] {
  const { entries, order, data } = readSafetensorsHeader(bytes);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const problem = weightsMismatch(new Map(entries.map((e) => [e.name, e.shape])), order, expected);
  if (problem !== undefined) throw new WeightsFileError(problem);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return expected.map(([name]) => {
    const { dtype, shape, begin } = byName.get(name)!;
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = element(view, begin, dtype, i);
    return values;
  });
}

/** Element `i` of a tensor of `dtype` starting at byte `at`, as a number. */
function element(view: DataView, at: number, dtype: string, i: number): number {
  switch (dtype) {
    case "F64":
      return view.getFloat64(at + 8 * i, true);
    case "F32":
      return view.getFloat32(at + 4 * i, true);
    case "F16":
      return float16(view.getUint16(at + 2 * i, true));
    case "BF16":
      return bfloat16(view.getUint16(at + 2 * i, true));
    case "I64":
      return Number(view.getBigInt64(at + 8 * i, true));
    case "U64":
      return Number(view.getBigUint64(at + 8 * i, true));
    case "I32":
      return view.getInt32(at + 4 * i, true);
    case "U32":
      return view.getUint32(at + 4 * i, true);
    case "I16":
      return view.getInt16(at + 2 * i, true);
    case "U16":
      return view.getUint16(at + 2 * i, true);
    case "I8":
      return view.getInt8(at + i);
    case "BOOL":
      return view.getUint8(at + i) === 0 ? 0 : 1;
    default:
      return view.getUint8(at + i);
  }
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** One float's bits, shared: widening bfloat16 allocates nothing per element. */
const widenBits = new Uint32Array(1);
const widened = new Float32Array(widenBits.buffer);

function bfloat16(b: number): number {
  widenBits[0] = b << 16;
  return widened[0]!;
}

/** Strict UTF-8 to a string; throws on malformed input (TextDecoder is not in every runtime's types). */
function decodeUtf8(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const codes: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const extra =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (extra < 0 || i + extra >= bytes.length) throw new Error("malformed UTF-8");
    let code = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) throw new Error("malformed UTF-8");
      code = (code << 6) | (c & 0x3f);
    }
    if (
      (extra === 2 && code < 0x800) ||
      (extra === 3 && (code < 0x10000 || code > 0x10ffff)) ||
      (code >= 0xd800 && code < 0xe000)
    ) {
      throw new Error("malformed UTF-8");
    }
    codes.push(code);
    // Converted a few thousand at a time: a character at a time is slow on large headers.
    if (codes.length === 4096) {
      chunks.push(String.fromCodePoint(...codes));
      codes.length = 0;
    }
    i += extra + 1;
  }
  chunks.push(String.fromCodePoint(...codes));
  return chunks.join("");
}

/** `[32, 3, 3, 3]`, the way shapes appear in messages. */
function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** A value from the file as JSON, cut to 60 characters so a hostile file cannot flood a message. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(reason: string): WeightsFileError {
  return new WeightsFileError(`not a valid safetensors file: ${reason}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
