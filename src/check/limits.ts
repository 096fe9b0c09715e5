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
  /** Layers in one expanded network. */
  layers: 1_000_000,
  /** Nested block calls; deeper means a runaway expansion. */
  callDepth: 200,
  /** Source size accepted by the parser, in characters. */
  sourceChars: 50_000_000,
};
