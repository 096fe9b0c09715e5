import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "./runs.js";
import {
  matchTensors,
  readSafetensors,
  FileError,
  writeSafetensors,
} from "../src/weights/safetensors.js";
import type { TensorSpec } from "../src/weights/tensors.js";
import { readSafetensorsTensors, WeightsFileError } from "../src/runtime/safetensors.js";

const formatShape = (shape: number[]) => `[${shape.join(", ")}]`;

/** A safetensors file put together by hand: the header length as 8 bytes, the JSON, the data. */
function build(header: string, data: number[] = [], headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const n = headerLength ?? json.length;
  const length = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Math.floor(n / 2 ** (8 * i)) % 256);
  return new Uint8Array([...length, ...json, ...data]);
}

/** A header with one tensor `t`. */
function one(dtype: string, shape: unknown, offsets: unknown): string {
  return JSON.stringify({ t: { dtype, shape, data_offsets: offsets } });
}

function bitsOf(data: Float32Array): number[] {
  return [...new Uint32Array(data.buffer, data.byteOffset, data.length)];
}

/** A FileError whose message contains `part`. */
const refusal = (part: string) =>
  expect.objectContaining({ name: "FileError", message: expect.stringContaining(part) });

/** What a generated module's reader (the runtime's) reads from `bytes`, or the message it refuses with. */
function readInModule(
  bytes: Uint8Array,
  expected: [string, number[]][] = [],
): Float32Array[] | string {
  try {
    return readSafetensorsTensors(bytes, expected);
  } catch (e) {
    if (e instanceof WeightsFileError) return e.message;
    throw e;
  }
}

/** `file` with up to 8 of its bytes changed, and perhaps cut short. */
const changedOrCut = (file: Uint8Array) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 8,
      }),
      fc.option(fc.nat(file.length), { nil: undefined }),
    )
    .map(([changes, cut]) => {
      const bytes = file.slice(0, cut);
      for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
      return bytes;
    });

describe("readSafetensors on a file built byte by byte", () => {
  // 1.0f, -2.0f as little-endian F32, then F16 0x3C00 (1), 0xC000 (-2), 0x7BFF (65504).
  const header = `{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[3],"data_offsets":[8,14]},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]}}`;
  const data = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b];
  const file = readSafetensors(build(header, data));

  it("reads each tensor's dtype, shape and values", () => {
    expect(file.tensors.get("a")).toEqual({
      dtype: "F32",
      shape: [1, 2],
      data: new Float32Array([1, -2]),
    });
    expect(file.tensors.get("b")).toEqual({
      dtype: "F16",
      shape: [3],
      data: new Float32Array([1, -2, 65504]),
    });
  });

  it("reads the metadata and orders the names by where their data lies", () => {
    expect(file.metadata).toEqual({ format: "pt" });
    expect(file.order).toEqual(["a", "b"]);
    expect([...file.tensors.keys()]).toEqual(["b", "a"]);
  });

  it("returns aligned copies, whatever the alignment of the input", () => {
    const shifted = new Uint8Array(build(header, data).length + 1);
    shifted.set(build(header, data), 1);
    const a = readSafetensors(shifted.subarray(1)).tensors.get("a")!;
    expect(a.data.byteOffset % 4).toBe(0);
    expect([...a.data]).toEqual([1, -2]);
  });

  it("accepts an empty header, zero-sized tensors and trailing spaces", () => {
    expect(readSafetensors(build("{}")).tensors.size).toBe(0);
    const empty = readSafetensors(build(`${one("F32", [0, 5], [0, 0])}    `));
    expect(empty.tensors.get("t")).toEqual({
      dtype: "F32",
      shape: [0, 5],
      data: new Float32Array(),
    });
    expect(empty.metadata).toBeUndefined();
  });

  it("reads a scalar (shape [])", () => {
    const scalar = readSafetensors(build(one("F32", [], [0, 4]), [0, 0, 0x40, 0x40]));
    expect(scalar.tensors.get("t")!.data).toEqual(new Float32Array([3]));
  });
});

