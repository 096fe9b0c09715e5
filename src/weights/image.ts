import { inflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { FileError } from "./errors.js";

/** An RGB image, height × width × channels, values from 0 to 1. */
export interface Image {
  width: number;
  height: number;
  channels: 3;
  data: Float32Array;
}

/** The largest image decoded (64 Mpixels): a bound checked before pngjs or jpeg-js allocates. */
const MAX_PIXELS = 2 ** 26;

/**
 * The most pixels worth decoding for a network that takes `inputPixels`: 16 times those, or
 * 4 Mpixels (2048×2048) if that is more, and never past MAX_PIXELS. An 8 KB file can declare
 * 8192×8192 pixels; decoding that for a 4x4 network took 16 s and 1.1 GB.
 */
export function pixelBudget(inputPixels: number): number {
  return Math.min(MAX_PIXELS, Math.max(16 * inputPixels, 2 ** 22));
}

/**
 * Refuses an image whose declared size is empty or past `maxPixels` (and MAX_PIXELS), before
 * a decoder allocates for it; returns the bound that applied.
 */
function checkSize(format: string, width: number, height: number, maxPixels: number): number {
  const limit = Math.min(maxPixels, MAX_PIXELS);
  if (width === 0 || height === 0 || width * height > limit) {
    throw new FileError(
      `the ${format} image is ${width}×${height}; dsnet reads images of 1 to ${limit} pixels` +
        (limit < MAX_PIXELS
          ? " for this network (16 times its input, at least 4 Mpixels): resize it first"
          : ""),
    );
  }
  return limit;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads a PNG as RGB values from 0 to 1, at the file's full bit depth. Grey is repeated into
 * the three channels; alpha is dropped.
 */
export function readPng(bytes: Uint8Array, maxPixels = MAX_PIXELS): Image {
  if (bytes.byteLength < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    throw new FileError(
      jpeg
        ? "the image is a JPEG, not a PNG: readImage reads both"
        : "the image is not a PNG (it does not start with the PNG signature)",
    );
  }
  // The IHDR chunk comes first: check the size it states before anything is allocated for it.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  checkSize("PNG", width, height, maxPixels);
  checkImageData(bytes, view, width, height);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: true,
    });
  } catch (e) {
    throw new FileError(`the PNG image is damaged (${e instanceof Error ? e.message : e})`);
  }
  const pixels = png.width * png.height;
  if (png.width !== width || png.height !== height || png.data.length < pixels * 4) {
    throw new FileError("the PNG image is damaged (pngjs decoded fewer pixels than it declares)");
  }
  // Without rescaling, samples run to 2^depth - 1; palette entries are always 8-bit.
  const max = png.palette ? 255 : 2 ** png.depth - 1;
  const rgba = png.data;
  const data = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) data[3 * p + k] = rgba[4 * p + k] / max;
  }
  return { width: png.width, height: png.height, channels: 3, data };
}

/** Channels per pixel of each PNG colour type: grey, RGB, palette, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Checks the image data before pngjs sees it: the IDAT chunks together must be one zlib stream
 * that inflates to exactly the filtered rows the header declares. pngjs's synchronous inflate
 * hands back its buffer unfilled for data that is not zlib, and accepts data that inflates to
 * too little, so a damaged file would decode into whatever memory held.
 */
function checkImageData(bytes: Uint8Array, view: DataView, width: number, height: number) {
  const depth = bytes[24];
  const channels = CHANNELS[bytes[25]];
  const interlaced = bytes[28] === 1;
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth)) {
    throw new FileError(`the PNG image is damaged (colour type ${bytes[25]}, depth ${depth})`);
  }
  // Each row is a filter byte and its samples, whole bytes; Adam7 stores seven smaller passes.
  const rowBytes = (w: number) => (w === 0 ? 0 : 1 + Math.ceil((w * channels * depth) / 8));
  const passes = interlaced
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  let expected = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) expected += h * rowBytes(w);
  }
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.byteLength;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.byteLength) break; // pngjs reports the truncation
    if (type === "IDAT") parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === "IEND") break;
    at = end;
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(parts), { maxOutputLength: expected });
  } catch (e) {
    const tooLong = (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new FileError(
      tooLong
        ? `the PNG image is damaged (its image data inflates to more than the ${expected} bytes its ${width}×${height} pixels take)`
        : `the PNG image is damaged (its image data is not a whole zlib stream: ${e instanceof Error ? e.message : e})`,
    );
  }
  if (inflated.length !== expected) {
    throw new FileError(
      `the PNG image is damaged (its image data inflates to ${inflated.length} bytes, but its ${width}×${height} pixels take ${expected})`,
    );
  }
}

const SOI = [0xff, 0xd8, 0xff];

/** A PNG or a JPEG, told apart by their first bytes; anything else is refused. */
export function readImage(bytes: Uint8Array, maxPixels = MAX_PIXELS): Image {
  if (SOI.every((b, i) => bytes[i] === b)) return readJpeg(bytes, maxPixels);
  if (SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new FileError("the image is neither a PNG nor a JPEG (by its first bytes)");
  }
  return readPng(bytes, maxPixels);
}

