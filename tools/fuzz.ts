/*
 * `npm run fuzz -- [cases] [seed]`: fast-check over everything that reads user input, looking
 * for what the tests cannot enumerate. Per case it runs one of:
 *   - the parser and checker on random text, token soup, or a mutated example;
 *   - for a program that checks clean, lowering and every backend's compile step: the CPU plan
 *     (whose steps the generated TypeScript prints), WGSL and ONNX;
 *   - every file reader (safetensors, npy, PNG, JPEG, PyTorch checkpoints, the ONNX importer) on
 *     a mutated valid file;
 *   - the TF.js importer on a folder of model.json and its shard, from a small valid layers or
 *     graph model: model.json mutated as JSON (values replaced by other numbers, shapes, dtypes
 *     and huge values, keys removed, parts copied elsewhere) or as bytes, the shard as bytes.
 * It reports exceptions that escape (anything but a diagnostic or a FileError), cases over 2 s,
 * and programs that check clean and then fail in a backend; exit 1 if there were any.
 * For a length of time rather than a count: `npm run fuzz -- --minutes 60 [seed]`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { exportOnnx } from "../src/backends/onnx/export.js";
import { compileWgsl } from "../src/backends/wgsl/compile.js";
import { checkText } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { FileError } from "../src/weights/errors.js";
import { importModel } from "../src/import/index.js";
import { pixelBudget, readJpeg, readPng } from "../src/weights/image.js";
import { readTorchCheckpoint } from "../src/weights/import/torch.js";
import { initialWeights } from "../src/weights/init.js";
import { readNpy } from "../src/weights/npy.js";
import { readSafetensors } from "../src/weights/safetensors.js";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";

const args = process.argv.slice(2);
const minutes = args[0] === "--minutes" ? Number(args[1]) : undefined;
const [count, seedArg] = minutes === undefined ? args : [undefined, args[2]];
if (minutes !== undefined && !(minutes > 0)) throw new Error("usage: fuzz --minutes M [seed]");
const cases = minutes === undefined ? Number(count ?? 2000) : Number.POSITIVE_INFINITY;
const seed = Number(seedArg ?? Date.now() % 1_000_000);
const SLOW_MS = 2000;

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name), ext)
      : e.name.endsWith(ext)
        ? [join(dir, e.name)]
        : [],
  );
const examples = files("examples", ".dsnet").map((f) => readFileSync(f, "utf8"));
const small = (paths: string[]) =>
  paths
    .map((p) => new Uint8Array(readFileSync(p)))
    .filter((b) => b.byteLength < 200_000)
    .slice(0, 8);
const png = new PNG({ width: 5, height: 3 });
png.data.fill(90);
const samples: Record<string, { read: (b: Uint8Array) => unknown; files: Uint8Array[] }> = {
  safetensors: { read: readSafetensors, files: small(files("test/fixtures", ".safetensors")) },
  npy: { read: readNpy, files: small(files("test/fixtures", ".npy")) },
  png: { read: readPng, files: [new Uint8Array(PNG.sync.write(png))] },
  // At the bound `dsnet run` sets for a small network's input: larger sizes are refused unread.
  jpeg: { read: (b) => readJpeg(b, pixelBudget(36)), files: [colourJpeg(), progressiveJpeg()] },
  torch: { read: readTorchCheckpoint, files: small(files("test/fixtures", ".pth")) },
  onnx: { read: (b) => importModel("fuzz.onnx", b, "fuzz"), files: [smallOnnxModel()] },
};

/** A small model with a residual, a gate and a concat: what the ONNX importer's mutations start from. */
function smallOnnxModel(): Uint8Array {
  const source =
    "input 6x6x4\nconv 3x3 8 -> bn -> relu\nresidual { dw 3x3 -> pw 8 }\nmul { gap -> pw 8 -> sigmoid }\nconcat {} { dw 3x3 }\ngap -> fc 3\n";
  const network = checkText(source, "fuzz.dsnet").networks[0];
  const weights = initialWeights(network, 1).map((t) => t.data);
  return exportOnnx(compileGraph(network, weights)).bytes;
}

