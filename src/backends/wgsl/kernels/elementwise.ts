import type { Activation } from "../../../ir/graph.js";
import {
  bindings,
  constants,
  epilogue,
  perItem,
  perItemWorkgroups,
  shader,
  u32,
  vec4s,
  type Constant,
} from "./common.js";
import type { Kernel, KernelIO } from "./tensor.js";

/** What an element-wise kernel computes from its inputs, before the activation. */
export type ElementwiseOp =
  /** x: an activation alone, or a copy. */
  | { kind: "unary" }
  /** a + b: the residual add. */
  | { kind: "add" }
  /** a · b, b of a's shape or 1x1xC, broadcast over a's pixels (squeeze-and-excitation's gate). */
  | { kind: "mul"; broadcast: boolean }
  /** x · scale[c] + shift[c]: a batch norm with no convolution to fold into. */
  | { kind: "affine"; scale: number; shift: number };

/**
 * One invocation per vec4 of the output: the residual add, the product, per-channel affine and
 * activations, with the activation and the channel mask applied before the store.
 */
export function elementwiseKernel(io: KernelIO, op: ElementwiseOp, activation: Activation): Kernel {
  const [h, w, c] = io.output.shape;
  const c4 = vec4s(c);
  const items = io.batch * h * w * c4;
  const finish = epilogue(activation, c);
  const broadcast = op.kind === "mul" && op.broadcast;
  const needsChannel = op.kind === "affine" || broadcast || c % 4 !== 0;
  const value =
    op.kind === "add"
      ? "arena[A + g] + arena[B + g]"
      : op.kind === "mul"
        ? `arena[A + g] * arena[B + ${broadcast ? "(g / SAMPLE4) * C4 + c4" : "g"}]`
        : op.kind === "affine"
          ? "fma(arena[X + g], weights[SCALE + c4], weights[SHIFT + c4])"
          : "arena[X + g]";
  const inputs: Constant[] =
    op.kind === "add" || op.kind === "mul"
      ? [
          ["A", u32(io.inputs[0].offset), "inputs, vec4 indices in the arena"],
          [
            "B",
            u32(io.inputs[1].offset),
            broadcast ? "1x1xC, one vec4 per channel group per sample" : undefined,
          ],
        ]
      : [["X", u32(io.inputs[0].offset), "input, vec4 index in the arena"]];
  const code = shader(
    bindings(op.kind === "affine"),
    constants([
      ...inputs,
      ["Y", u32(io.output.offset), "output"],
      ["C4", u32(c4), `${c} channels`],
      ...(broadcast ? ([["SAMPLE4", u32(h * w * c4), "vec4s per sample of A"]] as Constant[]) : []),
      ...(op.kind === "affine"
        ? ([
            ["SCALE", u32(op.scale), "per-channel scale and shift in the weights"],
            ["SHIFT", u32(op.shift)],
          ] as Constant[])
        : []),
    ]),
    finish.functions,
    `${perItem(items)}${needsChannel ? "\n  let c4 = g % C4;" : ""}
  arena[Y + g] = ${finish.apply(value, "c4")};
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
