import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { instantiateKernels, type Kernels } from "../src/runtime/kernels.js";
import { packDepthwise, roundUp } from "../src/runtime/runtime.js";
import { Random } from "../src/weights/init.js";
import { runs } from "./runs.js";

/*
 * kernels.wat's depthwise kernels against a float64 loop in plain JavaScript, called directly
 * on random shapes, strides, dilations, uneven padding, channel counts that are not a multiple
 * of 4 and the activations fused into them; and their output-row range: rows [oy0, oy1) are
 * written, nothing else, and ranges that split the output add up to the whole.
 */

type DepthwiseKernel = "depthwise" | "depthwise3x3" | "depthwise5x5";

interface Case {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  stride: [number, number];
  dilation: [number, number];
  /** top, bottom, left, right */
  pad: [number, number, number, number];
  act: number;
}

const SENTINEL = 12345;

function outputSize(c: Case): [number, number] {
  const [sh, sw] = c.stride;
  const [dh, dw] = c.dilation;
  return [
    Math.floor((c.h + c.pad[0] + c.pad[1] - (c.k - 1) * dh - 1) / sh) + 1,
    Math.floor((c.w + c.pad[2] + c.pad[3] - (c.k - 1) * dw - 1) / sw) + 1,
  ];
}

/** The activations by kernel code (kernels.wat): none, relu, relu6, leaky_relu 0.1, hardsigmoid, hardswish. */
function activate(v: number, act: number): number {
  const hardsigmoid = Math.min(Math.max(v + 3, 0), 6) / 6;
  return [v, Math.max(v, 0), Math.min(Math.max(v, 0), 6), v < 0 ? 0.1 * v : v, hardsigmoid][act] ??
    v * hardsigmoid;
}

interface Inputs {
  x: Float32Array;
  /** [c][kh][kw], as PyTorch keeps a depthwise filter. */
  weight: Float32Array;
  bias: Float32Array;
}

function inputs(c: Case, seed: number): Inputs {
  const random = new Random(seed);
  const uniform = (length: number, scale: number) =>
    Float32Array.from({ length }, () => random.uniform(-scale, scale));
  return {
    x: uniform(c.n * c.h * c.w * c.c, 2),
    weight: uniform(c.c * c.k * c.k, 1),
    bias: uniform(c.c, 1),
  };
}

function reference(c: Case, { x, weight, bias }: Inputs): Float64Array {
  const [oh, ow] = outputSize(c);
  const out = new Float64Array(c.n * oh * ow * c.c);
  for (let n = 0; n < c.n; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c.c; ch++) {
          let sum = bias[ch];
          for (let ky = 0; ky < c.k; ky++)
            for (let kx = 0; kx < c.k; kx++) {
              const iy = oy * c.stride[0] - c.pad[0] + ky * c.dilation[0];
              const ix = ox * c.stride[1] - c.pad[2] + kx * c.dilation[1];
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              sum += x[((n * c.h + iy) * c.w + ix) * c.c + ch] * weight[(ch * c.k + ky) * c.k + kx];
            }
          out[((n * oh + oy) * ow + ox) * c.c + ch] = activate(sum, c.act);
        }
  return out;
}

/**
 * Runs `kernel` on `c` once per row range in `ranges`, on one output filled with a sentinel,
 * and returns the output with 16 floats after it.
 */
function run(
  kernel: DepthwiseKernel,
  c: Case,
  data: Inputs,
  ranges: [number, number][],
  base64 = KERNELS_WASM_BASE64,
): Float32Array {
  const [oh, ow] = outputSize(c);
  const w = packDepthwise(data.weight, c.c, c.k, c.k);
  const bias = new Float32Array(roundUp(c.c, 4));
  bias.set(data.bias);
  const outLength = c.n * oh * ow * c.c;
  // x, w, bias, out, each on 16 bytes (a channel tail reads up to 12 bytes past a buffer).
  const at = [16, roundUp(16 + data.x.length + 4, 4)];
  at.push(roundUp(at[1] + w.length, 4));
  at.push(roundUp(at[2] + bias.length, 4));
  const { kernels, memory } = instantiateKernels(base64, at[3] + outLength + 32);
  memory.set(data.x, at[0]);
  memory.set(w, at[1]);
  memory.set(bias, at[2]);
  memory.fill(SENTINEL, at[3], at[3] + outLength + 16);
  const [px, pw, pb, po] = at.map((a) => a * 4);
  const sizes = [c.n, c.h, c.w, c.c, oh, ow] as const;
  const rest = [...c.stride, ...c.dilation, c.pad[0], c.pad[2], c.act, 0.1] as const;
  for (const [oy0, oy1] of ranges) call(kernels, kernel, [px, pw, pb, po], sizes, c.k, rest, oy0, oy1);
  return memory.slice(at[3], at[3] + outLength + 16);
}

