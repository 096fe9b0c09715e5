import { littleEndianBytes, toFloat32 } from "./elements.js";
import { FileError } from "./errors.js";

/** Reads raw little-endian float32 values, exactly `expectedElements` of them. */
export function readRawFloat32(bytes: Uint8Array, expectedElements: number): Float32Array {
  if (bytes.byteLength !== 4 * expectedElements) {
    const hint =
      bytes.byteLength === 8 * expectedElements
        ? "; it may hold float64 values"
        : bytes.byteLength === expectedElements
          ? "; it may hold 8-bit values"
          : "";
    throw new FileError(
      `the raw input has ${bytes.byteLength} bytes; ${expectedElements} float32 values need ${4 * expectedElements}${hint}`,
    );
  }
  return toFloat32(bytes, "f32", true);
}

/** The values as raw little-endian float32 bytes. */
export function writeRawFloat32(data: Float32Array): Uint8Array {
  return littleEndianBytes(data);
}
