import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateModule } from "../src/backends/ts/generate.js";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { compileWgsl } from "../src/backends/wgsl/compile.js";
import type { Network } from "../src/check/network.js";
import { limits } from "../src/check/limits.js";
import { compileGraph } from "../src/compile.js";
import { diagnosticToJson } from "../src/diagnostics/diagnostic.js";
import { syntaxLimits } from "../src/syntax/parse.js";
import { readPng } from "../src/weights/image.js";
import { initialWeights } from "../src/weights/init.js";
import { checkSources, cli } from "./helpers.js";
import { png, rows } from "./hostile-files.js";
import { networkSource } from "./random-networks.js";
import { runs } from "./runs.js";

/*
 * "Hostile input never hurts": input made to break dsnet ends in a diagnostic (or a `dsnet:`
 * message and exit 1) quickly, never in a crash, a hang, exit 3 or a file written.
 */

/** How long any one hostile case may take. */
const FAST_MS = 1000;

/**
 * This process's CPU time in ms (user and system). The in-process checks are bounded by it, not
 * by the wall clock, which a busy machine stretches: on 2 shared cores the 1 MB case took 385 ms
 * alone and over 1,000 ms beside other test files.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface SourceCase {
  name: string;
  source: string | (() => string);
  code: string;
  message?: string | RegExp;
}

function firstError(source: string) {
  const started = cpuMs();
  const result = checkSources(source);
  const ms = cpuMs() - started;
  const error = result.diagnostics.find((d) => d.severity === "error");
  return { ms, error: error && diagnosticToJson(error), result };
}

const net = (body: string) => `input 8x8x4\n${body}\n`;

/** Values that check clean today must be ones every backend can address and compute with. */
const valueCases: SourceCase[] = [
  { name: "stride past u32", source: net("dw 3x3 s4294967297"), code: "DS5006", message: "stride" },
  {
    name: "pool stride past u32",
    source: net("maxpool 2x2 s4294967297"),
    code: "DS5006",
    message: "2147483647",
  },
  { name: "dilation 2^32", source: net("dw 3x3 d4294967296 valid"), code: "DS5006" },
  { name: "dilation 2^33", source: net("dw 3x3 d8589934592 valid"), code: "DS5006" },
  { name: "kernel past i32", source: net("maxpool 4294967297x1"), code: "DS5006" },
  { name: "pad past i32", source: net("avgpool 2x2 pad=[0, 3000000000]"), code: "DS5006" },
  {
    name: "padded size past i32",
    source: net("dw 3x3 s2000000000 pad=2000000000"),
    code: "DS5006",
    message: "pads the height 8 to 4000000008",
  },
  {
    name: "same padding past i32",
    source: net("dw 3x3 d2147483647"),
    code: "DS5006",
    message: "pads the height",
  },
  { name: "depth multiplier past i32", source: net("dw 3x3 mult=4294967297"), code: "DS5006" },
  { name: "channels past the limit", source: net("pw 4294967297"), code: "DS5001" },
  {
    name: "leaky_relu slope past f32",
    source: net("leaky_relu 1e39"),
    code: "DS3005",
    message: "beyond float32",
  },
  { name: "negative slope past f32", source: net("leaky_relu -1e39"), code: "DS3005" },
  { name: "bn eps past f32", source: net("bn eps=1e39"), code: "DS3005" },
  { name: "dropout p past f32", source: net("dropout 1e39"), code: "DS3005" },
];

describe("values every backend can address", () => {
  it.each(valueCases)("$name", ({ source, code, message }) => {
    const { ms, error } = firstError(typeof source === "string" ? source : source());
    expect(error?.code).toBe(code);
    if (message) expect(error?.message).toMatch(message);
    expect(ms).toBeLessThan(FAST_MS);
  });
});

describe("a byte-order mark", () => {
  it("is skipped, and columns stay as the user sees them", () => {
    const clean = checkSources("\uFEFFnetwork n {\n  input 8x8x3\n  pw 4\n}\n");
    expect(clean.diagnostics).toEqual([]);
    const { error } = firstError("\uFEFFinput 8x8x3 @\n");
    expect(error).toMatchObject({ code: "DS1001", line: 1, column: 13 });
  });
});

const layers = (n: number) => () => "input 8x8x3\n" + "relu\n".repeat(n);
const MB = 1_000_000;

