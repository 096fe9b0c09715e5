import { extname } from "node:path";

/**
 * Whether a file is an ONNX model, by its extension or its first byte: a ModelProto starts with
 * ir_version (field 1, varint: 0x08) in every exporter we know.
 */
export function isOnnxFile(path: string, bytes: Uint8Array): boolean {
  return extname(path).toLowerCase() === ".onnx" || bytes[0] === 0x08;
}
