export {
  BATCH_DIMENSION,
  INPUT_NAME,
  OUTPUT_NAME,
  describeOnnxModel,
  exportOnnx,
  type OnnxModel,
  type OnnxNodeSummary,
  type OnnxOptions,
} from "./export.js";
export { decodeModel, type ModelMessage } from "./proto.js";
export { ONNX_OPSETS } from "./opsets.js";
