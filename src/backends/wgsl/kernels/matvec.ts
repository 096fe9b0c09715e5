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
} from "./common.js";
import type { Kernel, KernelIO } from "./tensor.js";

export interface MatvecParams {
  inFeatures: number;
  outFeatures: number;
  activation: Activation;
  /** Vec4 offsets in the weights buffer: B as [K (padded to vec4s)][N4] vec4s, then bias [N4]. */
  weights: number;
  bias: number;
}

/**
 * A fully connected layer on a few samples: one invocation per sample and vec4 of outputs,
 * walking K with 4 fma per vec4 of input. With a handful of rows a 32-row tile (matmul.ts) would
 * mostly compute padding; here neighbouring invocations read neighbouring weight columns, so
 * the weights stream through once per sample.
 */
export function matvecKernel(io: KernelIO, p: MatvecParams): Kernel {
  const k4 = vec4s(p.inFeatures);
  const n4 = vec4s(p.outFeatures);
  const items = io.batch * n4;
  const finish = epilogue(p.activation, p.outFeatures);
  const code = shader(
    bindings(true),
    constants([
      ...arenaConstants(io),
      ["B", u32(p.weights), "weights [K][N4]"],
      ["BIAS", u32(p.bias)],
      ["K4", u32(k4), `${p.inFeatures} inputs`],
      ["N4", u32(n4), `${p.outFeatures} outputs`],
    ]),
    finish.functions,
    `${perItem(items)}
  let col4 = g % N4;
  let x = X + (g / N4) * K4;
  var acc = weights[BIAS + col4];
  for (var k4 = 0u; k4 < K4; k4++) {
    let a = arena[x + k4];
    let b = B + k4 * 4u * N4 + col4;
    acc = fma(weights[b], vec4<f32>(a.x), acc);
    acc = fma(weights[b + N4], vec4<f32>(a.y), acc);
    acc = fma(weights[b + 2u * N4], vec4<f32>(a.z), acc);
    acc = fma(weights[b + 3u * N4], vec4<f32>(a.w), acc);
  }
  arena[Y + g] = ${finish.apply("acc", "col4")};
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
