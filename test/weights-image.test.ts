import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { FileError } from "../src/weights/errors.js";
import { normalize, readImage, readJpeg, readPng, resizeBilinear } from "../src/weights/image.js";
import { progressiveJpeg } from "./hostile-files.js";

/** Encodes 8-bit RGBA samples as a PNG of the given colour type with pngjs. */
function encode(width: number, height: number, rgba: number[], colorType: 0 | 2 | 4 | 6) {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  const bytes = PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
  return new Uint8Array(bytes); // a copy: a Buffer may be a view into a shared pool
}

/** A FileError whose message contains `part`. */
const refusal = (part: string) =>
  expect.objectContaining({ name: "FileError", message: expect.stringContaining(part) });

function close(actual: Float32Array, expected: number[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, 6));
}

describe("readPng", () => {
  // A 2×1 image: a reddish pixel and a half-transparent blue one.
  const rgba = [255, 0, 51, 255, 0, 102, 255, 128];

  it("reads RGB as height × width × 3 values from 0 to 1", () => {
    const image = readPng(
      encode(
        2,
        1,
        rgba.map((v, i) => (i % 4 === 3 ? 255 : v)),
        2,
      ),
    );
    expect(image.width).toBe(2);
    expect(image.height).toBe(1);
    expect(image.channels).toBe(3);
    close(image.data, [1, 0, 0.2, 0, 0.4, 1]);
  });

  it("drops alpha", () => {
    close(readPng(encode(2, 1, rgba, 6)).data, [1, 0, 0.2, 0, 0.4, 1]);
  });

  it("repeats grey into the three channels, with or without alpha", () => {
    const grey = [51, 51, 51, 255, 255, 255, 255, 0];
    close(readPng(encode(2, 1, grey, 0)).data, [0.2, 0.2, 0.2, 1, 1, 1]);
    close(readPng(encode(2, 1, grey, 4)).data, [0.2, 0.2, 0.2, 1, 1, 1]);
  });

  it("keeps the full precision of 16-bit images", () => {
    const png = new PNG({ width: 1, height: 2 });
    const samples = new Uint16Array([1, 2, 3, 65535, 65535, 0, 32768, 65535]);
    png.data = Buffer.from(samples.buffer);
    const bytes = PNG.sync.write(png, {
      colorType: 2,
      bitDepth: 16,
      inputColorType: 6,
      inputHasAlpha: true,
    });
    close(readPng(bytes).data, [1 / 65535, 2 / 65535, 3 / 65535, 1, 0, 32768 / 65535]);
  });

  it("lays rows out one after another", () => {
    const pixels = [10, 20, 30, 40, 50, 60].flatMap((v) => [v, v, v, 255]);
    const image = readPng(encode(3, 2, pixels, 2));
    expect([image.height, image.width]).toEqual([2, 3]);
    close(
      image.data.filter((_, i) => i % 3 === 0),
      [10, 20, 30, 40, 50, 60].map((v) => v / 255),
    );
  });

  it("refuses what is not a PNG, and says so", () => {
    expect(() => readPng(new Uint8Array(0))).toThrow(
      new FileError("the image is not a PNG (it does not start with the PNG signature)"),
    );
    expect(() => readPng(new TextEncoder().encode("P6 2 2 255 ..."))).toThrow(refusal("not a PNG"));
    const jpeg = new Uint8Array(64);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(() => readPng(jpeg)).toThrow(
      new FileError("the image is a JPEG, not a PNG: readImage reads both"),
    );
  });

  it("refuses a damaged PNG", () => {
    const bytes = encode(2, 1, rgba, 6);
    expect(() => readPng(bytes.subarray(0, bytes.length - 20))).toThrow(
      refusal("the PNG image is damaged"),
    );
    const corrupt = bytes.slice();
    corrupt[30] ^= 0xff; // inside IHDR: the CRC no longer matches
    expect(() => readPng(corrupt)).toThrow(refusal("the PNG image is damaged"));
  });

  it("refuses a huge image before decoding it", () => {
    const bytes = encode(2, 1, rgba, 6);
    new DataView(bytes.buffer).setUint32(16, 100000);
    new DataView(bytes.buffer).setUint32(20, 100000);
    expect(() => readPng(bytes)).toThrow(
      new FileError("the PNG image is 100000×100000; dsnet reads images of 1 to 67108864 pixels"),
    );
  });
});

