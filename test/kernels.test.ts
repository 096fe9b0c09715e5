import fc from "fast-check";
import { setFlagsFromString } from "node:v8";
import { afterAll, describe, expect, it } from "vitest";
import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_WASM_BASE64,
} from "../src/runtime/kernels.generated.js";
import { chooseKernels, instantiateKernels, type Kernels } from "../src/runtime/kernels.js";
import { packConv, packDepthwise, packFc, roundUp } from "../src/runtime/runtime.js";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { expectPlanMatchesReference } from "./fixtures.js";
import { checkSources } from "./helpers.js";
import { runs } from "./runs.js";

/*
 * kernels.wat's depthwise kernels against a float64 loop in plain JavaScript, called directly
 * on random shapes, strides, dilations, uneven padding, channel counts that are not a multiple
 * of 4 and the activations fused into them; and their output-row range: rows [oy0, oy1) are
 * written, nothing else, and ranges that split the output add up to the whole; and the
 * depthwise kernels' lines of sixteen channels bit for bit against four channels run alone
 * (another path), on data with NaN, infinities, -0 and subnormals. conv_direct likewise
 * against a float64 convolution. Both builds: plain SIMD128, and relaxed SIMD (whose
 * fused multiply-adds round differently), which Node 20 validates only with a V8 flag set here.
 */

setFlagsFromString("--experimental-wasm-relaxed-simd");
// Test files share a process (the unit project's isolate: false): the flag is put back, or the
// files after this one would run the relaxed build wherever a plan or a module is made after
// it, and tests that hold one made before to one made after bit for bit would depend on the
// order.
afterAll(() => setFlagsFromString("--no-experimental-wasm-relaxed-simd"));

const BUILDS = [
  ["simd128", KERNELS_WASM_BASE64],
  ["relaxed-simd", KERNELS_RELAXED_WASM_BASE64],
] as const;

it("the relaxed-SIMD build validates here, and is chosen", () => {
  expect(chooseKernels(KERNELS_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64).variant).toBe(
    "relaxed-simd",
  );
});

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
  return (
    [v, Math.max(v, 0), Math.min(Math.max(v, 0), 6), v < 0 ? 0.1 * v : v, hardsigmoid][act] ??
    v * hardsigmoid
  );
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
  for (const [oy0, oy1] of ranges)
    call(kernels, kernel, [px, pw, pb, po], sizes, c.k, rest, oy0, oy1);
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
      // The generic kernel's interior takes sixteen whole channels at a time: 7x7 goes past them.
      c: fc.integer({ min: 1, max: k === 7 ? 37 : 13 }),
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

describe.each(BUILDS)("%s: depthwise kernels against a float64 loop", (_, base64) => {
  for (const k of [3, 5, 2, 7]) {
    it(`${kernelOf(k)} (${k}x${k})`, () => {
      fc.assert(
        fc.property(cases(k), fc.nat(1000), (c, seed) => {
          const data = inputs(c, seed);
          const out = run(kernelOf(k), c, data, [[0, outputSize(c)[0]]], base64);
          expectClose(out, reference(c, data), JSON.stringify(c));
        }),
        // 7x7 cases are many times the work of the others (49 taps, up to 37 channels).
        { numRuns: runs(k === 7 ? 100 : 300) },
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
    // Pixels 2 KB apart (C a multiple of 512), and a line of sixteen channels then four.
    { h: 5, w: 6, c: 512, stride: [1, 1], pad: [1, 1, 1, 1] },
    { h: 6, w: 7, c: 1044, stride: [2, 2], pad: [0, 1, 0, 1] },
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
      const out = run("depthwise3x3", c, data, [[0, outputSize(c)[0]]], base64);
      expectClose(out, reference(c, data), JSON.stringify(c));
    }
  });
});

/**
 * A case's data with special values among the random ones (zeros of both signs, infinities,
 * NaN, subnormals, the largest floats), and a -0 among the biases now and then.
 */
function specialInputs(c: Case, seed: number): Inputs {
  const random = new Random(seed);
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38];
  const value = (scale: number) =>
    random.next() < 0.03
      ? specials[Math.floor(random.next() * specials.length)]
      : random.uniform(-scale, scale);
  return {
    x: Float32Array.from({ length: c.n * c.h * c.w * c.c }, () => value(2)),
    weight: Float32Array.from({ length: c.c * c.k * c.k }, () => value(1)),
    bias: Float32Array.from({ length: c.c }, () => (random.next() < 0.05 ? -0 : value(1))),
  };
}

/** A float array's bit patterns, NaN's too. */
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** Channels [from, from + count) of NHWC data with `channels` channels. */
function channelSlice(data: Float32Array, channels: number, from: number, count: number) {
  const pixels = data.length / channels;
  const out = new Float32Array(pixels * count);
  for (let p = 0; p < pixels; p++) {
    out.set(data.subarray(p * channels + from, p * channels + from + count), p * count);
  }
  return out;
}

