import { describe, expect, it } from "vitest";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { instantiateKernels, type Kernels } from "../src/runtime/kernels.js";
import { packConv, packDepthwise, packFc, roundUp } from "../src/runtime/runtime.js";
import { Random } from "../src/weights/init.js";

/*
 * The kernels' activations by code (kernels.wat): sigmoid (6), silu (7) and tanh (8), computed
 * with a SIMD exp, against float64 Math.exp on dense grids and at the extremes; the older codes
 * against the same float32 operations done in JavaScript; `activate` on tails, in place and
 * not; and every kernel that takes `act` with each new code, batch 1 and 3, against its own
 * output without activation put through the float64 reference.
 */

const SIGMOID = 6;
const SILU = 7;
const TANH = 8;
const SLOPE = 0.1;

/** Within 2e-7 of the float64 value, relative, or half a step of the subnormal floats. */
const RELATIVE = 2e-7;
const SUBNORMAL = 2 ** -149;

function reference(code: number, v: number): number {
  switch (code) {
    case SIGMOID:
      return 1 / (1 + Math.exp(-v));
    case SILU:
      return v / (1 + Math.exp(-v));
    case TANH:
      return Math.tanh(v);
  }
  throw new Error(`no reference for code ${code}`);
}

/** Codes 0 to 5 as kernels.wat computes them, one float32 rounding per operation. */
function float32Activation(code: number, v: number): number {
  const f = Math.fround;
  const hardsigmoid = f(Math.min(Math.max(f(v + 3), 0), 6) / 6);
  return [
    v,
    Math.max(v, 0),
    Math.min(Math.max(v, 0), 6),
    f(Math.max(v, 0) + f(f(SLOPE) * Math.min(v, 0))),
    hardsigmoid,
    f(v * hardsigmoid),
  ][code];
}

function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  return got === want || Math.abs(got - want) <= RELATIVE * Math.abs(want) + SUBNORMAL;
}

/** The worst relative error (and where) of `got` against the float64 activation of `xs`. */
function worst(code: number, xs: Float32Array, got: Float32Array) {
  let error = 0;
  let at = 0;
  xs.forEach((x, i) => {
    const want = reference(code, x);
    const e =
      got[i] === want ? 0 : Math.max(0, Math.abs(got[i] - want) - SUBNORMAL) / Math.abs(want);
    if (e > error || !close(got[i], want)) [error, at] = [close(got[i], want) ? e : Infinity, x];
  });
  return { error, at };
}

/** A kernels instance with room for `floats`, and `activate` over `xs` run at element 4. */
function activateAll(xs: Float32Array, code: number): Float32Array {
  const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, xs.length + 16);
  memory.set(xs, 4);
  kernels.activate(16, 16, xs.length, code, SLOPE);
  return memory.slice(4, 4 + xs.length);
}

const grid = (from: number, to: number, count: number) =>
  Float32Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));

/** ± magnitudes from 1e-9 to 100, evenly spaced in the logarithm. */
const magnitudes = (count: number) =>
  Float32Array.from({ length: 2 * count }, (_, i) => {
    const m = 10 ** (-9 + (11 * (i >> 1)) / (count - 1));
    return i & 1 ? -m : m;
  });

const EXTREMES = [
  0,
  -0,
  1e-8,
  -1e-8,
  1e-30,
  -1e-30,
  0.625,
  -0.625,
  1,
  -1,
  20,
  -20,
  87,
  -87,
  88,
  -88,
  89,
  -89,
  100,
  -100,
  104,
  -104,
  108.5,
  -108.5,
  110,
  -110,
  1e4,
  -1e4,
  3.4e38,
  -3.4e38,
  Infinity,
];

describe("sigmoid, silu and tanh in the kernels", () => {
  const grids: [string, Float32Array][] = [
    ["a dense grid over [-100, 100]", grid(-100, 100, 1 << 20)],
    ["a dense grid over [-4, 4]", grid(-4, 4, 1 << 19)],
    ["magnitudes from 1e-9 to 100", magnitudes(1 << 16)],
    ["the extremes", Float32Array.from(EXTREMES)],
  ];
  for (const [code, name] of [
    [SIGMOID, "sigmoid"],
    [SILU, "silu"],
    [TANH, "tanh"],
  ] as const) {
    it.each(grids)(`${name} is within 2e-7 of float64 on %s`, (_, xs) => {
      const { error, at } = worst(code, xs, activateAll(xs, code));
      expect(error, `worst at x = ${at}`).toBeLessThanOrEqual(RELATIVE);
    });
  }

  it("keep zero's sign, pass NaN through and saturate", () => {
    const xs = Float32Array.from([-0, 0, NaN, -Infinity, Infinity]);
    const got = (code: number) => [...activateAll(xs, code)];
    expect(got(SIGMOID)).toEqual([0.5, 0.5, NaN, 0, 1]);
    expect(got(SILU)).toEqual([-0, 0, NaN, -0, Infinity]);
    expect(got(TANH)).toEqual([-0, 0, NaN, -1, 1]);
  });
});