describe("widening F16 and BF16", () => {
  function f16(bits: number[]): Float32Array {
    const bytes = bits.flatMap((b) => [b & 0xff, b >> 8]);
    return readSafetensors(build(one("F16", [bits.length], [0, bytes.length]), bytes)).tensors.get(
      "t",
    )!.data;
  }
  function bf16(bits: number[]): Float32Array {
    const bytes = bits.flatMap((b) => [b & 0xff, b >> 8]);
    return readSafetensors(build(one("BF16", [bits.length], [0, bytes.length]), bytes)).tensors.get(
      "t",
    )!.data;
  }

  it("F16 by hand", () => {
    const values = f16([0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00, 0x3555]);
    expect([...values]).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      Infinity,
      -Infinity,
      0.333251953125,
    ]);
    expect(Object.is(f16([0x8000])[0], -0)).toBe(true);
    expect(f16([0x7e00, 0xfc01])).toSatisfy((v: Float32Array) => v.every(Number.isNaN));
  });

  it("F16, all 65536 values, against the definition", () => {
    const all = Array.from({ length: 65536 }, (_, h) => h);
    const values = f16(all);
    for (const h of all) {
      const sign = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      const expected =
        e === 0x1f
          ? m === 0
            ? sign * Infinity
            : NaN
          : e === 0
            ? sign * m * 2 ** -24
            : sign * (1 + m / 1024) * 2 ** (e - 15);
      expect(Object.is(values[h], expected), `0x${h.toString(16)}`).toBe(true);
    }
  });

  it("F16 NaNs keep their payloads", () => {
    expect(bitsOf(f16([0x7e01, 0xfd00]))).toEqual([0x7fc02000, 0xffa00000]);
  });

  it("BF16 by hand", () => {
    const values = bf16([0x3f80, 0xc000, 0x7f80, 0xff80, 0x0001, 0x3eab]);
    expect([...values]).toEqual([1, -2, Infinity, -Infinity, 2 ** -133, 0.333984375]);
    expect(Number.isNaN(bf16([0x7fc0])[0])).toBe(true);
  });

  it("narrows F64 and converts integers", () => {
    const f64 = new Uint8Array(new Float64Array([0.1, -3]).buffer);
    const t = readSafetensors(build(one("F64", [2], [0, 16]), [...f64])).tensors.get("t")!;
    expect([...t.data]).toEqual([Math.fround(0.1), -3]);
    // PyTorch stores batch norm's num_batches_tracked as an I64 scalar.
    const i64 = [7, 0, 0, 0, 0, 0, 0, 0];
    expect(readSafetensors(build(one("I64", [], [0, 8]), i64)).tensors.get("t")!.data).toEqual(
      new Float32Array([7]),
    );
    expect(
      readSafetensors(build(one("I8", [2], [0, 2]), [0xff, 5])).tensors.get("t")!.data,
    ).toEqual(new Float32Array([-1, 5]));
  });
});

describe("writeSafetensors", () => {
  it("writes the header padded with spaces to 8 bytes, then the F32 data", () => {
    const bytes = writeSafetensors([{ name: "a", shape: [2], data: new Float32Array([1, -2]) }]);
    const json = `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`;
    const n = Math.ceil(json.length / 8) * 8;
    expect(n).toBeGreaterThan(json.length);
    expect([...bytes.subarray(0, 8)]).toEqual([n, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n))).toBe(
      json + " ".repeat(n - json.length),
    );
    expect([...bytes.subarray(8 + n)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it("keeps the given order, even for names that look like numbers", () => {
    const t = (name: string) => ({ name, shape: [1], data: new Float32Array([1]) });
    const bytes = writeSafetensors([t("b"), t("10"), t("2"), t("a")], { version: "1" });
    const n = bytes[0]!;
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const keys = [...header.matchAll(/"([^"]+)":\{/g)].map((m) => m[1]);
    expect(keys).toEqual(["__metadata__", "b", "10", "2", "a"]);
    expect(readSafetensors(bytes).order).toEqual(["b", "10", "2", "a"]);
  });

  it("refuses duplicate names and data that does not fit the shape", () => {
    const t = { name: "a", shape: [2], data: new Float32Array(2) };
    expect(() => writeSafetensors([t, t])).toThrow(refusal(`"a"`));
    expect(() => writeSafetensors([{ ...t, shape: [3] }])).toThrow(
      new FileError(`tensor "a" has shape [3] (3 values) but 2 values`),
    );
  });

  it("round-trips any tensors bit for bit", () => {
    const tensor = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        values: fc.array(fc.float(), {
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        }),
      }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string(), tensor), {
          selector: ([name]) => name,
          maxLength: 5,
        }),
        fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
        (entries, metadata) => {
          const tensors = entries
            .filter(([name]) => name !== "__metadata__")
            .map(([name, { shape, values }]) => ({
              name,
              shape,
              data: new Float32Array(values),
            }));
          const file = readSafetensors(writeSafetensors(tensors, metadata));
          // Empty tensors take no bytes, so only the others have a place in the data.
          const placed = (names: string[]) =>
            names.filter((name) => tensors.find((t) => t.name === name)!.data.length > 0);
          expect(placed(file.order)).toEqual(placed(tensors.map((t) => t.name)));
          expect([...file.order].sort()).toEqual(tensors.map((t) => t.name).sort());
          expect(file.metadata).toEqual(metadata);
          for (const t of tensors) {
            const read = file.tensors.get(t.name)!;
            expect(read.shape).toEqual(t.shape);
            expect(bitsOf(read.data)).toEqual(bitsOf(t.data));
          }
        },
      ),
    );
  });
});