/** Work without bound in the input: each ends in a diagnostic in milliseconds. */
const workCases: SourceCase[] = [
  { name: "repeat 999999", source: net("repeat 999999 { relu }"), code: "DS5002" },
  {
    name: "nested repeats 1000 x 1000 x 1000",
    source: net("repeat 1000 { repeat 1000 { repeat 1000 { relu } } }"),
    code: "DS5002",
  },
  {
    name: "41 blocks each calling the previous twice",
    source: () => {
      const blocks = ["block b0 {\n  relu\n}"];
      for (let i = 1; i <= 41; i++) blocks.push(`block b${i} {\n  b${i - 1} -> b${i - 1}\n}`);
      return `${blocks.join("\n")}\nnetwork n {\n  input 8x8x3\n  b41\n}\n`;
    },
    code: "DS5002",
  },
  {
    name: "nested residuals in repeats, 2^20 paths",
    source: () => {
      let body = "relu";
      for (let i = 0; i < 20; i++) body = `repeat 2 {\n residual {\n ${body}\n }\n}`;
      return net(body);
    },
    code: "DS5002",
  },
  {
    name: "empty repeats 1000 x 1000 x 1000",
    source: net("repeat 1000 { repeat 1000 { repeat 1000 { } } }"),
    code: "DS5002",
    message: "iterations",
  },
  { name: "1 MB of layers", source: layers(MB / 5), code: "DS5004" },
  {
    name: "1 MB on one line",
    source: () => net("relu" + " -> relu".repeat(MB / 8)),
    code: "DS5004",
  },
  { name: "1 MB of an unexpected character", source: () => "@".repeat(MB), code: "DS5004" },
  {
    name: "a file just under the size cap of an unexpected character",
    source: () => "@".repeat(limits.sourceChars - 1),
    code: "DS1001",
  },
  {
    name: "more tokens than the cap",
    source: layers(syntaxLimits.tokens / 2 + 1),
    code: "DS5004",
    message: "tokens",
  },
  {
    name: "a 250,000-term sum",
    source: () => net(`let a = ${Array(250_000).fill("1").join("+")}\npw a`),
    code: "DS5004",
  },
  {
    name: "a 10,000-term sum under the token cap",
    source: () => net(`let a = ${Array(10_000).fill("1").join("+")}\npw a`),
    code: "DS5005",
  },
  {
    name: "a 200,000-item padding list",
    source: () => net(`dw 3x3 pad=[${Array(200_000).fill("1").join(",")}]`),
    code: "DS5004",
  },
  {
    name: "a 1,001-item padding list",
    source: () => net(`dw 3x3 pad=[${Array(1001).fill("1").join(", ")}]`),
    code: "DS5007",
    message: "1001 items",
  },
  {
    name: "a 200,000-character name",
    source: () => net("n".repeat(200_000)),
    code: "DS5007",
    message: "200000 characters",
  },
  // Each line is an error the parser recovers from by scanning the rest of the file: 8 s, and
  // 20,000 of them overflowed the stack, until it stopped recovering after the first errors.
  { name: "24,000 lines of a stray `)`", source: () => net(")\n".repeat(24_000)), code: "DS1002" },
  {
    name: "24,000 lines of a number alone",
    source: () => net("5\n".repeat(24_000)),
    code: "DS1002",
  },
  {
    name: "a 1,000-character unknown name near another",
    source: () => net(`let ${"n".repeat(999)}x = 4\npw ${"n".repeat(1000)}`),
    code: "DS2010",
  },
];

describe("unbounded work", () => {
  it.each(workCases)("$name", ({ source, code, message }) => {
    const { ms, error } = firstError(typeof source === "string" ? source : source());
    expect(error?.code).toBe(code);
    if (message) expect(error?.message).toMatch(message);
    expect(ms).toBeLessThan(FAST_MS);
  });
});

/** Extremes of every value a layer takes, around the limits. */
const big = fc.constantFrom(
  1,
  2,
  3,
  7,
  2 ** 16,
  715_827_882, // ⌊(2^31 - 1) / 3⌋
  2 ** 30 - 5,
  2 ** 30,
  2 ** 31 - 2,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 + 1,
);
const pair = fc.oneof(
  big.map(String),
  fc.tuple(big, big).map(([a, b]) => `[${a}, ${b}]`),
);
const padding = fc.oneof(
  fc.constantFrom("same", "same_upper", "valid"),
  big.map((p) => `pad=${p}`),
  fc.tuple(big, big, big, big).map((p) => `pad=[${p.join(", ")}]`),
);
const scalar = fc.constantFrom(0, 1e-45, 1e-40, 0.5, 0.9999999999, 3.4e38, 3.5e38, 1e39, -3.4e38);
const extremeLayer = fc.oneof(
  fc
    .tuple(fc.constantFrom("dw", "maxpool", "avgpool"), pair, pair, padding)
    .map(([op, k, s, p]) => `${op} kernel=${k} stride=${s} ${p}`),
  fc
    .tuple(fc.constantFrom("1", "1x3", "3x1", "3"), pair, pair, padding)
    .map(([k, s, d, p]) => `dw kernel=${k} stride=${s} dilation=${d} ${p}`),
  fc
    .tuple(fc.constantFrom("1", "3", "1x2"), pair, pair, padding)
    .map(([k, s, d, p]) => `conv kernel=${k} 3 stride=${s} dilation=${d} ${p}`),
  fc.tuple(pair, padding).map(([s, p]) => `sep 5 3x3 stride=${s} ${p}`),
  scalar.map((x) => `leaky_relu ${x}`),
  scalar.map((x) => `bn eps=${x}`),
  scalar.map((x) => `dropout ${x}`),
);

