import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "../src/import/errors.js";
import { importModel } from "../src/import/index.js";
import { FileError } from "../src/weights/errors.js";
import { cli } from "./helpers.js";
import {
  f32,
  GraphWeights,
  list,
  node,
  placeholder,
  random,
  s,
  saved,
  writeModel,
  type Artifacts,
} from "./tfjs-models.js";

/*
 * A TF.js model.json and its shards made to break `dsnet import`: each ends in an ImportError
 * (a FileError) naming what is wrong, printed as one `dsnet:` line with exit 1 and nothing
 * written. And quantised weights, uint8, uint16 and float16, dequantised value for value as
 * TF.js defines it.
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-tfjs-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHARD = "group1-shard1of1.bin";

/** A layers model of one Dense `fc` on a 1x1x`inputs` input: kernel [inputs, units], bias. */
async function dense(inputs: number, units: number): Promise<Artifacts> {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [1, 1, inputs], units, name: "fc" })],
  });
  return saved(model);
}

const base = await dense(2, 3);
const [kernel, bias] = base.weightSpecs;

/** A manifest of one group, to pass as writeModel's `extra`. */
const manifest = (paths: unknown[], weights: unknown[] = base.weightSpecs) => ({
  weightsManifest: [{ paths, weights }],
});

/** The base model whose kernel is quantised as `quantization` says (the shard left as it is). */
const quantised = (quantization: unknown) => manifest([SHARD], [{ ...kernel, quantization }, bias]);

/**
 * A graph model of a 4x4x3 Placeholder `input`, a Const `w` [1, 1, 3, 4] and a Conv2D `conv`
 * (`op`) of them, each node's attributes updated by `attrs[name]`.
 */
function conv(attrs: NodeAttrs = {}, op = "Conv2D"): Artifacts {
  const g = new GraphWeights(random(1));
  return graphModel(g, attrs, [
    placeholder("input", [4, 4, 3]),
    g.constant("w", [1, 1, 3, 4]),
    node("conv", op, ["input", "w"], {
      T: f32,
      strides: list(1, 1, 1, 1),
      padding: s("VALID"),
      data_format: s("NHWC"),
      dilations: list(1, 1, 1, 1),
    }),
  ]);
}

/**
 * A graph model of a 4x4x3 Placeholder `input` and a FusedBatchNormV3 `bn` of it (its statistics
 * Consts `bn/gamma` and the like), each node's attributes updated by `attrs[name]`.
 */
function batchNorm(attrs: NodeAttrs = {}): Artifacts {
  const g = new GraphWeights(random(1));
  const statistics = g.batchNorm("bn", 3, [0.5, 2]);
  return graphModel(g, attrs, [
    placeholder("input", [4, 4, 3]),
    ...statistics,
    node("bn", "FusedBatchNormV3", ["input", ...statistics.map((n) => n.name)], {
      T: f32,
      U: f32,
      epsilon: { f: 0.001 },
      is_training: { b: false },
      data_format: s("NHWC"),
    }),
  ]);
}

/** Attributes by node name, to merge into a graph model's nodes. */
type NodeAttrs = Record<string, Record<string, unknown>>;

/** `g`'s graph model of `nodes`, each node's attributes updated by `attrs[name]`. */
function graphModel(g: GraphWeights, attrs: NodeAttrs, nodes: ReturnType<typeof node>[]) {
  for (const n of nodes) Object.assign(n.attr, attrs[n.name]);
  return g.artifacts(nodes);
}

/** The base model's manifest with one more weight, of no values, named `name`. */
const named = (name: string) =>
  manifest([SHARD], [...base.weightSpecs, { name, shape: [0], dtype: "float32" }]);

/** Rewrites the model.json at `path`, replacing `from` (which must be there) with `to`. */
function edit(path: string, from: string, to: string): string {
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`no ${from} in ${path}`);
  writeFileSync(path, text.replace(from, to));
  return path;
}

/** A folder `name` holding a model.json of exactly `bytes`. */
function rawModel(name: string, bytes: string | Uint8Array): string {
  mkdirSync(join(dir, name), { recursive: true });
  const path = join(dir, name, "model.json");
  writeFileSync(path, bytes);
  return path;
}

