import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileWgsl } from "../src/backends/wgsl/compile.js";
import { gridOf } from "../src/backends/wgsl/kernels/common.js";
import { writeWgslProgram } from "../src/backends/wgsl/write.js";
import type { Network } from "../src/check/network.js";
import { parseOverrides } from "../src/check/overrides.js";
import { checkFile } from "../src/check/program.js";
import type { Graph } from "../src/ir/graph.js";
import { compileGraph } from "../src/compile.js";
import { fuseSeparable } from "../src/ir/passes.js";
import { initialWeights } from "../src/weights/init.js";
import { checkSources } from "./helpers.js";

/*
 * What the WGSL backend generates, checked without a GPU: the plan, fusion, memory, the files,
 * escaping, and that host.ts is the tested runtime and type-checks on its own. Running the
 * shaders is test/wgsl.test.ts.
 */

/** The graph for WGSL: with `fuseSeparable: false`, depthwise and pointwise kept apart. */
function graphOf(network: Network, fuseSeparable = true): Graph {
  return compileGraph(
    network,
    initialWeights(network).map((t) => t.data),
    { target: "wgsl", fuseSeparable },
  );
}

function example(name: string, set: string[] = [], fuseSeparable = true): Graph {
  const overrides = parseOverrides(set);
  if (!overrides.ok) throw new Error(overrides.message);
  const file = `examples/${name}.dsnet`;
  const network = checkFile(file).program.entryNetworks[0];
  return graphOf(
    checkFile(file, { network, overrides: overrides.overrides }).networks[0],
    fuseSeparable,
  );
}

describe("the plan", () => {
  it("fuses every depthwise -> pointwise pair of MobileNetV1, MobileNetV2 and Xception", () => {
    for (const name of ["mobilenet_v1", "mobilenet_v2", "xception"]) {
      const graph = example(name, ["res=96"], false);
      const pairs = graph.nodes.filter((n, i) => {
        const next = graph.nodes[i + 1];
        return n.op === "conv" && n.role === "dw" && next?.inputs[0] === n.output;
      }).length;
      // The pass itself, rather than checking and lowering the network a second time.
      const kinds = compileWgsl(fuseSeparable(graph)).steps.map((s) => s.kind);
      expect(kinds.filter((k) => k === "fused-separable").length, name).toBe(pairs);
      expect(kinds, name).not.toContain("depthwise");
      const unfused = compileWgsl(graph).steps.map((s) => s.kind);
      expect(unfused.filter((k) => k === "depthwise").length, name).toBe(pairs);
      expect(unfused, name).not.toContain("fused-separable");
    }
  });

  it("lists one line per step: name, kind, shapes, dispatch, MACs, layers", () => {
    const network = checkSources("input 8x8x6\nconv 3x3 8 -> bn -> relu\nsep 16\ngap -> fc 10\n")
      .networks[0];
    const program = compileWgsl(graphOf(network), { batch: 2 });
    expect(program.plan).toEqual([
      "01_conv1            conv             8x8x6 -> 8x8x8    dispatch 4x1x1  55.3K MACs  conv1 bn1 relu1",
      "02_sep1.dw+sep1.pw  fused-separable  8x8x8 -> 8x8x16   dispatch 4x1x1  25.6K MACs  sep1.dw sep1.pw",
      "03_gap1             global-avgpool   8x8x16 -> 1x1x16  dispatch 8x1x1              gap1",
      "04_fc1              fc               1x1x16 -> 1x1x10  dispatch 1x1x1  320 MACs    fc1",
    ]);
  });

  it("reuses activation memory: MobileNetV1 at 224 needs well under half the naive arena", () => {
    const program = compileWgsl(example("mobilenet_v1"));
    expect(program.arenaBytes).toBeLessThan(program.naiveArenaBytes / 2);
    // The peak: the first separable pair reads 112x112x32 and writes 112x112x64.
    expect(program.arenaBytes).toBe(112 * 112 * (32 + 64) * 4);
  });

  it("scales offsets and dispatches with the batch", () => {
    const graph = example("mobilenet_v1", ["alpha=0.25", "res=64", "classes=10"]);
    const one = compileWgsl(graph);
    const four = compileWgsl(graph, { batch: 4 });
    expect(four.arenaBytes).toBe(4 * one.arenaBytes);
    expect(four.manifest.output.offset).toBe(4 * one.manifest.output.offset);
    expect(four.manifest.input.shape).toEqual([4, 64, 64, 3]);
  });

  it("splits a grid of more than 65535 workgroups over two dimensions", () => {
    expect(gridOf(65535)).toEqual([65535, 1, 1]);
    expect(gridOf(65536)).toEqual([32768, 2, 1]);
    const [x, y] = gridOf(1_000_001);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(1_000_001);
  });
});