describe("activate", () => {
  it("applies codes 0 to 5 as the fused kernels do", () => {
    // The grid, then the values whose rules differ between min/max forms: signed zeros, NaN,
    // the infinities, the largest and the subnormal floats.
    const special = [-0, 0, NaN, Infinity, -Infinity, 3e38, -3e38, SUBNORMAL, -SUBNORMAL];
    const xs = Float32Array.from([...grid(-8, 8, 4099), ...special]);
    for (let code = 0; code <= 5; code++) {
      const got = activateAll(xs, code);
      const want = xs.map((x) => float32Activation(code, x));
      expect([...got], `code ${code}`).toEqual([...want]);
    }
  });

  it("gives sigmoid and silu the same bits two vectors at a time as one at a time", () => {
    // A row goes two vectors at a time (build-runtime.ts's `(@sigmoid_lanes 2 silu)`); a row of
    // four floats is one call of $sigmoid.
    const xs = Float32Array.from([
      ...grid(-120, 120, 2003),
      ...magnitudes(300),
      ...EXTREMES,
      -Infinity,
      NaN,
      SUBNORMAL,
      -SUBNORMAL,
    ]);
    const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, 3 * xs.length + 24);
    const bits = new Uint32Array(memory.buffer);
    // The row into another buffer and in place; the vectors one at a time in place.
    const [row, apart, one] = [4, 8 + xs.length, 12 + 2 * xs.length];
    for (const code of [SIGMOID, SILU]) {
      memory.set(xs, row);
      memory.set(xs, one);
      kernels.activate(4 * row, 4 * apart, xs.length, code, SLOPE);
      kernels.activate(4 * row, 4 * row, xs.length, code, SLOPE);
      for (let i = 0; i < xs.length; i += 4) {
        kernels.activate(4 * (one + i), 4 * (one + i), Math.min(4, xs.length - i), code, SLOPE);
      }
      for (const at of [row, apart]) {
        const differs = bits.subarray(at, at + xs.length).findIndex((b, i) => b !== bits[one + i]);
        expect(differs, `code ${code}, ${at === row ? "in place" : "apart"}`).toBe(-1);
      }
    }
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 30])("writes exactly %i elements, in place or not", (length) => {
    const xs = grid(-5, 5, length);
    const cases = [SIGMOID, SILU].flatMap((code) =>
      [true, false].map((inPlace) => ({ code, inPlace })),
    );
    for (const { code, inPlace } of cases) {
      const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, 256);
      const out = inPlace ? 4 : 128;
      memory.set(xs, 4);
      memory.fill(12345, out + length, out + length + 8);
      kernels.activate(16, out * 4, length, code, 0);
      const got = memory.slice(out, out + length);
      expect(worst(code, xs, got).error).toBeLessThanOrEqual(RELATIVE);
      expect([...memory.subarray(out + length, out + length + 8)]).toEqual(
        new Array(8).fill(12345),
      );
    }
  });
});

/**
 * Runs `call` on fresh memory holding `inputs` (each on 16 bytes) followed by an output of
 * `outLength` and a sentinel, once per activation code; returns each output.
 */
function runKernel(
  inputs: Float32Array[],
  outLength: number,
  codes: number[],
  call: (k: Kernels, at: number[], act: number) => void,
): Float32Array[] {
  const at: number[] = [];
  let end = 4;
  for (const t of [...inputs, { length: outLength }]) {
    at.push(end);
    end = roundUp(end + t.length + 4, 4);
  }
  return codes.map((act) => {
    const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, end + 16);
    inputs.forEach((t, i) => memory.set(t, at[i]));
    const out = at[inputs.length];
    memory.fill(12345, out + outLength, out + outLength + 8);
    call(
      kernels,
      at.map((a) => a * 4),
      act,
    );
    expect([...memory.subarray(out + outLength, out + outLength + 8)], "wrote past").toEqual(
      new Array(8).fill(12345),
    );
    return memory.slice(out, out + outLength);
  });
}