describe("the model the hostile rows break", () => {
  it("imports, so that each row fails for what it changes", async () => {
    const path = writeModel(dir, "base", base);
    const out = join(dir, "base.dsnet");
    const result = await cli("import", path, "-o", out);
    expect(result.stderr).toContain("from TF.js");
    expect(result.code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("input 1x1x2");
  });

  it("imports with a UTF-8 byte order mark before its JSON, as Windows editors save it", async () => {
    const path = writeModel(dir, "bom", base);
    writeFileSync(path, `\ufeff${readFileSync(path, "utf8")}`);
    expect(readFileSync(path).subarray(0, 4)).toEqual(Buffer.from([0xef, 0xbb, 0xbf, 0x7b]));
    const out = join(dir, "bom.dsnet");
    const result = await cli("import", path, "-o", out);
    expect(result.stderr).toContain("from TF.js");
    expect(result.code).toBe(0);
  });

  it("finds its weights under a converter's scopes, beside a name at the caps", () => {
    const atCaps = `${"s/".repeat(31)}x`;
    const scoped = manifest(
      [SHARD],
      [
        { ...kernel, name: `outer/${kernel.name}` },
        { ...bias, name: `outer/${bias.name}` },
      ],
    );
    scoped.weightsManifest[0].weights.push({ name: atCaps, shape: [0], dtype: "float32" });
    const path = writeModel(dir, "scoped", base, scoped);
    const imported = importModel(path, readFileSync(path), "net");
    expect(imported.tensors.map((t) => t.shape)).toEqual([[3, 2], [3]]);
  });

  it.each([
    ["convolution", conv(), "pw 4"],
    ["batch norm", batchNorm(), "bn eps=0.001"],
    // Protobuf's JSON may write a float as a string.
    [
      "batch norm with epsilon as a string",
      batchNorm({ bn: { epsilon: { f: "0.002" } } }),
      "bn eps=0.002",
    ],
  ])("the %s graph model the attribute rows break imports", (name, model, layer) => {
    const path = writeModel(dir, `graph-base-${name.replace(/\W+/g, "-")}`, model);
    const source = importModel(path, readFileSync(path), "net").source;
    expect(source).toContain("input 4x4x3");
    expect(source).toContain(layer);
  });
});

describe("hostile TF.js model.json files and shards end in one dsnet: line, exit 1, nothing written", () => {
  // The convolution's weight as a Const in the graph itself, `value.tensor` as given.
  const inGraphConst = (tensor: unknown) => (f: string) =>
    writeModel(dir, f, conv({ w: { value: { tensor } } }), manifest([], []));
  const rows: [string, (folder: string) => string, string | RegExp][] = [
    // The manifest.
    [
      "a weight listed twice in one group",
      (f) => {
        const path = writeModel(dir, f, base, manifest([SHARD, "more.bin"], [kernel, bias, bias]));
        writeFileSync(join(dir, f, "more.bin"), new Uint8Array(12));
        return path;
      },
      'its manifest lists the weight "fc/bias" twice',
    ],
    [
      "a weight listed in two groups",
      (f) => {
        const path = writeModel(dir, f, base, {
          weightsManifest: [
            { paths: [SHARD], weights: base.weightSpecs },
            { paths: ["more.bin"], weights: [kernel] },
          ],
        });
        writeFileSync(join(dir, f, "more.bin"), new Uint8Array(24));
        return path;
      },
      'its manifest lists the weight "fc/kernel" twice',
    ],
    [
      "a weightsManifest that is not a list",
      (f) => writeModel(dir, f, base, { weightsManifest: { paths: [SHARD] } }),
      "its weightsManifest is not a list",
    ],
    [
      "a manifest group without a weights list",
      (f) => writeModel(dir, f, base, { weightsManifest: [{ paths: [SHARD] }] }),
      "weightsManifest[0] is not an object with paths and weights lists",
    ],
    // model.json itself.
    [
      "a model.json that is not valid JSON",
      (f) => rawModel(f, '{"modelTopology": {"class_name": "Sequential", '),
      /^not a readable TF\.js model\.json: .*JSON/,
    ],
    [
      "a model.json that is not UTF-8",
      (f) =>
        rawModel(
          f,
          new Uint8Array([...Buffer.from('{"modelTopology": {"x": "'), 0xff, 0x22, 0x7d, 0x7d]),
        ),
      /^not a readable TF\.js model\.json: .*utf-8/i,
    ],
    [
      "a model.json with no modelTopology",
      (f) => rawModel(f, JSON.stringify({ weightsManifest: [] })),
      "not a TF.js model.json: it has no modelTopology object",
    ],
    [
      "a model.json whose modelTopology is a list",
      (f) => rawModel(f, JSON.stringify({ modelTopology: [], weightsManifest: [] })),
      "not a TF.js model.json: it has no modelTopology object",
    ],
    [
      "a format dsnet does not read",
      (f) => writeModel(dir, f, { ...base, format: "tfjs-saved-model" }),
      'a TF.js model of format "tfjs-saved-model": dsnet reads layers-model and graph-model',
    ],
    // Shard paths.
    [
      "a shard path that is a directory",
      (f) => {
        mkdirSync(join(dir, f, "dir.bin"), { recursive: true });
        return writeModel(dir, f, base, manifest(["dir.bin"]));
      },
      /^the shard \S*\/dir\.bin is not a file$/,
    ],
    [
      "a shard path that is a number",
      (f) => writeModel(dir, f, base, manifest([7])),
      "weightsManifest[0] lists a shard path 7 that is not a file name",
    ],
    [
      "an empty shard path",
      (f) => writeModel(dir, f, base, manifest([""])),
      'weightsManifest[0] lists a shard path "" that is not a file name',
    ],
    [
      "a shard path of ../x.bin",
      (f) => writeModel(dir, f, base, manifest(["../x.bin"])),
      `weightsManifest[0] lists the shard "../x.bin", outside the model's folder: dsnet reads shards beside model.json only`,
    ],
    [
      "an absolute shard path to a file that exists",
      (f) => writeModel(dir, f, base, manifest([join(dir, "base", SHARD)])),
      `lists the shard "${join(dir, "base", SHARD)}", outside the model's folder`,
    ],
    [
      "a URL as shard path",
      (f) => writeModel(dir, f, base, manifest(["https://example.com/w.bin"])),
      `lists the shard "https://example.com/w.bin", outside the model's folder`,
    ],
    [
      "a Windows path as shard path",
      (f) => writeModel(dir, f, base, manifest(["..\\x.bin"])),
      `lists the shard "..\\x.bin", outside the model's folder`,
    ],
    [
      "a shard that is a link to a file outside the folder",
      (f) => {
        const path = writeModel(dir, f, base, manifest(["link.bin"]));
        symlinkSync(join(dir, "base", SHARD), join(dir, f, "link.bin"));
        return path;
      },
      `lists the shard "link.bin", outside the model's folder`,
    ],
    [
      "a shard that does not exist",
      (f) => writeModel(dir, f, base, manifest(["missing.bin"])),
      'weightsManifest[0] lists the shard "missing.bin", which does not exist beside the model.json',
    ],
    // Weight specs.
    [
      "a weight of dtype float64",
      (f) => writeModel(dir, f, base, manifest([SHARD], [{ ...kernel, dtype: "float64" }, bias])),
      'weight "fc/kernel" has dtype "float64"; dsnet reads float32, int32 and bool',
    ],
    [
      "a weight with no dtype",
      (f) =>
        writeModel(dir, f, base, manifest([SHARD], [{ name: "fc/kernel", shape: [2, 3] }, bias])),
      'weight "fc/kernel" has dtype undefined; dsnet reads float32, int32 and bool',
    ],
    [
      "a weight with no name",
      (f) => writeModel(dir, f, base, manifest([SHARD], [kernel, { ...bias, name: 3 }])),
      "weightsManifest[0].weights[1] has no name",
    ],
    [
      "an unknown quantization dtype",
      (f) => writeModel(dir, f, base, quantised({ dtype: "int4", scale: 1, min: 0 })),
      'weight "fc/kernel" has quantization {"dtype":"int4","scale":1,"min":0}; dsnet reads uint8, uint16 and float16',
    ],
    [
      "a quantization that is not an object",
      (f) => writeModel(dir, f, base, quantised("uint8")),
      'weight "fc/kernel" has quantization "uint8"; dsnet reads uint8, uint16 and float16',
    ],
    // JSON has no Infinity, but 1e999 parses as one.
    [
      "a uint8 quantization of scale 1e999",
      (f) =>
        edit(
          writeModel(dir, f, base, quantised({ dtype: "uint8", scale: "INF", min: 0 })),
          '"INF"',
          "1e999",
        ),
      'weight "fc/kernel" is quantised to uint8 without a finite scale and min',
    ],
    [
      "a uint16 quantization of min -1e999",
      (f) =>
        edit(
          writeModel(dir, f, base, quantised({ dtype: "uint16", scale: 0.5, min: "INF" })),
          '"INF"',
          "-1e999",
        ),
      'weight "fc/kernel" is quantised to uint16 without a finite scale and min',
    ],
    [
      'a uint8 quantization of min "NaN"',
      (f) => writeModel(dir, f, base, quantised({ dtype: "uint8", scale: 0.5, min: "NaN" })),
      'weight "fc/kernel" is quantised to uint8 without a finite scale and min',
    ],
    [
      "a uint8 quantization with no scale",
      (f) => writeModel(dir, f, base, quantised({ dtype: "uint8", min: 0 })),
      'weight "fc/kernel" is quantised to uint8 without a finite scale and min',
    ],
    // Weight names, which a layers model matches by their `/`-separated endings.
    [
      "a weight name of 30,000 slashes",
      (f) => writeModel(dir, f, base, named(`${"a/".repeat(30_000)}b`)),
      "has a name of 60001 characters; dsnet reads at most 1024",
    ],
    [
      "a weight name of 33 components",
      (f) => writeModel(dir, f, base, named(`${"/".repeat(32)}b`)),
      "has a name of 33 components; dsnet reads at most 32",
    ],
    // A graph model's attributes, each of a JSON type protobuf does not give it.
    [
      "a padding whose s is a number",
      (f) => writeModel(dir, f, conv({ conv: { padding: { s: 7 } } })),
      'Conv2D node "conv": its attribute padding.s is 7, not a base64 string',
    ],
    [
      "a padding whose s is an object",
      (f) => writeModel(dir, f, conv({ conv: { padding: { s: {} } } })),
      'Conv2D node "conv": its attribute padding.s is {}, not a base64 string',
    ],
    [
      "a padding that is a number",
      (f) => writeModel(dir, f, conv({ conv: { padding: 7 } })),
      'Conv2D node "conv": its attribute padding is 7, not an object',
    ],
    [
      "a data_format whose s is a list",
      (f) => writeModel(dir, f, conv({ conv: { data_format: { s: [1] } } })),
      'Conv2D node "conv": its attribute data_format.s is [1], not a base64 string',
    ],
    [
      "strides whose list.i is a number",
      (f) => writeModel(dir, f, conv({ conv: { strides: { list: { i: 7 } } } })),
      'Conv2D node "conv": its attribute strides.list.i is 7, not a list',
    ],
    [
      "strides whose list is a number",
      (f) => writeModel(dir, f, conv({ conv: { strides: { list: 7 } } })),
      'Conv2D node "conv": its attribute strides.list is 7, not an object',
    ],
    [
      "a stride of 1.5",
      (f) => writeModel(dir, f, conv({ conv: { strides: { list: { i: ["1", "1.5", 1, 1] } } } })),
      'Conv2D node "conv": its attribute strides.list.i[1] is "1.5", not an integer',
    ],
    [
      "a dilation that is true",
      (f) => writeModel(dir, f, conv({ conv: { dilations: { list: { i: [1, true, 1, 1] } } } })),
      'Conv2D node "conv": its attribute dilations.list.i[1] is true, not an integer',
    ],
    [
      "explicit_paddings whose list.i is a string",
      (f) =>
        writeModel(
          dir,
          f,
          conv({ conv: { padding: s("EXPLICIT"), explicit_paddings: { list: { i: "0" } } } }),
        ),
      'Conv2D node "conv": its attribute explicit_paddings.list.i is "0", not a list',
    ],
    [
      "fused_ops whose list.s is a number",
      (f) => writeModel(dir, f, conv({ conv: { fused_ops: { list: { s: 3 } } } }, "_FusedConv2D")),
      '_FusedConv2D node "conv": its attribute fused_ops.list.s is 3, not a list',
    ],
    [
      "fused_ops listing a number",
      (f) =>
        writeModel(dir, f, conv({ conv: { fused_ops: { list: { s: [3] } } } }, "_FusedConv2D")),
      '_FusedConv2D node "conv": its attribute fused_ops.list.s[0] is 3, not a base64 string',
    ],
    [
      "a FusedBatchNormV3 whose epsilon's f is a list",
      (f) => writeModel(dir, f, batchNorm({ bn: { epsilon: { f: [0.001] } } })),
      'FusedBatchNormV3 node "bn": its attribute epsilon.f is [0.001], not a number',
    ],
    [
      'a FusedBatchNormV3 whose is_training\'s b is "false"',
      (f) => writeModel(dir, f, batchNorm({ bn: { is_training: { b: "false" } } })),
      'FusedBatchNormV3 node "bn": its attribute is_training.b is "false", not true or false',
    ],
    [
      "a Placeholder whose shape's dim is a number",
      (f) => writeModel(dir, f, conv({ input: { shape: { shape: { dim: 4 } } } })),
      'Placeholder node "input": its attribute shape.shape.dim is 4, not a list',
    ],
    [
      "a Placeholder of a dimension sized x",
      (f) =>
        writeModel(dir, f, conv({ input: { shape: { shape: { dim: [{}, { size: "x" }] } } } })),
      'Placeholder node "input": its attribute shape.shape.dim[1] is {"size":"x"}, not a dimension with an integer size',
    ],
    [
      "an in-graph Const whose tensorShape's dim is a number",
      inGraphConst({ dtype: "DT_FLOAT", tensorShape: { dim: 5 }, floatVal: [0] }),
      'Const node "w": its attribute value.tensor.tensorShape.dim is 5, not a list',
    ],
    [
      "a node whose attributes are a number",
      (f) => {
        const model = conv();
        (model.modelTopology as { node: { attr: unknown }[] }).node[2]!.attr = 7;
        return writeModel(dir, f, model);
      },
      'node "conv" has attributes 7, not an object',
    ],
    [
      "an in-graph Const whose value.tensor is a number",
      inGraphConst(7),
      'Const node "w": its attribute value.tensor is 7, not an object',
    ],
    [
      "an in-graph Const whose tensorContent is a number",
      inGraphConst({ dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "1" }] }, tensorContent: 7 }),
      'Const node "w": its attribute value.tensor.tensorContent is 7, not a base64 string',
    ],
    [
      "an in-graph Const whose floatVal is a number",
      inGraphConst({ dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "1" }] }, floatVal: 7 }),
      'Const node "w": its attribute value.tensor.floatVal is 7, not a list',
    ],
    [
      "an in-graph Const of a negative size",
      inGraphConst({ dtype: "DT_FLOAT", tensorShape: { dim: [{ size: "-2" }] }, floatVal: [1] }),
      'Const node "w": its shape [-2] has a size below 0',
    ],
    [
      "an in-graph Const whose intVal holds 1.5",
      inGraphConst({ dtype: "DT_INT32", tensorShape: { dim: [{ size: "1" }] }, intVal: [1.5] }),
      'Const node "w": its attribute value.tensor.intVal[0] is 1.5, not an integer',
    ],
    [
      // It was read as a NaN weight, silently.
      "an in-graph Const whose floatVal holds true",
      inGraphConst({
        dtype: "DT_FLOAT",
        tensorShape: { dim: [{ size: "2" }] },
        floatVal: [1, true],
      }),
      'Const node "w": its attribute value.tensor.floatVal[1] is true, not a number',
    ],
    // The caps, just over them (the lists cost a few hundred kB of JSON), and at them.
    [
      "10,001 shard paths",
      (f) => writeModel(dir, f, base, manifest(Array(10_001).fill(SHARD))),
      "its manifest lists 10001 shards and 2 weights; dsnet reads at most 10000 and 100000",
    ],
    [
      "10,002 shard paths in two groups",
      (f) =>
        writeModel(dir, f, base, {
          weightsManifest: [
            { paths: Array(5_001).fill(SHARD), weights: [] },
            { paths: Array(5_001).fill(SHARD), weights: base.weightSpecs },
          ],
        }),
      "its manifest lists 10002 shards and 2 weights",
    ],
    [
      "10,000 shard paths (at the cap: each path is then checked)",
      (f) => writeModel(dir, f, base, manifest(Array(10_000).fill("missing.bin"))),
      'lists the shard "missing.bin", which does not exist beside the model.json',
    ],
    [
      "100,001 weights",
      (f) => writeModel(dir, f, base, manifest([SHARD], Array(100_001).fill({}))),
      "its manifest lists 1 shards and 100001 weights; dsnet reads at most 10000 and 100000",
    ],
    [
      "100,000 weights (at the cap: each is then checked)",
      (f) => writeModel(dir, f, base, manifest([SHARD], Array(100_000).fill({}))),
      "weightsManifest[0].weights[0] has no name",
    ],
  ];
  it.each(rows)("%s", async (name, make, message) => {
    const folder = name.replace(/\W+/g, "-");
    const path = make(folder);
    let error: unknown;
    try {
      importModel(path, readFileSync(path), "net");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toBeInstanceOf(FileError);
    const text = (error as Error).message;
    if (typeof message === "string") expect(text).toContain(message);
    else expect(text).toMatch(message);

    const out = join(dir, `${folder}.dsnet`);
    const result = await cli("import", path, "-o", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`dsnet: ${path}: ${text}\n`);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(out.replace(".dsnet", ".safetensors"))).toBe(false);
  });

  // procfs gives its files size 0 and then reads them as text: a shard that changes between
  // being measured and being read, without any race to win.
  it.skipIf(process.platform !== "linux")(
    "a shard whose size changes between being measured and being read",
    () => {
      const json = JSON.stringify({
        modelTopology: base.modelTopology,
        weightsManifest: [
          { paths: ["status"], weights: [{ name: "empty", shape: [0], dtype: "float32" }] },
        ],
      });
      expect(() =>
        importModel("/proc/self/model.json", new TextEncoder().encode(json), "net"),
      ).toThrow(/^the shard \/proc\/\d+\/status changed while it was read$/);
    },
  );
});

