/*
 * Operations across the channels of each pixel: softmax, the flatten that puts channels first as
 * PyTorch does, the channel moves of concat, slice and shuffle, and products with a gate.
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
      for (let ch = 0; ch < c; ch++) m[dst + ch * h * w + p] = m[src + p * c + ch]!;
    }
  }
}

/** Softmax over the channels of each pixel, shifted by the maximum for stability. */
export function softmax(m: Float32Array, x: number, out: number, pixels: number, c: number): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * c;
    let max = -Infinity;
    for (let i = 0; i < c; i++) max = Math.max(max, m[x + base + i]!);
    let sum = 0;
    for (let i = 0; i < c; i++) {
      const e = Math.exp(m[x + base + i]! - max);
      m[out + base + i] = e;
      sum += e;
    }
    for (let i = 0; i < c; i++) m[out + base + i]! /= sum;
  }
}

/** out = a · b, element by element. */
export function mul(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i]! * m[b + i]!;
}

/** out = x · gate[c]: `n` samples of NHWC data times one 1x1xC gate per sample. */
export function mulChannels(
  m: Float32Array,
  x: number,
  gate: number,
  out: number,
  n: number,
  pixels: number,
  c: number,
): void {
  for (let b = 0; b < n; b++) {
    const g = gate + b * c;
    for (let p = 0, i = b * pixels * c; p < pixels; p++, i += c) {
      for (let ch = 0; ch < c; ch++) m[out + i + ch] = m[x + i + ch]! * m[g + ch]!;
    }
  }
}

/**
 * Copies `channels` consecutive elements of each of `pixels` pixels, which lie `fromStride`
 * elements apart at `from` and `toStride` apart at `to`: a concat's input into its channels of
 * the output, or a slice's channels out of its input.
 */
export function copyChannels(
  m: Float32Array,
  from: number,
  fromStride: number,
  to: number,
  toStride: number,
  pixels: number,
  channels: number,
): void {
  for (let p = 0; p < pixels; p++) {
    const src = from + p * fromStride;
    const dst = to + p * toStride;
    for (let ch = 0; ch < channels; ch++) m[dst + ch] = m[src + ch]!;
  }
}

/**
 * ShuffleNet's channel shuffle of each pixel: the c channels viewed as [groups, c / groups] and
 * transposed, so input channel g·(c / groups) + j becomes output channel j·groups + g.
 */
export function shuffleChannels(
  m: Float32Array,
  x: number,
  out: number,
  pixels: number,
  c: number,
  groups: number,
): void {
  const perGroup = c / groups;
  for (let p = 0, base = 0; p < pixels; p++, base += c) {
    for (let g = 0; g < groups; g++) {
      for (let j = 0; j < perGroup; j++)
        m[out + base + j * groups + g] = m[x + base + g * perGroup + j]!;
    }
  }
}
