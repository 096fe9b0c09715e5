import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { add, globalPool, instantiateKernels, mul, mulChannels } from "../src/runtime/runtime.js";
import { runs } from "./runs.js";

/*
 * kernels.wat's element-wise kernels (elementwise_add with its activation, elementwise_mul,
 * mul_channels, global_pool) against the runtime's plain loops, which a module built with
 * `--kernels js` still runs: bit for bit, on random lengths, channel counts that are not a
 * multiple of 4 or 8, NaN and infinities; and their ranges, as threads split them: a range
 * writes its part and nothing else, and ranges that split a step add up to the whole.
 */

const SLACK = 64;

/** A kernel instance with `floats` of memory (and slack past them). */
function instance(floats: number) {
  const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, floats + 4 * SLACK);
  return { kernels, memory };
}

type Instance = ReturnType<typeof instance>;

/**
 * The kernel split into ranges at `points` against the loop's result `expected` (a whole memory):
 * the ranges run in order on one memory give the loop's bits everywhere; and each range run
 * alone on fresh inputs writes the loop's bits inside `written(lo, hi)` (floats of memory, as
 * [from, to) spans) and leaves every other float as it was.
 */
function expectRanges(
  fresh: () => Instance,
  run: (k: Instance["kernels"], lo: number, hi: number) => void,
  expected: Float32Array,
  points: number[],
  written: (lo: number, hi: number) => [number, number][],
) {
  const whole = fresh();
  for (let i = 0; i + 1 < points.length; i++) run(whole.kernels, points[i]!, points[i + 1]!);
  expectSameBits(whole.memory, expected);
  const before = fresh().memory;
  for (let i = 0; i + 1 < points.length; i++) {
    const [lo, hi] = [points[i]!, points[i + 1]!];
    const alone = fresh();
    run(alone.kernels, lo, hi);
    const want = Float32Array.from(before);
    for (const [from, to] of written(lo, hi)) want.set(expected.subarray(from, to), from);
    expectSameBits(alone.memory, want);
  }
}

const special = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -3.5e38];
const element = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -8, max: 8, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...special) },
);

/** Every float of two memories equal as bits (NaN equal to NaN, -0 not to 0). */
function expectSameBits(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  const ai = new Int32Array(a.buffer, a.byteOffset, a.length);
  const bi = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (ai[i] !== bi[i]) expect([i, a[i], b[i]]).toEqual([i, b[i], b[i]]);
  }
}

/** Split points of [0, units): a multiple of `align` each, in order. */
function splits(units: number, align: number, cuts: number[]): number[] {
  const points = cuts.map((c) => Math.min(units, Math.floor((c * units) / align) * align));
  return [0, ...points.sort((x, y) => x - y), units];
}

