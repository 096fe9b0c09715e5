import type { Activation } from "../../../ir/graph.js";
import {
  arenaConstants,
  bindings,
  constants,
  epilogue,
  perItem,
  perItemWorkgroups,
  shader,
  i32,
  u32,
  vec4s,
  windowConstants,
} from "./common.js";
import type { Kernel, KernelIO, Window } from "./tensor.js";

/** Output pixels along the width that one invocation computes, sharing its input loads. */
export const DEPTHWISE_PIXELS = 4;

export interface DepthwiseParams extends Window {
  activation: Activation;
  /** Vec4 offsets in the weights buffer: filters [kh][kw][c4], then bias [c4]. */
  weights: number;
  bias: number;
}

/**
 * Depthwise convolution with multiplier 1 (tfjs's DepthwiseConv2DVec4Program and ORT's
 * DepthwiseConv3x3 do the same): an invocation computes 4 neighbouring output pixels of one row
 * for one vec4 of channels. Per filter row it loads the (4 - 1)·stride + (kw - 1)·dilation + 1
 * input pixels the 4 windows cover into registers once and reuses them for every tap. The row's
 * loads and taps are unrolled with constant indices: an array indexed by loop counters is kept
 * in memory by some compilers (SwiftShader's: 3 to 5 times slower here at 28x28x96). Padding
 * costs no branch: loads are clamped into the image and `select` zeroes those outside it.
 * Neighbouring invocations take neighbouring channel vec4s, so loads coalesce.
 */
export function depthwiseKernel(io: KernelIO, p: DepthwiseParams): Kernel {
  const c = io.inputs[0].shape[2];
  const [oh, ow] = io.output.shape;
  const groups = Math.ceil(ow / DEPTHWISE_PIXELS);
  const items = io.batch * oh * groups * vec4s(c);
  const finish = epilogue(p.activation, c);
  // A row narrower than DEPTHWISE_PIXELS computes only its own pixels: a window past the row
  // can start beyond the padded input, which a huge stride takes past what an i32 holds.
  const pixels = Math.min(DEPTHWISE_PIXELS, ow);
  const store = Array.from({ length: pixels }, (_, i) => {
    const at = `Y + ((n * OH + oy) * OW + ox0 + ${u32(i)}) * C4 + c4`;
    const write = `arena[${at}] = ${finish.apply(`acc${i}`, "c4")};`;
    // The last group of a row may stick out past the image; the first pixel never does.
    return i === 0 || ow % DEPTHWISE_PIXELS === 0 || ow < DEPTHWISE_PIXELS
      ? `  ${write}`
      : `  if (ox0 + ${u32(i)} < OW) {\n    ${write}\n  }`;
  });
  const accs = Array.from({ length: pixels }, (_, i) => `acc${i}`);
  // Input pixel j of the row feeds output i at tap kx when j = i·stride + kx·dilation.
  const tap = (i: number, kx: number) => i * p.stride[1] + kx * p.dilation[1];
  const used = new Set(
    accs.flatMap((_, i) => Array.from({ length: p.kernel[1] }, (_, kx) => tap(i, kx))),
  );
  const loads = [...used]
    .sort((a, b) => a - b)
    .map((j) => `    let x${j} = input(row, ix0${j === 0 ? "" : ` + ${i32(j)}`}, row_inside);`);
  const taps = Array.from({ length: p.kernel[1] }, (_, kx) => [
    `    let f${kx} = weights[taps${kx === 0 ? "" : ` + ${u32(kx)} * C4`}];`,
    ...accs.map((a, i) => `    ${a} = fma(x${tap(i, kx)}, f${kx}, ${a});`),
  ]).flat();
  const code = shader(
    bindings(true),
    constants([
      ...arenaConstants(io),
      ["WEIGHTS", u32(p.weights), "filters [kh][kw][c4]"],
      ["BIAS", u32(p.bias)],
      ...windowConstants(io, p),
      ["OW_GROUPS", u32(groups), `groups of ${DEPTHWISE_PIXELS} output pixels per row`],
    ]),
    finish.functions,
    `// Input pixel ix of the row at \`row\`, zero in the padding.
fn input(row: u32, ix: i32, row_inside: bool) -> vec4<f32> {
  let v = arena[row + u32(clamp(ix, 0, i32(W) - 1)) * C4];
  return select(vec4<f32>(0.0), v, row_inside && ix >= 0 && ix < i32(W));
}`,
    `${perItem(items)}
  let c4 = g % C4;
  var t = g / C4;
  let ox0 = (t % OW_GROUPS) * ${u32(DEPTHWISE_PIXELS)};
  t = t / OW_GROUPS;
  let oy = t % OH;
  let n = t / OH;

  let bias = weights[BIAS + c4];
${accs.map((a) => `  var ${a} = bias;`).join("\n")}
  let ix0 = i32(ox0 * SW) - PAD_LEFT;
  for (var ky = 0u; ky < KH; ky++) {
    let iy = i32(oy * SH + ky * DH) - PAD_TOP;
    let row_inside = iy >= 0 && iy < i32(H);
    let row = X + (n * H + u32(clamp(iy, 0, i32(H) - 1))) * W * C4 + c4;
    let taps = WEIGHTS + ky * KW * C4 + c4;
    // The input pixels of the row that the windows cover, then each tap for the ${DEPTHWISE_PIXELS} outputs.
${loads.join("\n")}
${taps.join("\n")}
  }
${store.join("\n")}
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
