/*
 * Pooling over windows of NHWC data: max and average with their padding rules, and the global
 * pools that reduce each channel to one value.
 */

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
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
export function pool(m: Float32Array, x: number, out: number, window: Window, max: boolean): void {
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  let o = out;
  for (let n = 0; n < window.n; n++) {
    for (let oy = 0; oy < window.oh; oy++) {
      const y0 = Math.max(oy * sh - window.padding.top, 0);
      const y1 = Math.min(oy * sh - window.padding.top + kh, window.h);
      for (let ox = 0; ox < window.ow; ox++) {
        const x0 = Math.max(ox * sw - window.padding.left, 0);
        const x1 = Math.min(ox * sw - window.padding.left + kw, window.w);
        const count = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < window.c; c++) {
          let acc = max ? -Infinity : 0;
          for (let y = y0; y < y1; y++) {
            let i = x + ((n * window.h + y) * window.w + x0) * window.c + c;
            for (let xx = x0; xx < x1; xx++, i += window.c) {
              const v = m[i]!;
              if (max) {
                if (v > acc || v !== v) acc = v;
              } else acc += v;
            }
          }
          m[o + c] = max ? acc : acc / count;
        }
        o += window.c;
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
        const v = m[i]!;
        if (max) {
          if (v > acc || v !== v) acc = v;
        } else acc += v;
      }
      m[out + b * c + ch] = max ? acc : acc / pixels;
    }
  }
}
