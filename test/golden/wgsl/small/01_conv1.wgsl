// dsnet: step 1 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// conv: conv 3x3 s2,2 d1,1 pad [1, 1, 1, 1] 3 -> 8, relu6, as an implicit GEMM
// layers: conv1, bn1, relu6_1
// 9x9x3 -> 5x5x8 per sample; 10.8K multiply-adds
// dispatch: 2 x 1 x 1 workgroups

@group(0) @binding(0) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 0u; // input, vec4 index in the arena
const Y: u32 = 162u; // output
const B: u32 = 0u; // weights [K][N4]
const BIAS: u32 = 72u;
const M: u32 = 50u; // output pixels
const K4: u32 = 9u; // vec4s of A per row
const K: u32 = 36u;
const N4: u32 = 2u; // 8 output channels
const COLUMNS: u32 = 1u; // vec4 columns per invocation
const TILES_N: u32 = 1u; // tiles of 32 columns
const TILE_K4: u32 = 8u; // useful vec4s of A per tile step
const H: u32 = 9u;
const W: u32 = 9u;
const C4: u32 = 1u; // 3 input channels
const OH: u32 = 5u;
const OW: u32 = 5u;
const KH: u32 = 3u;
const KW: u32 = 3u;
const SH: u32 = 2u;
const SW: u32 = 2u;
const DH: u32 = 1u;
const DW: u32 = 1u;
const PAD_TOP: i32 = 1;
const PAD_LEFT: i32 = 1;

var<workgroup> a_tile: array<array<vec4<f32>, 8>, 32>;
var<workgroup> b_tile: array<array<vec4<f32>, 8>, 32>;

// A vec4 of the im2col matrix: row = output pixel, k4 = (ky, kx, c4).
fn read_a(row: u32, k4: u32) -> vec4<f32> {
  let r = min(row, M - 1u);
  let ox = r % OW;
  let oy = (r / OW) % OH;
  let n = r / (OW * OH);
  let k = min(k4, K4 - 1u);
  let c4 = k % C4;
  let tap = k / C4;
  let iy = i32(oy * SH + (tap / KW) * DH) - PAD_TOP;
  let ix = i32(ox * SW + (tap % KW) * DW) - PAD_LEFT;
  let inside = row < M && k4 < K4 && iy >= 0 && iy < i32(H) && ix >= 0 && ix < i32(W);
  let v = arena[X + ((n * H + u32(clamp(iy, 0, i32(H) - 1))) * W + u32(clamp(ix, 0, i32(W) - 1))) * C4 + c4];
  return select(vec4<f32>(0.0), v, inside);
}

fn read_b(k: u32, col4: u32) -> vec4<f32> {
  let v = weights[B + min(k, K - 1u) * N4 + min(col4, N4 - 1u)];
  return select(vec4<f32>(0.0), v, k < K && col4 < N4);
}

// relu6
fn activate(v: vec4<f32>) -> vec4<f32> {
  return clamp(v, vec4<f32>(0.0), vec4<f32>(6.0));
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let tx = lid % 8u;
  let ty = lid / 8u;
  let row0 = (wg / TILES_N) * 32u;
  let col0 = (wg % TILES_N) * 8u;

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K4; k0 += 8u) {
    // Stage 32 x 8 vec4s of A and 32 x 8 of B.
    for (var i = 0u; i < 4u; i++) {
      let e = i * 64u + lid;
      a_tile[e / 8u][e % 8u] = read_a(row0 + e / 8u, k0 + e % 8u);
    }
    for (var i = 0u; i < 4u; i++) {
      let e = i * 64u + lid;
      b_tile[e / 8u][e % 8u] = read_b(k0 * 4u + e / 8u, col0 + e % 8u);
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
    if (col4 >= N4) {
      break;
    }
    let bias = weights[BIAS + col4];
    for (var i = 0u; i < 4u; i++) {
      let row = row0 + ty * 4u + i;
      if (row >= M) {
        break;
      }
      arena[Y + row * N4 + col4] = activate(acc[i * COLUMNS + j] + bias);
    }
  }
}
