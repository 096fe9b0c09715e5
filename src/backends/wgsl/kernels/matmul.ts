import type { Padding } from "../../../check/network.js";
import type { Activation } from "../../../ir/graph.js";
import {
  activationFunction,
  BINDINGS,
  constants,
  entryPoint,
  epilogue,
  i32,
  shader,
  u32,
  vec4s,
} from "./common.js";
import type { Kernel, KernelIO } from "./tensor.js";

/*
 * The tiled matrix product behind pointwise convolutions, fully connected layers, standard
 * convolutions (implicit GEMM) and fused depthwise-separable pairs: Y[M x N] = A[M x K] · B[K x N]
 * + bias, with rows = output pixels (or samples), K = input features, N = output channels.
 *
 * As in tfjs's MatMulPackedProgram: an 8x8 workgroup computes a 32x32 tile of Y, each invocation
 * 4 rows x one vec4 of columns; per step of 32 along K the workgroup stages a 32x32 block of A
 * and of B in workgroup memory (2 x 4 KiB) and every invocation does 4 x 4 vec4 fma from it.
 * What differs between the four uses is only where a vec4 of A comes from (`read_a`).
 */

const TILE_M = 32;
/** Tile width in vec4 columns (32 floats). */
const TILE_N4 = 8;
/** Tile depth in vec4s of A (32 floats). */
const TILE_K4 = 8;

/** Convolution geometry, for the implicit GEMM and the fused depthwise. */
export interface Window {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
}

/** Where the rows of A come from. */
export type MatmulSource =
  /** A is the input itself: pixels (or samples) x channels. */
  | { kind: "rows" }
  /** A is the im2col of the input under `window`, built on the fly: [ky][kx][c4] per row. */
  | { kind: "im2col"; window: Window }
  /**
   * A is the depthwise convolution of the input under `window`, computed on the fly into the
   * tile (filters [kh][kw][c4] at `weights`, bias at `bias`, then `activation`): the fused
   * separable kernel, whose depthwise output never goes through global memory.
   */
  | { kind: "depthwise"; window: Window; weights: number; bias: number; activation: Activation };

export interface MatmulParams {
  source: MatmulSource;
  /** Output channels (N, before padding to vec4s). */
  outChannels: number;
  activation: Activation;
  /** Vec4 offsets in the weights buffer: B as [K (padded to vec4s)][N4] vec4s, then bias [N4]. */
  weights: number;
  bias: number;
}

export function matmulKernel(io: KernelIO, p: MatmulParams): Kernel {
  const { batch } = io;
  const [h, w, c] = io.inputs[0].shape;
  const [oh, ow] = io.output.shape;
  const m = batch * oh * ow;
  const c4 = vec4s(c);
  const taps =
    p.source.kind === "im2col" ? p.source.window.kernel[0] * p.source.window.kernel[1] : 1;
  const k4 = taps * c4;
  const n4 = vec4s(p.outChannels);
  const tilesN = Math.ceil(n4 / TILE_N4);
  const workgroups = Math.ceil(m / TILE_M) * tilesN;
  const fitM = m % TILE_M === 0;
  const fitK = k4 % TILE_K4 === 0;
  const fitN = n4 % TILE_N4 === 0;
  const finish = epilogue(p.activation, p.outChannels);

  const geometry: [string, string, string?][] =
    p.source.kind === "rows"
      ? []
      : [
          ["H", u32(h)],
          ["W", u32(w)],
          ["C4", u32(c4), `${c} input channels`],
          ["OH", u32(oh)],
          ["OW", u32(ow)],
          ["KH", u32(p.source.window.kernel[0])],
          ["KW", u32(p.source.window.kernel[1])],
          ["SH", u32(p.source.window.stride[0])],
          ["SW", u32(p.source.window.stride[1])],
          ["DH", u32(p.source.window.dilation[0])],
          ["DW", u32(p.source.window.dilation[1])],
          ["PAD_TOP", i32(p.source.window.padding.top)],
          ["PAD_LEFT", i32(p.source.window.padding.left)],
        ];
  const depthwise: [string, string, string?][] =
    p.source.kind === "depthwise"
      ? [
          ["DW_WEIGHTS", u32(p.source.weights), "depthwise filters [kh][kw][c4]"],
          ["DW_BIAS", u32(p.source.bias)],
        ]
      : [];

  const inB = [fitK ? "" : "k < K", fitN ? "" : "col4 < N4"].filter(Boolean).join(" && ");
  const readB = inB
    ? `  let v = weights[B + min(k, K - 1u) * N4 + min(col4, N4 - 1u)];\n  return select(vec4<f32>(0.0), v, ${inB});`
    : "  return weights[B + k * N4 + col4];";

  const stores = `    for (var i = 0u; i < 4u; i++) {
      let row = row0 + ty * 4u + i;${fitM ? "" : "\n      if (row >= M) {\n        break;\n      }"}
      arena[Y + row * N4 + col4] = ${finish.apply("acc[i] + bias", "col4")};
    }`;

  const code = shader(
    BINDINGS.weights,
    BINDINGS.arena,
    constants([
      ["X", u32(io.inputs[0].offset), "input, vec4 index in the arena"],
      ["Y", u32(io.output.offset), "output"],
      ["B", u32(p.weights), "weights [K][N4]"],
      ["BIAS", u32(p.bias)],
      ["M", u32(m), p.source.kind === "rows" && oh * ow === 1 ? "samples" : "output pixels"],
      ["K4", u32(k4), "vec4s of A per row"],
      ["K", u32(k4 * 4)],
      ["N4", u32(n4), `${p.outChannels} output channels`],
      ["TILES_N", u32(tilesN), "tiles along N"],
      ["TILE_K4", u32(Math.min(TILE_K4, k4)), "useful vec4s of A per tile step"],
      ...geometry,
      ...depthwise,
    ]),
    [
      `var<workgroup> a_tile: array<array<vec4<f32>, ${TILE_K4}>, ${TILE_M}>;`,
      `var<workgroup> b_tile: array<array<vec4<f32>, ${TILE_N4}>, ${TILE_K4 * 4}>;`,
    ].join("\n"),
    readA(p.source, fitM, fitK),
    `fn read_b(k: u32, col4: u32) -> vec4<f32> {\n${readB}\n}`,
    finish.functions,
    `${entryPoint("8, 8", workgroups)}
  let tx = lid % 8u;
  let ty = lid / 8u;
  let row0 = (wg / TILES_N) * ${u32(TILE_M)};
  let col0 = (wg % TILES_N) * ${u32(TILE_N4)};

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K4; k0 += ${u32(TILE_K4)}) {
    // Stage A's 32 x 8 and B's 32 x 8 vec4s: 4 of each per invocation.
    for (var i = 0u; i < 4u; i++) {
      let e = i * 64u + lid;
      a_tile[e / 8u][e % 8u] = read_a(row0 + e / 8u, k0 + e % 8u);
      b_tile[e / 8u][e % 8u] = read_b(k0 * 4u + e / 8u, col0 + e % 8u);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K4; k++) {
      let b0 = b_tile[k * 4u][tx];
      let b1 = b_tile[k * 4u + 1u][tx];
      let b2 = b_tile[k * 4u + 2u][tx];
      let b3 = b_tile[k * 4u + 3u][tx];
      for (var i = 0u; i < 4u; i++) {
        let a = a_tile[ty * 4u + i][k];
        acc[i] = fma(b0, vec4<f32>(a.x), acc[i]);
        acc[i] = fma(b1, vec4<f32>(a.y), acc[i]);
        acc[i] = fma(b2, vec4<f32>(a.z), acc[i]);
        acc[i] = fma(b3, vec4<f32>(a.w), acc[i]);
      }
    }
    workgroupBarrier();
  }

  let col4 = col0 + tx;
${
  fitN
    ? `  let bias = weights[BIAS + col4];\n${stores.replace(/^  /gm, "")}`
    : `  if (col4 < N4) {\n    let bias = weights[BIAS + col4];\n${stores}\n  }`
}
}`,
  );
  return { code, workgroups };
}

