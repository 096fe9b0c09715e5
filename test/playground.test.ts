import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import type { Network } from "../src/check/network.js";
import { checkText } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { summarize } from "../src/cost/summarize.js";
import { formatCount } from "../src/ir/types.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { loadInput } from "../src/weights/load.js";

/*
 * The browser playground in real headless Chromium (Debian's, driven by playwright-core),
 * served by `dsnet playground`: typing updates the shape and the summary, a bad line gets a
 * diagnostic, and "run" (WebGPU on SwiftShader where the browser offers an adapter, the CPU
 * plan otherwise, and the CPU plan on request) gives what the CPU plan computes in Node for
 * the same seeded weights and input. Leaves test-results/playground*.png to look at.
 */

const CHROMIUM = "/usr/bin/chromium";
const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const PAGE = "dist/playground/playground.js";
const ARTIFACTS = "test-results";

const missing = !existsSync(CHROMIUM)
  ? `Chromium is not installed (${CHROMIUM}): apt-get install -y chromium`
  : undefined;
if (missing && process.env.CI === "true") {
  throw new Error(`the playground test needs Chromium in CI: ${missing}`);
}

const NETWORK = [
  "input 16x16x3",
  "conv 3x3 8 s2 -> bn -> relu",
  "dw 3x3 -> bn -> relu",
  "pw 12",
  "gap",
  "",
].join("\n");

function checked(text: string): Network {
  const result = checkText(text, "/playground.dsnet", { host: { readFile: () => undefined } });
  expect(result.diagnostics).toEqual([]);
  return result.networks[0];
}

/** The CPU plan in Node, with the weights the page makes for a seed. */
function cpuOutput(network: Network, input: Float32Array, seed: number): Float32Array {
  const weights = initialWeights(network, seed).map((t) => t.data);
  return Float32Array.from(new CpuPlan(compileGraph(network, weights)).forward(input));
}

const title = missing ? `the browser playground (skipped: ${missing})` : "the browser playground";

