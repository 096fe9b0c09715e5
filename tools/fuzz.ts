/*
 * `npm run fuzz -- [cases] [seed]`: fast-check over everything that reads user input, looking
 * for what the tests cannot enumerate. Per case it runs one of:
 *   - the parser and checker on random text, token soup, or a mutated example;
 *   - for a program that checks clean, lowering and every backend's compile step: the CPU plan
 *     (whose steps the generated TypeScript prints), WGSL and ONNX;
 *   - every file reader (safetensors, npy, PNG, PyTorch checkpoints) on a mutated valid file.
 * It reports exceptions that escape (anything but a diagnostic or a FileError), cases over 2 s,
 * and programs that check clean and then fail in a backend; exit 1 if there were any.
 * For a length of time rather than a count: `npm run fuzz -- --minutes 60 [seed]`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
import { readPng } from "../src/weights/image.js";
import { readTorchCheckpoint } from "../src/weights/import/torch.js";
import { initialWeights } from "../src/weights/init.js";
import { readNpy } from "../src/weights/npy.js";
import { readSafetensors } from "../src/weights/safetensors.js";
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

type Case = { kind: "source"; text: string } | { kind: "file"; reader: string; bytes: Uint8Array };
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
const anyCase: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: source.map((text) => ({ kind: "source" as const, text })), weight: 3 },
  file,
);

const findings: string[] = [];
// Every finding's whole input goes to a file of its own, to shrink into a regression test; the
// report shows its start.
const findingsDir = join(tmpdir(), `dsnet-fuzz-${seed}`);
const report = (what: string, c: Case, e?: unknown) => {
  mkdirSync(findingsDir, { recursive: true });
  const saved = join(
    findingsDir,
    `finding-${findings.length + 1}${c.kind === "source" ? ".dsnet" : `.${c.reader}`}`,
  );
  writeFileSync(saved, c.kind === "source" ? c.text : c.bytes);
  const input = c.kind === "source" ? JSON.stringify(c.text.slice(0, 400)) : `${c.reader} file`;
  findings.push(
    `${what}: ${e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" | ") : ""}\n  ${input}\n  (whole input: ${saved})`,
  );
};

function runCase(c: Case) {
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
const seconds = (performance.now() - started) / 1000;
console.log(
  `${ran} cases in ${seconds.toFixed(1)} s (seed ${seed}): ${findings.length} findings, ${slow} slow`,
);
for (const f of findings.slice(0, 50)) console.log(f);
process.exitCode = findings.length > 0 ? 1 : 0;
