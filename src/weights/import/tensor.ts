import type { SourceWindow } from "../../import/layer-graph.js";
import type { TensorSpec } from "../tensors.js";

/** A tensor of a file being imported, under the file's own name, converted to float32. */
export interface SourceTensor {
  name: string;
  shape: number[];
  /** How the file stores it (`F16`, `FloatStorage`, ...), for the table. */
  dtype: string;
  data: Float32Array;
  /** Its role where the name does not end in PyTorch's (a TF.js `kernel`, `gamma`, ...). */
  role?: TensorSpec["role"];
  /** What the source says of the layer this tensor is the first of, to check the .dsnet by. */
  layer?: SourceLayer;
}

/** What a model file (not a bare state_dict) says about a layer beyond its tensors. */
export interface SourceLayer {
  /** The layer's name in the source, for messages. */
  name: string;
  /** A batch norm's eps. */
  eps?: number;
  /** A convolution's stride, dilation and padding. */
  window?: SourceWindow;
}

/** A file's tensors, in the orders worth trying, the most likely first. */
export interface ImportSource {
  /** What the file is, in words: "a PyTorch checkpoint", "a safetensors file", "a TF.js model". */
  kind: string;
  /** Each a complete list of the tensors, named for the table (`"the file's order"`, ...). */
  orders: { name: string; tensors: SourceTensor[] }[];
  /** A prefix every name had and that was removed (`module.` of DataParallel), or "". */
  prefix: string;
}