/** `fn read_a(row, k4) -> vec4<f32>`: a vec4 of A, zero outside the matrix. */
function readA(source: MatmulSource, fitM: boolean, fitK: boolean): string {
  const inMatrix = [fitM ? "" : "row < M", fitK ? "" : "k4 < K4"].filter(Boolean);
  const clampRow = fitM ? "row" : "min(row, M - 1u)";
  const clampK = fitK ? "k4" : "min(k4, K4 - 1u)";
  const pixel = `  let r = ${clampRow};
  let ox = r % OW;
  let oy = (r / OW) % OH;
  let n = r / (OW * OH);`;
  switch (source.kind) {
    case "rows": {
      const load = `arena[X + ${clampRow} * K4 + ${clampK}]`;
      return `fn read_a(row: u32, k4: u32) -> vec4<f32> {\n${
        inMatrix.length > 0
          ? `  return select(vec4<f32>(0.0), ${load}, ${inMatrix.join(" && ")});`
          : `  return ${load};`
      }\n}`;
    }
    case "im2col":
      return `// A vec4 of the im2col matrix: row = output pixel, k4 = (ky, kx, c4).
fn read_a(row: u32, k4: u32) -> vec4<f32> {
${pixel}
  let k = ${clampK};
  let c4 = k % C4;
  let tap = k / C4;
  let iy = i32(oy * SH + (tap / KW) * DH) - PAD_TOP;
  let ix = i32(ox * SW + (tap % KW) * DW) - PAD_LEFT;
  let inside = ${[...inMatrix, "iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W)"].join(" && ")};
  let v = arena[X + ((n * H + u32(clamp(iy, 0, i32(H) - 1))) * W + u32(clamp(ix, 0, i32(W) - 1))) * C4 + c4];
  return select(vec4<f32>(0.0), v, inside);
}`;
    case "depthwise": {
      const act = activationFunction(source.activation, "activate_depthwise");
      const result = act ? act.apply("acc") : "acc";
      return `${act ? `${act.function}\n\n` : ""}// The depthwise output at pixel \`row\`, channels k4: computed here, never stored.
fn read_a(row: u32, k4: u32) -> vec4<f32> {
${pixel}
  let c4 = ${clampK};
  var acc = weights[DW_BIAS + c4];
  for (var ky = 0u; ky < KH; ky++) {
    let iy = i32(oy * SH + ky * DH) - PAD_TOP;
    let row_inside = iy >= 0 && iy < i32(H);
    let at = X + (n * H + u32(clamp(iy, 0, i32(H) - 1))) * W * C4 + c4;
    for (var kx = 0u; kx < KW; kx++) {
      let ix = i32(ox * SW + kx * DW) - PAD_LEFT;
      let inside = row_inside && ix >= 0 && ix < i32(W);
      let v = select(vec4<f32>(0.0), arena[at + u32(clamp(ix, 0, i32(W) - 1)) * C4], inside);
      acc = fma(v, weights[DW_WEIGHTS + (ky * KW + kx) * C4 + c4], acc);
    }
  }
  return ${inMatrix.length > 0 ? `select(vec4<f32>(0.0), ${result}, ${inMatrix.join(" && ")})` : result};
}`;
    }
  }
}
