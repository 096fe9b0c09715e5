import {
  arenaConstants,
  bindings,
  constants,
  entryPoint,
  perItem,
  perItemWorkgroups,
  shader,
  u32,
  vec4s,
  windowConstants,
  WORKGROUP,
} from "./common.js";
import type { Kernel, KernelIO, Window } from "./tensor.js";

export interface PoolParams extends Omit<Window, "dilation"> {
  max: boolean;
}

/**
 * Max or average pooling, one invocation per output pixel and vec4 of channels. The window is
 * clipped to the image: max pooling then never sees its -infinity padding, and average pooling
 * divides by the taps inside the image (PyTorch's count_include_pad=False), as the CPU plan does.
 * The checker rejects windows made only of padding, so every clipped window has a tap.
 */
export function poolKernel(io: KernelIO, p: PoolParams): Kernel {
  const [h, w, c] = io.inputs[0].shape;
  const [oh, ow] = io.output.shape;
  const items = io.batch * oh * ow * vec4s(c);
  const code = shader(
    bindings(false),
    constants([...arenaConstants(io), ...windowConstants(io, p)]),
    `${perItem(items)}
  let c4 = g % C4;
  let pixel = g / C4;
  let ox = pixel % OW;
  let oy = (pixel / OW) % OH;
  let n = pixel / (OW * OH);
  let y0 = u32(max(i32(oy * SH) - PAD_TOP, 0));
  let y1 = u32(min(i32(oy * SH + KH) - PAD_TOP, i32(H)));
  let x0 = u32(max(i32(ox * SW) - PAD_LEFT, 0));
  let x1 = u32(min(i32(ox * SW + KW) - PAD_LEFT, i32(W)));
  let image = X + n * H * W * C4 + c4;
  var acc = ${p.max ? "arena[image + (y0 * W + x0) * C4]" : "vec4<f32>(0.0)"};
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) {
      let v = arena[image + (y * W + x) * C4];
      acc = ${p.max ? "max(acc, v)" : "acc + v"};
    }
  }
  arena[Y + g] = ${p.max ? "acc" : "acc / f32((y1 - y0) * (x1 - x0))"};
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}

/**
 * Global average or max pool: a workgroup per sample and vec4 of channels, its invocations
 * striding over the pixels and then reducing their partial results in workgroup memory.
 */
export function globalPoolKernel(io: KernelIO, max: boolean): Kernel {
  const [h, w, c] = io.inputs[0].shape;
  const workgroups = io.batch * vec4s(c);
  const code = shader(
    bindings(false),
    constants([
      ...arenaConstants(io),
      ["PIXELS", u32(h * w)],
      ["C4", u32(vec4s(c)), `${c} channels`],
    ]),
    `var<workgroup> partial: array<vec4<f32>, ${WORKGROUP}>;`,
    `${entryPoint(String(WORKGROUP), workgroups)}
  let c4 = wg % C4;
  let image = X + (wg / C4) * PIXELS * C4 + c4;
  // Every invocation starts from pixel 0, a real value even when it gets no pixel of its own.
  var acc = ${max ? "arena[image]" : "vec4<f32>(0.0)"};
  for (var p = lid; p < PIXELS; p += ${u32(WORKGROUP)}) {
    acc = ${max ? "max(acc, arena[image + p * C4])" : "acc + arena[image + p * C4]"};
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = ${u32(WORKGROUP / 2)}; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] = ${max ? "max(partial[lid], partial[lid + stride])" : "partial[lid] + partial[lid + stride]"};
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    arena[Y + wg] = ${max ? "partial[0]" : "partial[0] / f32(PIXELS)"};
  }
}`,
  );
  return { code, workgroups };
}
