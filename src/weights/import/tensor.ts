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
