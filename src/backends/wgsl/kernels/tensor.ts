import type { Padding, Shape } from "../../../ir/types.js";

/** A value in the activation arena: where it starts (in vec4s) and its shape for one sample. */
export interface ArenaTensor {
  offset: number;
  shape: Shape;
}

/** What every kernel generator gets: the batch, and where its inputs and output live. */
export interface KernelIO {
  batch: number;
  inputs: ArenaTensor[];
  output: ArenaTensor;
}

/** A generated kernel: its WGSL (without the header comment) and how many workgroups it runs. */
export interface Kernel {
  code: string;
  workgroups: number;
}

/** A convolution's or pooling's window over its input. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
}