describe("hostile safetensors files", () => {
  const f32 = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];
  const cases: [string, Uint8Array, string][] = [
    ["empty", new Uint8Array(0), "0 bytes long, too short"],
    ["7 bytes", new Uint8Array(7), "7 bytes long, too short"],
    ["header length 2^40", build("{}", [], 2 ** 40), "more than the 100000000 allowed"],
    ["header length 2^64 - 1", new Uint8Array(16).fill(0xff), "more than the 100000000 allowed"],
    [
      "header runs past the end",
      build("{}", [], 1000),
      "only 2 bytes follow (is the file truncated?)",
    ],
    ["header not UTF-8", new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]), "not valid UTF-8"],
    ["bad JSON", build(`{"t":`), "header is not valid JSON"],
    ["JSON array", build("[]"), "header is [], not a JSON object"],
    ["JSON null", build("null"), "header is null, not a JSON object"],
    ["entry not an object", build(`{"t":5}`), `tensor "t" is described by 5, not an object`],
    ["no dtype", build(`{"t":{"shape":[],"data_offsets":[0,0]}}`), `tensor "t" has no dtype`],
    ["dtype not a string", build(one(7 as never, [1], [0, 4]), f32), `tensor "t" has no dtype`],
    [
      "unsupported dtype",
      build(one("F8_E4M3", [1], [0, 1]), [0]),
      `tensor "t" has dtype "F8_E4M3", which dsnet cannot read`,
    ],
    ["dtype __proto__", build(one("__proto__", [1], [0, 1]), [0]), `dtype "__proto__"`],
    [
      "shape missing",
      build(`{"t":{"dtype":"F32","data_offsets":[0,4]}}`),
      `tensor "t": shape undefined is not a list`,
    ],
    [
      "shape a string",
      build(one("F32", "2", [0, 8]), f32),
      `shape "2" is not a list of non-negative integers`,
    ],
    [
      "negative shape",
      build(one("F32", [-2], [0, 8]), f32),
      "shape [-2] is not a list of non-negative integers",
    ],
    ["fractional shape", build(one("F32", [1.5], [0, 6]), f32), "shape [1.5] is not"],
    [
      "unsafe integer shape",
      build(one("F32", [2 ** 60], [0, 8]), f32),
      "is not a list of non-negative integers",
    ],
    [
      "huge shape product",
      build(one("F32", [65536, 65536, 2], [0, 8]), f32),
      "has more than 2^31 elements",
    ],
    [
      "no data_offsets",
      build(`{"t":{"dtype":"F32","shape":[2]}}`, f32),
      "data_offsets undefined, not a pair",
    ],
    [
      "three data_offsets",
      build(one("F32", [2], [0, 8, 8]), f32),
      "data_offsets [0,8,8], not a pair",
    ],
    [
      "negative data_offsets",
      build(one("F32", [0], [-4, -4]), f32),
      "not a pair [begin, end] of non-negative integers",
    ],
    ["fractional data_offsets", build(one("F32", [1], [0.5, 4.5]), f32), "not a pair"],
    [
      "begin after end",
      build(one("F32", [1], [8, 4]), f32),
      "data_offsets [8, 4] with begin after end",
    ],
    [
      "offsets past the end",
      build(one("F32", [4], [0, 16]), f32),
      "data_offsets [0, 16] past the end of the data (8 bytes",
    ],
    [
      "shape and bytes disagree",
      build(one("F32", [3], [0, 8]), f32),
      `tensor "t" has shape [3] of F32, which needs 12 bytes, but its data_offsets [0, 8] cover 8`,
    ],
    ["F16 bytes counted as F32", build(one("F16", [2], [0, 8]), f32), "needs 4 bytes"],
    [
      "overlapping tensors",
      build(
        `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}`,
        f32,
      ),
      `tensors "a" (bytes 0..4) and "b" (bytes 2..6) overlap`,
    ],
    [
      "one tensor twice",
      build(
        `{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`,
        f32,
      ),
      "overlap",
    ],
    [
      "metadata not strings",
      build(`{"__metadata__":{"epoch":3}}`),
      `__metadata__ entry "epoch" is 3, not a string`,
    ],
    [
      "metadata an array",
      build(`{"__metadata__":["a"]}`),
      `__metadata__ is ["a"], not an object of strings`,
    ],
    ["metadata null", build(`{"__metadata__":null}`), "__metadata__ is null"],
  ];

  it.each(cases)("%s", (_, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(refusal(message));
  });

  it.each(cases)("%s, in a generated module's reader", (_, bytes, message) => {
    expect(readInModule(bytes)).toContain(message);
  });

  it("keeps messages short when the file holds huge values", () => {
    const shape = Array.from({ length: 10000 }, () => -1);
    expect(() => readSafetensors(build(one("F32", shape, [0, 0])))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{0,200}$/s) }),
    );
  });

  const valid = writeSafetensors(
    [
      { name: "conv.weight", shape: [2, 1, 2, 2], data: new Float32Array(8).map((_, i) => i) },
      { name: "conv.bias", shape: [2], data: new Float32Array([0.5, -0.5]) },
    ],
    { format: "pt" },
  );
  const headerEnd = 8 + valid[0]!;

  /** Runs the reader and says whether it returned; anything but a FileError fails. */
  function readsOrRefuses(bytes: Uint8Array): boolean {
    try {
      readSafetensors(bytes);
      return true;
    } catch (e) {
      if (e instanceof FileError) return false;
      throw e;
    }
  }

  it("throws nothing but FileError when bytes are changed or cut", () => {
    fc.assert(
      fc.property(changedOrCut(valid), (bytes) => {
        readsOrRefuses(bytes);
      }),
      { numRuns: runs(2000) },
    );
  });

  it("throws nothing but FileError when the header's JSON is changed", () => {
    const json = new TextDecoder().decode(valid.subarray(8, headerEnd));
    const pieces = [
      '"',
      ":",
      ",",
      "{",
      "}",
      "[",
      "]",
      "-",
      "0",
      "9",
      ".",
      "e",
      "1e400",
      "null",
      "true",
      " ",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(json.length - 1), fc.constantFrom(...pieces), fc.nat(3)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let text = json;
          for (const [at, piece, remove] of edits) {
            text = text.slice(0, at) + piece + text.slice(at + remove);
          }
          const bytes = build(text, [...valid.subarray(headerEnd)]);
          readsOrRefuses(bytes);
        },
      ),
      { numRuns: runs(2000) },
    );
  });

  it("refuses the file cut at any length", () => {
    for (let n = 0; n < valid.length; n++) {
      expect(readsOrRefuses(valid.subarray(0, n)), `cut at ${n}`).toBe(false);
    }
  });
});

