import { describe, expect, it } from "vitest";
import { FileError } from "../src/weights/errors.js";
import { readRawFloat32, writeRawFloat32 } from "../src/weights/raw.js";

describe("raw float32", () => {
  it("reads little-endian float32 values", () => {
    const bytes = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(readRawFloat32(bytes, 2)).toEqual(new Float32Array([1, -2]));
    expect(readRawFloat32(new Uint8Array(0), 0)).toEqual(new Float32Array(0));
  });

  it("round-trips what it writes", () => {
    const data = new Float32Array([0.1, -0, Infinity, 3e38, 1e-45]);
    const bytes = writeRawFloat32(data);
    expect([...bytes.subarray(0, 4)]).toEqual([0xcd, 0xcc, 0xcc, 0x3d]);
    expect(readRawFloat32(bytes, 5)).toEqual(data);
  });

  it.each([
    [7, 2, "the raw input has 7 bytes; 2 float32 values need 8"],
    [16, 2, "the raw input has 16 bytes; 2 float32 values need 8; it may hold float64 values"],
    [3, 3, "the raw input has 3 bytes; 3 float32 values need 12; it may hold 8-bit values"],
  ])("refuses %i bytes for %i values", (length, count, message) => {
    expect(() => readRawFloat32(new Uint8Array(length), count)).toThrow(new FileError(message));
  });
});
