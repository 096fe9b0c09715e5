/**
 * Sane limits, so that a typo such as `pw 640000000` or `repeat 1e9` is a diagnostic rather than
 * an out-of-memory when the network is run (or a hang when it is elaborated).
 */
export const limits = {
  /** Elements in one activation tensor (one sample): 2^28 floats is 1 GiB. */
  tensorElements: 2 ** 28,
  /** Elements in one layer's weights. */
  weightElements: 2 ** 28,
  /** Elements in all of a network's weights: 4 GiB of float32, all a WebAssembly memory holds. */
  networkWeightElements: 2 ** 30,
  /**
   * Strides, dilations, kernel sizes, pads, depth multipliers and a padded height or width: the
   * largest i32, what the WebAssembly kernels index with (WGSL's u32 holds more). Every index a
   * kernel computes from them (`oy·s + ky·d - pad`) then stays inside the padded size.
   */
  index: 2 ** 31 - 1,
  /**
   * Layers in one expanded network: the largest real networks have a few thousand, and
   * elaborating takes about 10 µs a layer, so 100,000 check in about a second.
   */
  layers: 100_000,
  /** Repeat iterations in one network, empty ones too (`repeat 1000 { repeat 1000 { } }`). */
  repeatIterations: 100_000,
  /** Nested block calls; deeper means a runaway expansion. */
  callDepth: 200,
  /**
   * Source size accepted by the parser, in characters: 256 KiB, 75 times dsnet's largest example,
   * and lexed in well under a second whatever it holds. The parser's own caps (tokens, names,
   * lists, nesting) are `syntaxLimits` in src/syntax/parse.ts.
   */
  sourceChars: 262_144,
};