describe("hostile headers that JSON.parse cannot be trusted with", () => {
  const f32 = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];
  const entry = (offsets: [number, number]) =>
    JSON.stringify({ dtype: "F32", shape: [1], data_offsets: offsets });
  const nested = (levels: number) => "[".repeat(levels) + "]".repeat(levels);
  const cases: [string, string, string][] = [
    ["one name twice", `{"a":${entry([0, 4])},"a":${entry([4, 8])}}`, `its header lists "a" twice`],
    [
      "one name twice, once escaped",
      `{"a":${entry([0, 4])},"\\u0061":${entry([4, 8])}}`,
      `its header lists "a" twice`,
    ],
    [
      "__metadata__ twice",
      `{"__metadata__":{"x":"1"},"__metadata__":{"y":"2"}}`,
      `its header lists "__metadata__" twice`,
    ],
    [
      "a field twice in an entry",
      `{"t":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}`,
      `its header's entry "t" gives "dtype" twice`,
    ],
    [
      "a metadata key twice",
      `{"__metadata__":{"k":"1","k":"2"}}`,
      `its header's entry "__metadata__" gives "k" twice`,
    ],
    ["a deep header", nested(100_000), "its header nests deeper than 64 levels"],
    [
      "a deep shape",
      `{"t":{"dtype":"F32","shape":${nested(100_000)},"data_offsets":[0,0]}}`,
      "nests deeper than 64 levels",
    ],
    [
      "a deep dtype",
      `{"t":{"dtype":${nested(100_000)},"shape":[1],"data_offsets":[0,4]}}`,
      "nests deeper than 64 levels",
    ],
    ["a deep __metadata__", `{"__metadata__":${nested(100_000)}}`, "nests deeper than 64 levels"],
    [
      "deep and not even JSON",
      `{"t":${"[{".repeat(50_000)}`,
      "its header nests deeper than 64 levels",
    ],
    [
      "65 levels",
      `{"t":{"dtype":"F32","shape":${nested(63)},"data_offsets":[0,0]}}`,
      "nests deeper than 64 levels",
    ],
    [
      "64 levels: refused for the shape, not the nesting",
      `{"t":{"dtype":"F32","shape":${nested(62)},"data_offsets":[0,0]}}`,
      `tensor "t": shape [[[[`,
    ],
    ["__metadata__ a string", `{"__metadata__":"pt"}`, `__metadata__ is "pt", not an object`],
  ];

  it.each(cases)("%s", (_, header, message) => {
    expect(() => readSafetensors(build(header, f32))).toThrow(refusal(message));
    expect(readInModule(build(header, f32))).toContain(message);
  });

  it("counts no brackets, braces or commas inside strings", () => {
    const name = `[{"\\",]}` + "[".repeat(100);
    const header = JSON.stringify({
      __metadata__: { [name]: "{[".repeat(100) },
      [name]: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      "a,b": { dtype: "F32", shape: [0], data_offsets: [8, 8] },
    });
    const file = readSafetensors(build(header, f32));
    expect([...file.tensors.keys()]).toEqual([name, "a,b"]);
    expect(file.metadata).toEqual({ [name]: "{[".repeat(100) });
    const expected: [string, number[]][] = [
      [name, [2]],
      ["a,b", [0]],
    ];
    expect(readInModule(build(header, f32), expected)).toEqual([
      new Float32Array([1, 2]),
      new Float32Array(),
    ]);
  });

  it("lets a name repeat in different objects", () => {
    const header = `{"__metadata__":{"t":"t"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`;
    expect(readSafetensors(build(header, f32)).metadata).toEqual({ t: "t" });
  });
});

