import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "./runs.js";
import { readNpy, writeNpy } from "../src/weights/npy.js";
import { FileError } from "../src/weights/errors.js";

/** A .npy file put together by hand: magic, version, header length, header, data bytes. */
function build(header: string, data: number[] = [], version = 1): Uint8Array {
  const text =
    version === 3 ? [...new TextEncoder().encode(header)] : [...header].map((c) => c.charCodeAt(0));
  const n = text.length;
  const length =
    version === 1 ? [n & 0xff, n >> 8] : [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  return new Uint8Array([
    0x93,
    ...[..."NUMPY"].map((c) => c.charCodeAt(0)),
    version,
    0,
    ...length,
    ...text,
    ...data,
  ]);
}

/** NumPy's header for a C-ordered array of `descr` with the shape written as Python does. */
function header(descr: string, shape: string): string {
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }\n`;
}

function littleEndian(values: number[], type: "f4" | "f8" | "i4"): number[] {
  const size = type === "f8" ? 8 : 4;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (type === "f4") view.setFloat32(4 * i, v, true);
    else if (type === "f8") view.setFloat64(8 * i, v, true);
    else view.setInt32(4 * i, v, true);
  });
  return [...new Uint8Array(view.buffer)];
}

/** A FileError whose message contains `part`. */
const refusal = (part: string) =>
  expect.objectContaining({ name: "FileError", message: expect.stringContaining(part) });

describe("readNpy on files built byte by byte", () => {
  it("reads a version 1.0 '<f4' array of shape (2, 3)", () => {
    const h = `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`;
    const padded = h + " ".repeat(64 - ((10 + h.length + 1) % 64)) + "\n";
    const bytes = build(padded, littleEndian([1, 2, 3, -4, 0.5, 1e-3], "f4"));
    expect(bytes.length - 24).toBe(128); // the data starts on a 64-byte boundary
    expect(readNpy(bytes)).toEqual({
      shape: [2, 3],
      data: new Float32Array([1, 2, 3, -4, 0.5, 1e-3]),
      dtype: "<f4",
    });
  });

  it("reads versions 2.0 and 3.0 (a UTF-8 header)", () => {
    const data = littleEndian([1, 2], "f4");
    expect(readNpy(build(header("<f4", "(2,)"), data, 2)).data).toEqual(new Float32Array([1, 2]));
    const utf8 = `{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'é': 1}`;
    // A header with a fourth key is refused, but only after it has been decoded as UTF-8.
    expect(() => readNpy(build(utf8, data, 3))).toThrow(refusal("'é'"));
    expect(readNpy(build(header("<f4", "(2,)"), data, 3)).shape).toEqual([2]);
  });

  it("reads scalars, empty arrays and a one-element tuple", () => {
    expect(readNpy(build(header("<f4", "()"), littleEndian([7], "f4")))).toEqual({
      shape: [],
      data: new Float32Array([7]),
      dtype: "<f4",
    });
    expect(readNpy(build(header("<f4", "(0, 5)"))).data).toEqual(new Float32Array(0));
    expect(readNpy(build(header("<f4", "(3,)"), littleEndian([1, 2, 3], "f4"))).shape).toEqual([3]);
  });

  it("converts '<f8', '<f2', '>f4', '<i4', '|u1' and '|b1' to float32", () => {
    const read = (descr: string, shape: string, data: number[]) => [
      ...readNpy(build(header(descr, shape), data)).data,
    ];
    expect(read("<f8", "(2,)", littleEndian([0.1, -2], "f8"))).toEqual([Math.fround(0.1), -2]);
    expect(read("<f2", "(3,)", [0x00, 0x3c, 0x01, 0x00, 0x00, 0x7c])).toEqual([
      1,
      2 ** -24,
      Infinity,
    ]);
    expect(read(">f4", "(1,)", [0x3f, 0x80, 0, 0])).toEqual([1]);
    expect(read("<i4", "(2,)", littleEndian([-5, 16777217], "i4"))).toEqual([-5, 16777216]);
    expect(read("|u1", "(2, 1)", [0, 255])).toEqual([0, 255]);
    expect(read("|b1", "(2,)", [0, 3])).toEqual([0, 1]);
  });

  it("reads the headers older writers made: Python 2 longs, double quotes, any key order", () => {
    const h = `{"shape": (2L, 1L), "fortran_order": False, "descr": "<f4"}`;
    expect(readNpy(build(h, littleEndian([1, 2], "f4"))).shape).toEqual([2, 1]);
  });

  it("accepts Fortran order when it is the same as C order", () => {
    const h = `{'descr': '<f4', 'fortran_order': True, 'shape': (1, 3, 1), }`;
    expect(readNpy(build(h, littleEndian([1, 2, 3], "f4"))).shape).toEqual([1, 3, 1]);
  });

  it("returns aligned data from an unaligned input", () => {
    const bytes = build(header("<f4", "(2,)"), littleEndian([1, 2], "f4"));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(readNpy(shifted.subarray(3)).data).toEqual(new Float32Array([1, 2]));
  });
});

describe("writeNpy", () => {
  // The headers numpy 2.4 writes for np.save of these arrays: the text, then how many spaces
  // pad it before the newline.
  const numpy: [number[], "f4" | "f8", string, number][] = [
    [[2, 3], "f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 58],
    [[], "f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 62],
    [[5], "f8", "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", 60],
    [[1000000, 3], "f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 3), }", 52],
    [[0], "f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", 60],
  ];

  it.each(numpy)("writes the header numpy writes for shape %j", (shape, type, text, spaces) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = type === "f4" ? new Float32Array(count) : new Float64Array(count);
    const bytes = writeNpy(shape, data);
    const expected = text + " ".repeat(spaces) + "\n";
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    expect(bytes[8] + 256 * bytes[9]).toBe(expected.length);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + expected.length))).toBe(expected);
    expect(bytes.length).toBe(10 + expected.length + data.byteLength);
  });

  it("writes the data little-endian", () => {
    const bytes = writeNpy([2], new Float32Array([1, -2]));
    expect([...bytes.subarray(bytes.length - 8)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it("refuses data that does not fit the shape", () => {
    expect(() => writeNpy([2, 2], new Float32Array(3))).toThrow(
      new FileError("cannot write .npy: shape [2, 2] has 4 values but the data has 3"),
    );
    expect(() => writeNpy(new Array(65).fill(1), new Float32Array(1))).toThrow(
      refusal("at most 64 dimensions"),
    );
  });

  it("round-trips float32 bit for bit and float64 to the nearest float32", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
        fc.boolean(),
        (shape, wide) => {
          const count = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: count }, (_, i) => Math.sin(i) * 1e3);
          const data = wide ? new Float64Array(values) : new Float32Array(values);
          const read = readNpy(writeNpy(shape, data));
          expect(read.shape).toEqual(shape);
          expect(read.dtype).toBe(wide ? "<f8" : "<f4");
          expect(read.data).toEqual(new Float32Array(values));
        },
      ),
    );
  });
});

describe("hostile .npy files", () => {
  const f4 = littleEndian([1, 2], "f4");
  const cases: [string, Uint8Array, string][] = [
    ["empty", new Uint8Array(0), "does not start with the .npy magic string"],
    ["not npy", new TextEncoder().encode("hello, world"), "does not start with the .npy magic"],
    ["version 4.0", build(header("<f4", "(2,)"), f4, 4), "format version 4.0"],
    [
      "version 1.1",
      (() => {
        const b = build(header("<f4", "(2,)"), f4);
        b[7] = 1;
        return b;
      })(),
      "format version 1.1",
    ],
    [
      "cut in the header length",
      build(header("<f4", "(2,)"), f4, 2).subarray(0, 11),
      "ends inside its header length",
    ],
    [
      "cut in the header",
      build(header("<f4", "(2,)"), f4).subarray(0, 30),
      "(is the file truncated?)",
    ],
    [
      "header not UTF-8",
      new Uint8Array([0x93, 78, 85, 77, 80, 89, 3, 0, 2, 0, 0, 0, 0xff, 0xfe]),
      "its header is not valid UTF-8",
    ],
    ["header a list", build("[1, 2]"), "its header is not a Python dict"],
    [
      "header not a literal",
      build("{'descr': <f4}"),
      "not a Python literal (unexpected character at character 10)",
    ],
    ["unterminated string", build("{'descr"), "unterminated string"],
    ["unknown name", build("{'descr': float32}"), "unexpected name float32"],
    ["deeply nested", build("{'shape': " + "(".repeat(10000)), "nested too deeply"],
    [
      "text after the dict",
      build(header("<f4", "(2,)") + "x", f4),
      "unexpected text after the dict",
    ],
    [
      "missing key",
      build("{'descr': '<f4', 'shape': (2,)}", f4),
      "header has the keys ['descr', 'shape']",
    ],
    [
      "extra key",
      build("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f4),
      "should have descr, fortran_order and shape",
    ],
    [
      "structured dtype",
      build("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", f4),
      "structured array (dtype [('a', '<f4')])",
    ],
    [
      "descr a number",
      build("{'descr': 4, 'fortran_order': False, 'shape': (2,)}", f4),
      "its descr is 4, not a string",
    ],
    ["complex dtype", build(header("<c8", "(1,)"), f4), "dtype '<c8', which dsnet cannot read"],
    ["object dtype", build(header("|O", "(1,)"), f4), "dtype '|O'"],
    ["'|' on a wide type", build(header("|f4", "(2,)"), f4), "dtype '|f4'"],
    [
      "fortran_order a string",
      build("{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,)}", f4),
      "fortran_order is 'no', not True or False",
    ],
    [
      "Fortran order",
      build("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", f4),
      "Fortran (column-major) order",
    ],
    ["shape a list", build(header("<f4", "[2]"), f4), "its shape is [2], not a tuple"],
    ["shape an int", build(header("<f4", "2"), f4), "its shape is 2, not a tuple"],
    ["shape (2) is not a tuple", build(header("<f4", "(2)"), f4), "its shape is 2, not a tuple"],
    [
      "negative shape",
      build(header("<f4", "(-2,)"), f4),
      "shape [-2] is not a list of non-negative integers",
    ],
    ["shape of strings", build(header("<f4", "('2',)"), f4), `shape ["2"] is not a list`],
    [
      "huge shape",
      build(header("<f4", "(99999999999999999999,)"), f4),
      "is not a list of non-negative integers",
    ],
    ["huge product", build(header("<f4", "(65536, 65536)"), f4), "more than 2^31 elements"],
    [
      "data too short",
      build(header("<f4", "(3,)"), f4),
      "needs 12 bytes of data but the file has 8 (is it truncated?)",
    ],
    ["data too long", build(header("<f4", "(1,)"), f4), "needs 4 bytes of data but the file has 8"],
  ];

  it.each(cases)("%s", (_, bytes, message) => {
    expect(() => readNpy(bytes)).toThrow(refusal(message));
  });

  const valid = writeNpy([2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));

  it("throws nothing but FileError when bytes are changed or cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.option(fc.nat(valid.length), { nil: undefined }),
        (changes, cut) => {
          const bytes = valid.slice(0, cut);
          for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
          try {
            readNpy(bytes);
          } catch (e) {
            if (!(e instanceof FileError)) throw e;
          }
        },
      ),
      { numRuns: runs(2000) },
    );
  });

  it("throws nothing but FileError when the header text is changed", () => {
    const text = header("<f4", "(2, 3)");
    const pieces = [
      "'",
      '"',
      ":",
      ",",
      "{",
      "}",
      "(",
      ")",
      "[",
      "]",
      "-",
      "0",
      "L",
      "True",
      "None",
      "\\",
      " ",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(text.length - 1), fc.constantFrom(...pieces), fc.nat(3)), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let h = text;
          for (const [at, piece, remove] of edits)
            h = h.slice(0, at) + piece + h.slice(at + remove);
          try {
            readNpy(build(h, littleEndian([1, 2, 3, 4, 5, 6], "f4")));
          } catch (e) {
            if (!(e instanceof FileError)) throw e;
          }
        },
      ),
      { numRuns: runs(2000) },
    );
  });
});
