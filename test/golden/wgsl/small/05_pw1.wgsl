// dsnet: step 5 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// pointwise: pointwise 12 -> 16, relu6
// layers: pw1, bn3, relu6_3
// 5x5x12 -> 5x5x16 per sample; 9.6K multiply-adds
// dispatch: 2 x 1 x 1 workgroups

@group(0) @binding(0) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 300u; // input, vec4 index in the arena
const Y: u32 = 0u; // output
const B: u32 = 151u; // weights [K][N4]
const BIAS: u32 = 199u;
const M: u32 = 50u; // output pixels
const K4: u32 = 3u; // vec4s of A per row
const K: u32 = 12u;
const N4: u32 = 4u; // 16 output channels
const COLUMNS: u32 = 1u; // vec4 columns per invocation
const TILES_N: u32 = 1u; // tiles of 32 columns
const TILE_K4: u32 = 3u; // useful vec4s of A per tile step

var<workgroup> a_tile: array<array<vec4<f32>, 8>, 32>;
var<workgroup> b_tile: array<array<vec4<f32>, 8>, 32>;

fn read_a(row: u32, k4: u32) -> vec4<f32> {
  return select(vec4<f32>(0.0), arena[X + min(row, M - 1u) * K4 + min(k4, K4 - 1u)], row < M && k4 < K4);
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
