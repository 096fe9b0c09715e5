import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { generateModule, type GenerateOptions } from "../src/backends/ts/generate.js";
import type { GeneratedModule } from "../src/backends/ts/load.js";
import type { Network } from "../src/check/network.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { writeSafetensors } from "../src/weights/safetensors.js";
import { expectedTensors } from "../src/weights/tensors.js";
import { expectGolden, maskGeneratedModule } from "./golden.js";
import { cli, exampleNetwork } from "./helpers.js";
import { randomNetwork } from "./random-networks.js";
import { runs } from "./runs.js";
import { loadModule, moduleDir, prettierFormat, typeErrors } from "./generated-module.js";

/*
 * `dsnet compile --target ts --kernels js`: the module whose steps are plain TypeScript loops.
 * Held to the CPU plan (WebAssembly kernels) on the examples and on random networks, run with no
 * WebAssembly in the engine at all, type-checked under the strictest flags and formatted as
 * prettier formats it.
 */

async function generate(
  network: Network,
  weights: Float32Array[],
  extra: Partial<GenerateOptions> = {},
) {
  return generateModule({
    graph: compileGraph(network, weights, { target: "ts" }),
    weightsOrigin: "test",
    kernels: "js",
    ...extra,
  });
}

/** The code with its comments and strings blanked: what names it uses. */
function codeOnly(text: string): string {
  const scanner = ts.createScanner(
    ts.ScriptTarget.ES2022,
    false,
    ts.LanguageVariant.Standard,
    text,
  );
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.Identifier) tokens.push(scanner.getTokenText());
  }
  return tokens.join(" ");
}

/** Runs `body` in an engine without WebAssembly, as Hermes or a page with a strict CSP is. */
function withoutWebAssembly<T>(body: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly")!;
  delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  try {
    return body();
  } finally {
    Object.defineProperty(globalThis, "WebAssembly", descriptor);
  }
}

function inputFor(network: Network, batch: number, seed = 5): Float32Array {
  const random = new Random(seed);
  const [h, w, c] = network.input;
  return Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
}

/** max|a - b| <= 1e-4 · max(1, max|b|). */
function expectClose(actual: Float32Array, reference: Float32Array, context: string) {
  expect(actual.length, context).toBe(reference.length);
  let maxDiff = 0;
  let largest = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - reference[i]));
    largest = Math.max(largest, Math.abs(reference[i]));
  }
  expect(maxDiff, context).toBeLessThanOrEqual(1e-4 * Math.max(1, largest));
}

function cpuOutput(network: Network, weights: Float32Array[], input: Float32Array, batch: number) {
  return Float32Array.from(new CpuPlan(compileGraph(network, weights), { batch }).forward(input));
}

