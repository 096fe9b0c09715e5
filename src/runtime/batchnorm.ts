/*
 * Batch norm at inference, per channel: y = (x − μ)·s + β with s = γ / √(σ² + ε). Computed in
 * float64 and rounded once, so folding adds no error of its own.
 */

/** The per-channel scale s and shift β − μ·s of a batch norm. */
export function batchNormScaleShift(
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { scale: Float32Array; shift: Float32Array } {
  const scale = new Float32Array(gamma.length);
  const shift = new Float32Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    const s = gamma[c]! / Math.sqrt(variance[c]! + eps);
    scale[c] = s;
    shift[c] = beta[c]! - mean[c]! * s;
  }
  return { scale, shift };
}

/**
 * Folds a batch norm into the convolution or fully connected layer before it (weights with
 * the output channel first): w' = w·s per output channel, b' = (b − μ)·s + β.
 */
export function foldBatchNormWeights(
  weight: Float32Array,
  bias: Float32Array | null,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  const outChannels = gamma.length;
  const perOutput = weight.length / outChannels;
  const folded = new Float32Array(weight.length);
  const foldedBias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
    for (let k = 0; k < perOutput; k++) folded[o * perOutput + k] = weight[o * perOutput + k]! * s;
    foldedBias[o] = ((bias ? bias[o]! : 0) - mean[o]!) * s + beta[o]!;
  }
  return { weight: folded, bias: foldedBias };
}
