import type { Padding } from "./network.js";

/** Padding as written: a mode to resolve against each input size, or explicit amounts. */
export type PadSpec = { mode: "same" | "same_upper" | "valid" } | { explicit: Padding };

/**
 * Padding of one dimension. `same` pads d·(k-1) in total, the odd pixel at the end: for odd
 * kernels that is PyTorch's `padding=k//2`, and the output is ⌈in/s⌉. `same_upper` is
 * TensorFlow's and ONNX's SAME: the total is whatever makes the output ⌈in/s⌉, so with an even
 * input and stride 2 it pads 0 before and 1 after where `same` pads 1 and 1 — the same output
 * size, but different pixels under each window.
 */
export function resolvePadding(
  spec: PadSpec,
  explicit: [number, number] | undefined,
  n: number,
  k: number,
  s: number,
  d: number,
): [number, number] {
  if (explicit) return explicit;
  if (!("mode" in spec) || spec.mode === "valid") return [0, 0];
  const extent = d * (k - 1) + 1;
  const total =
    spec.mode === "same" ? extent - 1 : Math.max((Math.ceil(n / s) - 1) * s + extent - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Padding the way the user writes it: `1`, `[1, 0]` or `[top, bottom, left, right]`. */
export function describePadding(p: Padding): string {
  if (p.top === p.bottom && p.left === p.right) {
    return p.top === p.left ? String(p.top) : `[${p.top}, ${p.left}]`;
  }
  return `[${p.top}, ${p.bottom}, ${p.left}, ${p.right}]`;
}