/** A baseline colour JPEG from jpeg-js, its pixels a gradient so every block has AC terms. */
function colourJpeg(): Uint8Array {
  const [width, height] = [11, 6];
  const data = Buffer.alloc(width * height * 4, 255);
  for (let i = 0; i < width * height; i++) data.set([i * 4, 255 - i * 3, (i * 37) % 256], 4 * i);
  return new Uint8Array(jpeg.encode({ width, height, data }, 75).data);
}

/**
 * A 16×16 grey progressive JPEG, which jpeg-js cannot write: a DC scan and an AC scan, each
 * block coded with the one 1-bit code of each table (DC difference 0, end of band).
 */
function progressiveJpeg(): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, 0, body.length + 2, ...body];
  const oneCode = (table: number, symbol: number) => [table, 1, ...Array(15).fill(0), symbol];
  return Uint8Array.from([
    ...[0xff, 0xd8],
    ...segment(0xdb, [0, ...Array(64).fill(1)]),
    ...segment(0xc2, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]),
    ...segment(0xc4, [...oneCode(0x00, 0), ...oneCode(0x10, 0)]),
    ...segment(0xda, [1, 1, 0x00, 0, 0, 0]),
    0x0f,
    ...segment(0xda, [1, 1, 0x00, 1, 63, 0]),
    0x0f,
    ...[0xff, 0xd9],
  ]);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TFJS_SHARD = "group1-shard1of1.bin";

/**
 * A TF.js model: its model.json and its one shard, float32 unless a weight is quantised, every
 * value positive so that variances are.
 */
function tfjsModel(
  format: string,
  modelTopology: Json,
  weights: { name: string; shape: number[]; quantization?: Json }[],
) {
  const parts = weights.map(({ shape, quantization }) => {
    const length = shape.reduce((a, b) => a * b, 1);
    if (quantization === undefined)
      return new Uint8Array(Float32Array.from({ length }, (_, i) => 0.25 + (i % 7) / 10).buffer);
    // uint8 codes, or float16 ones (0x3c00).
    return (quantization as { dtype: string }).dtype === "uint8"
      ? Uint8Array.from({ length }, (_, i) => (i * 29) % 256)
      : new Uint8Array(new Uint16Array(length).fill(0x3c00).buffer);
  });
  const manifest = weights.map((w) => ({ ...w, dtype: "float32" }));
  const json: Json = {
    format,
    generatedBy: "dsnet fuzz",
    modelTopology,
    weightsManifest: [{ paths: [TFJS_SHARD], weights: manifest }],
  };
  return { json, shard: new Uint8Array(Buffer.concat(parts)) };
}

/**
 * A functional layers model as TF.js saves it: conv, batch norm, relu6, a depthwise conv in a
 * residual, global pooling and a dense softmax; one weight quantised to uint8, one to float16.
 */
function tfjsLayersModel() {
  const layer = (class_name: string, name: string, config: object, from?: string[]): Json => ({
    class_name,
    name,
    config: { name, ...config } as Json,
    inbound_nodes: from ? [from.map((f) => [f, 0, 0, {}])] : [],
  });
  const conv = { kernel_size: [3, 3], strides: [1, 1], padding: "same", activation: "linear" };
  const topology: Json = {
    class_name: "Model",
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
    config: {
      name: "fuzz",
      layers: [
        layer("InputLayer", "input", { batch_input_shape: [null, 6, 6, 3], dtype: "float32" }),
        layer("Conv2D", "conv", { ...conv, filters: 4, use_bias: true }, ["input"]),
        layer("BatchNormalization", "bn", { axis: -1, epsilon: 0.001 }, ["conv"]),
        layer("ReLU", "relu", { max_value: 6 }, ["bn"]),
        layer("DepthwiseConv2D", "dw", { ...conv, depth_multiplier: 1, use_bias: false }, ["relu"]),
        layer("Add", "add", {}, ["relu", "dw"]),
        layer("GlobalAveragePooling2D", "gap", {}, ["add"]),
        layer("Dense", "fc", { units: 3, activation: "softmax" }, ["gap"]),
      ],
      input_layers: [["input", 0, 0]],
      output_layers: [["fc", 0, 0]],
    },
  };
  return tfjsModel("layers-model", topology, [
    { name: "conv/kernel", shape: [3, 3, 3, 4] },
    { name: "conv/bias", shape: [4], quantization: { dtype: "float16" } },
    ...["gamma", "beta", "moving_mean", "moving_variance"].map((w) => ({
      name: `bn/${w}`,
      shape: [4],
    })),
    { name: "dw/depthwise_kernel", shape: [3, 3, 4, 1] },
    { name: "fc/kernel", shape: [4, 3], quantization: { dtype: "uint8", scale: 0.01, min: -1 } },
    { name: "fc/bias", shape: [3] },
  ]);
}

