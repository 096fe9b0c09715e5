import { runInNewContext } from "node:vm";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import {
  generateDeclarations,
  generateModule,
  NOT_SAFETENSORS_BYTES,
  type GenerateOptions,
} from "../src/backends/ts/generate.js";
import type { GeneratedModule } from "../src/backends/ts/load.js";
import { runtimeFor, runtimePieces } from "../src/backends/ts/runtime-parts.js";
import { KERNELS_WASM_BASE64 } from "../src/runtime/kernels.generated.js";
import { RUNTIME_JAVASCRIPT, RUNTIME_TYPESCRIPT } from "../src/runtime/source.generated.js";
import type { Network } from "../src/check/network.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { readSafetensors, matchTensors, writeSafetensors } from "../src/weights/safetensors.js";
import { expectedTensors } from "../src/weights/tensors.js";
import { expectGolden, maskGeneratedModule } from "./golden.js";
import { randomNetwork } from "./random-networks.js";
import { cli, exampleNetwork } from "./helpers.js";
import { runs } from "./runs.js";
import {
  loadModule,
  moduleDir,
  prettierFormat,
  typeErrors,
  typeErrorsOf,
} from "./generated-module.js";

async function generate(
  network: Network,
  weights: Float32Array[],
  extra: Partial<GenerateOptions> = {},
) {
  return generateModule({
    graph: compileGraph(network, weights, { target: "ts" }),
    weightsOrigin: "test",
    ...extra,
  });
}

function inputFor(network: Network, batch: number, seed = 5): Float32Array {
  const random = new Random(seed);
  const [h, w, c] = network.input;
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

/** max|a - b| <= 1e-5 · (the range of b). */
function expectSameOutput(actual: Float32Array, reference: Float32Array, context: string) {
  expect(actual.length, context).toBe(reference.length);
  let maxDiff = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - reference[i]));
    lo = Math.min(lo, reference[i]);
    hi = Math.max(hi, reference[i]);
  }
  expect(maxDiff, context).toBeLessThanOrEqual(1e-5 * Math.max(hi - lo, 1e-6));
}

function cpuOutput(network: Network, weights: Float32Array[], input: Float32Array, batch: number) {
  return Float32Array.from(new CpuPlan(compileGraph(network, weights), { batch }).forward(input));
}