describe("dsnet's reader and a generated module's", () => {
  const specs: TensorSpec[] = [
    { name: "conv.weight", shape: [2, 1, 2, 2], layer: 0, role: "weight" },
    { name: "conv.bias", shape: [2], layer: 0, role: "bias" },
    { name: "bn.running_mean", shape: [2], layer: 1, role: "running_mean" },
  ];
  const expected = specs.map((s): [string, number[]] => [s.name, s.shape]);
  const valid = writeSafetensors(
    [
      ...specs.map((s, i) => ({
        name: s.name,
        shape: s.shape,
        data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)).map((_, j) => i + j / 8),
      })),
      { name: "bn.num_batches_tracked", shape: [], data: new Float32Array([3]) },
    ],
    { format: "pt" },
  );

  /** dsnet's reader and matchTensors: the tensors, or the message of the FileError. */
  function dsnet(bytes: Uint8Array): Float32Array[] | string {
    try {
      return matchTensors(readSafetensors(bytes), specs);
    } catch (e) {
      if (e instanceof FileError) return e.message;
      throw e;
    }
  }

  it("read a valid file alike", () => {
    expect(readInModule(valid, expected)).toEqual(dsnet(valid));
    expect(typeof dsnet(valid)).toBe("object");
  });

  it("accept and refuse the same files, with the same messages", () => {
    fc.assert(
      fc.property(changedOrCut(valid), (bytes) => {
        expect(readInModule(bytes, expected)).toEqual(dsnet(bytes));
      }),
      { numRuns: runs(1000) },
    );
  });

  it("list the same mismatches", () => {
    const other = writeSafetensors([
      { name: "module.conv.weight", shape: [2, 1, 2, 2], data: new Float32Array(8) },
      { name: "module.conv.bias", shape: [2], data: new Float32Array(2) },
      { name: "module.bn.running_mean", shape: [3], data: new Float32Array(3) },
      { name: "bn.num_batches_tracked", shape: [], data: new Float32Array(1) },
    ]);
    const message = dsnet(other);
    expect(message).toContain(`the file's names seem to start with an extra "module."`);
    expect(readInModule(other, expected)).toBe(message);
  });
});

