/*
 * Operations on each element, in place or from inputs of the same shape: activations, the
 * per-channel affine of an unfolded batch norm, and the element-wise sum of residual joins.
 */

/** The IR's activation (src/ir/types.ts has its twin): keep the two the same shape. */
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

/** Applies an activation in place to `length` elements from `at`. */
export function activateInPlace(m: Float32Array, at: number, length: number, a: Activation): void {
  const end = at + length;
  switch (a.kind) {
    case "none":
      return;
    case "relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] = 0;
      return;
    case "relu6":
      for (let i = at; i < end; i++) {
        const v = m[i];
        m[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case "leaky_relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] *= a.slope;
      return;
    case "sigmoid":
      for (let i = at; i < end; i++) m[i] = 1 / (1 + Math.exp(-m[i]));
      return;
    case "tanh":
      for (let i = at; i < end; i++) m[i] = Math.tanh(m[i]);
      return;
    case "silu":
      for (let i = at; i < end; i++) m[i] = m[i] / (1 + Math.exp(-m[i]));
      return;
    case "hardsigmoid":
      for (let i = at; i < end; i++) m[i] = Math.min(Math.max(m[i] + 3, 0), 6) / 6;
      return;
    case "hardswish":
      for (let i = at; i < end; i++) m[i] = (m[i] * Math.min(Math.max(m[i] + 3, 0), 6)) / 6;
      return;
  }
}

/** out = x * scale[c] + shift[c], per channel of NHWC data. */
export function affine(
  m: Float32Array,
  x: number,
  out: number,
  pixels: number,
  channels: number,
  scale: Float32Array,
  shift: Float32Array,
): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    for (let c = 0; c < channels; c++) m[out + base + c] = m[x + base + c] * scale[c] + shift[c];
  }
}

export function add(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i] + m[b + i];
}
