import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../src/backends/onnx/proto.js";
import { initialWeights } from "../src/weights/init.js";
import { writeSafetensors } from "../src/weights/safetensors.js";
import { writeNpy } from "../src/weights/npy.js";
import { checkSources } from "./helpers.js";
import { checkpoint, declaring, png, progressiveJpeg, rows, statePickle } from "./hostile-files.js";

/*
 * No reader allocates more than a budget for a hostile file: each file runs through the command
 * that reads it (`node bin/dsnet.js`, built by `npm run build`) in a child process of its own,
 * which reports its peak RSS (`process.resourceUsage().maxRSS`, from a preloaded exit hook).
 * The budget is what the same command takes on a tiny valid file of the same kind, plus 64 MB.
 *
 * Measured on a loaded 2-core machine: every baseline is 67-72 MB, and every hostile file
 * peaks within 3 MB of its baseline but the PNG zip bomb (81 MB: it stops inflating at the
 * 12.6 MB its declared pixels take), each in 0.4-0.9 s of wall time, Node's start included.
 * Without their checks they would not pass: with the pixel budget taken out, the 8192×8192 PNG
 * decoded in 1.3 GB and 4 s; with the scan limit taken out, the JPEG of 50,000 scans took 23 s.
 */

const MB = 2 ** 20;
const BUDGET = 64 * MB;
/** Wall-clock per case: the work is under 1 s, the rest is starting Node on a loaded machine. */
const WALL_MS = 5000;

const dir = mkdtempSync(join(tmpdir(), "dsnet-hostile-rss-"));
const peakHook = join(dir, "peak.mjs");
writeFileSync(
  peakHook,
  `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(process.env.PEAK_FILE, String(process.resourceUsage().maxRSS * 1024)));
`,
);

let runs = 0;
/** Runs dsnet in a child process: its exit code, stderr, peak RSS in bytes and wall time. */
function dsnet(...args: string[]) {
  const peakFile = join(dir, `peak-${runs++}`);
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    ["--import", pathToFileURL(peakHook).href, "bin/dsnet.js", ...args],
    { encoding: "utf8", timeout: 60_000, env: { ...process.env, PEAK_FILE: peakFile } },
  );
  const ms = performance.now() - started;
  const peak = Number(readFileSync(peakFile, "utf8"));
  return { code: r.status, stderr: r.stderr, peak, ms };
}

