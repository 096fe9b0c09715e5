/*
 * Operations across the channels of each pixel: softmax, and the flatten that puts channels
 * first as PyTorch does.
 */

/** NHWC to N(CHW): PyTorch's flatten order, so fully connected weights apply unchanged. */
export function flattenChannelMajor(
  m: Float32Array,
  x: number,
  out: number,
  n: number,
  h: number,
  w: number,
  c: number,
) {
  const size = h * w * c;
  for (let b = 0; b < n; b++) {
    const src = x + b * size;
    const dst = out + b * size;
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) m[dst + ch * h * w + p] = m[src + p * c + ch];
    }
  }
}

/** Softmax over the channels of each pixel, shifted by the maximum for stability. */
export function softmax(m: Float32Array, x: number, out: number, pixels: number, c: number): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * c;
    let max = -Infinity;
    for (let i = 0; i < c; i++) max = Math.max(max, m[x + base + i]);
    let sum = 0;
    for (let i = 0; i < c; i++) {
      const e = Math.exp(m[x + base + i] - max);
      m[out + base + i] = e;
      sum += e;
    }
    for (let i = 0; i < c; i++) m[out + base + i] /= sum;
  }
}
