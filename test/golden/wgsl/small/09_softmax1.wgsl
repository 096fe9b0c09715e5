// dsnet: step 9 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// softmax: over the channels
// layers: softmax1
// 1x1x4 -> 1x1x4 per sample
// dispatch: 1 x 1 x 1 workgroups

@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 8u; // input, vec4 index in the arena
const Y: u32 = 0u; // output
const C: u32 = 4u; // channels
const C4: u32 = 1u;

const LOWEST = -3.4028234663852886e38;

fn load(at: u32, c4: u32) -> vec4<f32> {
  let lane = vec4<u32>(c4 * 4u) + vec4<u32>(0u, 1u, 2u, 3u);
  return select(vec4<f32>(LOWEST), arena[at + c4], lane < vec4<u32>(C));
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let g = wg * 64u + lid;
  if (g >= 2u) {
    return;
  }
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
}
