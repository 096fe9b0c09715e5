// dsnet: step 7 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// global-avgpool: over 3x3 pixels
// layers: gap1
// 3x3x16 -> 1x1x16 per sample
// dispatch: 8 x 1 x 1 workgroups

@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 200u; // input, vec4 index in the arena
const Y: u32 = 0u; // output
const PIXELS: u32 = 9u;
const C4: u32 = 4u; // 16 channels

var<workgroup> partial: array<vec4<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let c4 = wg % C4;
  let image = X + (wg / C4) * PIXELS * C4 + c4;
  // Every invocation starts from pixel 0, a real value even when it gets no pixel of its own.
  var acc = vec4<f32>(0.0);
  for (var p = lid; p < PIXELS; p += 64u) {
    acc = acc + arena[image + p * C4];
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    arena[Y + wg] = partial[0] / f32(PIXELS);
  }
}
