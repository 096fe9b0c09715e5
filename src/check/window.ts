import type { LayerCall, Incoming } from "./layer-call.js";
import { limits } from "./limits.js";
import { formatShape, type Padding } from "./network.js";
import { resolvePadding, type PadSpec } from "./padding.js";

/**
 * Output size of a sliding window (convolution or pooling), per dimension:
 * floor((in + before + after - d·(k-1) - 1) / s) + 1. Reports a size below 1 with the
 * arithmetic, so the user sees which layer ran out of pixels and why.
 */
export function slidingWindow(
  call: LayerCall,
  input: Incoming,
  k: [number, number],
  s: [number, number],
  d: [number, number],
  padSpec: PadSpec,
): { h: number; w: number; padding: Padding } | undefined {
  const [inH, inW] = input.shape;
  const [top, bottom] = resolvePadding(
    padSpec,
    "explicit" in padSpec ? [padSpec.explicit.top, padSpec.explicit.bottom] : undefined,
    inH,
    k[0],
    s[0],
    d[0],
  );
  const [left, right] = resolvePadding(
    padSpec,
    "explicit" in padSpec ? [padSpec.explicit.left, padSpec.explicit.right] : undefined,
    inW,
    k[1],
    s[1],
    d[1],
  );
  const padding = { top, bottom, left, right };
  for (const [axis, n, before, after] of [
    ["height", inH, top, bottom],
    ["width", inW, left, right],
  ] as const) {
    if (n + before + after > limits.index) {
      call.report("paddedTooLarge", call.span, {
        call: call.text,
        axis,
        size: n,
        padded: n + before + after,
        limit: limits.index,
      });
      return undefined;
    }
  }
  const size = (n: number, before: number, after: number, kk: number, ss: number, dd: number) =>
    Math.floor((n + before + after - dd * (kk - 1) - 1) / ss) + 1;
  const h = size(inH, top, bottom, k[0], s[0], d[0]);
  const w = size(inW, left, right, k[1], s[1], d[1]);
  if (h < 1 || w < 1) {
    const [axis, n, before, after, kk, ss, dd, out] =
      h < 1
        ? ["height", inH, top, bottom, k[0], s[0], d[0], h]
        : ["width", inW, left, right, k[1], s[1], d[1], w];
    call.report(
      "spatialTooSmall",
      call.span,
      {
        call: call.text,
        shape: formatShape(input.shape),
        producer: input.producer,
        axis,
        size: n,
        padding: before + after,
        extent: dd > 1 ? `(${dd}·(${kk}-1)+1)` : `${kk}`,
        stride: ss,
        out,
      },
      `the input is smaller than the ${kk}-wide window; use padding (pad=same) or fewer downsampling layers before it`,
    );
    return undefined;
  }
  return { h, w, padding };
}