describe("generated TypeScript with --kernels js", () => {
  const tiny = checkFile("test/golden/ts/tiny.dsnet").networks[0];
  const tinyWeights = initialWeights(tiny, 1).map((t) => t.data);

  it("for the tiny network matches the reviewed golden module", async () => {
    const text = await generate(tiny, tinyWeights, {
      weightsOrigin: "dsnet's deterministic initial weights, seed 1",
      sourcePath: "test/golden/ts/tiny.dsnet",
      command:
        "dsnet compile test/golden/ts/tiny.dsnet --target ts --kernels js -o test/golden/ts/tiny-js.ts",
    });
    expectGolden("test/golden/ts/tiny-js.ts.golden", text, { mask: maskGeneratedModule });
  });

  it("use no WebAssembly: none in the code, and they run in an engine without it", async () => {
    const text = await generate(tiny, tinyWeights);
    expect(codeOnly(text)).not.toMatch(/WebAssembly|instantiateKernels|KERNELS/);
    // The WebAssembly module does use it, so the check can tell them apart.
    const wasm = await generate(tiny, tinyWeights, { kernels: "wasm" });
    expect(codeOnly(wasm)).toMatch(/WebAssembly/);
    const module = await loadModule(await generate(tiny, tinyWeights, { javascript: true }), "mjs");
    const input = inputFor(tiny, 2);
    const output = withoutWebAssembly(() =>
      Float32Array.from(module.createModel({ batch: 2 }).forward(input)),
    );
    expectClose(output, cpuOutput(tiny, tinyWeights, input, 2), "without WebAssembly");
  });

  it("type-check under the strictest flags, come out formatted, and equal the CPU plan, as TypeScript and as JavaScript", async () => {
    const text = await generate(tiny, tinyWeights);
    expect(typeErrors(text)).toEqual([]);
    expect(text).toBe(await prettierFormat(text));
    const js = await generate(tiny, tinyWeights, { javascript: true });
    expect(js).toBe(await prettierFormat(js, true));
    for (const [module, batch] of [
      [await loadModule(text, "ts"), 1],
      [await loadModule(js, "mjs"), 3],
    ] as const) {
      const input = inputFor(tiny, batch);
      expectClose(
        module.createModel({ batch }).forward(input),
        cpuOutput(tiny, tinyWeights, input, batch),
        `batch ${batch}`,
      );
    }
  });

  // At 96x96: the steps of the full size on a fifth of the pixels or fewer. Xception (separable
  // convolutions with residual projections, strided 1x1 convolutions) is run, not type-checked.
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
        expect(typeErrors(await generate(network, weights, { weightsFile: true }))).toEqual([]);
      }
      const file = writeSafetensors(
        expectedTensors(network).map((s, i) => ({
          name: s.name,
          shape: s.shape,
          data: weights[i],
        })),
      );
      const module = await loadModule(
        await generate(network, weights, { weightsFile: true, javascript: true }),
        "mjs",
      );
      for (const batch of [1, 2]) {
        const input = inputFor(network, batch);
        expectClose(
          module.createModel(file, { batch }).forward(input),
          cpuOutput(network, weights, input, batch),
          `${name}, batch ${batch}`,
        );
      }
    },
  );

  it("random networks: the module equals the CPU plan", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, async ({ source, network, weights, input, batch }) => {
        const module = await loadModule(
          await generate(network, weights, { javascript: true }),
          "mjs",
        );
        expectClose(
          module.createModel({ batch }).forward(input),
          cpuOutput(network, weights, input, batch),
          source,
        );
      }),
      { numRuns: runs(60) },
    );
  });

  it("random networks type-check under the strictest flags, come out formatted and name no WebAssembly", async () => {
    await fc.assert(
      fc.asyncProperty(randomNetwork, fc.boolean(), async ({ source, network, weights }, file) => {
        const text = await generate(network, weights, { weightsFile: file });
        expect(typeErrors(text), source).toEqual([]);
        expect(text, source).toBe(await prettierFormat(text));
        expect(codeOnly(text), source).not.toMatch(/WebAssembly/);
      }),
      { numRuns: runs(8) },
    );
  });

  it("name each step's function after its layer and bake its sizes in", async () => {
    const network = exampleNetwork("examples/mobilenet_v1.dsnet", ["res=96"]);
    const text = await generate(
      network,
      initialWeights(network).map((t) => t.data),
    );
    expect(text).toMatch(/^ {2}function step2_separable1_dw1\(\): void \{$/m);
    expect(text).toMatch(/^ {8}step3_separable1_pw1\(\);$/m);
    // The 3x3 depthwise step's interior: the nine taps in locals, no bounds checks.
    const depthwise = text.slice(text.indexOf("function step2_"), text.indexOf("function step3_"));
    expect(depthwise).toMatch(/const w8 = m\[\d+ \+ c\]!;/);
    expect(depthwise).toMatch(
      /acc \+= m\[i\]! \* w0 \+ m\[i \+ 32\]! \* w1 \+ m\[i \+ 64\]! \* w2;/,
    );
  });
});

describe("dsnet compile --kernels", () => {
  const source = "test/golden/ts/tiny.dsnet";

  it("js writes a module of loops that runs without WebAssembly; the header says how it was made", async () => {
    const out = join(moduleDir, "cli-js.mjs");
    const r = await cli("compile", source, "--target", "ts", "--kernels", "js", "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("--kernels js -o");
    expect(text).not.toContain("const KERNELS");
    const module = (await import(pathToFileURL(out).href)) as GeneratedModule;
    expect(
      withoutWebAssembly(() => module.createModel().forward(new Float32Array(243))),
    ).toHaveLength(4);
  });

  it("is refused for other targets and for other values", async () => {
    const wgsl = await cli(
      "compile",
      source,
      "--target",
      "wgsl",
      "--kernels",
      "js",
      "-o",
      moduleDir,
    );
    expect(wgsl.code).toBe(2);
    expect(wgsl.stderr).toMatch(/--kernels js is for --target ts/);
    const other = await cli("compile", source, "--target", "ts", "--kernels", "simd", "-o", "-");
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--kernels takes wasm or js, not simd/);
  });
});
