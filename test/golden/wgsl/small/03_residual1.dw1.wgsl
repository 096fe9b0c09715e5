// dsnet: step 3 of 9 of network main, batch 2
// source: test/golden/wgsl/small.dsnet
// depthwise: depthwise 3x3 s1,1 d1,1 pad [1, 1, 1, 1] 12 -> 12, relu
// layers: residual1.dw1, residual1.bn1, residual1.relu1
// 5x5x12 -> 5x5x12 per sample; 5.4K multiply-adds
// dispatch: 1 x 1 x 1 workgroups

@group(0) @binding(0) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;

const X: u32 = 0u; // input, vec4 index in the arena
const Y: u32 = 150u; // output
const WEIGHTS: u32 = 121u; // filters [kh][kw][c4]
const BIAS: u32 = 148u;
const H: u32 = 5u;
const W: u32 = 5u;
const C4: u32 = 3u; // 12 input channels
const OH: u32 = 5u;
const OW: u32 = 5u;
const KH: u32 = 3u;
const KW: u32 = 3u;
const SH: u32 = 1u;
const SW: u32 = 1u;
const DH: u32 = 1u;
const DW: u32 = 1u;
const PAD_TOP: i32 = 1;
const PAD_LEFT: i32 = 1;
const OW_GROUPS: u32 = 2u; // groups of 4 output pixels per row

// relu
fn activate(v: vec4<f32>) -> vec4<f32> {
  return max(v, vec4<f32>(0.0));
}

// Input pixel ix of the row at `row`, zero in the padding.
fn input(row: u32, ix: i32, row_inside: bool) -> vec4<f32> {
  let v = arena[row + u32(clamp(ix, 0, i32(W) - 1)) * C4];
  return select(vec4<f32>(0.0), v, row_inside && ix >= 0 && ix < i32(W));
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x;
  let g = wg * 64u + lid;
  if (g >= 60u) {
    return;
  }
  let c4 = g % C4;
  var t = g / C4;
  let ox0 = (t % OW_GROUPS) * 4u;
  t = t / OW_GROUPS;
  let oy = t % OH;
  let n = t / OH;

  let bias = weights[BIAS + c4];
  var acc0 = bias;
  var acc1 = bias;
  var acc2 = bias;
  var acc3 = bias;
  let ix0 = i32(ox0 * SW) - PAD_LEFT;
  for (var ky = 0u; ky < KH; ky++) {
    let iy = i32(oy * SH + ky * DH) - PAD_TOP;
    let row_inside = iy >= 0 && iy < i32(H);
    let row = X + (n * H + u32(clamp(iy, 0, i32(H) - 1))) * W * C4 + c4;
    let taps = WEIGHTS + ky * KW * C4 + c4;
    // The input pixels of the row that the windows cover, then each tap for the 4 outputs.
    let x0 = input(row, ix0, row_inside);
    let x1 = input(row, ix0 + 1, row_inside);
    let x2 = input(row, ix0 + 2, row_inside);
    let x3 = input(row, ix0 + 3, row_inside);
    let x4 = input(row, ix0 + 4, row_inside);
    let x5 = input(row, ix0 + 5, row_inside);
    let f0 = weights[taps];
    acc0 = fma(x0, f0, acc0);
    acc1 = fma(x1, f0, acc1);
    acc2 = fma(x2, f0, acc2);
    acc3 = fma(x3, f0, acc3);
    let f1 = weights[taps + 1u * C4];
    acc0 = fma(x1, f1, acc0);
    acc1 = fma(x2, f1, acc1);
    acc2 = fma(x3, f1, acc2);
    acc3 = fma(x4, f1, acc3);
    let f2 = weights[taps + 2u * C4];
    acc0 = fma(x2, f2, acc0);
    acc1 = fma(x3, f2, acc1);
    acc2 = fma(x4, f2, acc2);
    acc3 = fma(x5, f2, acc3);
  }
  arena[Y + ((n * OH + oy) * OW + ox0 + 0u) * C4 + c4] = activate(acc0);
  if (ox0 + 1u < OW) {
    arena[Y + ((n * OH + oy) * OW + ox0 + 1u) * C4 + c4] = activate(acc1);
  }
  if (ox0 + 2u < OW) {
    arena[Y + ((n * OH + oy) * OW + ox0 + 2u) * C4 + c4] = activate(acc2);
  }
  if (ox0 + 3u < OW) {
    arena[Y + ((n * OH + oy) * OW + ox0 + 3u) * C4 + c4] = activate(acc3);
  }
}