describe("generated TypeScript", () => {
  const tiny = checkFile("test/golden/ts/tiny.dsnet").networks[0];
  const tinyWeights = initialWeights(tiny, 1).map((t) => t.data);

  it("for the tiny network matches the reviewed golden module", async () => {
    const text = await generate(tiny, tinyWeights, {
      weightsOrigin: "dsnet's deterministic initial weights, seed 1",
      sourcePath: "test/golden/ts/tiny.dsnet",
      command: "dsnet compile test/golden/ts/tiny.dsnet --target ts -o test/golden/ts/tiny.ts",
    });
    // The golden holds the generated code only: the runtime copy and the weights are masked.
    expectGolden("test/golden/ts/tiny.ts.golden", text, { mask: maskGeneratedModule });
  });

  it("refuse a batch dsnet's --batch refuses, with its bounds", async () => {
    const module = await loadModule(await generate(tiny, tinyWeights, { javascript: true }), "mjs");
    for (const batch of [0, -1, 1.5, NaN, 2 ** 30 + 1]) {
      expect(() => module.createModel({ batch }), `batch ${batch}`).toThrow(
        `batch must be a whole number from 1 to 1073741824, got ${batch}`,
      );
    }
  });

  it("type-checks under the strictest flags, runs, and equals the CPU plan, as TypeScript and as JavaScript", async () => {
    const text = await generate(tiny, tinyWeights);
    expect(typeErrors(text)).toEqual([]);
    const js = await generate(tiny, tinyWeights, { javascript: true });
    for (const [module, batch] of [
      [await loadModule(text, "ts"), 1],
      [await loadModule(js, "mjs"), 3],
    ] as const) {
      const input = inputFor(tiny, batch);
      const model = module.createModel({ batch });
      // The build the CPU plan takes here too (simd128 on Node 20, relaxed SIMD on Node 22).
      expect(model.kernels).toBe(new CpuPlan(compileGraph(tiny, tinyWeights)).kernelsVariant);
      expectSameOutput(
        model.forward(input),
        cpuOutput(tiny, tinyWeights, input, batch),
        `batch ${batch}`,
      );
    }
  });

  // The examples at 96x96 (the seed block has no resolution): the steps are those of the full
  // size, on a fifth of the pixels or fewer. Xception's, the longest module, is run but not
  // type-checked: its kinds of step are type-checked in the tiny and the random networks.
  it.each([
    ["seed_block", [], true],
    ["mobilenet_v1", ["res=96"], true],
    ["mobilenet_v2", ["res=96"], true],
    ["xception", ["res=96"], false],
  ] as const)(
    "examples/%s.dsnet: a module taking its weights at load time equals the CPU plan",
    async (name, set, typeCheck) => {
      const network = exampleNetwork(`examples/${name}.dsnet`, [...set]);
      const weights = initialWeights(network, 2).map((t) => t.data);
      if (typeCheck) {
        const text = await generate(network, weights, { weightsFile: true });
        expect(typeErrors(text)).toEqual([]);
      }
      const specs = expectedTensors(network);
      const file = writeSafetensors(
        specs.map((s, i) => ({ name: s.name, shape: s.shape, data: weights[i] })),
      );
      const module = await loadModule(
        await generate(network, weights, { weightsFile: true, javascript: true }),
        "mjs",
      );
      expect(module.inputShape).toEqual(network.input);
      expect(module.weightTensors.map(([n]) => n)).toEqual(specs.map((s) => s.name));
      const input = inputFor(network, 1);
      expectSameOutput(
        module.createModel(file, { batch: 1 }).forward(input),
        cpuOutput(network, weights, input, 1),
        name,
      );
    },
  );

  it("random networks: the generated module equals the CPU plan", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, async ({ source, network, weights, input, batch }) => {
        const module = await loadModule(
          await generate(network, weights, { javascript: true }),
          "mjs",
        );
        expectSameOutput(
          module.createModel({ batch }).forward(input),
          cpuOutput(network, weights, input, batch),
          source,
        );
      }),
      { numRuns: runs(40) },
    );
  });

  it("random networks type-check under the strictest flags and come out formatted", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, fc.boolean(), async ({ source, network, weights }, file) => {
        const text = await generate(network, weights, { weightsFile: file });
        expect(typeErrors(text), source).toEqual([]);
        expect(text, source).toBe(await prettierFormat(text));
      }),
      { numRuns: runs(6) },
    );
  });

  it("come out formatted as prettier formats them, in TypeScript and JavaScript, without running it", async () => {
    for (const javascript of [false, true]) {
      for (const network of [tiny, exampleNetwork("examples/xception.dsnet", ["res=96"])]) {
        const weights = initialWeights(network).map((t) => t.data);
        const text = await generate(network, weights, { javascript, weightsFile: true });
        expect(text).toBe(await prettierFormat(text, javascript));
      }
    }
  });

  it("carry only the parts of the runtime their network calls", async () => {
    // Cut into its declarations and joined again whole, the runtime is unchanged.
    for (const runtime of [RUNTIME_TYPESCRIPT, RUNTIME_JAVASCRIPT]) {
      const names = runtimePieces(runtime).flatMap((p) => p.names);
      expect(names.length).toBeGreaterThan(20);
      expect(runtimeFor(runtime, names.join(" "))).toBe(runtime);
    }
    const text = await generate(tiny, tinyWeights);
    // Its softmax is the runtime's; its max pool a kernel (kernels.wat's window_pool).
    expect(text).toMatch(/^function softmax\(/m);
    for (const unused of [
      "pool",
      "affine",
      "mulChannels",
      "shuffleChannels",
      "readSafetensorsTensors",
    ]) {
      expect(text).not.toMatch(new RegExp(`^function ${unused}\\(`, "m"));
    }
    const file = await generate(tiny, tinyWeights, { weightsFile: true });
    expect(file).toMatch(/^function readSafetensorsTensors\(/m);
    expect(file).not.toMatch(/^function splitTensors\(/m);
  });

  it("carry no runtime function for a kernel's name (the Kernels interface names every kernel)", () => {
    // The pieces are kept by the names the code uses, the interface's members among them: a
    // kernel named as a runtime function would keep that function, unused, in every module.
    const kernels = WebAssembly.Module.exports(
      new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, "base64")),
    ).map((e) => e.name);
    expect(kernels.length).toBeGreaterThan(10);
    const runtime = new Set(runtimePieces(RUNTIME_TYPESCRIPT).flatMap((p) => p.names));
    expect(kernels.filter((name) => runtime.has(name))).toEqual([]);
  });

  it("are generated in well under a second (no formatter at run time)", async () => {
    const network = exampleNetwork("examples/mobilenet_v2.dsnet", ["res=96"]);
    const weights = initialWeights(network).map((t) => t.data);
    const graph = compileGraph(network, weights, { target: "ts" });
    const start = performance.now();
    await generateModule({ graph, weightsOrigin: "test" });
    // A generous bound for a loaded machine; it takes tens of milliseconds.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("as JavaScript, come with declarations a strict TypeScript project imports", async () => {
    for (const weightsFile of [false, true]) {
      const options = {
        graph: compileGraph(tiny, tinyWeights, { target: "ts" }),
        weightsOrigin: "test",
        weightsFile,
      };
      const use = weightsFile
        ? "const model: Model = createModel(new Uint8Array(0), { batch: 2 });"
        : "const model: Model = createModel({ batch: 2 });";
      const errors = typeErrorsOf({
        "model.js": await generateModule({ ...options, javascript: true }),
        "model.d.ts": generateDeclarations(options),
        "main.ts": [
          'import { createModel, inputShape, outputShape, weightTensors, type Model } from "./model.js";',
          use,
          "const [h, w, c]: readonly [number, number, number] = inputShape;",
          "const out: Float32Array = model.forward(new Float32Array(model.batch * h * w * c));",
          "export const summary = [out.length, outputShape[2], weightTensors[0]?.[0]];",
          "",
        ].join("\n"),
      });
      expect(errors).toEqual([]);
    }
    // And the declarations say what the module is: a wrong use is an error.
    expect(
      typeErrorsOf({
        "model.js": "",
        "model.d.ts": generateDeclarations({
          graph: compileGraph(tiny, tinyWeights, { target: "ts" }),
          weightsOrigin: "test",
        }),
        "main.ts":
          'import { createModel } from "./model.js";\ncreateModel("weights.safetensors");\n',
      }),
    ).toHaveLength(1);
  });
});

