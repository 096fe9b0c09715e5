// dsnet: step 8 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// fc: fully connected 16 -> 4
// layers: fc1
// 1x1x16 -> 1x1x4 per sample; 128 multiply-adds
// dispatch: 1 x 1 x 1 workgroups

@group(0) @binding(0) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 0u; // input, vec4 index in the arena
const Y: u32 = 8u; // output
const B: u32 = 203u; // weights [K][N4]
const BIAS: u32 = 219u;
const K4: u32 = 4u; // 16 inputs
const N4: u32 = 1u; // 4 outputs

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let g = wg * 64u + lid;
  if (g >= 2u) {
    return;
  }
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
  arena[Y + g] = acc;
}
