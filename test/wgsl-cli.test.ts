import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { cli } from "./helpers.js";
import { requestWebGpuDevice } from "../src/backends/wgsl/index.js";
import { readNpy, writeNpy } from "../src/weights/npy.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { compareToReference } from "./fixtures.js";

/*
 * The WebGPU backend through the command line: `compile --target wgsl` (no GPU needed) and
 * `run --backend webgpu` against `run --backend cpu` on the MobileNets (V1 at full width, smaller
 * inputs than 224 so SwiftShader runs them in seconds), on whatever adapter Dawn finds
 * (SwiftShader in CI). Skipped without one, except with CI=true.
 */

const dir = mkdtempSync(join(tmpdir(), "dsnet-wgsl-cli-"));

describe("dsnet compile --target wgsl", () => {
  it("writes one shader per step, the host and the weights, and fuses every separable pair of MobileNetV1", async () => {
    const out = join(dir, "v1");
    const r = await cli(
      "compile",
      "examples/mobilenet_v1.dsnet",
      "--target",
      "wgsl",
      "-o",
      out,
      "--verbose",
    );
    expect(r.code).toBe(0);
    const plan = r.stderr.split("\n").filter((l) => /^\d\d_/.test(l));
    expect(plan.filter((l) => l.includes("fused-separable"))).toHaveLength(13);
    expect(plan.filter((l) => / (depthwise|pointwise) /.test(l))).toEqual([]);
    const files = readdirSync(out);
    expect(files).toEqual(
      expect.arrayContaining(["host.ts", "weights.bin", "README.md", "01_conv1.wgsl"]),
    );
    expect(files.filter((f) => f.endsWith(".wgsl"))).toHaveLength(plan.length);
    expect(readFileSync(join(out, "01_conv1.wgsl"), "utf8")).toMatch(/conv1/);
  });

  it("rejects options that belong to the ts target", async () => {
    expect(
      (
        await cli(
          "compile",
          "examples/seed_block.dsnet",
          "--target",
          "wgsl",
          "-o",
          dir,
          "--weights-file",
        )
      ).code,
    ).toBe(2);
    expect(
      (await cli("compile", "examples/seed_block.dsnet", "--target", "asm", "-o", dir)).code,
    ).toBe(2);
  });
});