describe("generated modules and user text", () => {
  it("keep odd file paths in comments without changing the code", async () => {
    const network = checkFile("test/golden/ts/tiny.dsnet").networks[0];
    const weights = initialWeights(network).map((t) => t.data);
    const statements = (text: string) => {
      const file = ts.createSourceFile("m.ts", text, ts.ScriptTarget.ES2022, true);
      expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
      return file.statements.map((s) => `${ts.SyntaxKind[s.kind]}:${s.getText().length > 0}`);
    };
    const plain = statements(
      await generate(network, weights, { sourcePath: "plain.dsnet", weightsOrigin: "plain" }),
    );
    for (const path of [
      'we"ird`${x}`*/ /*.dsnet',
      "line\nbreak\r\u2028.dsnet",
      "ünïcødé ✓ 模型.dsnet",
      "back\\slash'.dsnet",
    ]) {
      const text = await generate(network, weights, { sourcePath: path, weightsOrigin: path });
      expect(statements(text), JSON.stringify(path)).toEqual(plain);
    }
  });
});

describe("weights taken at load time", () => {
  it("are checked like dsnet's reader checks them", async () => {
    const network = checkFile("test/golden/ts/tiny.dsnet").networks[0];
    const weights = initialWeights(network).map((t) => t.data);
    const specs = expectedTensors(network);
    const module = await loadModule(
      await generate(network, weights, { weightsFile: true, javascript: true }),
      "mjs",
    );
    const good = writeSafetensors(
      specs.map((s, i) => ({ name: s.name, shape: s.shape, data: weights[i] })),
    );
    const header = (bytes: Uint8Array) =>
      Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const withHeader = (json: object, data: Uint8Array) => {
      const text = new TextEncoder().encode(JSON.stringify(json));
      const out = new Uint8Array(8 + text.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      out.set(data, 8 + text.length);
      return out;
    };
    const data = good.subarray(8 + header(good));
    const goodHeader = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + header(good))));
    const first = specs[0].name;
    const hostile: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["truncated", good.subarray(0, good.length - 10)],
      [
        "header length past the end",
        (() => {
          const b = good.slice();
          new DataView(b.buffer).setUint32(0, 1e9, true);
          return b;
        })(),
      ],
      [
        "header not JSON",
        withHeader({}, data).map((b, i) => (i === 8 ? 0x7b : i === 9 ? 0x7b : b)),
      ],
      [
        "missing tensor",
        withHeader(
          Object.fromEntries(Object.entries(goodHeader).filter(([k]) => k !== first)),
          data,
        ),
      ],
      [
        "extra tensor",
        withHeader(
          { ...goodHeader, extra: { dtype: "F32", shape: [0], data_offsets: [0, 0] } },
          data,
        ),
      ],
      [
        "wrong shape",
        withHeader(
          {
            ...goodHeader,
            [first]: {
              ...goodHeader[first],
              shape: [
                1,
                ...goodHeader[first].shape.slice(1).map(() => 1),
                goodHeader[first].data_offsets[1] / 4,
              ],
            },
          },
          data,
        ),
      ],
      [
        "overlapping",
        withHeader(
          {
            ...goodHeader,
            [specs[1].name]: {
              ...goodHeader[specs[1].name],
              data_offsets: [
                0,
                goodHeader[specs[1].name].data_offsets[1] -
                  goodHeader[specs[1].name].data_offsets[0],
              ],
            },
          },
          data,
        ),
      ],
      [
        "offsets past the data",
        withHeader(
          {
            ...goodHeader,
            [first]: { ...goodHeader[first], data_offsets: [data.length, data.length + 4] },
          },
          data,
        ),
      ],
      [
        "unknown dtype",
        withHeader({ ...goodHeader, [first]: { ...goodHeader[first], dtype: "F8_E4M3" } }, data),
      ],
    ];
    expect(() => module.createModel(good)).not.toThrow();
    for (const [name, bytes] of hostile) {
      expect(() => module.createModel(bytes), name).toThrow();
      expect(() => matchTensors(readSafetensors(bytes), specs), name).toThrow();
    }
  });

  it.each([
    ["the options alone, as a module with embedded weights takes them", { batch: 1 }],
    ["an ArrayBuffer", new ArrayBuffer(16)],
    ["nothing", undefined],
    ["an array of numbers", [1, 2, 3]],
  ])("from JavaScript, anything but bytes says what createModel takes: %s", async (_, given) => {
    const network = checkFile("test/golden/ts/tiny.dsnet").networks[0];
    const weights = initialWeights(network).map((t) => t.data);
    const module = await loadModule(
      await generate(network, weights, { weightsFile: true, javascript: true }),
      "mjs",
    );
    const createModel = module.createModel as unknown as (bytes: unknown) => unknown;
    expect(() => createModel(given)).toThrow(new TypeError(NOT_SAFETENSORS_BYTES));
  });
});