function call(
  kernels: Kernels,
  kernel: DepthwiseKernel,
  [px, pw, pb, po]: number[],
  sizes: readonly [number, number, number, number, number, number],
  k: number,
  rest: readonly [number, number, number, number, number, number, number, number],
  oy0: number,
  oy1: number,
): void {
  if (kernel === "depthwise") kernels.depthwise(px, pw, pb, po, ...sizes, k, k, ...rest, oy0, oy1);
  else kernels[kernel](px, pw, pb, po, ...sizes, ...rest, oy0, oy1);
}

function expectClose(actual: Float32Array, expected: Float64Array, what: string): void {
  const tolerance = 1e-4 * Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  expect(worst, what).toBeLessThanOrEqual(tolerance);
  expect([...actual.subarray(expected.length)], `${what}: wrote past its output`).toEqual(
    new Array(16).fill(SENTINEL),
  );
}

const kernelOf = (k: number): DepthwiseKernel =>
  k === 3 ? "depthwise3x3" : k === 5 ? "depthwise5x5" : "depthwise";

const cases = (k: number) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 13 }),
      w: fc.integer({ min: 1, max: 19 }),
      c: fc.integer({ min: 1, max: 13 }),
      k: fc.constant(k),
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      dilation: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 1, 2)),
      pad: fc.tuple(
        fc.integer({ min: 0, max: k - 1 }),
        fc.integer({ min: 0, max: k - 1 }),
        fc.integer({ min: 0, max: k - 1 }),
        fc.integer({ min: 0, max: k - 1 }),
      ),
      act: fc.integer({ min: 0, max: 5 }),
    })
    .filter((c) => outputSize(c).every((s) => s >= 1));

describe("depthwise kernels against a float64 loop", () => {
  for (const k of [3, 5, 2]) {
    it(`${kernelOf(k)} (${k}x${k})`, () => {
      fc.assert(
        fc.property(cases(k), fc.nat(1000), (c, seed) => {
          const data = inputs(c, seed);
          const out = run(kernelOf(k), c, data, [[0, outputSize(c)[0]]]);
          expectClose(out, reference(c, data), JSON.stringify(c));
        }),
        { numRuns: runs(300) },
      );
    });
  }

  // Rows wide enough for many four-output blocks, inside and at both borders, as MobileNets have.
  it.each([
    { h: 9, w: 30, c: 12, stride: [1, 1], pad: [1, 1, 1, 1] },
    { h: 10, w: 29, c: 7, stride: [2, 2], pad: [0, 1, 0, 1] },
    { h: 11, w: 27, c: 16, stride: [2, 2], pad: [1, 1, 1, 1] },
    { h: 7, w: 7, c: 20, stride: [1, 1], pad: [1, 1, 1, 1] },
    { h: 8, w: 26, c: 5, stride: [1, 2], pad: [0, 0, 2, 0] },
  ] as const)("depthwise3x3 on wide rows: %j", (given) => {
    for (const act of [0, 2, 5]) {
      const c: Case = {
        ...given,
        n: 2,
        k: 3,
        stride: [...given.stride],
        pad: [...given.pad],
        dilation: [1, 1],
        act,
      };
      const data = inputs(c, act);
      const out = run("depthwise3x3", c, data, [[0, outputSize(c)[0]]]);
      expectClose(out, reference(c, data), JSON.stringify(c));
    }
  });
});

describe("the depthwise kernels' output-row range", () => {
  for (const k of [3, 5, 2]) {
    it(`${kernelOf(k)}: rows [oy0, oy1) and nothing else; a split equals the whole`, () => {
      fc.assert(
        fc.property(cases(k), fc.nat(1000), fc.nat(), fc.nat(), (c, seed, r0, r1) => {
          const [oh, ow] = outputSize(c);
          const data = inputs(c, seed);
          const [oy0, oy1] = [r0 % (oh + 1), r1 % (oh + 1)].sort((a, b) => a - b);
          const part = run(kernelOf(k), c, data, [[oy0, oy1]]);
          const whole = run(kernelOf(k), c, data, [[0, oh]]);
          const row = ow * c.c;
          for (let n = 0; n < c.n; n++) {
            for (let oy = 0; oy < oh; oy++) {
              const at = (n * oh + oy) * row;
              const expected =
                oy >= oy0 && oy < oy1
                  ? [...whole.subarray(at, at + row)]
                  : new Array(row).fill(SENTINEL);
              expect([...part.subarray(at, at + row)], `${JSON.stringify(c)} row ${oy}`).toEqual(
                expected,
              );
            }
          }
          const split = run(kernelOf(k), c, data, [
            [oy1, oh],
            [0, oy0],
            [oy0, oy1],
          ]);
          expect(split).toEqual(whole);
        }),
        { numRuns: runs(150) },
      );
    });
  }
});