describe("dsnet compile --target wgsl --js", () => {
  it("writes host.js, plain JavaScript with no imports, that a page loads as it is", async () => {
    const out = join(dir, "js");
    const r = await cli(
      "compile",
      "examples/seed_block.dsnet",
      "--target",
      "wgsl",
      "--js",
      "-o",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toContain("host.js");
    expect(readdirSync(out)).not.toContain("host.ts");
    const host = readFileSync(join(out, "host.js"), "utf8");
    // Nothing for a browser to resolve: no imports of any kind, no Node built-ins, no types.
    expect(host).not.toMatch(/^\s*import\b|\bimport\(|\brequire\(|node:/m);
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("`host.js`");
    // It is a module as it stands: Node loads it without a TypeScript step.
    const module = (await import(pathToFileURL(join(out, "host.js")).href)) as {
      createNetwork: unknown;
      requiredLimits: unknown;
      manifest: { steps: unknown[] };
    };
    expect(typeof module.createNetwork).toBe("function");
    expect(typeof module.requiredLimits).toBe("function");
    expect(module.manifest.steps.length).toBeGreaterThan(0);
  });

  it("writes host.d.ts, which a strict project type-checks against, with or without WebGPU's types", async () => {
    const out = join(dir, "js-types");
    expect(
      (await cli("compile", "examples/seed_block.dsnet", "--target", "wgsl", "--js", "-o", out))
        .code,
    ).toBe(0);
    const main = join(out, "main.ts");
    writeFileSync(
      main,
      [
        'import { createNetwork, manifest, requiredLimits, type WgslNetwork } from "./host.js";',
        "export async function start(device: Parameters<typeof createNetwork>[0]): Promise<WgslNetwork> {",
        "  const limits: Record<string, number> = requiredLimits(manifest);",
        "  console.log(limits, manifest.input.shape[3]);",
        "  return createNetwork(device, new ArrayBuffer(manifest.weightBytes));",
        "}",
        "",
      ].join("\n"),
    );
    for (const types of [[], ["@webgpu/types"]]) {
      const program = ts.createProgram([main], {
        strict: true,
        noUnusedLocals: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
        types,
        typeRoots: [
          join(process.cwd(), "node_modules", "@types"),
          join(process.cwd(), "node_modules"),
        ],
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(errors, `types: ${types.join(", ") || "none"}`).toEqual([]);
    }
  });
});

const CHROMIUM = "/usr/bin/chromium";
const noChromium = !existsSync(CHROMIUM);

describe.skipIf(noChromium)(
  `host.js in a page${noChromium ? ` (skipped: no ${CHROMIUM})` : ""}`,
  () => {
    it("loads as a module script, and where the browser has WebGPU, runs as the CPU plan does", async () => {
      const out = join(dir, "page");
      const file = "examples/seed_block.dsnet";
      expect((await cli("compile", file, "--target", "wgsl", "--js", "-o", out)).code).toBe(0);
      writeFileSync(join(out, "index.html"), PAGE);
      const server = createServer((request, response) => {
        const name =
          new URL(request.url ?? "/", "http://localhost").pathname.slice(1) || "index.html";
        const types: Record<string, string> = { html: "text/html", js: "text/javascript" };
        try {
          const body = readFileSync(join(out, name.replace(/[^\w.+-]/g, "")));
          response.writeHead(200, {
            "content-type": types[name.split(".").pop()!] ?? "application/octet-stream",
          });
          response.end(body);
        } catch {
          response.writeHead(404).end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--enable-unsafe-webgpu"],
        env: { ...process.env, VK_ICD_FILENAMES: "/usr/lib/chromium/vk_swiftshader_icd.json" },
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`http://127.0.0.1:${port}/`);
        const result = (await page.evaluate("window.result")) as {
          loaded: boolean;
          gpu?: string;
          output?: number[];
        };
        expect(errors).toEqual([]);
        expect(result.loaded).toBe(true);
        if (result.output) {
          const network = checkFile(file).networks[0];
          const weights = initialWeights(network).map((t) => t.data);
          const input = pageInput(network.input.reduce((a, b) => a * b, 1));
          const reference = new CpuPlan(compileGraph(network, weights)).forward(input);
          const { maxError, tolerance } = compareToReference(
            Float32Array.from(result.output),
            reference,
          );
          expect(maxError).toBeLessThanOrEqual(tolerance);
          console.info(
            `host.js ran in Chromium's WebGPU: max error ${maxError} (tolerance ${tolerance})`,
          );
        } else {
          console.warn(`test/wgsl-cli.test.ts: host.js loaded, not run: ${result.gpu}`);
        }
      } finally {
        await browser.close();
        server.close();
      }
    });
  },
);

/** The input the page below gives the network: sin(i) for element i. */
function pageInput(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i));
}

/** A page that loads host.js as it is and runs the network when the browser has WebGPU. */
const PAGE = `<!doctype html>
<script type="module">
  window.result = (async () => {
    const { createNetwork, manifest, requiredLimits } = await import("./host.js");
    const adapter = navigator.gpu && (await navigator.gpu.requestAdapter());
    if (!adapter) return { loaded: typeof createNetwork === "function", gpu: "no WebGPU adapter" };
    const device = await adapter.requestDevice({ requiredLimits: requiredLimits(manifest) });
    const weights = await (await fetch("weights.bin")).arrayBuffer();
    const network = await createNetwork(device, weights);
    const [, h, w, c] = manifest.input.shape;
    const input = Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i));
    const output = await network.forward(input);
    return { loaded: true, output: Array.from(output) };
  })();
</script>
`;

describe("compiling into a folder used before", () => {
  it("removes the files the last compile wrote there that this one does not, and nothing else", async () => {
    const out = join(dir, "reused");
    const compile = (file: string, ...extra: string[]) =>
      cli("compile", file, "--target", "wgsl", "-o", out, ...extra);
    expect((await compile("examples/mobilenet_v1.dsnet")).code).toBe(0);
    const before = readdirSync(out);
    // The user's own files, one of them named like a shader.
    writeFileSync(join(out, "notes.txt"), "mine\n");
    writeFileSync(join(out, "01_mine.wgsl"), "// mine\n");
    expect((await compile("examples/seed_block.dsnet", "--js")).code).toBe(0);
    const after = readdirSync(out).sort();
    const written = (
      JSON.parse(readFileSync(join(out, "dsnet-files.json"), "utf8")) as { files: string[] }
    ).files;
    expect(after).toEqual([...written, "dsnet-files.json", "notes.txt", "01_mine.wgsl"].sort());
    expect(after).not.toContain("host.ts");
    expect(before.filter((f) => f.endsWith(".wgsl")).length).toBeGreaterThan(
      after.filter((f) => f.endsWith(".wgsl")).length,
    );
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine\n");
  });

  it("leaves a folder alone when the list in it is not one dsnet wrote", async () => {
    const out = join(dir, "hostile-list");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(dir, "outside.txt"), "mine\n");
    writeFileSync(
      join(out, "dsnet-files.json"),
      JSON.stringify({ files: ["../outside.txt", "/etc/hostname", ".", ".."] }),
    );
    expect(
      (await cli("compile", "examples/seed_block.dsnet", "--target", "wgsl", "-o", out)).code,
    ).toBe(0);
    expect(readFileSync(join(dir, "outside.txt"), "utf8")).toBe("mine\n");
  });
});

const onCi = process.env.CI === "true";
const found = await requestWebGpuDevice().then(
  (device) => ({ ok: true, reason: "", device }),
  (e: Error) => ({ ok: false, reason: e.message, device: undefined }),
);
found.device?.destroy();
const skip = !found.ok && !onCi;
if (skip) console.warn(`test/wgsl-cli.test.ts: WebGPU runs skipped: ${found.reason}`);

describe.skipIf(skip)(
  `dsnet run --backend webgpu${skip ? ` (skipped: ${found.reason.split("\n")[0]})` : ""}`,
  () => {
    it.each([
      ["mobilenet_v1", 128, ["--set", "res=128"]],
      ["mobilenet_v2", 96, ["--set", "alpha=0.5", "--set", "res=96"]],
    ])(
      "examples/%s.dsnet at res %i with given weights gives the CPU plan's output",
      async (name, res, set) => {
        if (!found.ok) throw new Error(`CI=true and no WebGPU adapter: ${found.reason}`);
        const file = `examples/${name}.dsnet`;
        const weights = join(dir, `${name}.safetensors`);
        expect(
          (await cli("weights", "init", file, ...set, "-o", weights, "--seed", "4")).code,
        ).toBe(0);
        const random = new Random(9);
        const input = join(dir, `${name}-input.npy`);
        const x = Float32Array.from({ length: res * res * 3 }, () => random.uniform(-1, 1));
        const { writeFileSync } = await import("node:fs");
        writeFileSync(input, writeNpy([res, res, 3], x));
        const outputs: Float32Array[] = [];
        for (const backend of ["cpu", "webgpu"]) {
          const output = join(dir, `${name}-${backend}.npy`);
          const r = await cli(
            "run",
            file,
            ...set,
            "--backend",
            backend,
            "--weights",
            weights,
            "--input",
            input,
            "--output",
            output,
          );
          expect(r.code, r.stderr).toBe(0);
          outputs.push(readNpy(readFileSync(output)).data);
        }
        const { maxError, tolerance } = compareToReference(outputs[1], outputs[0]);
        expect(maxError).toBeLessThanOrEqual(tolerance);
      },
    );
  },
);

describe("a WebGPU run without an adapter", () => {
  it("says what to install, without a stack trace", async () => {
    const { spawnSync } = await import("node:child_process");
    const run = spawnSync(
      process.execPath,
      [
        "bin/dsnet.js",
        "bench",
        "examples/seed_block.dsnet",
        "--backend",
        "webgpu",
        "--runs",
        "1",
        "--warmup",
        "1",
      ],
      { encoding: "utf8", env: { ...process.env, VK_ICD_FILENAMES: "/nonexistent/icd.json" } },
    );
    // A machine with a real GPU finds it anyway; elsewhere the run must fail cleanly.
    if (run.status !== 0) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("dsnet: no WebGPU adapter");
      // Dawn prints warnings of its own; what must not appear is a JavaScript stack.
      expect(run.stderr).not.toMatch(/^\s+at .*\.m?[jt]s:\d+/m);
    }
  });
});