describe("resizeBilinear", () => {
  it("upsamples 2×2 to 4×4 with half-pixel centres", () => {
    // Output pixel o samples the input at max(0, (o + 0.5) / 2 - 0.5): 0, 0.25, 0.75, 1.25,
    // the last clamped to the edge, so along each axis the weights of [a, b] give
    // a, 0.75a + 0.25b, 0.25a + 0.75b, b.
    const out = resizeBilinear(new Float32Array([0, 1, 2, 3]), 2, 2, 1, 4, 4);
    close(out, [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it("downsamples 4×4 to 2×2 by averaging each 2×2 block", () => {
    const input = new Float32Array(16).map((_, i) => i);
    close(resizeBilinear(input, 4, 4, 1, 2, 2), [2.5, 4.5, 10.5, 12.5]);
  });

  it("interpolates each channel on its own", () => {
    // 1×2 RGB, to 1×4: channel k of pixel x is 10k + x.
    const input = new Float32Array([0, 10, 20, 1, 11, 21]);
    const out = resizeBilinear(input, 1, 2, 3, 1, 4);
    close(out, [0, 10, 20, 0.25, 10.25, 20.25, 0.75, 10.75, 20.75, 1, 11, 21]);
  });

  it("leaves an image of the same size unchanged", () => {
    const input = new Float32Array(5 * 7 * 3).map((_, i) => Math.sin(i));
    expect(resizeBilinear(input, 5, 7, 3, 5, 7)).toEqual(input);
  });

  it("resizes to unrelated sizes", () => {
    // 3 → 2: samples at 0.25 and 1.75.
    close(resizeBilinear(new Float32Array([0, 4, 8]), 1, 3, 1, 1, 2), [1, 7]);
  });

  it("refuses sizes that do not fit the data", () => {
    expect(() => resizeBilinear(new Float32Array(5), 2, 2, 1, 4, 4)).toThrow(
      new FileError("cannot resize: a 2×2×1 image has 4 values, not 5"),
    );
    expect(() => resizeBilinear(new Float32Array(4), 2, 2, 1, 0, 4)).toThrow(
      new FileError("cannot resize: outH is 0, not a positive whole number"),
    );
  });
});

describe("normalize", () => {
  it("subtracts each channel's mean and divides by its deviation", () => {
    const data = new Float32Array([0.5, 0.5, 0.5, 1, 0, 0.25]);
    close(normalize(data, 3, [0.5, 0.25, 0], [0.5, 0.25, 0.125]), [0, 1, 4, 1, -1, 2]);
  });

  it("refuses means and deviations that do not fit", () => {
    expect(() => normalize(new Float32Array(3), 3, [0, 0], [1, 1, 1])).toThrow(
      new FileError("cannot normalize 3 channels with 2 means and 3 standard deviations"),
    );
    expect(() => normalize(new Float32Array(3), 3, [0, 0, 0], [1, 0, 1])).toThrow(
      refusal("non-zero"),
    );
    expect(() => normalize(new Float32Array(4), 3, [0, 0, 0], [1, 1, 1])).toThrow(
      new FileError("cannot normalize: 4 values are not a whole number of 3-channel pixels"),
    );
  });
});

describe("readJpeg and readImage", () => {
  // A 16×8 gradient, encoded by jpeg-js at full quality.
  const width = 16;
  const height = 8;
  const rgba = Array.from({ length: width * height * 4 }, (_, i) =>
    i % 4 === 3 ? 255 : ((i >> 2) * 7 + (i % 4) * 40) % 256,
  );
  const bytes = new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, 100).data);

  it("reads a JPEG as the RGB values jpeg-js decodes, from 0 to 1", () => {
    const image = readImage(bytes);
    expect([image.width, image.height, image.channels]).toEqual([width, height, 3]);
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    close(
      image.data,
      Array.from(decoded.data, (v) => v / 255),
    );
  });

  it("refuses a JPEG declaring more pixels than the budget, before decoding it", () => {
    // The frame header says 60000×60000; the rest of the file is a few bytes.
    const huge = Uint8Array.from([
      0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11,
      1, 0xff, 0xd9,
    ]);
    expect(() => readJpeg(huge, 2 ** 22)).toThrow(refusal("the JPEG image is 60000×60000"));
  });

  it("reads a progressive JPEG of 500 scans, the most it takes, and refuses one of 501", () => {
    // 16x16 grey: every coefficient 0, so every pixel 128 (jpeg-js's level shift).
    const image = readJpeg(progressiveJpeg(500, 16));
    expect([image.width, image.height, image.channels]).toEqual([16, 16, 3]);
    expect(new Set(image.data)).toEqual(new Set([Math.fround(128 / 255)]));
    expect(() => readJpeg(progressiveJpeg(501, 16))).toThrow(
      refusal("the JPEG image has more than 500 scans"),
    );
  });

  it("refuses a damaged JPEG with a FileError", () => {
    expect(() => readJpeg(bytes.subarray(0, 200))).toThrow(refusal("the JPEG image is damaged"));
  });

  it("refuses what is neither a PNG nor a JPEG", () => {
    expect(() => readImage(new TextEncoder().encode("GIF89a..."))).toThrow(
      refusal("neither a PNG nor a JPEG"),
    );
  });
});

describe("resizeBilinear's modes match TF.js's resizeBilinear", () => {
  const [h, w, c, outH, outW] = [5, 7, 2, 3, 11];
  const data = Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 1.7));
  it.each([
    ["half-pixel", false, true],
    ["align-corners", true, false],
    ["asymmetric", false, false],
  ] as const)(
    "%s (alignCorners %s, halfPixelCenters %s)",
    async (mode, alignCorners, halfPixel) => {
      await tf.setBackend("cpu");
      const expected = tf.image
        .resizeBilinear(
          tf.tensor(data, [1, h, w, c]) as tf.Tensor4D,
          [outH, outW],
          alignCorners,
          halfPixel,
        )
        .dataSync();
      const got = resizeBilinear(data, h, w, c, outH, outW, mode);
      expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-6);
    },
  );
});