it("takes a safetensors file's bytes made in another realm (a vm context)", async () => {
  const network = checkFile("test/golden/ts/tiny.dsnet").networks[0];
  const weights = initialWeights(network).map((t) => t.data);
  const module = await loadModule(
    await generate(network, weights, { weightsFile: true, javascript: true }),
    "mjs",
  );
  const file = join(moduleDir, "realm.safetensors");
  const r = await cli("weights", "init", "test/golden/ts/tiny.dsnet", "-o", file);
  expect(r.code, r.stderr).toBe(0);
  const bytes = readFileSync(file);
  const foreign = runInNewContext("new Uint8Array(length)", { length: bytes.length });
  foreign.set(bytes);
  expect(foreign instanceof Uint8Array).toBe(false);
  expect(() => module.createModel(foreign)).not.toThrow();
});

describe("dsnet compile --target ts and weights init name their output by what it holds", () => {
  const source = "test/golden/ts/tiny.dsnet";

  it("-o model.js writes JavaScript (as --js does) and model.d.ts beside it", async () => {
    const out = join(moduleDir, "cli-model.js");
    const r = await cli("compile", source, "--target", "ts", "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).not.toMatch(/: Float32Array|as const/);
    const module = (await import(pathToFileURL(out).href)) as GeneratedModule;
    expect(module.createModel().forward(new Float32Array(243))).toHaveLength(4);
    expect(readFileSync(join(moduleDir, "cli-model.d.ts"), "utf8")).toMatch(
      /^export declare function createModel\(options\?: ModelOptions\): Model;$/m,
    );
    expect(r.stderr).toContain("cli-model.d.ts");
  });

  it("--js -o model.ts is refused, not JavaScript in a .ts file", async () => {
    const out = join(moduleDir, "cli-refused.ts");
    const r = await cli("compile", source, "--target", "ts", "--js", "-o", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--js writes JavaScript, but .*cli-refused\.ts is named as TypeScript/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ["model.cjs", [], "name it .js or .mjs"],
    ["model.cjs", ["--js"], "name it .js or .mjs"],
    ["model.cts", [], "name it .ts or .mts"],
  ])(
    "-o %s %j is refused, not an ES module where CommonJS is expected",
    async (name, extra, fix) => {
      const out = join(moduleDir, name);
      const r = await cli("compile", source, "--target", "ts", ...extra, "-o", out);
      expect(r).toMatchObject({ code: 2, stdout: "" });
      expect(r.stderr).toContain(`is named as CommonJS, which Node would not load: ${fix}`);
      expect(existsSync(out)).toBe(false);
    },
  );

  it("weights init -o w.npy is refused: a network's weights are many tensors, an .npy one array", async () => {
    const out = join(moduleDir, "w.npy");
    const r = await cli("weights", "init", source, "-o", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/weights init writes a safetensors file .*name it \.safetensors/);
    expect(existsSync(out)).toBe(false);
  });
});
