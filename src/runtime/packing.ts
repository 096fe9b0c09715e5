/*
 * Weight layouts for the kernels, made once when a model is built: PyTorch's layouts come in,
 * what the kernels' inner loops read consecutively comes out.
 */

/** Rounds up to a multiple of `m`. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Output columns per gemm weight panel (kernels.wat's register block). */
const GEMM_PANEL = 16;

/**
 * gemm's weight panels: for each group of 16 output columns, K rows of 16 floats (zero-padded
 * past `columns`). `at(k, c)` gives w[k, c] in the caller's layout.
 */
export function packPanels(
  k: number,
  columns: number,
  at: (k: number, c: number) => number,
): Float32Array {
  const padded = roundUp(columns, GEMM_PANEL);
  const packed = new Float32Array(k * padded);
  for (let c = 0; c < columns; c++) {
    const panel = Math.floor(c / GEMM_PANEL);
    const lane = c % GEMM_PANEL;
    for (let i = 0; i < k; i++) packed[panel * k * GEMM_PANEL + i * GEMM_PANEL + lane] = at(i, c);
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
    for (let t = 0; t < kh * kw; t++) packed[t * cp + c] = weight[c * kh * kw + t]!;
  }
  return packed;
}

/**
 * A convolution's weights as the kernels want them: for the depthwise kernel, [kh][kw][Cp] and
 * a bias padded to 4; otherwise, per group, gemm panels over (ky, kx, c) rows and a bias padded
 * to 16: [panels₀, bias₀, panels₁, bias₁, ...]. `weight` is PyTorch's [out][in/groups][kh][kw].
 */
export function packConv(
  weight: Float32Array,
  bias: Float32Array | null,
  outChannels: number,
  inChannels: number,
  kh: number,
  kw: number,
  groups: number,
  depthwise: boolean,
): Float32Array[] {
  if (depthwise) {
    return [packDepthwise(weight, outChannels, kh, kw), padBias(bias, outChannels, 4)];
  }
  const cig = inChannels / groups;
  const cog = outChannels / groups;
  const packed: Float32Array[] = [];
  for (let g = 0; g < groups; g++) {
    packed.push(
      packPanels(kh * kw * cig, cog, (i, c) => {
        const ky = Math.floor(i / (kw * cig));
        const kx = Math.floor(i / cig) % kw;
        const ci = i % cig;
        return weight[(((g * cog + c) * cig + ci) * kh + ky) * kw + kx]!;
      }),
    );
    packed.push(padBias(bias ? bias.subarray(g * cog, (g + 1) * cog) : null, cog, GEMM_PANEL));
  }
  return packed;
}

/** A fully connected layer's weights [out][in] as gemm panels, and its bias padded to 16. */
export function packFc(
  weight: Float32Array,
  bias: Float32Array | null,
  outFeatures: number,
  inFeatures: number,
): Float32Array[] {
  return [
    packPanels(inFeatures, outFeatures, (i, c) => weight[c * inFeatures + i]!),
    padBias(bias, outFeatures, GEMM_PANEL),
  ];
}
