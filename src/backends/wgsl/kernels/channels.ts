import {
  bindings,
  constants,
  perItem,
  perItemWorkgroups,
  shader,
  u32,
  vec4s,
  type Constant,
} from "./common.js";
import type { Kernel, KernelIO } from "./tensor.js";

/*
 * Kernels that only move channels: concat, slice and channel shuffle. Every input has the
 * output's height and width (and batch), so pixel p of every value is at its offset + p·C4.
 *
 * One invocation per output vec4. A channel offset that is not a multiple of 4 moves a channel
 * to another lane, so such vec4s are gathered lane by lane (`channel(p, c)` gives output
 * channel c of pixel p); runs of vec4s whose lanes line up are copied whole. A whole-vec4 copy
 * takes the input's padding lanes along only where they land on the output's padding (both are
 * zero), never real channels of the input past a slice.
 */

/** How the output channels come from the inputs. */
export type ChannelMap =
  /** Output channels [start, start + channels) are input `input`'s channels from `from`. */
  | {
      kind: "segments";
      segments: { input: number; start: number; from: number; channels: number }[];
    }
  /** Output channel o is input channel (o mod groups)·(C / groups) + ⌊o / groups⌋. */
  | { kind: "shuffle"; groups: number };

/** The segments of a concat: each input's channels, one after another. */
export function concatMap(io: KernelIO): ChannelMap {
  let start = 0;
  const segments = io.inputs.map((x, input) => {
    const channels = x.shape[2];
    start += channels;
    return { input, start: start - channels, from: 0, channels };
  });
  return { kind: "segments", segments };
}

export function channelsKernel(io: KernelIO, map: ChannelMap): Kernel {
  const [h, w, c] = io.output.shape;
  const c4 = vec4s(c);
  const items = io.batch * h * w * c4;
  const inputs: Constant[] = io.inputs.map((x, i) => [
    `X${i}`,
    u32(x.offset),
    `${i === 0 ? "inputs, vec4 indices in the arena: " : ""}${x.shape[2]} channels`,
  ]);
  const strides: Constant[] = io.inputs.map((x, i) => [`X${i}_C4`, u32(vec4s(x.shape[2]))]);

  // Runs of output vec4s [first, last) copied whole from vec4 c4 - shift of an input.
  const copies: { input: number; first: number; last: number; shift: number }[] = [];
  const lanes: string[] = [];
  if (map.kind === "segments") {
    for (const s of map.segments) {
      const cin = io.inputs[s.input].shape[2];
      const end = s.start + s.channels;
      if ((s.start - s.from) % 4 === 0) {
        const first = Math.ceil(s.start / 4);
        const tailIsPadding = end === c && s.from + s.channels === cin;
        const last = tailIsPadding ? vec4s(end) : Math.floor(end / 4);
        if (last > first)
          copies.push({ input: s.input, first, last, shift: (s.start - s.from) / 4 });
      }
      const offset = s.from - s.start;
      const at = offset === 0 ? "c" : offset > 0 ? `c + ${u32(offset)}` : `c - ${u32(-offset)}`;
      const read = `return lane(X${s.input} + p * X${s.input}_C4, ${at});`;
      lanes.push(end === c ? `  ${read}` : `  if (c < ${u32(end)}) {\n    ${read}\n  }`);
    }
  } else {
    const k = c / map.groups;
    lanes.push(
      `  return lane(X0 + p * X0_C4, (c % ${u32(map.groups)}) * ${u32(k)} + c / ${u32(map.groups)});`,
    );
  }
  // Some vec4s are gathered lane by lane unless the runs cover them all.
  const byLanes = copies.reduce((n, r) => n + r.last - r.first, 0) < c4;
  const copyLines = copies.map((r, i) => {
    const from =
      r.shift === 0 ? "c4" : r.shift > 0 ? `c4 - ${u32(r.shift)}` : `c4 + ${u32(-r.shift)}`;
    const copy = `arena[Y + g] = arena[X${r.input} + p * X${r.input}_C4 + ${from}];`;
    if (!byLanes && i === copies.length - 1) return `  ${copy}`;
    const range = [r.first > 0 ? `c4 >= ${u32(r.first)}` : "", `c4 < ${u32(r.last)}`]
      .filter(Boolean)
      .join(" && ");
    return `  if (${range}) {\n    ${copy}\n    return;\n  }`;
  });
  const gather = byLanes
    ? `  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    let c = c4 * 4u + i;${c % 4 === 0 ? "\n    v[i] = channel(p, c);" : "\n    if (c < C) {\n      v[i] = channel(p, c);\n    }"}
  }
  arena[Y + g] = v;`
    : "";
  const code = shader(
    bindings(false),
    constants([
      ...inputs,
      ...strides,
      ["Y", u32(io.output.offset), "output"],
      ["C4", u32(c4), `${c} output channels`],
      ...(byLanes && c % 4 !== 0 ? ([["C", u32(c)]] as Constant[]) : []),
    ]),
    byLanes
      ? [
          "// Channel c of the pixel whose first vec4 is at `at`.",
          "fn lane(at: u32, c: u32) -> f32 {",
          "  return arena[at + c / 4u][c % 4u];",
          "}",
          "",
          "// Output channel c of pixel p.",
          "fn channel(p: u32, c: u32) -> f32 {",
          ...lanes,
          "}",
        ].join("\n")
      : "",
    `${perItem(items)}
  let c4 = g % C4;
  let p = g / C4;
${[...copyLines, gather].filter(Boolean).join("\n")}
}`,
  );
  return { code, workgroups: perItemWorkgroups(items) };
}