/** A random network with extreme layers put in after the input. */
const extremeSource = fc
  .tuple(networkSource, fc.array(fc.tuple(extremeLayer, fc.nat()), { minLength: 1, maxLength: 3 }))
  .map(([source, extras]) => {
    const lines = source.trimEnd().split("\n");
    for (const [layer, at] of extras) lines.splice(1 + (at % lines.length), 0, layer);
    return lines.join("\n") + "\n";
  });

async function compileEverywhere(network: Network) {
  const weights = initialWeights(network, 1).map((t) => t.data);
  new CpuPlan(compileGraph(network, weights, { target: "cpu" }));
  compileWgsl(compileGraph(network, weights, { target: "wgsl" }));
  await generateModule({
    graph: compileGraph(network, weights, { target: "ts" }),
    weightsOrigin: "random",
  });
}

describe("a network that checks clean compiles on every backend", () => {
  it("with extreme strides, dilations, kernels, pads and scalars", async () => {
    let clean = 0;
    await fc.assert(
      fc.asyncProperty(extremeSource, async (source) => {
        const network = checkSources(source).networks[0];
        if (!network) return;
        clean++;
        await compileEverywhere(network);
      }),
      { numRuns: runs(150) },
    );
    // The property means nothing if the extremes never check.
    expect(clean).toBeGreaterThan(0);
  });
});

