// dsnet: step 6 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// maxpool: 2x2 s2,2 pad [0, 1, 0, 1]
// layers: maxpool1
// 5x5x16 -> 3x3x16 per sample
// dispatch: 2 x 1 x 1 workgroups

@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 0u; // input, vec4 index in the arena
const Y: u32 = 200u; // output
const H: u32 = 5u;
const W: u32 = 5u;
const C4: u32 = 4u; // 16 input channels
const OH: u32 = 3u;
const OW: u32 = 3u;
const KH: u32 = 2u;
const KW: u32 = 2u;
const SH: u32 = 2u;
const SW: u32 = 2u;
const PAD_TOP: i32 = 0;
const PAD_LEFT: i32 = 0;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let g = wg * 64u + lid;
  if (g >= 72u) {
    return;
  }
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
  var acc = arena[image + (y0 * W + x0) * C4];
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) {
      let v = arena[image + (y * W + x) * C4];
      acc = max(acc, v);
    }
  }
  arena[Y + g] = acc;
}