/**
 * A graph model as TF.js's converter writes it: a fused conv with bias and relu6, a depthwise
 * conv, a mean over height and width (its axes a constant in the graph), MatMul and softmax.
 */
function tfjsGraphModel() {
  const f32 = { type: "DT_FLOAT" };
  const s = (text: string) => ({ s: Buffer.from(text).toString("base64") });
  const window = { strides: { list: { i: ["1", "1", "1", "1"] } }, padding: s("SAME") };
  const dim = (sizes: number[]) => sizes.map((d) => ({ size: String(d) }));
  const node = (name: string, op: string, input: string[], attr: Json = {}): Json => ({
    name,
    op,
    input,
    attr,
  });
  const topology: Json = {
    versions: { producer: 1 },
    node: [
      node("input", "Placeholder", [], {
        dtype: f32,
        shape: { shape: { dim: dim([-1, 5, 5, 2]) } },
      }),
      ...["w", "b", "dw", "fc"].map((name) => node(name, "Const", [], { dtype: f32 })),
      node("axes", "Const", [], {
        dtype: { type: "DT_INT32" },
        value: {
          tensor: {
            dtype: "DT_INT32",
            tensorShape: { dim: dim([2]) },
            tensorContent: Buffer.from(Int32Array.from([1, 2]).buffer).toString("base64"),
          },
        },
      }),
      node("conv", "_FusedConv2D", ["input", "w", "b"], {
        T: f32,
        ...window,
        data_format: s("NHWC"),
        dilations: { list: { i: ["1", "1", "1", "1"] } },
        fused_ops: { list: { s: [s("BiasAdd").s, s("Relu6").s] } },
      }),
      node("depthwise", "DepthwiseConv2dNative", ["conv", "dw"], { T: f32, ...window }),
      node("mean", "Mean", ["depthwise", "axes"], { keep_dims: { b: false } }),
      node("logits", "MatMul", ["mean", "fc"], { transpose_b: { b: false } }),
      node("output", "Softmax", ["logits"]),
    ],
  };
  return tfjsModel("graph-model", topology, [
    { name: "w", shape: [3, 3, 2, 4] },
    { name: "b", shape: [4] },
    { name: "dw", shape: [3, 3, 4, 1] },
    { name: "fc", shape: [4, 3] },
  ]);
}

const tfjsSamples = [tfjsLayersModel(), tfjsGraphModel()];

/**
 * What a JSON-level edit of model.json puts in place of a value: numbers past every bound,
 * shapes, dtypes and strings the importer must refuse or bound.
 */
const JSON_VALUES: Json[] = [
  ...[0, -1, 1, 2, 3, 0.5, -0.5, 1e-45, 255, 65536, 2 ** 31, 2 ** 32 + 1, 2 ** 53 + 2, 1e308],
  ...["float32", "int32", "bool", "uint8", "uint16", "float16", "complex64", "string", ""],
  ...["same", "valid", "SAME", "EXPLICIT", "relu", "linear", "Conv2D", "Const"],
  ...[TFJS_SHARD, "../model.json", "/etc/hostname", "a:b", null, true, false, {}],
  ...[[], [0], [-1, 4, 4, 3], [null, 6, 6, 3], [65536, 65536, 65536], Array(9).fill(1)],
];

/** Every value below the root of `json`, with where it is held, in a fixed order. */
function jsonPlaces(json: Json): { holder: Json[] | { [key: string]: Json }; key: string }[] {
  if (json === null || typeof json !== "object") return [];
  return Object.keys(json).flatMap((key) => [
    { holder: json, key },
    ...jsonPlaces((json as Record<string, Json>)[key]),
  ]);
}

