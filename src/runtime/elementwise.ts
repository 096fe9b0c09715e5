/*
 * Operations on each element, from inputs of the same shape: the per-channel affine of an
 * unfolded batch norm and the element-wise sum of residual joins. Activations are the kernels'
 * (kernels.wat's `activate`, and fused into the others).
 */

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
    for (let c = 0; c < channels; c++) m[out + base + c] = m[x + base + c]! * scale[c]! + shift[c]!;
  }
}

export function add(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i]! + m[b + i]!;
}