/** Each code's output against the output without activation (code 0), activated in float64. */
function expectActivated(outputs: Float32Array[], codes: number[], what: string) {
  const [plain] = outputs;
  // The pre-activations reach well into every branch (|x| past 0.625, x below -3).
  expect(Math.min(...plain), what).toBeLessThan(-3);
  expect(Math.max(...plain), what).toBeGreaterThan(3);
  codes.forEach((code, i) => {
    if (code === 0) return;
    const { error, at } = worst(code, plain, outputs[i]);
    expect(error, `${what}, code ${code}, worst at ${at}`).toBeLessThanOrEqual(RELATIVE);
  });
}

const CODES = [0, SIGMOID, SILU, TANH];

describe("every kernel applies the new codes", () => {
  const random = new Random(11);
  const uniform = (length: number, scale: number) =>
    Float32Array.from({ length }, () => random.uniform(-scale, scale));

  it.each([1, 3])("gemm, batch %i", (batch) => {
    const [pixels, k, columns] = [5, 19, 21];
    const rows = batch * pixels;
    const [w, bias] = packFc(uniform(columns * k, 1.5), uniform(columns, 4), columns, k);
    const outputs = runKernel(
      [uniform(rows * k, 1), w, bias],
      rows * columns,
      CODES,
      (kn, a, act) => kn.gemm(a[0], k * 4, a[1], a[2], a[3], columns * 4, rows, k, columns, act, 0),
    );
    expectActivated(outputs, CODES, `gemm batch ${batch}`);
  });

  const [h, width, c] = [7, 9, 6];
  for (const [kernel, kh, kw] of [
    ["depthwise", 3, 5],
    ["depthwise3x3", 3, 3],
    ["depthwise5x5", 5, 5],
  ] as const) {
    for (const batch of [1, 3]) {
      for (const stride of [1, 2]) {
        it(`${kernel}, batch ${batch}, stride ${stride}`, () => {
          const [pt, pl] = [Math.floor(kh / 2), Math.floor(kw / 2)];
          const oh = Math.floor((h + 2 * pt - kh) / stride) + 1;
          const ow = Math.floor((width + 2 * pl - kw) / stride) + 1;
          const x = uniform(batch * h * width * c, 1);
          const w = packDepthwise(uniform(c * kh * kw, 1.5), c, kh, kw);
          const bias = new Float32Array(roundUp(c, 4));
          bias.set(uniform(c, 4));
          const outputs = runKernel([x, w, bias], batch * oh * ow * c, CODES, (kn, a, act) => {
            const sizes = [batch, h, width, c, oh, ow] as const;
            const rest = [stride, stride, 1, 1, pt, pl, act, 0, 0, oh] as const;
            if (kernel === "depthwise")
              kn.depthwise(a[0], a[1], a[2], a[3], ...sizes, kh, kw, ...rest);
            else kn[kernel](a[0], a[1], a[2], a[3], ...sizes, ...rest);
          });
          expectActivated(outputs, CODES, `${kernel} batch ${batch} stride ${stride}`);
        });
      }
    }
  }
});

/*
 * Codes 1 to 5 are written out in the kernels' epilogues where they are common (relu, relu6 and
 * none as a clamp, hardswish over whole vectors) and go through $activate elsewhere; sigmoid,
 * silu and tanh are stored as sums and go through `activate` over each output row (each row of
 * a chunk in gemm) afterwards, or through $activate in the store (depthwise3x3 one output at a
 * time). Every path must give what `activate` gives, bit for bit: for codes 0 to 5 the float32
 * operations, for 6 to 8 `activate` itself on the output without activation. Two samples, and
 * each kernel called in two parts as threads split it (rows, or gemm's panels of columns).
 */
