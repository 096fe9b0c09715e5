/*
 * Weight layouts for the kernels, made once when a plan is built. PyTorch's layouts come in;
 * what the inner loops read consecutively comes out.
 */

/** Rounds up to a multiple of `m`. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/**
 * gemm's weight panels: for each group of 8 output columns, K rows of 8 floats (zero-padded
 * past `columns`). `at(k, c)` gives w[k, c] in the caller's layout.
 */
export function packPanels(
  k: number,
  columns: number,
  at: (k: number, c: number) => number,
): Float32Array {
  const padded = roundUp(columns, 8);
  const packed = new Float32Array(k * padded);
  for (let c = 0; c < columns; c++) {
    const panel = c >> 3;
    const lane = c & 7;
    for (let i = 0; i < k; i++) packed[panel * k * 8 + i * 8 + lane] = at(i, c);
  }
  return packed;
}

/** A bias padded to `multiple` elements (zeros when there is none). */
export function padBias(bias: Float32Array | null, length: number, multiple: number): Float32Array {
  const padded = new Float32Array(roundUp(length, multiple));
  if (bias) padded.set(bias.subarray(0, length));
  return padded;
}

/** Depthwise weights [C, 1, kh, kw] to [kh][kw][Cp], Cp = C rounded up to 4. */
export function packDepthwise(
  weight: Float32Array,
  channels: number,
  kh: number,
  kw: number,
): Float32Array {
  const cp = roundUp(channels, 4);
  const packed = new Float32Array(kh * kw * cp);
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < kh * kw; t++) packed[t * cp + c] = weight[c * kh * kw + t];
  }
  return packed;
}