/**
 * Reads a baseline or progressive JPEG with jpeg-js as RGB values from 0 to 1. The size its
 * frame header declares is checked before jpeg-js allocates, and jpeg-js's own resolution and
 * memory caps are set to the same bound.
 */
export function readJpeg(bytes: Uint8Array, maxPixels = MAX_PIXELS): Image {
  const declared = jpegSize(bytes);
  if (!declared) throw new FileError("the JPEG image is damaged (it has no frame header)");
  const { width, height } = declared;
  const limit = checkSize("JPEG", width, height, maxPixels);
  const scans = jpegScans(bytes);
  if (scans > MAX_SCANS) {
    throw new FileError(
      `the JPEG image has more than ${MAX_SCANS} scans; dsnet reads at most ${MAX_SCANS} (encoders write about 10)`,
    );
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: limit / 1e6,
      // Components at full resolution and the RGB output, with room for jpeg-js's tables.
      maxMemoryUsageInMB: Math.ceil((limit * 8) / 2 ** 20) + 64,
    });
  } catch (e) {
    throw new FileError(`the JPEG image is damaged (${e instanceof Error ? e.message : e})`);
  }
  const pixels = decoded.width * decoded.height;
  if (decoded.width !== width || decoded.height !== height || decoded.data.length < pixels * 3) {
    throw new FileError(
      "the JPEG image is damaged (jpeg-js decoded fewer pixels than it declares)",
    );
  }
  const data = new Float32Array(pixels * 3);
  for (let i = 0; i < data.length; i++) data[i] = decoded.data[i] / 255;
  return { width, height, channels: 3, data };
}

/**
 * The most scans a JPEG may have: encoders write one (baseline) or about 10 (progressive), and
 * jpeg-js walks every block of the image for each scan, so 50,000 scans of 13 bytes each in a
 * 650 KB file took seconds (libjpeg-turbo recommends a limit of 500 for the same reason).
 */
const MAX_SCANS = 500;

/** How many scans (SOS markers) a JPEG has, counting to one past MAX_SCANS at most. */
function jpegScans(bytes: Uint8Array): number {
  let scans = 0;
  for (let at = 2; at + 3 < bytes.byteLength && scans <= MAX_SCANS;) {
    if (bytes[at] !== 0xff) return scans; // jpeg-js reports what is wrong
    const marker = bytes[at + 1];
    if (marker === 0xff || (marker >= 0xd0 && marker <= 0xd7)) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) return scans;
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    if (marker !== 0xda) continue;
    scans++;
    // The entropy-coded data runs to the next marker: 0xFF not followed by a stuffed 0 or a restart.
    while (
      at + 1 < bytes.byteLength &&
      !(bytes[at] === 0xff && bytes[at + 1] !== 0 && (bytes[at + 1] < 0xd0 || bytes[at + 1] > 0xd7))
    ) {
      at++;
    }
  }
  return scans;
}

/** The width and height a JPEG's first frame header (SOF0 to SOF15) declares. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  for (let at = 2; at + 9 < bytes.byteLength;) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const frame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (frame) {
      return {
        height: (bytes[at + 5] << 8) | bytes[at + 6],
        width: (bytes[at + 7] << 8) | bytes[at + 8],
      };
    }
    if (marker === 0xda || length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

/**
 * Where the output pixels of a resize sample the input:
 * - `half-pixel`: pixel centres at +0.5 (source = (o + 0.5)·in/out − 0.5): PyTorch's
 *   `align_corners=False`, TF's `half_pixel_centers=True`, Pillow and OpenCV;
 * - `align-corners`: the corner pixels of both coincide (source = o·(in − 1)/(out − 1)): PyTorch's
 *   and TF's `align_corners=True`;
 * - `asymmetric`: source = o·in/out, TF.js's `tf.image.resizeBilinear` with its defaults
 *   (alignCorners and halfPixelCenters both false), as older TF code resized.
 */
export type ResizeMode = "half-pixel" | "align-corners" | "asymmetric";

export const RESIZE_MODES: readonly ResizeMode[] = ["half-pixel", "align-corners", "asymmetric"];

/**
 * Resizes an image (height × width × channels) by bilinear interpolation, without
 * antialiasing, sampling as `mode` says (PyTorch's `F.interpolate(mode="bilinear")` by default).
 */
export function resizeBilinear(
  hwc: Float32Array,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
  mode: ResizeMode = "half-pixel",
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
  const ys = samplePoints(h, outH, mode);
  const xs = samplePoints(w, outW, mode);
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

/** Where each output position samples the input along one axis. */
function samplePoints(inSize: number, outSize: number, mode: ResizeMode) {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const fraction = new Float64Array(outSize);
  const corners = mode === "align-corners" && outSize > 1;
  const scale = corners ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = Math.max(0, mode === "half-pixel" ? (o + 0.5) * scale - 0.5 : o * scale);
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
