import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { writeNpy } from "../src/weights/npy.js";
import { cli } from "./helpers.js";

/* `dsnet run`'s inputs (images by their type, unknown types refused) and its output options. */

const dir = mkdtempSync(join(tmpdir(), "dsnet-run-input-"));
const file = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

// normalize, then a per-pixel classifier over 4 classes: exercises the constant affine node.
const net = file(
  "net.dsnet",
  "network n {\n  input 4x6x3\n  normalize mean=[0.5, 0.25, 0] std=[0.5, 0.25, 2]\n  pw 4 -> gap -> softmax\n}\n",
);
const [width, height] = [6, 4];
const rgba = Array.from({ length: width * height * 4 }, (_, i) =>
  i % 4 === 3 ? 255 : (i * 37) % 256,
);
const jpegBytes = new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, 95).data);
const pixels = Float32Array.from(
  jpeg.decode(jpegBytes, { useTArray: true, formatAsRGBA: false }).data,
  (v) => v / 255,
);

describe("dsnet run inputs", () => {
  it("reads a JPEG as the pixels jpeg-js decodes, the same answer as those pixels in a .npy", async () => {
    const fromJpeg = await cli("run", net, "--input", file("x.jpg", jpegBytes), "--json", "--all");
    const fromNpy = await cli(
      "run",
      net,
      "--input",
      file("x.npy", writeNpy([height, width, 3], pixels)),
      "--json",
      "--all",
    );
    expect(fromJpeg.code).toBe(0);
    expect(JSON.parse(fromJpeg.stdout)).toEqual(JSON.parse(fromNpy.stdout));
  });

  it("applies normalize the same on the CPU plan and in the generated TypeScript module", async () => {
    const input = file("x2.npy", writeNpy([height, width, 3], pixels));
    const cpu = JSON.parse((await cli("run", net, "--input", input, "--json", "--all")).stdout);
    const ts = JSON.parse(
      (await cli("run", net, "--input", input, "--json", "--all", "--backend", "ts")).stdout,
    );
    cpu.samples[0].output.forEach((v: number, i: number) =>
      expect(ts.samples[0].output[i]).toBeCloseTo(v, 6),
    );
  });

  it.each([
    ["an unknown file type", "x.txt", "hello", /dsnet does not know this kind of input \(\.txt\)/],
    ["a .jpg that is not an image", "bad.jpg", "hello, not a JPEG", /neither a PNG nor a JPEG/],
    ["a truncated JPEG", "cut.jpg", jpegBytes.subarray(0, 120), /the JPEG image is damaged/],
    [
      "a JPEG declaring 60000x60000 pixels",
      "huge.jpg",
      Uint8Array.from([
        0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3, 1, 0x22, 0, 2, 0x11, 1, 3,
        0x11, 1, 0xff, 0xd9,
      ]),
      /the JPEG image is 60000×60000; dsnet reads images of 1 to \d+ pixels for this network/,
    ],
  ] as const)("refuses %s: one dsnet: line, exit 1", async (_name, name, data, message) => {
    const r = await cli("run", net, "--input", file(name, data));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^dsnet: /);
    expect(r.stderr).toMatch(message);
  });

  it("refuses an unknown --resize mode", async () => {
    const r = await cli("run", net, "--input", file("x3.jpg", jpegBytes), "--resize", "nearest");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--resize takes half-pixel, align-corners, asymmetric, got nearest");
  });
});

describe("dsnet run output options", () => {
  const input = file(
    "y.npy",
    writeNpy(
      [2, height, width, 3],
      Float32Array.from({ length: 2 * height * width * 3 }, (_, i) => ((i * 13) % 17) / 17),
    ),
  );
  const labels = file("labels.txt", "cat\ndog\nbird\nfish\n");

  it("--labels prints each top entry's name", async () => {
    const plain = await cli("run", net, "--input", input, "--top", "2");
    const named = await cli("run", net, "--input", input, "--top", "2", "--labels", labels);
    expect(named.code).toBe(0);
    // The same entries, each followed by its name.
    const names = ["cat", "dog", "bird", "fish"];
    const expected = plain.stdout.replace(/(\d+) \(/g, (_m, i) => `${i} ${names[Number(i)]} (`);
    expect(named.stdout).toBe(expected);
  });

  it("--labels must give one name per class", async () => {
    const r = await cli("run", net, "--input", input, "--labels", file("three.txt", "a\nb\nc\n"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^dsnet: .*three\.txt has 3 labels, but the network's output has 4 values per sample/,
    );
  });

  it("--json prints each sample's top entries with labels, and --all the whole output", async () => {
    const r = await cli(
      "run",
      net,
      "--input",
      input,
      "--json",
      "--all",
      "--top",
      "3",
      "--labels",
      labels,
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      shape: number[];
      samples: { top: { index: number; score: number; label: string }[]; output: number[] }[];
    };
    expect(json.shape).toEqual([2, 1, 1, 4]);
    expect(json.samples).toHaveLength(2);
    for (const sample of json.samples) {
      expect(sample.output).toHaveLength(4);
      expect(sample.output.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const order = [...sample.output.keys()].sort((a, b) => sample.output[b] - sample.output[a]);
      expect(sample.top.map((t) => t.index)).toEqual(order.slice(0, 3));
      expect(sample.top.map((t) => t.label)).toEqual(
        order.slice(0, 3).map((i) => ["cat", "dog", "bird", "fish"][i]),
      );
      expect(sample.top.map((t) => t.score)).toEqual(
        order.slice(0, 3).map((i) => sample.output[i]),
      );
    }
    const short = JSON.parse((await cli("run", net, "--input", input, "--json")).stdout);
    expect(short.samples[0].output).toBeUndefined();
  });
});
