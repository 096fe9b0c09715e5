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

/** A kernel instance with `floats` of memory, filled with `values` (cycled) and then NaN. */
function instance(floats: number) {
  const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, floats + 4 * SLACK);
  return { kernels, memory };
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
  it("elementwise_add with each activation, whole and split into ranges", () => {
    fc.assert(
      fc.property(
        fc.array(element, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        (values, act, cuts) => {
          const length = Math.max(1, values.length >> 1);
          const [a, b, out] = [SLACK, SLACK + length + 8, SLACK + 2 * length + 16];
          const floats = out + length + SLACK;
          const wasm = instance(floats);
          const loop = instance(floats);
          for (const { memory } of [wasm, loop]) {
            memory.fill(7.25);
            for (let i = 0; i < length; i++) {
              memory[a + i] = values[i]!;
              memory[b + i] = values[(i + length) % values.length]!;
            }
          }
          const points = splits(length, 16, cuts);
          for (let i = 0; i + 1 < points.length; i++) {
            wasm.kernels.elementwise_add(
              a * 4,
              b * 4,
              out * 4,
              act,
              0.1,
              points[i]!,
              points[i + 1]!,
            );
          }
          add(loop.memory, a, b, out, length);
          if (act !== 0) loop.kernels.activate(out * 4, out * 4, length, act, 0.1);
          // Past the output stays as it was: nothing outside the range is written.
          expectSameBits(wasm.memory, loop.memory);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("elementwise_mul, split into ranges", () => {
    fc.assert(
      fc.property(
        fc.array(element, { minLength: 2, maxLength: 200 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        (values, cuts) => {
          const length = values.length >> 1;
          const [a, b, out] = [SLACK, SLACK + length + 4, SLACK + 2 * length + 8];
          const floats = out + length + SLACK;
          const [wasm, loop] = [instance(floats), instance(floats)];
          for (const { memory } of [wasm, loop]) {
            memory.fill(-1.5);
            values.forEach((v, i) => (memory[i < length ? a + i : b + i - length] = v));
          }
          const points = splits(length, 16, cuts);
          for (let i = 0; i + 1 < points.length; i++) {
            wasm.kernels.elementwise_mul(a * 4, b * 4, out * 4, points[i]!, points[i + 1]!);
          }
          mul(loop.memory, a, b, out, length);
          expectSameBits(wasm.memory, loop.memory);
        },
      ),
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
          cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        }),
        ({ n, pixels, c, seed, cuts }) => {
          const size = n * pixels * c;
          const [x, gate, out] = [SLACK, SLACK + size + 4, SLACK + size + n * c + 8];
          const floats = out + size + SLACK;
          const [wasm, loop] = [instance(floats), instance(floats)];
          for (const { memory } of [wasm, loop]) {
            memory.fill(3);
            for (let i = 0; i < size + n * c + 4; i++) memory[x + i] = seed[i % seed.length]!;
          }
          const points = splits(pixels, 1, cuts);
          for (let i = 0; i + 1 < points.length; i++) {
            wasm.kernels.mul_channels(
              x * 4,
              gate * 4,
              out * 4,
              n,
              pixels,
              c,
              points[i]!,
              points[i + 1]!,
            );
          }
          mulChannels(loop.memory, x, gate, out, n, pixels, c);
          expectSameBits(wasm.memory, loop.memory);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("global_pool, mean in float64 and max keeping NaN, split by channels", () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 3 }),
          pixels: fc.integer({ min: 1, max: 70 }),
          c: fc.integer({ min: 1, max: 30 }),
          max: fc.boolean(),
          seed: fc.array(element, { minLength: 1, maxLength: 60 }),
          cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
        }),
        ({ n, pixels, c, max, seed, cuts }) => {
          const size = n * pixels * c;
          const [x, out] = [SLACK, SLACK + size + 8];
          const floats = out + n * c + SLACK;
          const [wasm, loop] = [instance(floats), instance(floats)];
          for (const { memory } of [wasm, loop]) {
            memory.fill(0.5);
            for (let i = 0; i < size; i++) memory[x + i] = seed[(i * 7) % seed.length]!;
          }
          const points = splits(c, 8, cuts);
          for (let i = 0; i + 1 < points.length; i++) {
            wasm.kernels.global_pool(
              x * 4,
              out * 4,
              n,
              pixels,
              c,
              max ? 1 : 0,
              points[i]!,
              points[i + 1]!,
            );
          }
          globalPool(loop.memory, x, out, n, pixels, c, max);
          if (max) {
            // WebAssembly's max orders -0 below 0, where the loop keeps the first it saw.
            for (const { memory } of [wasm, loop]) {
              for (let i = 0; i < n * c; i++) if (memory[out + i] === 0) memory[out + i] = 0;
            }
          }
          expectSameBits(wasm.memory, loop.memory);
        },
      ),
      { numRuns: runs(200) },
    );
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