const file = (name: string, data: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

// --- the files -------------------------------------------------------------------------------

const imageNet = file("image.dsnet", "input 4x4x3\nconv 3x3 4 -> gap\n");
const weightsNet = file("weights.dsnet", "input 4x4x2\nconv 1x1 3\n");
const validNpy = file("valid.npy", writeNpy([4, 4, 3], new Float32Array(48)));

/** A valid JPEG with its frame header's size replaced. */
function jpegDeclaring(width: number, height: number): Uint8Array {
  const bytes = Buffer.from(smallJpeg());
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  bytes.writeUInt16BE(height, sof + 5);
  bytes.writeUInt16BE(width, sof + 7);
  return bytes;
}

const smallJpeg = () =>
  jpeg.encode({ data: Buffer.alloc(4 * 4 * 4, 128), width: 4, height: 4 }, 90).data;

/** An .npy file with any header text and data. */
function npy(header: string, data: Uint8Array): Uint8Array {
  const padded = header.padEnd(118, " ") + "\n";
  const out = Buffer.alloc(10 + padded.length + data.length);
  out.write("\x93NUMPY", 0, "latin1");
  out.set([1, 0], 6);
  out.writeUInt16LE(padded.length, 8);
  out.write(padded, 10, "latin1");
  out.set(data, 10 + padded.length);
  return out;
}

/** A safetensors file of one header, as given, and `data` bytes. */
function safetensors(header: object | string, data = 0, headerLength?: number): Uint8Array {
  const json = Buffer.from(typeof header === "string" ? header : JSON.stringify(header));
  const out = Buffer.alloc(8 + json.length + data);
  out.writeBigUInt64LE(BigInt(headerLength ?? json.length));
  out.set(json, 8);
  return out;
}

const validSafetensors = () => {
  const network = checkSources("input 4x4x3\nconv 3x3 4 -> gap\n").networks[0];
  return writeSafetensors(
    initialWeights(network, 0).map(({ spec, data }) => ({
      name: spec.name,
      shape: spec.shape,
      data,
    })),
  );
};

/** The checkpoint with its end-of-directory record claiming 65,535 entries in 4 GB. */
function zipDirectoryLying(): Uint8Array {
  const out = Buffer.from(checkpoint());
  const end = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  out.writeUInt16LE(0xffff, end + 8);
  out.writeUInt16LE(0xffff, end + 10);
  out.writeUInt32LE(0xfffffff0, end + 12);
  return out;
}

let onnxModel: Uint8Array;
function onnxWith(change: (m: ReturnType<typeof decodeModel>) => void): Uint8Array {
  const m = decodeModel(onnxModel);
  change(m);
  return encodeModel(m);
}

/** A TF.js graph model: a 1x1 Conv2D of a 4x4x3 input, its 48-byte kernel in one shard. */
function tfjsModel(name: string, weights?: object[], shard: number | Uint8Array = 48): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  const shardPath = join(folder, "group1-shard1of1.bin");
  if (typeof shard === "number") {
    writeFileSync(shardPath, new Uint8Array());
    truncateSync(shardPath, shard); // sparse: nothing written
  } else writeFileSync(shardPath, shard);
  const f32 = { type: "DT_FLOAT" };
  const json = {
    format: "graph-model",
    generatedBy: "test",
    modelTopology: {
      node: [
        {
          name: "input",
          op: "Placeholder",
          attr: {
            dtype: f32,
            shape: {
              shape: { dim: [{ size: "-1" }, { size: "4" }, { size: "4" }, { size: "3" }] },
            },
          },
        },
        { name: "w", op: "Const", attr: { dtype: f32 } },
        {
          name: "conv",
          op: "Conv2D",
          input: ["input", "w"],
          attr: {
            T: f32,
            strides: { list: { i: ["1", "1", "1", "1"] } },
            padding: { s: Buffer.from("VALID").toString("base64") },
            data_format: { s: Buffer.from("NHWC").toString("base64") },
            dilations: { list: { i: ["1", "1", "1", "1"] } },
          },
        },
      ],
    },
    weightsManifest: [
      {
        paths: ["group1-shard1of1.bin"],
        weights: weights ?? [{ name: "w", shape: [1, 1, 3, 4], dtype: "float32" }],
      },
    ],
  };
  const path = join(folder, "model.json");
  writeFileSync(path, JSON.stringify(json));
  return path;
}

// --- the cases -------------------------------------------------------------------------------

type Kind = "png" | "jpeg" | "npy" | "weights" | "pth" | "onnx" | "tfjs";

/** The command that reads a file of each kind, writing to `out`. */
const commands: Record<Kind, (path: string, out: string) => string[]> = {
  png: (p, out) => ["run", imageNet, "--input", p, "--output", out + ".npy"],
  jpeg: (p, out) => ["run", imageNet, "--input", p, "--output", out + ".npy"],
  npy: (p, out) => ["run", imageNet, "--input", p, "--output", out + ".npy"],
  weights: (p, out) => [
    "run",
    imageNet,
    "--weights",
    p,
    "--input",
    validNpy,
    "--output",
    out + ".npy",
  ],
  pth: (p, out) => ["weights", "import", p, weightsNet, "-o", out + ".safetensors"],
  onnx: (p, out) => ["import", p, "-o", out + ".dsnet"],
  tfjs: (p, out) => ["import", p, "-o", out + ".dsnet"],
};
const outputs = (out: string) => [".npy", ".safetensors", ".dsnet"].map((e) => out + e);