describe("the fused kernels apply every code as activate does, bit for bit", () => {
  const random = new Random(23);
  const uniform = (length: number, scale: number) =>
    Float32Array.from({ length }, () => random.uniform(-scale, scale));
  const codes = [0, 1, 2, 3, 4, 5, SIGMOID, SILU, TANH];
  const expectSameBits = (outputs: Float32Array[], what: string) => {
    const [plain] = outputs;
    expect(Math.min(...plain), what).toBeLessThan(-3);
    codes.forEach((code, i) => {
      const want =
        code <= 5 ? plain.map((v) => float32Activation(code, v)) : activateAll(plain, code);
      const differ = outputs[i].findIndex((v, j) => !Object.is(v, want[j]));
      expect(differ, `${what}, code ${code}`).toBe(-1);
    });
  };

  it.each([
    [7, "rows"],
    [130, "rows"],
    [130, "columns"],
  ] as const)("gemm, %i rows split by %s: whole panels of 16 columns, and 5", (rows, split) => {
    const [k, columns] = [19, 37];
    const [w, bias] = packFc(uniform(columns * k, 1.5), uniform(columns, 4), columns, k);
    const outputs = runKernel(
      [uniform(rows * k, 1), w, bias],
      rows * columns,
      codes,
      (kn, [x, wAt, b, out], act) => {
        const gemm = (r0: number, r1: number, c0: number, c1: number) =>
          kn.gemm(
            x + r0 * k * 4,
            k * 4,
            wAt + c0 * k * 4,
            b + c0 * 4,
            out + (r0 * columns + c0) * 4,
            columns * 4,
            r1 - r0,
            k,
            c1 - c0,
            act,
            SLOPE,
          );
        // Rows in fours (as threads take them), or the first panel and the two after it.
        const parts: [number, number, number, number][] =
          split === "rows"
            ? [
                [0, 4, 0, columns],
                [4, rows, 0, columns],
              ]
            : [
                [0, rows, 0, 16],
                [0, rows, 16, columns],
              ];
        for (const [r0, r1, c0, c1] of parts) gemm(r0, r1, c0, c1);
      },
    );
    expectSameBits(outputs, `gemm ${rows} rows by ${split}`);
  });

  it.each([1, 2])("conv_direct, stride %i: a whole panel of 16 channels, and 5", (stride) => {
    const [n, h, width, c, co] = [2, 7, 10, 3, 21];
    const oh = Math.floor((h + 2 - 3) / stride) + 1;
    const ow = Math.floor((width + 2 - 3) / stride) + 1;
    const [w, bias] = packConv(uniform(co * c * 9, 1.5), uniform(co, 4), co, c, 3, 3, 1, false);
    // Sizes, filter, stride, dilation, the padding before and the output channels.
    const shape = [n, h, width, c, oh, ow, 3, 3, stride, stride, 1, 1, 1, 1, co] as const;
    const outputs = runKernel(
      [uniform(n * h * width * c, 1), w, bias],
      n * oh * ow * co,
      codes,
      (kn, a, act) => {
        kn.conv_direct(a[0], a[1], a[2], a[3], ...shape, act, SLOPE, 0, 2);
        kn.conv_direct(a[0], a[1], a[2], a[3], ...shape, act, SLOPE, 2, oh);
      },
    );
    expectSameBits(outputs, `conv_direct stride ${stride}`);
  });

  it.each([
    ["depthwise3x3", 3, 1, 1],
    ["depthwise3x3", 3, 2, 1],
    ["depthwise3x3", 3, 3, 1],
    ["depthwise3x3", 3, 1, 2],
    ["depthwise5x5", 5, 1, 1],
    ["depthwise5x5", 5, 2, 1],
    ["depthwise5x5", 5, 3, 1],
    ["depthwise5x5", 5, 1, 2],
  ] as const)(
    "%s, stride %i, dilation %i: lines of 16 channels, then 4, then 2",
    (kernel, k, stride, dilation) => {
      const [n, h, width, c] = [2, 9, 11, 22];
      const pad = dilation * Math.floor(k / 2);
      const span = dilation * (k - 1) + 1;
      const oh = Math.floor((h + 2 * pad - span) / stride) + 1;
      const ow = Math.floor((width + 2 * pad - span) / stride) + 1;
      const w = packDepthwise(uniform(c * k * k, 1.5), c, k, k);
      const bias = new Float32Array(roundUp(c, 4));
      bias.set(uniform(c, 4));
      // Sizes, stride, dilation and the padding before.
      const shape = [n, h, width, c, oh, ow, stride, stride, dilation, dilation, pad, pad] as const;
      const outputs = runKernel(
        [uniform(n * h * width * c, 1), w, bias],
        n * oh * ow * c,
        codes,
        (kn, a, act) => {
          kn[kernel](a[0], a[1], a[2], a[3], ...shape, act, SLOPE, 0, 1);
          kn[kernel](a[0], a[1], a[2], a[3], ...shape, act, SLOPE, 1, oh);
        },
      );
      expectSameBits(outputs, `${kernel} stride ${stride} dilation ${dilation}`);
    },
  );
});
