import { PNG } from "pngjs";
import { FileError } from "./errors.js";

/** An RGB image, height × width × channels, values from 0 to 1. */
export interface Image {
  width: number;
  height: number;
  channels: 3;
  data: Float32Array;
}

/** The largest image readPng decodes (64 Mpixels): a bound checked before pngjs allocates. */
const MAX_PIXELS = 2 ** 26;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads a PNG as RGB values from 0 to 1, at the file's full bit depth. Grey is repeated into
 * the three channels; alpha is dropped.
 */
export function readPng(bytes: Uint8Array): Image {
  if (bytes.byteLength < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    throw new FileError(
      jpeg
        ? "the image is a JPEG; dsnet reads PNG images only"
        : "the image is not a PNG (it does not start with the PNG signature)",
    );
  }
  // The IHDR chunk comes first: check the size it states before anything is allocated for it.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width * height > MAX_PIXELS) {
    throw new FileError(
      `the PNG image is ${width}×${height}; dsnet reads images of 1 to ${MAX_PIXELS} pixels`,
    );
  }
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: true,
    });
  } catch (e) {
    throw new FileError(`the PNG image is damaged (${e instanceof Error ? e.message : e})`);
  }
  // Without rescaling, samples run to 2^depth - 1; palette entries are always 8-bit.
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  const rgba = png.data;
  const pixels = png.width * png.height;
  const data = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) data[3 * p + k] = rgba[4 * p + k] / max;
  }
  return { width: png.width, height: png.height, channels: 3, data };
}

/**
 * Resizes an image (height × width × channels) by bilinear interpolation with half-pixel
 * centres, as PyTorch's `F.interpolate(mode="bilinear", align_corners=False)` without
 * antialiasing.
 */
export function resizeBilinear(
  hwc: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Float32Array {
  for (const [name, n] of Object.entries({ h, w, c, outH, outW })) {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new FileError(`cannot resize: ${name} is ${n}, not a positive whole number`);
    }
  }
  if (hwc.length !== h * w * c) {
    throw new FileError(
      `cannot resize: a ${h}×${w}×${c} image has ${h * w * c} values, not ${hwc.length}`,
    );
  }
  const ys = samplePoints(h, outH);
  const xs = samplePoints(w, outW);
  const out = new Float32Array(outH * outW * c);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = ys.low[oy];
    const y1 = ys.high[oy];
    const fy = ys.fraction[oy];
    for (let ox = 0; ox < outW; ox++) {
      const x0 = xs.low[ox];
      const x1 = xs.high[ox];
      const fx = xs.fraction[ox];
      const p00 = (y0 * w + x0) * c;
      const p01 = (y0 * w + x1) * c;
      const p10 = (y1 * w + x0) * c;
      const p11 = (y1 * w + x1) * c;
      for (let k = 0; k < c; k++) {
        const top = (1 - fx) * hwc[p00 + k] + fx * hwc[p01 + k];
        const bottom = (1 - fx) * hwc[p10 + k] + fx * hwc[p11 + k];
        out[(oy * outW + ox) * c + k] = (1 - fy) * top + fy * bottom;
      }
    }
  }
  return out;
}

/** Where each output position samples the input along one axis, as PyTorch computes it. */
function samplePoints(inSize: number, outSize: number) {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const fraction = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = Math.max(0, (o + 0.5) * scale - 0.5);
    low[o] = Math.min(Math.floor(source), inSize - 1);
    high[o] = Math.min(low[o] + 1, inSize - 1);
    fraction[o] = source - low[o];
  }
  return { low, high, fraction };
}

/** `(x - mean[c]) / std[c]` for each value of an interleaved (…, channels) array. */
export function normalize(
  data: Float32Array,
  channels: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  if (mean.length !== channels || std.length !== channels) {
    throw new FileError(
      `cannot normalize ${channels} channels with ${mean.length} means and ${std.length} standard deviations`,
    );
  }
  if (std.some((s) => s === 0 || !Number.isFinite(s))) {
    throw new FileError(`cannot normalize: standard deviations must be finite and non-zero`);
  }
  if (data.length % channels !== 0) {
    throw new FileError(
      `cannot normalize: ${data.length} values are not a whole number of ${channels}-channel pixels`,
    );
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const k = i % channels;
    out[i] = (data[i] - mean[k]) / std[k];
  }
  return out;
}