/** A few JSON-level edits of `base`: replace (same type or any), remove, copy, grow. */
const mutateJson = (base: Json) =>
  fc
    .array(fc.tuple(fc.nat(), fc.constantFrom("same", "any", "remove", "copy", "grow"), fc.nat()), {
      minLength: 1,
      maxLength: 6,
    })
    .map((edits) => {
      const json = structuredClone(base);
      for (const [at, edit, pick] of edits) {
        const places = jsonPlaces(json);
        if (places.length === 0) break; // every key removed
        const { holder, key } = places[at % places.length];
        const h = holder as Record<string, Json>;
        const old = h[key];
        const like = JSON_VALUES.filter((v) => typeof v === typeof old);
        if (edit === "same" && like.length > 0) h[key] = like[pick % like.length];
        else if (edit === "any") h[key] = JSON_VALUES[pick % JSON_VALUES.length];
        else if (edit === "remove" && Array.isArray(holder)) holder.splice(Number(key), 1);
        else if (edit === "remove") delete h[key];
        else if (edit === "copy") {
          const from = places[pick % places.length];
          h[key] = structuredClone((from.holder as Record<string, Json>)[from.key]);
        } else if (edit === "grow" && Array.isArray(old) && old.length > 0)
          old.push(...Array.from({ length: 1 + (pick % 4) }, () => structuredClone(old.at(-1)!)));
        else if (edit === "grow" && typeof old === "string") h[key] = old.repeat(2 ** (pick % 17));
      }
      return new Uint8Array(Buffer.from(JSON.stringify(json)));
    });

const words = ["network", "block", "input", "repeat", "residual", "shortcut", "if", "else", "let"]
  .concat(["conv", "dw", "pw", "sep", "bn", "relu", "maxpool", "gap", "fc", "concat", "mul"])
  .concat(["{", "}", "(", ")", "[", "]", "->", "=", ",", "x", "s2", "d2", "pad=", "same", "\n"])
  .concat(["3x3", "8x8x3", "in.c", "1e39", "4294967297", "-1", "0", "2147483647", "\uFEFF"]);

/** Replaces, inserts or deletes a few spans of `text`. */
const mutate = <T extends string | Uint8Array>(base: T) =>
  fc
    .array(
      fc.tuple(fc.nat(), fc.nat({ max: 16 }), fc.nat({ max: 255 }), fc.constantFrom(0, 1, 2)),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .map((edits) => {
      let bytes = typeof base === "string" ? Buffer.from(base) : Buffer.from(base);
      for (const [at, length, value, kind] of edits) {
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        const fill = Buffer.alloc(kind === 2 ? 0 : length).fill(value);
        bytes = Buffer.concat([
          bytes.subarray(0, i),
          fill,
          bytes.subarray(i + (kind === 1 ? 0 : length)),
        ]);
      }
      return (typeof base === "string" ? bytes.toString("latin1") : new Uint8Array(bytes)) as T;
    });

/** Overwrites a few bytes of `bytes`: a shard of another length is refused before it is read. */
const overwrite = (bytes: Uint8Array) =>
  fc
    .array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 })
    .map((edits) => {
      const out = bytes.slice();
      for (const [at, value] of edits) out[at % out.length] = value;
      return out;
    });

type Case =
  | { kind: "source"; text: string }
  | { kind: "file"; reader: string; bytes: Uint8Array }
  | { kind: "tfjs"; json: Uint8Array; shard: Uint8Array };
const source = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.constantFrom(...words), { maxLength: 80 }).map((w) => w.join(" ")),
  fc.constantFrom(...examples).chain(mutate),
);
const file = fc.constantFrom(...Object.keys(samples)).chain((reader) =>
  fc
    .constantFrom(...samples[reader].files)
    .chain(mutate)
    .map((bytes) => ({ kind: "file" as const, reader, bytes })),
);
const tfjs = fc.constantFrom(...tfjsSamples).chain(({ json, shard }) =>
  fc.record({
    kind: fc.constant("tfjs" as const),
    json: fc.oneof(
      { arbitrary: mutateJson(json), weight: 3 },
      mutate(new Uint8Array(Buffer.from(JSON.stringify(json)))),
    ),
    shard: fc.oneof(fc.constant(shard), overwrite(shard), mutate(shard)),
  }),
);
const anyCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: source.map((text) => ({ kind: "source" as const, text })), weight: 3 },
  file,
  tfjs,
);

