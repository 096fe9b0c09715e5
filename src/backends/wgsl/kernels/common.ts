import { describeActivation, type Activation } from "../../../ir/graph.js";
import type { KernelIO, Window } from "./tensor.js";

/*
 * What every generated shader shares: the two bindings, the constants, the workgroup index of a
 * grid that may be two-dimensional, activations and the channel mask.
 *
 * Layout: every activation is NHWC with its channels padded to a multiple of 4, so a pixel is a
 * whole number of vec4s and every kernel reads and writes vec4s (no scalar tail paths). Packed
 * weights are zero for the padded channels, so padding contributes nothing to a sum. The lanes
 * past the real channels hold zeros: every kernel that could write something else there masks
 * them with `keep_channels`. An activation of zero can be non-zero (sigmoid's 0.5), and an
 * infinity in a real channel times a zero weight is NaN; left in the padding, that NaN would
 * reach every channel of the next matrix product through its zero weights.
 */

/** Invocations per workgroup of the one-dimensional kernels. */
export const WORKGROUP = 64;

/** WebGPU's default maxComputeWorkgroupsPerDimension. */
const MAX_GRID = 65535;

/** A dispatch of `count` workgroups as a grid of at most 65535 per dimension. */
export function gridOf(count: number): [number, number, number] {
  if (count <= MAX_GRID) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / MAX_GRID);
  const x = Math.ceil(count / y);
  return [x, y, 1];
}

/** Number of vec4s that hold `channels` floats. */
export function vec4s(channels: number): number {
  return Math.ceil(channels / 4);
}

/** An integer as a WGSL u32 constant. */
export function u32(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError(`${n} does not fit a u32 in a WGSL constant`);
  }
  return `${n}u`;
}

/** An integer as a WGSL i32 constant. */
export function i32(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) > 0x7fffffff) {
    throw new RangeError(`${n} does not fit an i32 in a WGSL constant`);
  }
  return `${n}`;
}