describe("the shader text", () => {
  it("bakes shapes and geometry in as constants and names the layers in a header", () => {
    const code = compileWgsl(example("seed_block"), { sourceFile: "examples/seed_block.dsnet" })
      .steps[0].code;
    expect(code).toMatch(/^\/\/ dsnet: step 1 of 1 of network main, batch 1\n/);
    expect(code).toContain("// source: examples/seed_block.dsnet");
    expect(code).toContain("// layers: dw1, pw1");
    expect(code).toContain("// 56x56x128 -> 56x56x64 per sample; 29.30M multiply-adds");
    expect(code).toContain("const KH: u32 = 3u;");
    expect(code).toContain("const N4: u32 = 16u; // 64 output channels");
    expect(code).toContain("var<workgroup> a_tile");
  });

  it("escapes text from the user so it cannot leave its comment", () => {
    const hostile = "x*/y\nz\r\nw\u2028v\u2029u\u0085t\u000bs`${r}\\q";
    const program = compileWgsl(example("seed_block"), {
      sourceFile: hostile,
      networkName: hostile,
    });
    const code = program.steps[0].code;
    expect(code).toContain(
      "// source: x*\\/y\\u000az\\u000d\\u000aw\\u2028v\\u2029u\\u0085t\\u000bs`${r}\\q\n",
    );
    expect(code).not.toContain("*/");
    // Nothing but \n breaks a line, in WGSL, TypeScript or Markdown.
    for (const text of [code, program.host, program.readme]) {
      expect(text).not.toMatch(/[\r\u2028\u2029\u0085\u000b\u000c]/);
    }
  });
});

describe("the host module", () => {
  it("host.ts starts with the runtime the tests run, then the manifest", () => {
    const program = compileWgsl(example("seed_block"));
    const runtime = readFileSync("src/backends/wgsl/host-runtime.ts", "utf8");
    expect(program.host).toContain(runtime.trimEnd());
    expect(program.host).toContain("export const manifest: WgslManifest = {");
  });

  it("host.ts type-checks on its own under strict, with only the WebGPU types", () => {
    const network = checkSources("input 9x7x3\nconv 3x3 6 s2\nsep 10\ngap -> fc 5\n").networks[0];
    const dir = mkdtempSync(join(tmpdir(), "dsnet-host-"));
    try {
      const path = join(dir, "host.ts");
      const hostile = "a*/b\nc\u2028d`${e}\\";
      const program = compileWgsl(graphOf(network), { sourceFile: hostile, networkName: hostile });
      writeFileSync(path, program.host);
      const checker = ts.createProgram([path], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
        typeRoots: [resolve("node_modules")],
        types: [],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(checker)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("writeWgslProgram writes the shaders, host.ts, weights.bin and README.md", () => {
    const program = compileWgsl(example("mobilenet_v2", ["alpha=0.35", "res=32", "classes=10"]));
    const dir = mkdtempSync(join(tmpdir(), "dsnet-wgsl-"));
    try {
      writeWgslProgram(program, dir);
      const files = readdirSync(dir).sort();
      expect(files.filter((f) => f.endsWith(".wgsl"))).toEqual(
        program.steps.map((s) => `${s.name}.wgsl`).sort(),
      );
      expect(files).toContain("01_conv1.wgsl");
      for (const f of ["host.ts", "weights.bin", "README.md"])
        expect(existsSync(join(dir, f))).toBe(true);
      expect(readFileSync(join(dir, "weights.bin")).byteLength).toBe(program.weights.byteLength);
      expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("navigator.gpu");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
