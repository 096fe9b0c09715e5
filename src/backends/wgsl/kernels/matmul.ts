import type { Activation } from "../../../ir/graph.js";
import {
  activationFunction,
  arenaConstants,
  bindings,
  constants,
  entryPoint,
  epilogue,
  shader,
  u32,
  vec4s,
  windowConstants,
  type Constant,
} from "./common.js";
import type { Kernel, KernelIO, Window } from "./tensor.js";

/*
 * The tiled matrix product behind pointwise convolutions, fully connected layers, standard
 * convolutions (implicit GEMM) and fused depthwise-separable pairs: Y[M x N] = A[M x K] · B[K x N]
 * + bias, with rows = output pixels (or samples), K = input features, N = output channels.
 *
 * As in tfjs's MatMulPackedProgram: an 8x8 workgroup computes a 32-row tile of Y, each invocation
 * 4 rows x `columns` vec4s of columns (8 invocations apart, so neighbours store neighbouring
 * vec4s): a tile 32 or 64 floats wide. Per step of 32 along K the workgroup stages 32 x 32 of A
 * and 32 x (32 or 64) of B in workgroup memory (4 KiB + 4 or 8 KiB) and every invocation does
 * 4 x 4 x columns vec4 fma from it. What differs between the four uses is only where a vec4 of
 * A comes from (`read_a`).
 */

/** Rows of the output a workgroup computes. */
export const MATMUL_TILE_ROWS = 32;
const TILE_M = MATMUL_TILE_ROWS;
/** Tile depth in vec4s of A (32 floats). */
const TILE_K4 = 8;

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
  /** Vec4 columns per invocation: 1 (a 32-float-wide tile) or 2 (64). */
  columns: 1 | 2;
}

export function matmulKernel(io: KernelIO, p: MatmulParams): Kernel {
  const c = io.inputs[0].shape[2];
  const [oh, ow] = io.output.shape;
  const m = io.batch * oh * ow;
  const c4 = vec4s(c);
  const taps =
    p.source.kind === "im2col" ? p.source.window.kernel[0] * p.source.window.kernel[1] : 1;
  const k4 = taps * c4;
  const n4 = vec4s(p.outChannels);
  const cols = p.columns;
  const tileN4 = 8 * cols;
  const tilesN = Math.ceil(n4 / tileN4);
  const workgroups = Math.ceil(m / TILE_M) * tilesN;
  const fitM = m % TILE_M === 0;
  const fitK = k4 % TILE_K4 === 0;
  const fitN = n4 % tileN4 === 0;
  const finish = epilogue(p.activation, p.outChannels);

  const geometry = p.source.kind === "rows" ? [] : windowConstants(io, p.source.window);
  const depthwise: Constant[] =
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

  const stores = `    let bias = weights[BIAS + col4];
    for (var i = 0u; i < 4u; i++) {
      let row = row0 + ty * 4u + i;${fitM ? "" : "\n      if (row >= M) {\n        break;\n      }"}
      arena[Y + row * N4 + col4] = ${finish.apply("acc[i * COLUMNS + j] + bias", "col4")};
    }`;

  const code = shader(
    bindings(true),
    constants([
      ...arenaConstants(io),
      ["B", u32(p.weights), "weights [K][N4]"],
      ["BIAS", u32(p.bias)],
      ["M", u32(m), p.source.kind === "rows" && oh * ow === 1 ? "samples" : "output pixels"],
      ["K4", u32(k4), "vec4s of A per row"],
      ["K", u32(k4 * 4)],
      ["N4", u32(n4), `${p.outChannels} output channels`],
      ["COLUMNS", u32(cols), "vec4 columns per invocation"],
      ["TILES_N", u32(tilesN), `tiles of ${tileN4 * 4} columns`],
      ["TILE_K4", u32(Math.min(TILE_K4, k4)), "useful vec4s of A per tile step"],
      ...geometry,
      ...depthwise,
    ]),
    [
      `var<workgroup> a_tile: array<array<vec4<f32>, ${TILE_K4}>, ${TILE_M}>;`,
      `var<workgroup> b_tile: array<array<vec4<f32>, ${tileN4}>, ${TILE_K4 * 4}>;`,
    ].join("\n"),
    readA(p.source, fitM, fitK),
    `fn read_b(k: u32, col4: u32) -> vec4<f32> {\n${readB}\n}`,
    finish.functions,
    `${entryPoint("8, 8", workgroups)}
  let tx = lid % 8u;
  let ty = lid / 8u;
  let row0 = (wg / TILES_N) * ${u32(TILE_M)};
  let col0 = (wg % TILES_N) * ${u32(tileN4)};

  var acc: array<vec4<f32>, ${4 * cols}>;
  for (var k0 = 0u; k0 < K4; k0 += ${u32(TILE_K4)}) {
    // Stage 32 x 8 vec4s of A and 32 x ${tileN4} of B.
    for (var i = 0u; i < 4u; i++) {
      let e = i * 64u + lid;
      a_tile[e / 8u][e % 8u] = read_a(row0 + e / 8u, k0 + e % 8u);
    }
    for (var i = 0u; i < ${u32(4 * cols)}; i++) {
      let e = i * 64u + lid;
      b_tile[e / ${u32(tileN4)}][e % ${u32(tileN4)}] = read_b(k0 * 4u + e / ${u32(tileN4)}, col0 + e % ${u32(tileN4)});
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K4; k++) {
      for (var j = 0u; j < COLUMNS; j++) {
        let b0 = b_tile[k * 4u][tx + j * 8u];
        let b1 = b_tile[k * 4u + 1u][tx + j * 8u];
        let b2 = b_tile[k * 4u + 2u][tx + j * 8u];
        let b3 = b_tile[k * 4u + 3u][tx + j * 8u];
        for (var i = 0u; i < 4u; i++) {
          let a = a_tile[ty * 4u + i][k];
          let at = i * COLUMNS + j;
          acc[at] = fma(b0, vec4<f32>(a.x), acc[at]);
          acc[at] = fma(b1, vec4<f32>(a.y), acc[at]);
          acc[at] = fma(b2, vec4<f32>(a.z), acc[at]);
          acc[at] = fma(b3, vec4<f32>(a.w), acc[at]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var j = 0u; j < COLUMNS; j++) {
    let col4 = col0 + tx + j * 8u;
${fitN ? stores : `    if (col4 >= N4) {\n      break;\n    }\n${stores}`}
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
