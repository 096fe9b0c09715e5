// dsnet: step 4 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// add: residual add
// layers: residual1.add
// 5x5x12 + 5x5x12 -> 5x5x12 per sample
// dispatch: 3 x 1 x 1 workgroups

@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const A: u32 = 150u; // inputs, vec4 indices in the arena
const B: u32 = 0u;
const Y: u32 = 300u; // output
const C4: u32 = 3u; // 12 channels

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let g = wg * 64u + lid;
  if (g >= 150u) {
    return;
  }
  arena[Y + g] = arena[A + g] + arena[B + g];
}
