import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { instantiateKernels } from "../src/runtime/kernels.js";
import { packDepthwise, roundUp } from "../src/runtime/runtime.js";
import { Random } from "../src/weights/init.js";
import { compareToReference, expectPlanMatchesReference } from "./fixtures.js";
import { runs } from "./runs.js";

/*
 * kernels.wat's depthwise5x5 against the generic depthwise kernel called with a 5x5 filter, on
 * the same memory: odd sizes, strides 1 to 3, dilation, uneven padding, channel counts that are
 * not a multiple of 4, every fused activation; and through the CPU plan against the float64
 * reference.
 */

interface Case {
  n: number;
  h: number;
  w: number;
  c: number;
  stride: [number, number];
  dilation: [number, number];
  /** top, bottom, left, right */
  pad: [number, number, number, number];
  act: number;
}

const SENTINEL = 12345;

/** Runs one kernel on `c` and returns its output, checking that nothing past it was written. */
function run(kernel: "depthwise" | "depthwise5x5", c: Case, seed: number): Float32Array {
  const oh = Math.floor((c.h + c.pad[0] + c.pad[1] - 4 * c.dilation[0] - 1) / c.stride[0]) + 1;
  const ow = Math.floor((c.w + c.pad[2] + c.pad[3] - 4 * c.dilation[1] - 1) / c.stride[1]) + 1;
  const random = new Random(seed);
  const x = Float32Array.from({ length: c.n * c.h * c.w * c.c }, () => random.uniform(-1, 1));
  const weight = Float32Array.from({ length: c.c * 25 }, () => random.uniform(-1, 1));
  const bias = new Float32Array(roundUp(c.c, 4));
  for (let i = 0; i < c.c; i++) bias[i] = random.uniform(-1, 1);
  const w = packDepthwise(weight, c.c, 5, 5);
  const outLength = c.n * oh * ow * c.c;
  // x, w, bias, then the output and 16 floats of sentinel, each on 16 bytes (reads of a
  // channel tail go up to 12 bytes past a buffer).
  const at = [0, roundUp(x.length + 4, 4)];
  at.push(roundUp(at[1] + w.length, 4), 0);
  at[3] = roundUp(at[2] + bias.length, 4);
  const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, at[3] + outLength + 20);
  memory.set(x, at[0]);
  memory.set(w, at[1]);
  memory.set(bias, at[2]);
  memory.fill(SENTINEL, at[3], at[3] + outLength + 16);
  const args = [c.n, c.h, c.w, c.c, oh, ow] as const;
  const geometry = [...c.stride, ...c.dilation, c.pad[0], c.pad[2], c.act, 0.1, 0, oh] as const;
  const [px, pw, pb, po] = at.map((a) => a * 4);
  if (kernel === "depthwise") kernels.depthwise(px, pw, pb, po, ...args, 5, 5, ...geometry);
  else kernels.depthwise5x5(px, pw, pb, po, ...args, ...geometry);
  const after = memory.subarray(at[3] + outLength, at[3] + outLength + 16);
  expect([...after], `${kernel} wrote past its output`).toEqual(new Array(16).fill(SENTINEL));
  return memory.slice(at[3], at[3] + outLength);
}

const cases = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 14 }),
  w: fc.integer({ min: 1, max: 17 }),
  c: fc.integer({ min: 1, max: 13 }),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilation: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 1, 2)),
  pad: fc.tuple(
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: 0, max: 4 }),
  ),
  act: fc.integer({ min: 0, max: 5 }),
});

/** The output is at least one pixel. */
function fits(c: Case): boolean {
  return (
    c.h + c.pad[0] + c.pad[1] >= 4 * c.dilation[0] + 1 &&
    c.w + c.pad[2] + c.pad[3] >= 4 * c.dilation[1] + 1
  );
}

describe("depthwise5x5", () => {
  it("equals the generic depthwise kernel", () => {
    fc.assert(
      fc.property(cases.filter(fits), fc.nat(1000), (c, seed) => {
        const generic = run("depthwise", c, seed);
        const fast = run("depthwise5x5", c, seed);
        const { maxError } = compareToReference(fast, generic);
        expect(maxError, JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: runs(400) },
    );
  });

  // Wide rows at strides 1 and 2 take the four-output path for most of each row.
  it.each([
    { n: 1, h: 9, w: 23, c: 12, stride: [1, 1], pad: [2, 2, 2, 2] },
    { n: 2, h: 11, w: 21, c: 7, stride: [2, 2], pad: [1, 2, 1, 2] },
    { n: 1, h: 8, w: 30, c: 5, stride: [1, 2], pad: [0, 0, 3, 1] },
    { n: 1, h: 12, w: 19, c: 16, stride: [2, 1], pad: [2, 2, 0, 0] },
  ] as const)("equals the generic kernel on wide rows: %j", (given) => {
    for (const act of [0, 2, 3, 5]) {
      const c: Case = {
        ...given,
        stride: [...given.stride],
        pad: [...given.pad],
        dilation: [1, 1],
        act,
      };
      const { maxError } = compareToReference(run("depthwise5x5", c, 7), run("depthwise", c, 7));
      expect(maxError, JSON.stringify(c)).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe("the CPU plan's 5x5 depthwise steps", () => {
  const sources = [
    "input 13x11x6\ndw 5x5 same -> bn -> relu6",
    "input 16x15x9\ndw 5x5 s2 same -> bn -> hardswish",
    "input 14x9x5\ndw 5x5 d2 same -> silu",
    "input 9x12x4\ndw 5x5 s2 pad=[1, 2, 0, 3]",
    "input 11x11x7\ndw 5x5 valid -> leaky_relu 0.2",
  ];
  it.each(sources)("%s: depthwise5x5, and equal to the reference", (source) => {
    expectPlanMatchesReference(source, "depthwise5x5");
  });
});