// depthwise3x3 takes lines of sixteen channels by another path than groups of four: its pairs
// of outputs (two rows of them at stride 2), at the borders too; depthwise5x5 its outputs
// outside the four-output blocks (every output at stride 3 or with dilation along the width).
// Four channels of a case on their own, and the channels left after the last four, go the
// four-channel way; every path must give the same bits, NaN's and -0's included, in both builds.
describe.each(BUILDS)("%s", (_, base64) => {
  describe.each([3, 5])("depthwise%ix%i", (k) => {
    it("lines of sixteen channels give bit for bit what four channels alone give", () => {
      fc.assert(
        fc.property(
          fc
            .record({
              n: fc.integer({ min: 1, max: 2 }),
              h: fc.integer({ min: 1, max: 9 }),
              w: fc.integer({ min: 1, max: 19 }),
              c: fc.constantFrom(16, 18, 32, 35, 36, 48),
              k: fc.constant(k),
              stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
              dilation: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 1, 2)),
              pad: fc.tuple(
                ...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: k - 1 })),
              ) as fc.Arbitrary<Case["pad"]>,
              act: fc.integer({ min: 0, max: 8 }),
            })
            .filter((c) => outputSize(c).every((s) => s >= 1)),
          fc.nat(1000),
          (c: Case, seed) => {
            const data = specialInputs(c, seed);
            const [oh, ow] = outputSize(c);
            const length = c.n * oh * ow * c.c;
            const whole = run(kernelOf(k), c, data, [[0, oh]], base64);
            const what = JSON.stringify(c);
            expect([...whole.subarray(length)], `${what}: wrote past its output`).toEqual(
              new Array(16).fill(SENTINEL),
            );
            // Rows split as threads split them give the same bits (a pair of rows is never split).
            const at = seed % (oh + 1);
            const split = run(
              kernelOf(k),
              c,
              data,
              [
                [0, at],
                [at, oh],
              ],
              base64,
            );
            expect(bits(split), `${what} split at ${at}`).toEqual(bits(whole));
            for (let from = 0; from < c.c; from += 4) {
              const count = Math.min(4, c.c - from);
              const alone = run(
                kernelOf(k),
                { ...c, c: count },
                {
                  x: channelSlice(data.x, c.c, from, count),
                  weight: data.weight.slice(from * k * k, (from + count) * k * k),
                  bias: data.bias.slice(from, from + count),
                },
                [[0, oh]],
                base64,
              ).subarray(0, c.n * oh * ow * count);
              const got = channelSlice(whole.subarray(0, length), c.c, from, count);
              expect(bits(got), `${what} channels ${from} to ${from + count - 1}`).toEqual(
                bits(alone),
              );
            }
          },
        ),
        { numRuns: runs(100) },
      );
    });
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

/** A convolution of `c` (its k x k filter, `co` output channels), in float64. */
function convReference(
  c: Case,
  co: number,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
) {
  const [oh, ow] = outputSize(c);
  const out = new Float64Array(c.n * oh * ow * co);
  for (let n = 0; n < c.n; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let o = 0; o < co; o++) {
          let sum = bias[o];
          for (let ky = 0; ky < c.k; ky++)
            for (let kx = 0; kx < c.k; kx++) {
              const iy = oy * c.stride[0] - c.pad[0] + ky * c.dilation[0];
              const ix = ox * c.stride[1] - c.pad[2] + kx * c.dilation[1];
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              for (let ci = 0; ci < c.c; ci++) {
                sum +=
                  x[((n * c.h + iy) * c.w + ix) * c.c + ci] *
                  weight[((o * c.c + ci) * c.k + ky) * c.k + kx];
              }
            }
          out[((n * oh + oy) * ow + ox) * co + o] = activate(sum, c.act);
        }
  return out;
}

