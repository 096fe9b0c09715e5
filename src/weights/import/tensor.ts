/** A tensor of a file being imported, under the file's own name, converted to float32. */
export interface SourceTensor {
  name: string;
  shape: number[];
  /** How the file stores it (`F16`, `FloatStorage`, ...), for the table. */
  dtype: string;
  data: Float32Array;
}