/** A tiny valid file of each kind: its command's peak RSS is the baseline. */
const valid: Record<Kind, () => string> = {
  png: () => file("valid.png", png(4, 4, deflateSync(rows(4, 4)))),
  jpeg: () => file("valid.jpg", smallJpeg()),
  npy: () => validNpy,
  weights: () => file("valid.safetensors", validSafetensors()),
  pth: () => file("valid.pth", checkpoint()),
  onnx: () => join(dir, "valid.onnx"),
  tfjs: () => tfjsModel("valid", undefined, new Uint8Array(48)),
};

interface Case {
  name: string;
  kind: Kind;
  make: () => string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "PNG declaring 60000×60000",
    kind: "png",
    make: () => file("huge.png", png(60000, 60000, deflateSync(rows(4, 4)))),
    message: /60000×60000; dsnet reads images of 1 to/,
  },
  {
    // whole, valid image data: without the pixel budget it decodes, in 1.3 GB and 4 s
    name: "PNG of 8192×8192 black pixels in 196 KB, for a 4x4 network",
    kind: "png",
    make: () => file("8k.png", png(8192, 8192, deflateSync(rows(8192, 8192), { level: 9 }))),
    message: /8192×8192; .* for this network/,
  },
  {
    name: "PNG whose IDAT inflates to 256 MB (a zip bomb)",
    kind: "png",
    make: () =>
      file("bomb.png", png(2048, 2048, deflateSync(new Uint8Array(256 * MB), { level: 9 }))),
    message: /damaged \(its image data inflates to more than the 12584960 bytes/,
  },
  {
    name: "JPEG declaring 60000×60000",
    kind: "jpeg",
    make: () => file("huge.jpg", jpegDeclaring(60000, 60000)),
    message: /JPEG image is 60000×60000; dsnet reads images of 1 to/,
  },
  {
    name: "progressive JPEG of 50,000 scans in 650 KB",
    kind: "jpeg",
    make: () => file("scans.jpg", progressiveJpeg(50_000)),
    message: /more than 500 scans/,
  },
  {
    name: ".npy whose header claims 10000×10000×3 over 48 values",
    kind: "npy",
    make: () =>
      file(
        "lying.npy",
        npy(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 10000, 3), }",
          new Uint8Array(192),
        ),
      ),
    message: /needs 1200000000 bytes of data but the file has 192 \(is it truncated\?\)/,
  },
  {
    name: "safetensors header length claiming 8 GB",
    kind: "weights",
    make: () => file("long-header.safetensors", safetensors({}, 0, 2 ** 33)),
    message: /its header length is 8589934592 bytes, more than/,
  },
  {
    name: "safetensors shape of 2^60 elements",
    kind: "weights",
    make: () =>
      file(
        "huge-shape.safetensors",
        safetensors(
          { w: { dtype: "F32", shape: [2 ** 20, 2 ** 20, 2 ** 20], data_offsets: [0, 16] } },
          16,
        ),
      ),
    message: /shape \[1048576, 1048576, 1048576\] has more than 2\^31 elements/,
  },
  {
    name: "safetensors data offset 1 GB past the end",
    kind: "weights",
    make: () =>
      file(
        "past-end.safetensors",
        safetensors({ w: { dtype: "F32", shape: [2 ** 28], data_offsets: [0, 2 ** 30] } }, 16),
      ),
    message: /data_offsets \[0, 1073741824\] past the end of the data \(16 bytes/,
  },
  {
    name: ".pth stored entry claiming 4 GB",
    kind: "pth",
    make: () => file("entry.pth", declaring(checkpoint(), "archive/data/0", 0xfffffff0)),
    message: /dsnet: .*archive\/data\/0 declares 4294967280 bytes/,
  },
  {
    name: ".pth central directory claiming 65,535 entries in 4 GB",
    kind: "pth",
    make: () => file("directory.pth", zipDirectoryLying()),
    message: /its zip directory claims 65535 entries/,
  },
  {
    name: ".pth pickle storage of 2^40 elements",
    kind: "pth",
    make: () => file("storage.pth", checkpoint(statePickle({ count: 2 ** 40 }))),
    message: /storage 0 declares 1099511627776 elements but holds 6/,
  },
  {
    name: "ONNX initializer of 2^28 values with 10 bytes of raw_data",
    kind: "onnx",
    make: () =>
      file(
        "short.onnx",
        onnxWith((m) => {
          m.graph.initializer[0].dims = [2 ** 14, 2 ** 14, 1, 1];
          m.graph.initializer[0].raw_data = new Uint8Array(10);
        }),
      ),
    message: /has dims 16384x16384x1x1 \(268435456 values\) but 10 bytes of data/,
  },
  {
    name: "ONNX initializer of 10^12 values",
    kind: "onnx",
    make: () =>
      file(
        "dims.onnx",
        onnxWith((m) => void (m.graph.initializer[0].dims = [1e6, 1e6, 1, 1])),
      ),
    message: /too large/,
  },
  {
    name: "ONNX length prefix of 2 GB in 12 bytes",
    kind: "onnx",
    // field 7 (graph), length-delimited, length 2^31, then a few bytes
    make: () =>
      file("prefix.onnx", new Uint8Array([0x3a, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 2, 3, 4, 5, 6])),
    message: /truncated or damaged/,
  },
  {
    name: "TF.js weight of 2^40 elements",
    kind: "tfjs",
    make: () =>
      tfjsModel("huge-shape", [{ name: "w", shape: [2 ** 20, 2 ** 20], dtype: "float32" }]),
    message: /more than \d+ values/,
  },
  {
    name: "TF.js manifest needing 1 GB from a 48-byte shard",
    kind: "tfjs",
    make: () =>
      tfjsModel(
        "needs-more",
        [{ name: "w", shape: [2 ** 28], dtype: "float32" }],
        new Uint8Array(48),
      ),
    message: /need 1073741824 bytes but its shards .* hold 48 \(truncated\?\)/,
  },
  {
    name: "TF.js 48-byte weights with a 4 GB shard",
    kind: "tfjs",
    make: () => tfjsModel("shard-longer", undefined, 2 ** 32),
    message: /need 48 bytes but its shards .* hold 4294967296$/,
  },
];

