/*
 * The value types the IR is made of, shared by every phase from the checker on. They live in
 * the IR because that is the contract a backend receives: a backend imports ir/ and runtime/,
 * never check/ or syntax/.
 */

/** A tensor shape for one sample, NHWC without the N: [height, width, channels]. */
export type Shape = [h: number, w: number, c: number];

/** Explicit zero padding in pixels, after `same` / `same_upper` / `valid` were resolved. */
export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * An activation applied element-wise, alone or fused into the node that produces its input.
 * Backends map it to their kernels' codes (the CPU runtime's in src/backends/cpu/steps.ts).
 */
export type Activation =
  | { kind: "none" }
  | { kind: "relu" }
  | { kind: "relu6" }
  | { kind: "leaky_relu"; slope: number }
  | { kind: "sigmoid" }
  | { kind: "tanh" }
  | { kind: "silu" }
  | { kind: "hardswish" }
  | { kind: "hardsigmoid" };

export const NO_ACTIVATION: Activation = { kind: "none" };

export function formatShape(shape: readonly number[]): string {
  return shape.join("x");
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
