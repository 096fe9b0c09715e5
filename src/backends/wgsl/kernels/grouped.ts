import type { Activation } from "../../../ir/graph.js";
import {
  arenaConstants,
  bindings,
  constants,
  epilogue,
  perItem,
  perItemWorkgroups,
  shader,
  u32,
  vec4s,
  windowConstants,
} from "./common.js";
import type { Kernel, KernelIO, Window } from "./tensor.js";

export interface GroupedConvParams extends Window {
  groups: number;
  outChannels: number;
  activation: Activation;
  /** Vec4 offsets in the weights buffer: scalar filters [out][kh][kw][in / groups], then bias. */
  weights: number;
  bias: number;
}

/**
 * Grouped convolution, depthwise with a channel multiplier included: the direct loop, one
 * invocation per output pixel and vec4 of output channels, each lane walking its own group's
 * input channels. Correct for any group shape (channels per group need not be a multiple of 4);
 * the networks dsnet targets spend little time here.
 */
export function groupedConvKernel(io: KernelIO, p: GroupedConvParams): Kernel {
  const c = io.inputs[0].shape[2];
  const [oh, ow] = io.output.shape;
  const oc = p.outChannels;
  const items = io.batch * oh * ow * vec4s(oc);
  const finish = epilogue(p.activation, oc);
  const code = shader(
    bindings(true),
    constants([
      ...arenaConstants(io),
      ["WEIGHTS", u32(p.weights), "filters [out][kh][kw][in / groups], scalars"],
      ["BIAS", u32(p.bias)],
      ...windowConstants(io, p),
      ["OC", u32(oc), "output channels"],
      ["OC4", u32(vec4s(oc))],
      ["IN_PER_GROUP", u32(c / p.groups)],
      ["OUT_PER_GROUP", u32(oc / p.groups)],
    ]),
    `fn weight(i: u32) -> f32 {
  return weights[WEIGHTS + i / 4u][i % 4u];
}`,
    finish.functions,
    `${perItem(items)}
  let oc4 = g % OC4;
  let pixel = g / OC4;
  let ox = pixel % OW;
  let oy = (pixel / OW) % OH;
  let n = pixel / (OW * OH);

  var acc = weights[BIAS + oc4];
  for (var lane = 0u; lane < 4u; lane++) {
    let o = oc4 * 4u + lane;
    if (o >= OC) {
      break;
    }
    let c0 = (o / OUT_PER_GROUP) * IN_PER_GROUP;
    var sum = 0.0;
    for (var ky = 0u; ky < KH; ky++) {
      let iy = i32(oy * SH + ky * DH) - PAD_TOP;
      for (var kx = 0u; kx < KW; kx++) {
        let ix = i32(ox * SW + kx * DW) - PAD_LEFT;
        if (iy < 0 || iy >= i32(H) || ix < 0 || ix >= i32(W)) {
          continue;
        }
        let at = ((n * H + u32(iy)) * W + u32(ix)) * C4 * 4u;
        let taps = ((o * KH + ky) * KW + kx) * IN_PER_GROUP;
        for (var i = 0u; i < IN_PER_GROUP; i++) {
          let ci = at + c0 + i;
          sum = fma(arena[X + ci / 4u][ci % 4u], weight(taps + i), sum);
        }
      }
    }
    acc[lane] += sum;
  }
  arena[Y + pixel * OC4 + oc4] = ${finish.apply("acc", "oc4")};
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