const baselines = new Map<Kind, number>();

beforeAll(() => {
  if (!existsSync("dist/cli.mjs")) throw new Error("dist/cli.mjs is missing: run `npm run build`");
  const made = dsnet("compile", imageNet, "--target", "onnx", "-o", join(dir, "valid.onnx"));
  expect(made.code).toBe(0);
  onnxModel = readFileSync(join(dir, "valid.onnx"));
  for (const kind of Object.keys(commands) as Kind[]) {
    const out = join(dir, `valid-out-${kind}`);
    const r = dsnet(...commands[kind](valid[kind](), out));
    expect(r.stderr).not.toMatch(/^dsnet: (?!no --weights)/m);
    expect(r.code).toBe(0);
    baselines.set(kind, r.peak);
  }
}, 120_000);

describe("hostile files cost little memory and time, in a process of their own", () => {
  it.each(cases)(
    "$name",
    ({ name, kind, make, message }) => {
      const out = join(dir, `out-${name.replace(/\W+/g, "-")}`);
      const r = dsnet(...commands[kind](make(), out));
      const baseline = baselines.get(kind)!;
      console.log(
        `${name}: peak ${(r.peak / MB).toFixed(0)} MB (baseline ${(baseline / MB).toFixed(0)} MB, budget ${((baseline + BUDGET) / MB).toFixed(0)}), ${r.ms.toFixed(0)} ms: ${r.stderr.trim()}`,
      );
      expect(r.code).toBe(1);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^dsnet: /);
      expect(lines[0]).toMatch(message);
      expect(r.ms).toBeLessThan(WALL_MS);
      expect(r.peak).toBeLessThan(baseline + BUDGET);
      for (const path of outputs(out)) expect(existsSync(path)).toBe(false);
    },
    30_000,
  );
});
