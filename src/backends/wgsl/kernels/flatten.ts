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
 * Flatten [h, w, c] to [1, 1, c·h·w] in channel-major order (PyTorch's flatten of NCHW, so fully
 * connected weights apply unchanged): one invocation per output vec4, gathering 4 floats.
 */
export function flattenKernel(io: KernelIO): Kernel {
  const [h, w, c] = io.inputs[0].shape;
  const size = h * w * c;
  const items = io.batch * vec4s(size);
  const code = shader(
    bindings(false),
    constants([
      ...arenaConstants(io),
      ["PIXELS", u32(h * w)],
      ["C", u32(c)],
      ["C4", u32(vec4s(c))],
      ["SIZE", u32(size), "floats per sample"],
      ["SIZE4", u32(vec4s(size))],
    ]),
    `${perItem(items)}
  let image = X + (g / SIZE4) * PIXELS * C4;
  var v = vec4<f32>(0.0);
  for (var lane = 0u; lane < 4u; lane++) {
    let j = (g % SIZE4) * 4u + lane;
    if (j < SIZE) {
      let at = (j % PIXELS) * C4 * 4u + j / PIXELS;
      v[lane] = arena[image + at / 4u][at % 4u];
    }
  }
  arena[Y + g] = v;
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
