import {
  arenaConstants,
  bindings,
  constants,
  perItem,
  perItemWorkgroups,
  shader,
  u32,
  vec4s,
} from "./common.js";
import type { Kernel, KernelIO } from "./tensor.js";

/**
 * Softmax over the channels of each pixel, shifted by the maximum for stability: one invocation
 * per pixel, three passes over its channels (max, sum, write). Lanes past the channel count
 * count as -3.4e38 (exp of them is 0) and are written as zeros.
 */
export function softmaxKernel(io: KernelIO): Kernel {
  const [h, w, c] = io.inputs[0].shape;
  const items = io.batch * h * w;
  const c4 = vec4s(c);
  const code = shader(
    bindings(false),
    constants([...arenaConstants(io), ["C", u32(c), "channels"], ["C4", u32(c4)]]),
    `const LOWEST = -3.4028234663852886e38;

fn load(at: u32, c4: u32) -> vec4<f32> {
  let lane = vec4<u32>(c4 * 4u) + vec4<u32>(0u, 1u, 2u, 3u);
  return select(vec4<f32>(LOWEST), arena[at + c4], lane < vec4<u32>(C));
}`,
    `${perItem(items)}
  let x = X + g * C4;
  let y = Y + g * C4;
  var most = vec4<f32>(LOWEST);
  for (var c4 = 0u; c4 < C4; c4++) {
    most = max(most, load(x, c4));
  }
  let shift = max(max(most.x, most.y), max(most.z, most.w));
  var sum = vec4<f32>(0.0);
  for (var c4 = 0u; c4 < C4; c4++) {
    let e = exp(load(x, c4) - shift);
    arena[y + c4] = e;
    sum += e;
  }
  let total = sum.x + sum.y + sum.z + sum.w;
  for (var c4 = 0u; c4 < C4; c4++) {
    arena[y + c4] = arena[y + c4] / total;
  }
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