/** A number as a WGSL float literal that rounds to the same f32 as Math.fround. */
export function f32(x: number): string {
  if (!Number.isFinite(Math.fround(x))) throw new RangeError(`${x} is not a finite f32`);
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A module-scope constant: name, WGSL value (`4u` or `-1`), and an optional comment. */
export type Constant = [name: string, value: string, comment?: string];

/** `const NAME: u32 = 4u;` lines, with a trailing comment when given. */
export function constants(entries: Constant[]): string {
  return entries
    .map(([name, value, comment]) => {
      const type = value.endsWith("u") ? "u32" : "i32";
      return `const ${name}: ${type} = ${value};${comment ? ` // ${comment}` : ""}`;
    })
    .join("\n");
}

/** X and Y: where the (first) input and the output start in the arena, in vec4s. */
export function arenaConstants(io: KernelIO): Constant[] {
  return [
    ["X", u32(io.inputs[0].offset), "input, vec4 index in the arena"],
    ["Y", u32(io.output.offset), "output"],
  ];
}

/** The input's and output's sizes and the window's geometry (pools have no dilation). */
export function windowConstants(
  io: KernelIO,
  window: Omit<Window, "dilation"> & Partial<Pick<Window, "dilation">>,
): Constant[] {
  const [h, w, c] = io.inputs[0].shape;
  const [oh, ow] = io.output.shape;
  const dilation: Constant[] = window.dilation
    ? [
        ["DH", u32(window.dilation[0])],
        ["DW", u32(window.dilation[1])],
      ]
    : [];
  return [
    ["H", u32(h)],
    ["W", u32(w)],
    ["C4", u32(vec4s(c)), `${c} input channels`],
    ["OH", u32(oh)],
    ["OW", u32(ow)],
    ["KH", u32(window.kernel[0])],
    ["KW", u32(window.kernel[1])],
    ["SH", u32(window.stride[0])],
    ["SW", u32(window.stride[1])],
    ...dilation,
    ["PAD_TOP", i32(window.padding.top)],
    ["PAD_LEFT", i32(window.padding.left)],
  ];
}

/**
 * The bindings every step shares (one bind group for the whole network): the packed weights,
 * read-only, and the activation arena. Shaders that read no weights leave the first out.
 */
export function bindings(withWeights: boolean): string {
  return [
    ...(withWeights ? ["@group(0) @binding(0) var<storage, read> weights: array<vec4<f32>>;"] : []),
    "@group(0) @binding(1) var<storage, read_write> arena: array<vec4<f32>>;",
  ].join("\n");
}

/**
 * The entry point's signature and the line that computes `wg`, the linear workgroup index, from
 * a grid `gridOf(count)` made; workgroups past `count` (a 2D grid rounds up) return at once.
 * The return is uniform (it depends on the workgroup id only), so barriers stay legal.
 */
export function entryPoint(size: string, count: number): string {
  const [x, y] = gridOf(count);
  const index = y > 1 ? `wid.x + wid.y * ${u32(x)}` : "wid.x";
  const guard = x * y > count ? `\n  if (wg >= ${u32(count)}) {\n    return;\n  }` : "";
  return [
    `@compute @workgroup_size(${size})`,
    "fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {",
    `  let wg = ${index};${guard}`,
  ].join("\n");
}

/**
 * The prologue of a kernel with one invocation per item: `entryPoint` for WORKGROUP-wide
 * workgroups, then `g`, the item index, returning when past `items`.
 */
export function perItem(items: number): string {
  const count = Math.ceil(items / WORKGROUP);
  const tail = count * WORKGROUP > items ? `\n  if (g >= ${u32(items)}) {\n    return;\n  }` : "";
  return `${entryPoint(String(WORKGROUP), count)}\n  let g = wg * ${u32(WORKGROUP)} + lid;${tail}`;
}

/** Workgroups a `perItem` kernel over `items` dispatches. */
export function perItemWorkgroups(items: number): number {
  return Math.ceil(items / WORKGROUP);
}

/** The body of `fn activate(v: vec4<f32>) -> vec4<f32>`, or undefined for none. */
function activationBody(a: Activation): string | undefined {
  switch (a.kind) {
    case "none":
      return undefined;
    case "relu":
      return "max(v, vec4<f32>(0.0))";
    case "relu6":
      return "clamp(v, vec4<f32>(0.0), vec4<f32>(6.0))";
    case "leaky_relu":
      return `select(v * ${f32(a.slope)}, v, v >= vec4<f32>(0.0))`;
    case "sigmoid":
      return "1.0 / (1.0 + exp(-v))";
    case "tanh":
      // tanh(±10) rounds to ±1 in f32; clamping keeps implementations that compute tanh
      // through exp from returning inf / inf for large inputs.
      return "tanh(clamp(v, vec4<f32>(-10.0), vec4<f32>(10.0)))";
    case "silu":
      return "v / (1.0 + exp(-v))";
    case "hardswish":
      return "v * clamp(v + 3.0, vec4<f32>(0.0), vec4<f32>(6.0)) / 6.0";
    case "hardsigmoid":
      return "clamp(v + 3.0, vec4<f32>(0.0), vec4<f32>(6.0)) / 6.0";
  }
}

/** `fn name(v: vec4<f32>) -> vec4<f32>` applying `a`, or undefined when `a` is none. */
export function activationFunction(
  a: Activation,
  name: string,
): { function: string; apply: (v: string) => string } | undefined {
  const body = activationBody(a);
  if (!body) return undefined;
  return {
    function: `// ${describeActivation(a)}\nfn ${name}(v: vec4<f32>) -> vec4<f32> {\n  return ${body};\n}`,
    apply: (v) => `${name}(${v})`,
  };
}

/**
 * The epilogue every writer applies to a vec4 of output channels `c4`: the activation, then
 * zeros in the lanes past `channels`. Returns the WGSL functions and how to call them on `v`.
 */
export function epilogue(
  activation: Activation,
  channels: number,
): { functions: string; apply: (v: string, c4: string) => string } {
  const act = activationFunction(activation, "activate");
  const masked = channels % 4 !== 0;
  const functions: string[] = [];
  if (act) functions.push(act.function);
  if (masked) {
    functions.push(
      [
        `// Lanes past the ${channels} real channels stay zero.`,
        "fn keep_channels(v: vec4<f32>, c4: u32) -> vec4<f32> {",
        "  let lane = vec4<u32>(c4 * 4u) + vec4<u32>(0u, 1u, 2u, 3u);",
        `  return select(vec4<f32>(0.0), v, lane < vec4<u32>(${u32(channels)}));`,
        "}",
      ].join("\n"),
    );
  }
  return {
    functions: functions.join("\n\n"),
    apply: (v, c4) => {
      const activated = act ? act.apply(v) : v;
      return masked ? `keep_channels(${activated}, ${c4})` : activated;
    },
  };
}

/** Joins shader parts with blank lines, leaving out empty ones. */
export function shader(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join("\n\n") + "\n";
}
