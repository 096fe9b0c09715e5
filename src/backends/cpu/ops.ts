import type { Padding } from "../../check/network.js";
import type { Activation } from "../../ir/graph.js";

/*
 * The operations that move little arithmetic, in plain JavaScript over the plan's memory (one
 * Float32Array, offsets in elements). The heavy ones (matrix products, depthwise) are in
 * kernels.wat.
 */

/** Applies an activation in place to `length` elements from `at`. */
export function activateInPlace(m: Float32Array, at: number, length: number, a: Activation): void {
  const end = at + length;
  switch (a.kind) {
    case "none":
      return;
    case "relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] = 0;
      return;
    case "relu6":
      for (let i = at; i < end; i++) {
        const v = m[i];
        m[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case "leaky_relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] *= a.slope;
      return;
    case "sigmoid":
      for (let i = at; i < end; i++) m[i] = 1 / (1 + Math.exp(-m[i]));
      return;
    case "tanh":
      for (let i = at; i < end; i++) m[i] = Math.tanh(m[i]);
      return;
    case "silu":
      for (let i = at; i < end; i++) m[i] = m[i] / (1 + Math.exp(-m[i]));
      return;
    case "hardsigmoid":
      for (let i = at; i < end; i++) m[i] = Math.min(Math.max(m[i] + 3, 0), 6) / 6;
      return;
    case "hardswish":
      for (let i = at; i < end; i++) m[i] = (m[i] * Math.min(Math.max(m[i] + 3, 0), 6)) / 6;
      return;
  }
}

/** out = x * scale[c] + shift[c], per channel of NHWC data. */
export function affine(
  m: Float32Array,
  x: number,
  out: number,
  pixels: number,
  channels: number,
  scale: Float32Array,
  shift: Float32Array,
): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    for (let c = 0; c < channels; c++) m[out + base + c] = m[x + base + c] * scale[c] + shift[c];
  }
}

export function add(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i] + m[b + i];
}

export interface Window {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/**
 * Max or average pooling. Max treats padding as -infinity; average divides by the number of
 * taps inside the input (padding is left out of the count, PyTorch's count_include_pad=False).
 */
export function pool(m: Float32Array, x: number, out: number, s: Window, max: boolean): void {
  const [kh, kw] = s.kernel;
  const [sh, sw] = s.stride;
  let o = out;
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      const y0 = Math.max(oy * sh - s.padding.top, 0);
      const y1 = Math.min(oy * sh - s.padding.top + kh, s.h);
      for (let ox = 0; ox < s.ow; ox++) {
        const x0 = Math.max(ox * sw - s.padding.left, 0);
        const x1 = Math.min(ox * sw - s.padding.left + kw, s.w);
        const count = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < s.c; c++) {
          let acc = max ? -Infinity : 0;
          for (let y = y0; y < y1; y++) {
            let i = x + ((n * s.h + y) * s.w + x0) * s.c + c;
            for (let xx = x0; xx < x1; xx++, i += s.c) {
              const v = m[i];
              if (max) {
                if (v > acc || v !== v) acc = v;
              } else acc += v;
            }
          }
          m[o + c] = max ? acc : acc / count;
        }
        o += s.c;
      }
    }
  }
}

/** Global average or max pool: [n, h, w, c] to [n, 1, 1, c]. */
export function globalPool(
  m: Float32Array,
  x: number,
  out: number,
  n: number,
  pixels: number,
  c: number,
  max: boolean,
) {
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let acc = max ? -Infinity : 0;
      for (let p = 0, i = x + b * pixels * c + ch; p < pixels; p++, i += c) {
        const v = m[i];
        if (max) {
          if (v > acc || v !== v) acc = v;
        } else acc += v;
      }
      m[out + b * c + ch] = max ? acc : acc / pixels;
    }
  }
}

/** NHWC to N(CHW): PyTorch's flatten order, so fully connected weights apply unchanged. */
export function flattenChannelMajor(
  m: Float32Array,
  x: number,
  out: number,
  n: number,
  h: number,
  w: number,
  c: number,
) {
  const size = h * w * c;
  for (let b = 0; b < n; b++) {
    const src = x + b * size;
    const dst = out + b * size;
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) m[dst + ch * h * w + p] = m[src + p * c + ch];
    }
  }
}

/** Softmax over the channels of each pixel, shifted by the maximum for stability. */
export function softmax(m: Float32Array, x: number, out: number, pixels: number, c: number): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * c;
    let max = -Infinity;
    for (let i = 0; i < c; i++) max = Math.max(max, m[x + base + i]);
    let sum = 0;
    for (let i = 0; i < c; i++) {
      const e = Math.exp(m[x + base + i] - max);
      m[out + base + i] = e;
      sum += e;
    }
    for (let i = 0; i < c; i++) m[out + base + i] /= sum;
  }
}

export interface ConvGeometry {
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: Padding;
}

/**
 * im2col for output rows [row0, row0 + rows) of sample n, channels [c0, c0 + cg): each output
 * pixel becomes one row of kh·kw·cg values (zeros where the window is in the padding), in the
 * order (ky, kx, c) that the packed weights use.
 */
export function im2col(
  m: Float32Array,
  x: number,
  out: number,
  g: ConvGeometry,
  n: number,
  pixel0: number,
  pixels: number,
  c0: number,
  cg: number,
): void {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  let o = out;
  for (let p = pixel0; p < pixel0 + pixels; p++) {
    const oy = Math.floor(p / g.ow);
    const ox = p - oy * g.ow;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - g.padding.top + ky * dh;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - g.padding.left + kx * dw;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
          m.fill(0, o, o + cg);
        } else {
          const src = x + ((n * g.h + iy) * g.w + ix) * g.c + c0;
          m.copyWithin(o, src, src + cg);
        }
        o += cg;
      }
    }
  }
}
