import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";
import { checkpoint, declaring, Pickle, statePickle } from "./hostile-files.js";
import { compareToReference } from "./fixtures.js";
import { readNpy } from "../src/weights/npy.js";
import { readSafetensors, writeSafetensors } from "../src/weights/safetensors.js";
import { readSource } from "../src/weights/import/source.js";

const CHECKPOINTS = "test/fixtures/checkpoints";
const dir = mkdtempSync(join(tmpdir(), "dsnet-import-"));

const configs = JSON.parse(readFileSync(join(CHECKPOINTS, "checkpoints.json"), "utf8")) as Record<
  string,
  { file: string; network: string; set: Record<string, string> }
>;

function netArgs(name: string, set: Record<string, string> = {}): string[] {
  const c = configs[name];
  return [
    c.file,
    "--network",
    c.network,
    ...Object.entries({ ...c.set, ...set }).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ];
}

describe("dsnet weights import: torchvision's checkpoints give PyTorch's answer", () => {
  const cases = Object.keys(configs).flatMap((name) =>
    ["pth", "safetensors"].map((ext) => ({ name, ext })),
  );
  it.each(cases)("$name from .$ext", async ({ name, ext }) => {
    const weights = join(dir, `${name}-${ext}.safetensors`);
    const source = join(CHECKPOINTS, `${name}.${ext}`);
    const imported = await cli("weights", "import", source, ...netArgs(name), "-o", weights);
    expect(imported.stderr).toBe(
      `wrote ${imported.stdout.match(/^(\d+) tensors imported/m)![1]} tensors to ${weights}\n`,
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(
      /^file +dsnet +shape\n(features\.0\.0|layers\.0)\.weight +\S*conv1\.weight +\[/,
    );
    const output = join(dir, `${name}-${ext}.npy`);
    const run = await cli(
      "run",
      ...netArgs(name),
      "--weights",
      weights,
      "--input",
      join(CHECKPOINTS, `${name}.input.npy`),
      "--output",
      output,
    );
    expect(run.code).toBe(0);
    const expected = readNpy(readFileSync(join(CHECKPOINTS, `${name}.expected.npy`)));
    const { maxError, tolerance } = compareToReference(
      readNpy(readFileSync(output)).data,
      expected.data,
    );
    expect(maxError).toBeLessThanOrEqual(tolerance);
  });
});

/** `dsnet weights import mobilenet_v2.pth` into examples/mobilenet_v2.dsnet, with `set` changed. */
function importMobileNetV2(set: Record<string, string>, ...options: string[]) {
  const source = join(CHECKPOINTS, "mobilenet_v2.pth");
  return cli("weights", "import", source, ...netArgs("mobilenet_v2", set), ...options);
}

describe("dsnet weights import: the command", () => {
  it("--dry-run prints the table and writes nothing", async () => {
    const out = join(dir, "dry.safetensors");
    const r = await importMobileNetV2({}, "-o", out, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "features.18.0.weight               pw1.weight                      [1280, 112, 1, 1]",
    );
    expect(r.stdout).toContain(
      "classifier.1.weight                fc1.weight                      [10, 1280]",
    );
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      "262 tensors imported in state_dict order, 52 num_batches_tracked skipped",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a classifier of another width, listing it, and writes nothing", async () => {
    const out = join(dir, "strict.safetensors");
    const r = await importMobileNetV2({ classes: "1000" }, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^dsnet: \S+mobilenet_v2\.pth: it does not match the network \(262 tensors expected, 262 in the file besides 52 num_batches_tracked\): tensor 261 pairs classifier\.1\.weight \[10, 1280\] with fc1\.weight \[1000, 1280\]; tensor 262 pairs classifier\.1\.bias \[10\] with fc1\.bias \[1000\]\. Pair tensors by name with --map FILE, or load what matches with --partial\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("writes the output whole or not at all", async () => {
    const out = join(dir, "no-such-folder", "w.safetensors");
    const r = await importMobileNetV2({}, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`dsnet: cannot write the weights file ${out}: no such folder\n`);
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });

  it("--partial loads the backbone and fills the new classifier with initial weights", async () => {
    const out = join(dir, "partial.safetensors");
    const init = join(dir, "init1000.safetensors");
    const r = await importMobileNetV2({ classes: "1000" }, "-o", out, "--partial");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^classifier\.1\.weight +- +\[10, 1280\] +left out$/m);
    expect(r.stdout).toMatch(/^- +fc1\.weight +\[1000, 1280\] +initial weights$/m);
    expect(r.stdout).toContain(
      "260 tensors imported in state_dict order, 52 num_batches_tracked skipped, 2 left out of the file, 2 filled with initial weights",
    );
    await cli("weights", "init", ...netArgs("mobilenet_v2", { classes: "1000" }), "-o", init);
    const [got, initial] = [
      readSafetensors(readFileSync(out)),
      readSafetensors(readFileSync(init)),
    ];
    expect(got.tensors.get("fc1.weight")!.data).toEqual(initial.tensors.get("fc1.weight")!.data);
    expect(got.tensors.get("conv1.weight")!.data).not.toEqual(
      initial.tensors.get("conv1.weight")!.data,
    );
  });

  it("--partial takes a backbone from a checkpoint that has more (a headless network)", async () => {
    const net = join(dir, "stem.dsnet");
    writeFileSync(net, "input 32x32x3\nconv 3x3 16 s2 -> bn -> relu6\n");
    const r = await cli(
      "weights",
      "import",
      join(CHECKPOINTS, "mobilenet_v2.pth"),
      net,
      "--partial",
      "--dry-run",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "5 tensors imported in state_dict order, 52 num_batches_tracked skipped, 257 left out of the file",
    );
  });

  it("--map pairs what order cannot settle (JSON or two columns), shapes still checked", async () => {
    const net = join(dir, "two.dsnet");
    writeFileSync(net, "input 4x4x8\npw 8 -> pw 8\n");
    const a = new Float32Array(64).fill(1);
    const b = new Float32Array(64).fill(2);
    const source = join(dir, "two.safetensors");
    writeFileSync(
      source,
      writeSafetensors([
        { name: "second.weight", shape: [8, 8, 1, 1], data: b },
        { name: "first.weight", shape: [8, 8, 1, 1], data: a },
      ]),
    );
    const text = join(dir, "map.txt");
    writeFileSync(text, "# file name, dsnet name\nfirst.weight pw1.weight\n");
    const out = join(dir, "two-out.safetensors");
    const r = await cli("weights", "import", source, net, "--map", text, "-o", out);
    expect(r.code).toBe(0);
    const got = readSafetensors(readFileSync(out));
    expect(got.tensors.get("pw1.weight")!.data).toEqual(a);
    expect(got.tensors.get("pw2.weight")!.data).toEqual(b);
    const json = join(dir, "map.json");
    writeFileSync(json, JSON.stringify({ "first.weight": "pw3.weight" }));
    const bad = await cli("weights", "import", source, net, "--map", json, "-o", out);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^dsnet: \S+two\.safetensors: --map names pw3\.weight, which the network does not have \(see dsnet weights list\)\n$/,
    );
  });
});

describe("PyTorch checkpoints: dtypes, strides, offsets, nesting, the legacy format", () => {
  const values = JSON.parse(readFileSync(join(CHECKPOINTS, "tensors.json"), "utf8")) as Record<
    string,
    { shape: number[]; values: number[] }
  >;
  it.each(["tensors.pth", "tensors_legacy.pth"])("%s", (file) => {
    const source = readSource(readFileSync(join(CHECKPOINTS, file)));
    expect(source.prefix).toBe("module.");
    const tensors = source.orders[0].tensors;
    expect(tensors.map((t) => t.name)).toEqual([
      "conv.weight",
      "bn.weight",
      "bn.bias",
      "bn.running_mean",
      "bn.running_var",
      "bn.num_batches_tracked",
      "fc.weight",
    ]);
    for (const t of tensors) {
      const want = values[`module.${t.name}`];
      if (!want) continue;
      expect(t.shape).toEqual(want.shape);
      expect([...t.data]).toEqual(want.values.map(Math.fround));
    }
    expect(tensors.map((t) => t.dtype)).toContain("HalfStorage");
    expect(tensors.map((t) => t.dtype)).toContain("BFloat16Storage");
    expect(tensors.map((t) => t.dtype)).toContain("DoubleStorage");
  });
});

describe("dsnet weights import: an ONNX model points to dsnet import", () => {
  const onnx = readFileSync("test/fixtures/onnx/shufflenet_v2.onnx");
  it.each([
    ["named .onnx", "model.onnx", onnx],
    ["by its first byte, whatever its name", "model.pth", onnx],
    ["named .onnx, whatever its bytes", "junk.onnx", new Uint8Array([1, 2, 3, 4])],
  ])("%s", async (_, name, bytes) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const out = join(dir, "from-onnx.safetensors");
    const r = await cli("weights", "import", file, "examples/seed_block.dsnet", "-o", out);
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      `dsnet: ${file}: it is an ONNX model, not a PyTorch checkpoint: \`dsnet import MODEL.onnx -o NET.dsnet\` writes a network and its weights (NET.safetensors) from it\n`,
    );
    expect(existsSync(out)).toBe(false);
  });
});

// --- hostile checkpoints --------------------------------------------------------------------

const marker = join(dir, "pwned");
const tiny = join(dir, "tiny.dsnet");
writeFileSync(tiny, "input 4x4x2\nconv 1x1 3\n");

const shell = (module: string, name: string) =>
  checkpoint(
    new Pickle()
      .global(module, name)
      .op("(")
      .str(`touch ${marker}`)
      .op("t")
      .op("R")
      .op(".")
      .bytes(),
  );

const hostile: { name: string; bytes: () => Uint8Array; message: RegExp }[] = [
  {
    name: "os.system",
    bytes: () => shell("os", "system"),
    message:
      /the pickle asks for os\.system, which a weights file never needs; refusing to load it$/,
  },
  {
    name: "posix.system (protocol 0 text)",
    bytes: () => new TextEncoder().encode(`cposix\nsystem\n(Vtouch ${marker}\ntR.`),
    message: /neither a zip archive nor a pickle/,
  },
  {
    name: "builtins.eval by STACK_GLOBAL",
    bytes: () => {
      const p = new Pickle();
      const b = (s: string) => p.op(0x8c, s.length).raw(s);
      b("builtins");
      b("eval");
      return checkpoint(
        p.op(0x93).op("(").str(`open('${marker}', 'w')`).op("t").op("R").op(".").bytes(),
      );
    },
    message: /the pickle asks for builtins\.eval, which a weights file never needs/,
  },
  {
    name: "subprocess.Popen",
    bytes: () => shell("subprocess", "Popen"),
    message: /asks for subprocess\.Popen/,
  },
  {
    name: "a whole model (torch.save(model))",
    bytes: () =>
      checkpoint(
        new Pickle()
          .global("torchvision.models.mobilenetv2", "MobileNetV2")
          .op(")")
          .op(0x81)
          .op(".")
          .bytes(),
      ),
    message: /asks for torchvision\.models\.mobilenetv2\.MobileNetV2/,
  },
  {
    name: "REDUCE on a storage class",
    bytes: () =>
      checkpoint(new Pickle().global("torch", "FloatStorage").op(")").op("R").op(".").bytes()),
    message: /the pickle calls torch\.FloatStorage, which a weights file never does/,
  },
  {
    name: "REDUCE on a string",
    bytes: () => checkpoint(new Pickle().str("os.system").op(")").op("R").op(".").bytes()),
    message: /the pickle applies REDUCE to the string "os\.system"/,
  },
  {
    name: "a zip that is not a zip",
    bytes: () => new Uint8Array([0x50, 0x4b, 3, 4, ...new Array(200).fill(7)]),
    message: /it is not a readable zip archive/,
  },
  {
    name: "a zip entry that declares gigabytes",
    bytes: () => declaring(checkpoint(statePickle()), "archive/data/0", 0xf0000000),
    message: /the zip entry archive\/data\/0 declares 4026531840 bytes from 24/,
  },
  {
    name: "a zip directory that claims millions of entries (found by npm run fuzz)",
    bytes: () => {
      const zip = checkpoint(statePickle());
      // The end-of-central-directory record's entry counts, at offsets 8 and 10 of it.
      const end = zip.length - 22;
      new DataView(zip.buffer, zip.byteOffset).setUint16(end + 8, 0xffff, true);
      new DataView(zip.buffer, zip.byteOffset).setUint16(end + 10, 0xffff, true);
      return zip;
    },
    message: /its zip directory claims 65535 entries/,
  },
  {
    name: "a storage smaller than it declares",
    bytes: () => checkpoint(statePickle(), new Uint8Array(8)),
    message: /storage 0 declares 6 elements but holds 2/,
  },
  {
    name: "a tensor larger than its storage",
    bytes: () => checkpoint(statePickle({ count: 6, size: [3, 2, 2, 1] })),
    message: /tensor w of shape \(3, 2, 2, 1\) needs 12 elements of its storage, which has 6/,
  },
  {
    name: "a storage offset past the end",
    bytes: () => checkpoint(statePickle({ offset: 5 })),
    message: /needs 11 elements of its storage, which has 6/,
  },
  {
    name: "a negative shape",
    bytes: () => checkpoint(statePickle({ size: [3, -2, 1, 1] })),
    message: /shape \[3,-2,1,1\] is not a list of non-negative integers/,
  },
  {
    name: "a huge shape",
    bytes: () => checkpoint(statePickle({ size: [2 ** 40, 2, 1, 1] })),
    message: /has more than 2\^31 elements/,
  },
  {
    name: "a negative stride",
    bytes: () => checkpoint(statePickle({ stride: [2, -1, 1, 1] })),
    message: /has strides \(2, -1, 1, 1\) for shape \(3, 2, 1, 1\)/,
  },
  {
    name: "a huge stride",
    bytes: () => checkpoint(statePickle({ stride: [2 ** 40, 1, 1, 1] })),
    message: /needs \d+ elements of its storage, which has 6/,
  },
  {
    name: "a storage type dsnet does not read",
    bytes: () => checkpoint(statePickle({ storage: "IntStorage" })),
    message: /asks for torch\.IntStorage/,
  },
  {
    name: "truncated zip data",
    bytes: () => readFileSync(join(CHECKPOINTS, "tensors.pth")).subarray(0, 1500),
    message: /it is not a readable zip archive/,
  },
  {
    name: "a truncated pickle",
    bytes: () => checkpoint(statePickle().subarray(0, 60)),
    message: /the pickle is truncated/,
  },
  {
    name: "a string longer than the pickle",
    bytes: () => checkpoint(new Pickle().op("X", 0xff, 0xff, 0xff, 0x7f).raw("abc").bytes()),
    message: /the pickle is truncated: a string runs past the end of the data/,
  },
  {
    name: "deeply nested marks",
    bytes: () => checkpoint(new Pickle().raw("(".repeat(100_000)).bytes()),
    message: /the pickle opens more than 1000 marks at once/,
  },
  {
    name: "deeply nested lists",
    bytes: () =>
      checkpoint(new Pickle().raw("]".repeat(100_000) + "a".repeat(99_999) + ".").bytes()),
    message: /the checkpoint holds a list of 1, not a state_dict/,
  },
  {
    name: "a memo entry that does not exist",
    bytes: () => checkpoint(new Pickle().op("h", 5).op(".").bytes()),
    message: /the pickle refers to memo entry 5, which was never stored/,
  },
  {
    name: "an opcode a state_dict never uses",
    bytes: () => checkpoint(new Pickle().raw("i__builtin__\nlist\n").bytes()),
    message: /the pickle uses the opcode INST, which a PyTorch state_dict never does/,
  },
  {
    name: "a pickle that is not a torch.save file",
    bytes: () => new Pickle().op("K", 1).op(".").bytes(),
    message: /it is a pickle but not a torch\.save file/,
  },
];

describe("hostile checkpoints: one dsnet: line, exit 1, nothing written, nothing run", () => {
  it("the well-formed version of the hand-made checkpoint imports", async () => {
    const file = join(dir, "good.pth");
    writeFileSync(
      file,
      checkpoint(statePickle(), new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer)),
    );
    const out = join(dir, "good.safetensors");
    const r = await cli("weights", "import", file, tiny, "-o", out);
    expect(r.stderr).toBe(`wrote 1 tensors to ${out}\n`);
    expect([...readSafetensors(readFileSync(out)).tensors.get("conv1.weight")!.data]).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it.each(hostile)("$name", async ({ name, bytes, message }) => {
    const file = join(dir, `${name.replace(/\W+/g, "_")}.pth`);
    writeFileSync(file, bytes());
    const out = join(dir, `${name.replace(/\W+/g, "_")}.safetensors`);
    const r = await cli("weights", "import", file, tiny, "-o", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(
      new RegExp(`^dsnet: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `),
    );
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });
});