/** The value of the IEEE 754 half with bits `h`, from its definition. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The float32 bit patterns of `values`, so that -0 and 0 differ. */
const bits = (values: ArrayLike<number>) =>
  Array.from(new Uint32Array(Float32Array.from(values).buffer));

describe("quantised TF.js weights are dequantised as TF.js does", () => {
  const rows: {
    stored: "uint8" | "uint16" | "float16";
    quantization: { scale?: number; min?: number };
    q: number[];
    value: (q: number) => number;
  }[] = [
    {
      stored: "uint8",
      quantization: { scale: 0.1, min: -12.75 },
      q: [0, 1, 2, 127, 128, 255],
      value: (q) => q * 0.1 - 12.75,
    },
    {
      stored: "uint16",
      quantization: { scale: 0.001, min: -32.5 },
      q: [0, 1, 255, 256, 32768, 65535],
      value: (q) => q * 0.001 - 32.5,
    },
    {
      stored: "float16",
      quantization: {},
      // 0, -0, the smallest subnormal, the largest negative subnormal, 1, -2, about 1/3, the
      // largest half, +inf and -inf.
      q: [0x0000, 0x8000, 0x0001, 0x83ff, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x7c00, 0xfc00],
      value: half,
    },
  ];
  it.each(rows)("$stored: q · scale + min (float16: the half's value)", async (row) => {
    const n = row.q.length;
    const a = await dense(1, n);
    // The kernel [1, n] quantised, then the float32 bias as saved: after the uint8 kernel it
    // starts at an odd offset.
    const width = row.stored === "uint8" ? 1 : 2;
    const shard = new Uint8Array(width * n + 4 * n);
    const view = new DataView(shard.buffer);
    row.q.forEach((q, i) => (width === 1 ? view.setUint8(i, q) : view.setUint16(2 * i, q, true)));
    const biasBytes = new Uint8Array(a.weightData, 4 * n, 4 * n);
    shard.set(biasBytes, width * n);
    const weightSpecs = [
      { ...a.weightSpecs[0], quantization: { dtype: row.stored, ...row.quantization } },
      a.weightSpecs[1],
    ] as tf.io.WeightsManifestEntry[];
    const quantisedModel = { ...a, weightSpecs, weightData: shard.buffer };
    const path = writeModel(dir, `dequantise-${row.stored}`, quantisedModel);

    const expected = bits(row.q.map(row.value));
    // The expectation is TF.js's own reading of the same bytes.
    const tfjs = tf.io.decodeWeights(shard.buffer, weightSpecs);
    expect(bits(tfjs["fc/kernel"].dataSync())).toEqual(expected);

    const imported = importModel(path, readFileSync(path), "net");
    expect(imported.source).toContain(`fc ${n}`);
    const [weight, b] = imported.tensors;
    // A kernel [1, n] is dsnet's [n, 1]: the same values in the same order.
    expect(weight.shape).toEqual([n, 1]);
    expect(bits(weight.data)).toEqual(expected);
    expect(bits(b.data)).toEqual(bits(new Float32Array(biasBytes.slice().buffer)));
  });
});
