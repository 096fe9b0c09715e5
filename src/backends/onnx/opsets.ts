/*
 * The ONNX opsets dsnet writes, apart from the writer so that the CLI can check `--opset`
 * without loading protobufjs.
 */

/** 13 has Softmax over one axis and Clip, Slice and Reshape bounds as inputs; 17 by default. */
export const ONNX_OPSETS = { min: 13, max: 21, default: 17 } as const;

/** The IR version each opset came with (onnx/docs/Versioning.md), the model's ir_version. */
export const IR_VERSIONS: Record<number, number> = {
  13: 7,
  14: 7,
  15: 8,
  16: 8,
  17: 8,
  18: 8,
  19: 9,
  20: 9,
  21: 10,
};