describe("output file names from long user names", () => {
  const deep = (depth: number) => {
    const name = (i: number) => `block_number_${String(i).padStart(2, "0")}_xyz`;
    const blocks = [`block ${name(depth - 1)} {\n  pw 4\n}`];
    for (let i = depth - 2; i >= 0; i--) blocks.push(`block ${name(i)} {\n  ${name(i + 1)}\n}`);
    return `${blocks.join("\n")}\nnetwork n {\n  input 4x4x4\n  ${name(0)}\n}\n`;
  };
  it.each([
    [
      "a 300-character label",
      `network n {\n  input 4x4x4\n  ${"l".repeat(300)}: dw 3x3\n  pw 4\n}\n`,
    ],
    ["blocks nested 16 deep with 20-character names", deep(16)],
  ])("%s: compile --target wgsl writes bounded names", async (_name, source) => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-hostile-"));
    const file = join(dir, "net.dsnet");
    writeFileSync(file, source);
    const out = join(dir, "out");
    const r = await cli("compile", file, "--target", "wgsl", "-o", out);
    expect(r.stderr).toContain("wrote");
    expect(r.code).toBe(0);
    const names = readdirSync(out).filter((f) => f.endsWith(".wgsl"));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(100);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("PNG images", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-hostile-png-"));
  const network = join(dir, "tiny.dsnet");
  writeFileSync(network, "input 4x4x3\nconv 3x3 4 -> gap\n");
  const run = async (bytes: Uint8Array) => {
    const image = join(dir, `image-${Math.random().toString(36).slice(2)}.png`);
    writeFileSync(image, bytes);
    const started = performance.now();
    const r = await cli("run", network, "--input", image);
    return { ...r, ms: performance.now() - started };
  };

  it("decodes a whole one", async () => {
    const image = readPng(png(4, 4, deflateSync(rows(4, 4, 7))));
    expect(image.data.every((v) => v === Math.fround(7 / 255))).toBe(true);
    expect((await run(png(4, 4, deflateSync(rows(4, 4))))).code).toBe(0);
  });

  it("refuses image data that is not zlib, 100 times out of 100 with one message", () => {
    const garbage = png(
      64,
      64,
      rows(64, 64).map((_, j) => (j * 31) % 256),
    );
    const messages = new Set<string>();
    for (let i = 0; i < 100; i++) {
      try {
        readPng(garbage);
        messages.add("accepted");
      } catch (e) {
        messages.add((e as Error).message);
      }
    }
    expect([...messages]).toEqual([
      "the PNG image is damaged (its image data is not a whole zlib stream: unknown compression method)",
    ]);
    // Other bytes that are not zlib are refused too, whatever zlib says about them.
    for (let i = 1; i < 20; i++) {
      const other = png(
        64,
        64,
        rows(64, 64).map((_, j) => (j * 31 + i * 7) % 256),
      );
      expect(() => readPng(other)).toThrow("the PNG image is damaged");
    }
  });

  it.each([
    [
      "too little",
      png(4, 4, deflateSync(rows(4, 3))),
      "inflates to 39 bytes, but its 4×4 pixels take 52",
    ],
    ["too much", png(4, 4, deflateSync(rows(4, 5))), "inflates to more than the 52 bytes"],
    ["cut short", png(4, 4, deflateSync(rows(4, 4)).subarray(0, 10)), "not a whole zlib stream"],
  ])("refuses image data that inflates to %s", async (_name, bytes, message) => {
    expect(() => readPng(bytes)).toThrow(message);
    const r = await run(bytes);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dsnet: .*damaged/);
    expect(r.ms).toBeLessThan(FAST_MS);
  });

  it("refuses 8192×8192 pixels in 8 KB for a 4x4 network before inflating, in little memory", async () => {
    const bomb = png(8192, 8192, deflateSync(new Uint8Array(2 ** 20), { level: 9 }));
    expect(bomb.byteLength).toBeLessThan(8192);
    // Peak memory is sampled: the refusal happens before any large allocation, so RSS (sampled
    // before and after, and by a 1 ms timer while it runs) grows by under the 64 MB budget.
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
    const r = await run(bomb);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dsnet: ");
    expect(r.stderr).toContain("8192×8192");
    expect(r.ms).toBeLessThan(200);
    expect(peak - before).toBeLessThan(64 * 2 ** 20);
  });
});

describe("user text in generated code, through the library API", () => {
  // Each tries to end the comment it lands in and start code of its own.
  const hostile = [
    "n\nexport const injected = 1;",
    "n\r\nexport const injected = 1;",
    "n\u2028export const injected = 1;",
    "n */ export const injected = 1; /*",
  ];
  const graphWith = (text: string) => {
    const network = checkSources("input 6x6x3\nconv 3x3 4 -> relu\ndw 3x3\npw 5\ngap\n")
      .networks[0];
    const weights = initialWeights(network, 1).map((t) => t.data);
    return (target: "ts" | "wgsl") => {
      const graph = compileGraph(network, weights, { target });
      return {
        ...graph,
        name: text,
        source: { ...graph.source, file: text, params: [["width", text]] as [string, string][] },
        nodes: graph.nodes.map((n) => ({ ...n, layers: n.layers.map(() => text) })),
      };
    };
  };
  /** No line of generated code starts with the injected statement. */
  const expectNoInjection = (code: string) => {
    for (const line of code.split(/\r\n|\r|\n|\u2028|\u2029/)) {
      expect(line.trimStart().startsWith("export const injected")).toBe(false);
    }
    // Inside a string literal the text is data; anywhere else `*/` would end a block comment.
    expect(code.replace(/"(?:[^"\\\n]|\\.)*"/g, '""')).not.toMatch(/\*\/ export const injected/);
  };

  it.each(hostile)("%j reaches no code unescaped", async (text) => {
    const graph = graphWith(text);
    for (const javascript of [false, true]) {
      expectNoInjection(
        await generateModule({ graph: graph("ts"), weightsOrigin: text, javascript }),
      );
    }
    const program = compileWgsl(graph("wgsl"));
    for (const step of program.steps) expectNoInjection(step.code);
    expectNoInjection(program.host);
    expectNoInjection(program.readme);
  });
});

describe("found by npm run fuzz", () => {
  // A block with an unknown layer, called by two networks: the second network's expansion meets
  // the same error at the same place, shown once. Counting only the errors shown let the second
  // network through as checked, with NaN channels after the unknown layer (seed 20261201).
  it("a network whose block repeats an error already shown is not checked clean", () => {
    const result = checkSources(
      [
        "block se(c) {",
        "  gap -> pw c -> relu -> fc1x1 -> sigmoid",
        "}",
        "network a(w = 8) {",
        "  input 8x8x8",
        "  pw w -> se(w)",
        "}",
        "network b(w = 16) {",
        "  input 8x8x8",
        "  pw w -> se(w)",
        "}",
        "",
      ].join("\n"),
    );
    expect(result.diagnostics.filter((d) => d.code === "DS2001")).toHaveLength(1);
    expect(result.networks.map((n) => n.name)).toEqual([]);
  });
});
