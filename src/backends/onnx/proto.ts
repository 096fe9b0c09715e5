import protobuf from "protobufjs/light.js";
import { ONNX_PROTO } from "./onnx-proto.generated.js";

/*
 * ONNX's protobuf messages, written with protobufjs from onnx.proto (committed next to this
 * file; onnx-proto.generated.ts is its descriptor). The message shapes below are the subset of
 * onnx.proto's fields dsnet fills, with the .proto's field names.
 */

export type AttributeValue = number | number[];

export interface NodeMessage {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: { name: string; type: string; i?: number; f?: number; ints?: number[] }[];
  doc_string: string;
}

export interface TensorMessage {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

interface ValueInfoMessage {
  name: string;
  type: {
    tensor_type: {
      elem_type: number;
      shape: { dim: ({ dim_value: number } | { dim_param: string })[] };
    };
  };
}

export interface ModelMessage {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  doc_string: string;
  graph: {
    name: string;
    node: NodeMessage[];
    initializer: TensorMessage[];
    input: ValueInfoMessage[];
    output: ValueInfoMessage[];
    value_info: ValueInfoMessage[];
  };
}

let modelType: protobuf.Type | undefined;

/** Built on first use, so that commands other than `compile --target onnx` never pay for it. */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_PROTO).lookupType("onnx.ModelProto");
  return modelType;
}

/** The model as ModelProto bytes (a .onnx file). */
export function encodeModel(model: ModelMessage): Uint8Array {
  const type = modelProto();
  return type.encode(type.fromObject(model)).finish();
}

/** A .onnx file's ModelProto as a plain object (int64 fields as numbers), for tests and tools. */
export function decodeModel(bytes: Uint8Array): ModelMessage {
  const type = modelProto();
  return type.toObject(type.decode(bytes), {
    longs: Number,
    enums: String,
    arrays: true,
  }) as ModelMessage;
}