describe.each(BUILDS)("%s: conv_direct against a float64 convolution", (_, base64) => {
  it("random shapes, strides, dilations, padding, 1 to 4 input channels, row ranges", () => {
    const convCases = fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 11 }),
        w: fc.integer({ min: 1, max: 13 }),
        c: fc.integer({ min: 1, max: 4 }),
        k: fc.integer({ min: 1, max: 5 }),
        stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        dilation: fc.tuple(fc.constantFrom(1, 1, 2), fc.constantFrom(1, 1, 2)),
        pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
        act: fc.integer({ min: 0, max: 5 }),
      })
      .filter((c) => outputSize(c).every((s) => s >= 1));
    fc.assert(
      fc.property(
        convCases,
        fc.integer({ min: 1, max: 37 }),
        fc.nat(1000),
        fc.nat(),
        (c, co, seed, r) => {
          const [oh, ow] = outputSize(c);
          const random = new Random(seed);
          const uniform = (length: number) =>
            Float32Array.from({ length }, () => random.uniform(-1, 1));
          const x = uniform(c.n * c.h * c.w * c.c);
          const weight = uniform(co * c.c * c.k * c.k);
          const bias = uniform(co);
          const [w, b] = packConv(weight, bias, co, c.c, c.k, c.k, 1, false);
          const outLength = c.n * oh * ow * co;
          const at = [16, roundUp(16 + x.length + 4, 4)];
          at.push(roundUp(at[1] + w.length, 4));
          at.push(roundUp(at[2] + b.length, 4));
          const { kernels, memory } = instantiateKernels(base64, at[3] + outLength + 32);
          memory.set(x, at[0]);
          memory.set(w, at[1]);
          memory.set(b, at[2]);
          memory.fill(SENTINEL, at[3], at[3] + outLength + 16);
          const [px, pw, pb, po] = at.map((a) => a * 4);
          const split = r % (oh + 1);
          for (const [oy0, oy1] of [
            [split, oh],
            [0, split],
          ]) {
            kernels.conv_direct(
              px,
              pw,
              pb,
              po,
              c.n,
              c.h,
              c.w,
              c.c,
              oh,
              ow,
              c.k,
              c.k,
              ...c.stride,
              ...c.dilation,
              c.pad[0],
              c.pad[2],
              co,
              c.act,
              0.1,
              oy0,
              oy1,
            );
          }
          const out = memory.slice(at[3], at[3] + outLength + 16);
          expectClose(out, convReference(c, co, x, weight, bias), JSON.stringify({ ...c, co }));
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

/*
 * gemm bit for bit against its arithmetic written out in float32 (plain SIMD128: a multiply,
 * then an add, each rounded; the sum from 0 over k in order, then the bias), for every count
 * of columns in the last panel: 1 to 8 take four rows at a time over 8 columns, 9 to 16 two
 * rows over 16; and every count of rows left over by fours and twos, in chunks of 64.
 */
describe("gemm, every width of the last panel", () => {
  const random = new Random(31);
  const uniform = (length: number) => Float32Array.from({ length }, () => random.uniform(-2, 2));
  const cases = [1, 3, 5, 7, 8, 9, 15, 16, 21, 24, 40].flatMap((columns) =>
    [1, 2, 3, 4, 5, 6, 7, 9, 66, 131].map((rows) => ({ columns, rows })),
  );
  it.each(cases)("$columns columns, $rows rows", ({ columns, rows }) => {
    const k = 13;
    const x = uniform(rows * k);
    const [w, bias] = packFc(uniform(columns * k), uniform(columns), columns, k);
    const at = [64, 64 + x.length, 64 + x.length + w.length];
    const out = roundUp(at[2] + bias.length, 16);
    const end = out + rows * columns;
    for (const act of [0, 2]) {
      const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, end + 64);
      [x, w, bias].forEach((t, i) => memory.set(t, at[i]));
      memory.fill(SENTINEL, out, end + 64);
      kernels.gemm(
        at[0] * 4,
        k * 4,
        at[1] * 4,
        at[2] * 4,
        out * 4,
        columns * 4,
        rows,
        k,
        columns,
        act,
        0,
      );
      const f = Math.fround;
      const want = new Float32Array(rows * columns);
      for (let p = 0; p < rows; p++) {
        for (let c = 0; c < columns; c++) {
          let sum = 0;
          for (let i = 0; i < k; i++) {
            const weight = w[Math.floor(c / 16) * k * 16 + i * 16 + (c % 16)];
            sum = f(sum + f(x[p * k + i] * weight));
          }
          const v = f(sum + bias[c]);
          want[p * columns + c] = act === 2 ? Math.min(Math.max(v, 0), 6) : v;
        }
      }
      const got = memory.subarray(out, end);
      const differ = got.findIndex((v, i) => !Object.is(v, want[i]));
      expect(differ, `act ${act}, first difference at ${differ}`).toBe(-1);
      expect(memory.subarray(end, end + 64).every((v) => v === SENTINEL)).toBe(true);
    }
  });
});

describe("the CPU plan and the generated module on the relaxed-SIMD build", () => {
  const sources = [
    "input 23x21x3\nconv 3x3 16 s2 same -> bn -> relu6\ndw 3x3 same -> bn -> relu6\nconv 1x1 24 -> relu",
    "input 19x17x4\nconv 3x3 40 s2 same -> hardswish\ndw 3x3 s2 same -> relu6\ndw 5x5 same\ngap\nfc 10",
  ];
  it.each(sources)("%s: equal to the reference", (source) => {
    for (const plan of expectPlanMatchesReference(source, "conv_direct")) {
      expect(plan.kernelsVariant).toBe("relaxed-simd");
    }
  });
  it.each(sources)("%s: the module takes the relaxed build too, bit for bit", async (source) => {
    const network = checkSources(source).networks[0];
    const graph = compileGraph(
      network,
      initialWeights(network, 3).map((t) => t.data),
    );
    const model = (await importGeneratedModule(graph)).createModel({ batch: 1, threads: 1 });
    expect(model.kernels).toBe("relaxed-simd");
    const [h, w, c] = network.input;
    const random = new Random(5);
    const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
    const expected = new CpuPlan(graph).forward(input);
    const actual = model.forward(input);
    // Bit for bit: the same kernels on the same values (Object.is tells -0 and NaNs apart).
    expect(actual.every((v, i) => Object.is(v, expected[i]))).toBe(true);
  });
});
