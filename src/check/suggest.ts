import type { Fix } from "../diagnostics/diagnostic.js";

/**
 * What `name` probably meant among `candidates`: dsnet's word for another framework's name
 * (`dense` is `fc`, `padding` is `pad`), else the candidate closest by edit distance, when it
 * is close enough to be a typo.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const translated = otherFrameworks[name.toLowerCase()];
  if (translated && list.includes(translated)) return translated;
  // Edit distance costs length × length: a 200,000-character name is no typo, and a candidate
  // whose length differs by more than the allowed edits cannot be close enough.
  if (name.length > MAX_TYPO_LENGTH) return undefined;
  const allowed = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (Math.abs(candidate.length - name.length) > allowed) continue;
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/**
 * The help for a name that should be `guess`, with the fix that writes it. Only for a
 * diagnostic reported at the misspelt name itself, since the fix replaces the reported span.
 */
export function didYouMean(guess: string): { help: string; fixes: Fix[] } {
  return {
    help: `did you mean \`${guess}\`?`,
    fixes: [{ title: `Change to \`${guess}\``, newText: guess }],
  };
}

/**
 * PyTorch's, Keras' and TensorFlow's names (lower case) for dsnet's layers and parameters
 * (src/check/layers.ts). A name maps only where dsnet's means the same: PyTorch's `padding=1`
 * pads every side by 1, as `pad=1` does.
 */
const otherFrameworks: Record<string, string> = {
  // layers
  dense: "fc",
  linear: "fc",
  fully_connected: "fc",
  conv2d: "conv",
  convolution2d: "conv",
  depthwiseconv2d: "dw",
  depthwise_conv2d: "dw",
  depthwise: "dw",
  separableconv2d: "sep",
  separable_conv2d: "sep",
  pointwise: "pw",
  batchnorm: "bn",
  batchnorm2d: "bn",
  batch_norm: "bn",
  batchnormalization: "bn",
  leakyrelu: "leaky_relu",
  swish: "silu",
  hard_swish: "hardswish",
  hswish: "hardswish",
  hard_sigmoid: "hardsigmoid",
  hsigmoid: "hardsigmoid",
  maxpool2d: "maxpool",
  max_pool2d: "maxpool",
  maxpooling2d: "maxpool",
  avgpool2d: "avgpool",
  avg_pool2d: "avgpool",
  averagepooling2d: "avgpool",
  adaptiveavgpool2d: "gap",
  globalaveragepooling2d: "gap",
  global_avg_pool: "gap",
  adaptivemaxpool2d: "gmp",
  globalmaxpooling2d: "gmp",
  // parameters
  padding: "pad",
  strides: "stride",
  kernel_size: "kernel",
  out_channels: "out",
  out_features: "out",
  filters: "out",
  units: "out",
  dilation_rate: "dilation",
  use_bias: "bias",
  depth_multiplier: "mult",
  epsilon: "eps",
  negative_slope: "slope",
  rate: "p",
};

/** Names longer than this get no suggestion. */
const MAX_TYPO_LENGTH = 100;

/** Edit distance where swapping two neighbouring letters counts as one edit (`widht`, `width`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