describe("matchTensors", () => {
  const specs: TensorSpec[] = [
    { name: "conv1.weight", shape: [32, 3, 3, 3], layer: 0, role: "weight" },
    { name: "bn1.weight", shape: [32], layer: 1, role: "weight" },
    { name: "bn1.bias", shape: [32], layer: 1, role: "bias" },
    { name: "bn1.running_mean", shape: [32], layer: 1, role: "running_mean" },
    { name: "bn1.running_var", shape: [32], layer: 1, role: "running_var" },
  ];
  const filled = (shape: number[], value: number) => ({
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value),
  });
  const fileOf = (tensors: { name: string; shape: number[]; data: Float32Array }[]) =>
    readSafetensors(writeSafetensors(tensors));

  it("returns the data in the network's order, ignoring num_batches_tracked", () => {
    const file = fileOf([
      ...specs.map((s, i) => ({ name: s.name, ...filled(s.shape, i) })).reverse(),
      { name: "bn1.num_batches_tracked", ...filled([], 100) },
    ]);
    const data = matchTensors(file, specs);
    expect(data.map((d) => d[0])).toEqual([0, 1, 2, 3, 4]);
    expect(data[0]!.length).toBe(32 * 27);
  });

  it("reports every missing, unexpected and misshapen tensor in one message", () => {
    const file = fileOf([
      { name: "conv1.weight", ...filled([32, 3, 5, 5], 0) },
      { name: "bn1.weight", ...filled([32], 0) },
      { name: "bn1.bias", ...filled([32], 0) },
      { name: "fc.weight", ...filled([10, 32], 0) },
    ]);
    expect(() => matchTensors(file, specs)).toThrow(
      new FileError(
        [
          "the weights do not match the network: 2 missing, 1 unexpected, 1 with the wrong shape",
          "  conv1.weight: expected [32, 3, 3, 3], file has [32, 3, 5, 5]",
          "  missing bn1.running_mean, expected shape [32]",
          "  missing bn1.running_var, expected shape [32]",
          "  unexpected fc.weight [10, 32]",
        ].join("\n"),
      ),
    );
  });

  it("caps the listing when there are hundreds of problems", () => {
    const many: TensorSpec[] = Array.from({ length: 300 }, (_, i) => ({
      name: `layer${i}.weight`,
      shape: [4],
      layer: i,
      role: "weight",
    }));
    const listed = many.slice(0, 20).map((s) => `  missing ${s.name}, expected shape [4]`);
    expect(() => matchTensors(fileOf([]), many)).toThrow(
      new FileError(
        ["the weights do not match the network: 300 missing", ...listed, "  and 280 more"].join(
          "\n",
        ),
      ),
    );
  });

  it("points out a prefix the file puts before every name", () => {
    const file = fileOf(specs.map((s) => ({ name: `module.${s.name}`, ...filled(s.shape, 0) })));
    expect(() => matchTensors(file, specs)).toThrow(
      new FileError(
        [
          "the weights do not match the network: 5 missing, 5 unexpected",
          ...specs.map((s) => `  missing ${s.name}, expected shape ${formatShape(s.shape)}`),
          ...specs.map((s) => `  unexpected module.${s.name} ${formatShape(s.shape)}`),
          `the file's names seem to start with an extra "module."; remove it from them`,
        ].join("\n"),
      ),
    );
  });
});
