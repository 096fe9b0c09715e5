import { describe, expect, it } from "vitest";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { instantiateKernels } from "../src/runtime/kernels.js";
import { copyChannels, pool, shuffleChannels } from "../src/runtime/runtime.js";
import { Random } from "../src/weights/init.js";

/*
 * kernels.wat's window_pool, copy_channels and shuffle_channels, which the CPU plan and the generated
 * WebAssembly modules run, bit for bit against the runtime's loops (src/runtime/pooling.ts,
 * channels.ts), which a `--kernels js` module runs and which the step tests hold to PyTorch's
 * meaning: each on two memories filled alike, then the whole memories compared, so that a
 * kernel that writes a float outside its output fails too. The data has -0, infinities, NaN
 * and values tied for the maximum. Each kernel takes a range of pixels or output rows (threads
 * split a step by it): the tests run it in two parts, the first of them empty where there is
 * only one pixel or row.
 */

const FLOATS = 4096;
const X = 16;
const OUT = 2048;

/** Two memories of the same floats, a WebAssembly kernels instance on the first. */
function twoMemories(seed: number) {
  const { kernels, memory } = instantiateKernels(KERNELS_WASM_BASE64, FLOATS);
  const random = new Random(seed);
  const special = [-0, 0, Infinity, -Infinity, NaN, 1, 1, -1];
  for (let i = 0; i < FLOATS; i++) {
    memory[i] = random.uniform(0, 1) < 0.2 ? special[i % special.length]! : random.uniform(-4, 4);
  }
  return { kernels, memory, loops: Float32Array.from(memory) };
}

/** The first float at which the two memories' bits differ, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.findIndex((v, i) => v !== y[i]);
}

describe("the channel and pooling kernels, bit for bit as the runtime's loops", () => {
  it("copy_channels: every channel count to 13, and 58, into wider pixels", () => {
    for (const channels of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 58]) {
      for (const pixels of [1, 2, 5]) {
        for (const [fromPad, toPad] of [
          [0, 0],
          [3, 1],
          [0, 7],
        ] as const) {
          const { kernels, memory, loops } = twoMemories(channels * 31 + pixels);
          const [fromStride, toStride] = [channels + fromPad, channels + toPad];
          // Starting off a vector's alignment, as a concat's second part does.
          const [from, to] = [X + 1, OUT + 2];
          const addresses = [4 * from, 4 * fromStride, 4 * to, 4 * toStride, channels] as const;
          const half = pixels >> 1;
          kernels.copy_channels(...addresses, 0, half);
          kernels.copy_channels(...addresses, half, pixels);
          copyChannels(loops, from, fromStride, to, toStride, pixels, channels);
          const what = `${pixels} pixels of ${channels} channels, strides ${fromStride}, ${toStride}`;
          expect(firstDifference(memory, loops), what).toBe(-1);
        }
      }
    }
  });

  it("shuffle_channels: two groups (four channels of each half at a time) and three or four", () => {
    for (const [c, groups] of [
      [2, 2],
      [6, 2],
      [8, 2],
      [12, 2],
      [18, 2],
      [116, 2],
      [6, 3],
      [12, 3],
      [12, 4],
      [24, 4],
    ] as const) {
      for (const pixels of [1, 3]) {
        const { kernels, memory, loops } = twoMemories(c * 7 + groups);
        const half = pixels >> 1;
        kernels.shuffle_channels(4 * X, 4 * OUT, c, groups, 0, half);
        kernels.shuffle_channels(4 * X, 4 * OUT, c, groups, half, pixels);
        shuffleChannels(loops, X, OUT, pixels, c, groups);
        const what = `${pixels} pixels of ${c} channels in ${groups} groups`;
        expect(firstDifference(memory, loops), what).toBe(-1);
      }
    }
  });

  it("window_pool: max and average, windows over the padding, strides past the kernel, channel tails (sixteen at a time, then four, then lanes)", () => {
    let cases = 0;
    for (const [h, w] of [
      [1, 1],
      [5, 5],
      [7, 4],
    ] as const) {
      for (const c of [1, 3, 4, 6, 9, 16, 21, 37]) {
        for (const [k, s, pad] of [
          [1, 1, 0],
          [2, 2, 0],
          [3, 2, 1],
          [3, 1, 1],
          [3, 3, 2],
          [2, 1, 1],
        ] as const) {
          const oh = Math.floor((h + 2 * pad - k) / s) + 1;
          const ow = Math.floor((w + 2 * pad - k) / s) + 1;
          if (oh < 1 || ow < 1) continue;
          for (const max of [true, false]) {
            const { kernels, memory, loops } = twoMemories(cases++);
            const [kh, kw] = [k, k];
            const window = [4 * X, 4 * OUT, h, w, c, oh, ow, kh, kw, s, s, pad, pad] as const;
            const half = oh >> 1;
            kernels.window_pool(...window, max ? 1 : 0, 0, half);
            kernels.window_pool(...window, max ? 1 : 0, half, oh);
            const padding = { top: pad, bottom: pad, left: pad, right: pad };
            const shape = { n: 1, h, w, c, oh, ow, kernel: [kh, kw], stride: [s, s], padding };
            pool(loops, X, OUT, shape as Parameters<typeof pool>[3], max);
            const what = `${max ? "max" : "average"} ${k}x${k} s${s} pad ${pad} on ${h}x${w}x${c}`;
            expect(firstDifference(memory, loops), what).toBe(-1);
          }
        }
      }
    }
    // A window, stride and padding not square, which the kernel takes row first.
    for (const max of [true, false]) {
      const { kernels, memory, loops } = twoMemories(cases++);
      const [h, w, c, oh, ow] = [6, 5, 21, 4, 5];
      const args = [4 * X, 4 * OUT, h, w, c, oh, ow, 3, 2, 2, 1, 1, 0, max ? 1 : 0] as const;
      kernels.window_pool(...args, 0, 1);
      kernels.window_pool(...args, 1, oh);
      const padding = { top: 1, bottom: 2, left: 0, right: 1 };
      const window = { n: 1, h, w, c, oh, ow, kernel: [3, 2], stride: [2, 1], padding };
      pool(loops, X, OUT, window as Parameters<typeof pool>[3], max);
      expect(firstDifference(memory, loops), `${max ? "max" : "average"} 3x2`).toBe(-1);
    }
    expect(cases).toBeGreaterThan(150);
  });
});