const findings: string[] = [];
// Every finding's whole input goes to a file of its own, to shrink into a regression test; the
// report shows its start.
const findingsDir = join(tmpdir(), `dsnet-fuzz-${seed}`);
const report = (what: string, c: Case, e?: unknown) => {
  mkdirSync(findingsDir, { recursive: true });
  const name = `finding-${findings.length + 1}`;
  let saved: string;
  let input: string;
  if (c.kind === "tfjs") {
    saved = join(findingsDir, `${name}-tfjs`, "model.json");
    writeTfjs(join(findingsDir, `${name}-tfjs`), c);
    input = "TF.js model.json and shard";
  } else {
    saved = join(findingsDir, `${name}${c.kind === "source" ? ".dsnet" : `.${c.reader}`}`);
    writeFileSync(saved, c.kind === "source" ? c.text : c.bytes);
    input = c.kind === "source" ? JSON.stringify(c.text.slice(0, 400)) : `${c.reader} file`;
  }
  findings.push(
    `${what}: ${e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" | ") : ""}\n  ${input}\n  (whole input: ${saved})`,
  );
};

/** Writes a TF.js case's model.json and shard into `folder`. */
function writeTfjs(folder: string, c: { json: Uint8Array; shard: Uint8Array }) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "model.json"), c.json);
  writeFileSync(join(folder, TFJS_SHARD), c.shard);
}

// The TF.js importer reads shards beside model.json: each case is written here first.
const tfjsDir = mkdtempSync(join(tmpdir(), "dsnet-fuzz-tfjs-"));

function runCase(c: Case) {
  if (c.kind === "tfjs") {
    writeTfjs(tfjsDir, c);
    try {
      importModel(join(tfjsDir, "model.json"), c.json, "fuzz");
    } catch (e) {
      if (!(e instanceof FileError)) report("TF.js importer threw", c, e);
    }
    return;
  }
  if (c.kind === "file") {
    try {
      samples[c.reader].read(c.bytes);
    } catch (e) {
      if (!(e instanceof FileError)) report(`${c.reader} reader threw`, c, e);
    }
    return;
  }
  let result;
  try {
    result = checkText(c.text, "/fuzz/main.dsnet", { host: { readFile: () => undefined } });
  } catch (e) {
    report("checker threw", c, e);
    return;
  }
  for (const network of result.networks) {
    // Real networks at full size take seconds to initialise and pack: work, not a bug.
    if (network.layers.reduce((a, l) => a + l.shape[0] * l.shape[1] * l.shape[2], 0) > 2e6)
      continue;
    try {
      const weights = initialWeights(network, 1).map((t) => t.data);
      new CpuPlan(compileGraph(network, weights, { target: "cpu" }));
      compileWgsl(compileGraph(network, weights, { target: "wgsl" }));
      exportOnnx(compileGraph(network, weights));
    } catch (e) {
      // More memory than a backend addresses is a refusal, not a bug.
      if ((e as Error).constructor.name !== "BackendUnavailableError")
        report("check-clean program failed in a backend", c, e);
    }
  }
}

const started = performance.now();
let slow = 0;
let ran = 0;
fc.assert(
  fc.property(anyCase, (c) => {
    ran++;
    const t = performance.now();
    runCase(c);
    const ms = performance.now() - t;
    if (ms > SLOW_MS) {
      slow++;
      report(`slow (${ms.toFixed(0)} ms)`, c);
    }
  }),
  minutes === undefined
    ? { numRuns: cases, seed }
    : {
        numRuns: cases,
        seed,
        interruptAfterTimeLimit: minutes * 60_000,
        markInterruptAsFailure: false,
      },
);
rmSync(tfjsDir, { recursive: true, force: true });
const seconds = (performance.now() - started) / 1000;
console.log(
  `${ran} cases in ${seconds.toFixed(1)} s (seed ${seed}): ${findings.length} findings, ${slow} slow`,
);
for (const f of findings.slice(0, 50)) console.log(f);
process.exitCode = findings.length > 0 ? 1 : 0;