describe.skipIf(missing !== undefined)(title, () => {
  let server: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(existsSync(PAGE), `${PAGE} is missing: run npm run build`).toBe(true);
    server = spawn(process.execPath, ["bin/dsnet.js", "playground", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      server.stdout!.on("data", (chunk: Buffer) => {
        out += chunk;
        const found = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (found) resolve(found[0]);
      });
      server.stderr!.on("data", (chunk: Buffer) => (err += chunk));
      server.once("exit", (code) =>
        reject(new Error(`dsnet playground exited with ${code}: ${err}`)),
      );
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--enable-unsafe-webgpu"],
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(url);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The screenshots are for looking at, never for committing.
    writeFileSync(join(ARTIFACTS, ".gitignore"), "*\n");
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGINT");
      await exited;
    }
  });

  /** Replaces the editor's text by typing it, as a person would. */
  async function type(text: string) {
    await page.click(".cm-content");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    // Typed line by line so the editor's indentation on Enter has nothing to copy.
    for (const line of text.split("\n")) {
      await page.keyboard.type(line);
      await page.keyboard.press("Enter");
      await page.keyboard.press("Home");
    }
  }

  it("serves only the page, on 127.0.0.1", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(url)).headers.get("content-type")).toMatch(/^text\/html/);
    expect((await fetch(`${url}playground.js`)).status).toBe(200);
    expect((await fetch(`${url}server.js`)).status).toBe(404);
    expect((await fetch(`${url}../package.json`)).status).toBe(404);
  });

  it("shows the output shape and the summary of what is typed", async () => {
    await expect.poll(() => page.textContent("#shape")).toBe("32x32x3 → 1x1x10");
    await type(NETWORK);
    await expect.poll(() => page.textContent("#shape")).toBe("16x16x3 → 1x1x12");
    const rows = await page.$$eval("table.layers tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent).slice(0, 5)),
    );
    const summary = summarize(checked(NETWORK));
    expect(rows).toEqual(
      summary.layers.map((l) => [
        l.name,
        l.op,
        l.output.join("x"),
        formatCount(l.params),
        formatCount(l.macs),
      ]),
    );
    await page.screenshot({ path: join(ARTIFACTS, "playground-summary.png") });
    // The state is in the URL: a fresh page opened on it shows the same network.
    const shared = await browser.newPage();
    await shared.goto(page.url());
    await expect.poll(() => shared.textContent("#shape")).toBe("16x16x3 → 1x1x12");
    expect(await shared.textContent(".cm-content")).toContain("dw 3x3 -> bn -> relu");
    await shared.close();
  });

  it("marks a bad line with its diagnostic", async () => {
    await type(NETWORK.replace("dw 3x3 -> bn -> relu", "dw 3x3 -> bn -> relu7"));
    const item = page.locator('#diagnostics li[data-code="DS2001"]');
    await expect.poll(() => item.textContent()).toContain("unknown layer or block `relu7`");
    expect(await item.locator(".where").textContent()).toBe("playground.dsnet:3:17");
    await expect.poll(() => page.locator(".cm-lintRange-error").textContent()).toBe("relu7");
    expect(await page.textContent("#status")).toBe("1 error");
    await page.screenshot({ path: join(ARTIFACTS, "playground-diagnostic.png") });
  });

  it("runs it as the CPU plan in Node does, on WebGPU where the browser has it", async () => {
    await type(NETWORK);
    await expect.poll(() => page.textContent("#shape")).toBe("16x16x3 → 1x1x12");
    const network = checked(NETWORK);
    const random = new Random(1);
    const input = Float32Array.from({ length: 16 * 16 * 3 }, () => random.uniform(-1, 1));
    const expected = cpuOutput(network, input, 0);

    const hasWebGpu = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
    const run = async (backend: string) => {
      await page.click("#tab-run");
      await page.selectOption("#backend", backend);
      await page.click("#run");
      await page.waitForSelector("#run-result .ran, #run-result .error", { timeout: 30_000 });
      const error = await page.$eval("#run-result", (e) => e.querySelector(".error")?.textContent);
      expect(error).toBeUndefined();
      return page.evaluate(() => {
        const r = window.dsnetPlayground.lastRun!;
        return { backend: r.backend, device: r.device, output: [...r.output], input: [...r.input] };
      });
    };

    const auto = await run("auto");
    console.info(`the playground ran on ${auto.device}`);
    expect(auto.backend).toBe(hasWebGpu ? "webgpu" : "cpu");
    expect(auto.input).toEqual([...input]);
    expect(auto.output).toHaveLength(expected.length);
    auto.output.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    await page.screenshot({ path: join(ARTIFACTS, "playground.png") });

    // The CPU plan is the same code on the same WebAssembly kernels, but Chromium has relaxed
    // SIMD where Node 20 does not, so its kernels fuse multiply-adds: equal within float32's
    // tolerance, not bit for bit.
    const cpu = await run("cpu");
    expect(cpu.backend).toBe("cpu");
    expectClose(cpu.output, expected);
  });

  it("runs an uploaded PNG as dsnet run --input reads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-playground-"));
    try {
      const png = new PNG({ width: 20, height: 12 });
      for (let i = 0; i < png.data.length; i += 4) {
        png.data.set([(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255], i);
      }
      const file = join(dir, "input.png");
      writeFileSync(file, PNG.sync.write(png));
      const network = checked(NETWORK);
      const input = loadInput(network, file).data;

      await page.click("#tab-run");
      await page.selectOption("#backend", "cpu");
      await page.selectOption("#input-kind", "image");
      await page.setInputFiles("#input-image", file);
      await page.evaluate(() => (window.dsnetPlayground.lastRun = undefined));
      await page.click("#run");
      await page.waitForFunction(() => window.dsnetPlayground.lastRun !== undefined);
      const ran = await page.evaluate(() => {
        const r = window.dsnetPlayground.lastRun!;
        return { output: [...r.output], input: [...r.input] };
      });
      expect(ran.input).toEqual([...input]);
      expectClose(ran.output, cpuOutput(network, input, 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows the graph picture and the generated TypeScript and WGSL", async () => {
    await page.click("#tab-graph");
    await expect
      .poll(() => page.locator("#panel-graph svg").getAttribute("data-network"))
      .toBe("main");
    expect(await page.locator("#panel-graph svg g.layer").count()).toBe(9);
    await page.click("#tab-ts");
    await expect
      .poll(() => page.locator("#panel-ts pre").textContent())
      .toContain("export function createModel(safetensors: Uint8Array");
    await page.click("#tab-wgsl");
    await expect.poll(() => page.locator("#panel-wgsl pre").textContent()).toContain("@compute");
  });

  it("raised nothing in the page, and the server stops on SIGINT", async () => {
    expect(pageErrors).toEqual([]);
    const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
    server.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe("dsnet playground", () => {
  it("refuses a port that is not one", () => {
    const result = spawnSync(process.execPath, ["bin/dsnet.js", "playground", "--port", "70000"], {
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--port must be a port number from 0 to 65535, got 70000");
  });
});

/** `max|y - ref| <= 1e-4 * max(1, max|ref|)`, the project's float32 tolerance. */
function expectClose(actual: number[], expected: Float32Array): void {
  expect(actual).toHaveLength(expected.length);
  const scale = Math.max(1, ...[...expected].map(Math.abs));
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-4 * scale);
}