describe("element-wise kernels against the runtime's loops", () => {
  const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 });

  it("elementwise_add with each activation, whole and split into ranges", () => {
    fc.assert(
      fc.property(
        fc.array(element, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 8 }),
        cuts,
        fc.boolean(),
        (values, act, at, inPlace) => {
          const length = Math.max(1, values.length >> 1);
          const [a, b] = [SLACK, SLACK + length + 8];
          // In place (out = a), as a residual join may be, or to its own buffer.
          const out = inPlace ? a : SLACK + 2 * length + 16;
          const fresh = () => {
            const made = instance(SLACK + 3 * length + 16 + SLACK);
            made.memory.fill(7.25);
            for (let i = 0; i < length; i++) {
              made.memory[a + i] = values[i]!;
              made.memory[b + i] = values[(i + length) % values.length]!;
            }
            return made;
          };
          const loop = fresh();
          add(loop.memory, a, b, out, length);
          if (act !== 0) loop.kernels.activate(out * 4, out * 4, length, act, 0.1);
          expectRanges(
            fresh,
            (k, lo, hi) => k.elementwise_add(a * 4, b * 4, out * 4, act, 0.1, lo, hi),
            loop.memory,
            splits(length, 16, at),
            (lo, hi) => [[out + lo, out + hi]],
          );
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("elementwise_mul, split into ranges", () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 2, maxLength: 200 }), cuts, (values, at) => {
        const length = values.length >> 1;
        const [a, b, out] = [SLACK, SLACK + length + 4, SLACK + 2 * length + 8];
        const fresh = () => {
          const made = instance(out + length + SLACK);
          made.memory.fill(-1.5);
          values.forEach((v, i) => (made.memory[i < length ? a + i : b + i - length] = v));
          return made;
        };
        const loop = fresh();
        mul(loop.memory, a, b, out, length);
        expectRanges(
          fresh,
          (k, lo, hi) => k.elementwise_mul(a * 4, b * 4, out * 4, lo, hi),
          loop.memory,
          splits(length, 16, at),
          (lo, hi) => [[out + lo, out + hi]],
        );
      }),
      { numRuns: runs(200) },
    );
  });

  it("mul_channels with a gate per sample, split by pixels", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          pixels: fc.integer({ min: 1, max: 20 }),
          c: fc.integer({ min: 1, max: 21 }),
          seed: fc.array(element, { minLength: 1, maxLength: 50 }),
          at: cuts,
        }),
        ({ n, pixels, c, seed, at }) => {
          const size = n * pixels * c;
          const [x, gate, out] = [SLACK, SLACK + size + 4, SLACK + size + n * c + 8];
          const fresh = () => {
            const made = instance(out + size + SLACK);
            made.memory.fill(3);
            for (let i = 0; i < size + n * c + 4; i++) made.memory[x + i] = seed[i % seed.length]!;
            return made;
          };
          const loop = fresh();
          mulChannels(loop.memory, x, gate, out, n, pixels, c);
          const samples = Array.from({ length: n }, (_, s) => s);
          expectRanges(
            fresh,
            (k, lo, hi) => k.mul_channels(x * 4, gate * 4, out * 4, n, pixels, c, lo, hi),
            loop.memory,
            splits(pixels, 1, at),
            (lo, hi) =>
              samples.map((s) => [out + (s * pixels + lo) * c, out + (s * pixels + hi) * c]),
          );
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("global_pool, mean in float64 and max as the loop keeps it (NaN, the first of -0 and 0), split by channels", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          pixels: fc.integer({ min: 1, max: 70 }),
          c: fc.integer({ min: 1, max: 30 }),
          max: fc.boolean(),
          seed: fc.array(element, { minLength: 1, maxLength: 60 }),
          at: cuts,
        }),
        ({ n, pixels, c, max, seed, at }) => {
          const size = n * pixels * c;
          const [x, out] = [SLACK, SLACK + size + 8];
          const fresh = () => {
            const made = instance(out + n * c + SLACK);
            made.memory.fill(0.5);
            for (let i = 0; i < size; i++) made.memory[x + i] = seed[(i * 7) % seed.length]!;
            return made;
          };
          const loop = fresh();
          globalPool(loop.memory, x, out, n, pixels, c, max);
          const samples = Array.from({ length: n }, (_, s) => s);
          expectRanges(
            fresh,
            (k, lo, hi) => k.global_pool(x * 4, out * 4, n, pixels, c, max ? 1 : 0, lo, hi),
            loop.memory,
            splits(c, 8, at),
            (lo, hi) => samples.map((s) => [out + s * c + lo, out + s * c + hi]),
          );
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("global max pool keeps the first of -0 and 0, as the loop does", () => {
    const { kernels, memory } = instance(64);
    // Two pixels of 4 channels: [-0, 0, NaN, -0] then [0, -0, 1, -0].
    memory.set([-0, 0, NaN, -0, 0, -0, 1, -0], 16);
    kernels.global_pool(64, 32 * 4, 1, 2, 4, 1, 0, 4);
    const got = Array.from(memory.subarray(32, 36));
    expect(got.map((v) => Object.is(v, -0))).toEqual([true, false, false, true]);
    expect(got[1]).toBe(0);
    expect(got[2]).toBeNaN();
  });

  it("a mean over 12,544 pixels (EfficientNet's first gate) loses nothing to float32 sums", () => {
    const pixels = 112 * 112;
    const c = 32;
    const { kernels, memory } = instance(pixels * c + c + 64);
    for (let i = 0; i < pixels * c; i++) memory[16 + i] = 1 + (i % 3) * 1e-7;
    kernels.global_pool(64, (16 + pixels * c) * 4, 1, pixels, c, 0, 0, c);
    let exact = 0;
    for (let p = 0; p < pixels; p++) exact += Math.fround(1 + ((p * c) % 3) * 1e-7);
    expect(memory[16 + pixels * c]).toBe(Math.fround(exact / pixels));
  });
});
