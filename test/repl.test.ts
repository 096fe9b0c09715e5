import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { checkFile, checkText } from "../src/check/program.js";
import { renderSummary } from "../src/cost/render.js";
import { summarize } from "../src/cost/summarize.js";
import { renderDiagnostics } from "../src/diagnostics/render.js";
import { startRepl } from "../src/repl/repl.js";
import { ReplSession, type Codegen } from "../src/repl/session.js";
import { writeNpy } from "../src/weights/npy.js";

/** Feeds lines to a session; returns what the last line printed and everything printed. */
async function feed(session: ReplSession, ...lines: string[]) {
  let output = "";
  let messages = "";
  let last = { output: "", messages: "", failed: false, prompt: "" };
  for (const line of lines) {
    const r = await session.handleLine(line);
    output += r.output;
    messages += r.messages;
    last = { output: r.output, messages: r.messages, failed: r.failed, prompt: session.prompt };
  }
  return { ...last, all: { output, messages } };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "dsnet-repl-"));
}

const separable = ["input 56x56x128", "dw 3x3 s1 -> pw 64"];

describe("entries", () => {
  it("print the new output shape and the cost of the added layers", async () => {
    const session = new ReplSession();
    expect((await feed(session, "input 56x56x128")).output).toBe(
      "56x56x128  +0 MACs, +0 params  (network: 0 MACs, 0 params)\n",
    );
    const r = await feed(session, "dw 3x3 s1 -> pw 64");
    expect(r.failed).toBe(false);
    expect(r.output.split("\n")).toEqual([
      "  dw1  dw  56x56x128   3,612,672 MACs  1,152 params",
      "  pw1  pw  56x56x64   25,690,112 MACs  8,192 params",
      "  dw1 + pw1 is separable: 29,302,784 MACs, 7.89x fewer than a standard 3x3 conv (231,211,008)",
      "56x56x64  +29,302,784 MACs, +9,344 params  (network: 29,302,784 MACs, 9,344 params)",
      "",
    ]);
    const next = await feed(session, "pw 32");
    expect(next.output).toContain("  pw2  pw  56x56x32  6,422,528 MACs  2,048 params");
    expect(next.output).toContain("56x56x32  +6,422,528 MACs, +2,048 params");
  });

  it("cap the rows of an entry that adds many layers", async () => {
    const r = await feed(new ReplSession(), "input 32x32x8", "repeat 10 { dw 3x3 -> pw 8 }");
    expect(r.output).toContain("... and 8 more layers (:summary lists them all)");
    expect(r.output).toContain("10 separable pairs: ");
  });

  it("print nothing for a line that adds no layer, and wait for an input", async () => {
    const session = new ReplSession();
    const r = await feed(session, "let c = 64");
    expect(r).toMatchObject({ failed: false, messages: "" });
    expect(r.output).toBe("network `main` has no input yet: start it with `input HxWxC`\n");
    expect((await feed(session, "input 8x8x3", "pw c")).output).toContain("8x8x64  +");
    expect((await feed(session, "# a comment")).output).toBe("");
  });
});

describe("diagnostics", () => {
  it("point at the typed line: <repl>:LINE:COL counts every line typed", async () => {
    const session = new ReplSession();
    const bad = "dw 3x3 -> pw 64 -> relu7";
    const r = await feed(session, ...separable, ":summary", "", bad);
    expect(r.failed).toBe(true);
    expect(r.output).toBe("");
    const column = bad.indexOf("relu7") + 1;
    expect(r.messages).toContain(
      `<repl>:5:${column}: error DS2001: unknown layer or block \`relu7\``,
    );
    expect(r.messages).toContain(`  5 | ${bad}\n    | ${" ".repeat(column - 1)}^^^^^\n`);
    expect(r.messages).toContain("help: did you mean `relu`?");
  });

  it("count lines of a multi-line entry, and name earlier lines in messages the same way", async () => {
    const session = new ReplSession();
    const r = await feed(session, "input 8x8x4", ":help", "pw 8", "residual {", "  pw 9", "}");
    expect(r.failed).toBe(true);
    // The document has `pw 8` on its line 2 and `residual` on line 3; the user typed them on 3 and 4.
    expect(r.messages).toContain("<repl>:4:1: error DS4001:");
    expect(r.messages).toContain("`pw 9` (line 5)");
    expect(r.messages).toContain("`pw 8` (line 3)");
  });

  it("leave the session as it was: entries before the bad line are kept", async () => {
    const session = new ReplSession();
    await feed(session, ...separable);
    const before = session.text;
    const r = await feed(session, "pw 3 3 3", "dw 5x5 s2 -> conv 3x3 -> fc", "bogus");
    expect(r.failed).toBe(true);
    expect(session.failures).toBe(3);
    expect(session.text).toBe(before);
    const summary = await feed(session, ":summary");
    expect(summary.failed).toBe(false);
    expect(summary.output).toContain("dw1    dw     56x56x128");
    expect(summary.output).toContain("pw1    pw     56x56x64");
    // Another entry after the errors continues from the kept ones.
    expect((await feed(session, "bn")).output).toContain("bn1  bn  56x56x64");
  });

  it("show a warning once, not again with every later entry", async () => {
    const session = new ReplSession();
    const r = await feed(session, "input 8x8x4", "dw 3x3 pad=0");
    expect(r.failed).toBe(false);
    expect(r.messages).toContain("warning DS4101");
    expect((await feed(session, "pw 8")).messages).toBe("");
  });
});

describe("multi-line entries", () => {
  it("stay open while a bracket is, with the depth in the prompt", async () => {
    const session = new ReplSession();
    expect(session.prompt).toBe("dsnet> ");
    await feed(session, "input 56x56x128");
    const steps: [string, string][] = [
      ["block inverted(c, t = 6) {", "....1> "],
      ["  residual if in.c == c {", "....2> "],
      ["    pw in.c * t -> bn -> relu6 ->", "....2> "],
      ["      dw 3x3 -> bn -> relu6", "....2> "],
      ["    pw c -> bn", "....2> "],
      ["  }", "....1> "],
      ["}", "dsnet> "],
    ];
    for (const [line, prompt] of steps) {
      const r = await feed(session, line);
      expect([line, r.prompt]).toEqual([line, prompt]);
    }
    expect((await feed(session, "inverted(128)")).output).toContain("56x56x128  +");
    expect(session.text).toContain("block inverted(c, t = 6) {\n  residual if in.c == c {");
  });

  it("stay open after a line ending in `->`, with dots for the prompt", async () => {
    const session = new ReplSession();
    expect((await feed(session, "input 8x8x3", "pw 4 ->")).prompt).toBe(".....> ");
    const r = await feed(session, "  bn");
    expect(r.prompt).toBe("dsnet> ");
    expect(r.output).toContain("bn1  bn  8x8x4");
  });

  it("define blocks that later lines use, and report them", async () => {
    const session = new ReplSession();
    const block = await feed(
      session,
      "block sep_bn(c, s = 1) {",
      "  dw 3x3 s=s -> bn -> relu",
      "  pw c -> bn -> relu",
      "}",
    );
    expect(block.output).toBe("block sep_bn(c, s = 1)\n");
    const r = await feed(session, "input 32x32x16", "sep_bn(32, s=2)");
    expect(r.output).toContain("sep_bn1.dw1 + sep_bn1.pw1 is separable");
    expect(r.output).toContain("16x16x32  +");
  });

  it("at the end of the input, check what is open and report what is missing", async () => {
    const session = new ReplSession();
    await feed(session, "input 8x8x3", "residual {", "  pw 3");
    const r = await session.end();
    expect(r.failed).toBe(true);
    expect(r.messages).toContain(
      "<repl>:3:7: error DS1002: expected '}' but found the end of the file",
    );
  });

  it("are dropped by cancelEntry (Ctrl-C)", async () => {
    const session = new ReplSession();
    await feed(session, "input 8x8x3", "residual {");
    expect(session.cancelEntry()).toBe(true);
    expect(session.prompt).toBe("dsnet> ");
    expect((await feed(session, "pw 3")).failed).toBe(false);
  });
});

describe("commands", () => {
  it("count the layers after the input: the rows of :summary but the input's", async () => {
    const session = new ReplSession();
    await feed(session, "input 8x8x4", "residual { pw 4 -> relu }", "pw 8");
    const undo = await feed(session, ":undo");
    expect(undo.output).toBe(
      "undid `pw 8`\nmain: 8x8x4 -> 8x8x4, 3 layers after the input, 1,024 MACs, 16 params\n",
    );
    const rows = summarize(checkText(session.text).networks[0]).layers.map((l) => l.name);
    expect(rows).toEqual(["input", "residual1.pw1", "residual1.relu1", "residual1.add"]);
  });

  it(":undo takes back the last change, :reset empties the session (and can be undone)", async () => {
    const session = new ReplSession();
    await feed(session, ...separable, "bn -> relu");
    const undo = await feed(session, ":undo");
    expect(undo.output).toBe(
      "undid `bn -> relu`\nmain: 56x56x128 -> 56x56x64, 2 layers after the input, 29,302,784 MACs, 9,344 params\n",
    );
    expect(session.text).toBe("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
    expect((await feed(session, ":reset")).output).toBe(
      "the session is empty (:undo brings it back)\n",
    );
    expect(session.text).toBe("");
    expect((await feed(session, ":summary")).messages).toBe(
      "error: no network yet: start one with `input HxWxC`\n",
    );
    await feed(session, ":undo");
    expect(session.text).toBe("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
    await feed(session, ":undo", ":undo");
    const none = await feed(session, ":undo");
    expect(none).toMatchObject({ failed: true, messages: "error: nothing to undo\n" });
  });

  it(":summary prints the same table as `dsnet summary`", async () => {
    const session = new ReplSession();
    const r = await feed(session, ...separable, ":summary");
    const file = checkText(separable.join("\n") + "\n", "<repl>");
    expect(r.output).toBe(renderSummary(summarize(file.networks[0])));
  });

  it(":save writes a formatted file that checks clean and summarises the same", async () => {
    const session = new ReplSession();
    const dir = tempDir();
    const path = join(dir, "saved.dsnet");
    await feed(
      session,
      "block sep_bn(c) {",
      "dw 3x3->bn->relu",
      "  pw c -> bn -> relu }",
      "# the stem",
      "input 32x32x3",
      "conv 3x3 16 s2 -> bn -> relu",
      "sep_bn(32) -> sep_bn(64)",
    );
    const r = await feed(session, `:save ${path}`);
    expect(r).toMatchObject({ failed: false, output: `wrote ${path}\n` });
    const saved = readFileSync(path, "utf8");
    expect(saved).toBe(
      [
        "block sep_bn(c) {",
        "  dw 3x3 -> bn -> relu",
        "  pw c -> bn -> relu",
        "}",
        "",
        "# the stem",
        "input 32x32x3",
        "conv 3x3 16 s2 -> bn -> relu",
        "sep_bn(32) -> sep_bn(64)",
        "",
      ].join("\n"),
    );
    const checked = checkText(saved, path);
    expect(checked.diagnostics).toEqual([]);
    const summary = (await feed(session, ":summary")).output;
    expect(renderSummary(summarize(checked.networks[0]))).toBe(
      summary.replace("from <repl>", `from ${path}`),
    );
  });

  it.each([
    ["a folder that does not exist", "nodir/x.dsnet", "no such folder"],
    ["a directory", ".", "it is a directory"],
  ])(":save into %s says so in one line and writes nothing", async (_, name, reason) => {
    const session = new ReplSession();
    await feed(session, "input 8x8x3", "pw 8");
    const dir = tempDir();
    const path = join(dir, name);
    const r = await feed(session, `:save ${path}`);
    expect(r).toMatchObject({ failed: true, output: "" });
    expect(r.messages).toBe(`error: cannot write the network ${path}: ${reason}\n`);
    expect(existsSync(join(dir, "nodir"))).toBe(false);
  });

  describe(":save elsewhere rewrites relative imports to resolve from the saved file", () => {
    const root = tempDir();
    mkdirSync(join(root, "sub", "deeper"), { recursive: true });
    mkdirSync(join(root, "out2"));
    writeFileSync(join(root, "sub", "deeper", "blk.dsnet"), "block pair(c) {\n  pw c -> pw c\n}\n");
    const other = join(tempDir(), "act.dsnet");
    writeFileSync(other, "block act() {\n  relu\n}\n");
    writeFileSync(
      join(root, "im.dsnet"),
      `import "sub/deeper/blk.dsnet"\nimport "${other}"\ninput 8x8x4\n`,
    );
    it.each([
      ["the same folder", "saved.dsnet", "sub/deeper/blk.dsnet"],
      ["a sibling folder", "out2/saved.dsnet", "../sub/deeper/blk.dsnet"],
      ["the imported file's folder", "sub/deeper/saved.dsnet", "blk.dsnet"],
    ])("into %s", async (_, name, written) => {
      const session = new ReplSession();
      await feed(session, `:load ${join(root, "im.dsnet")}`, "pair(4) -> act()");
      const path = join(root, name);
      expect(await feed(session, `:save ${path}`)).toMatchObject({ failed: false });
      const saved = readFileSync(path, "utf8");
      expect(saved.split("\n").slice(0, 2)).toEqual([`import "${written}"`, `import "${other}"`]);
      expect(checkText(saved, path).diagnostics).toEqual([]);
    });
  });

  it(":load replaces the session; its last network is current and entries go inside it", async () => {
    const dir = tempDir();
    const path = join(dir, "two.dsnet");
    writeFileSync(
      path,
      "network first {\n  input 8x8x3\n  pw 4\n}\n\nnetwork second(c = 8) { input 16x16x3\n  pw c }\n",
    );
    const session = new ReplSession();
    await feed(session, "input 4x4x1");
    const r = await feed(session, `:load ${path}`);
    expect(r.output).toBe(
      [
        `loaded ${path}`,
        "networks: first, second; `second`, the last, is current (:network NAME switches)",
        "second (c=8): 16x16x3 -> 16x16x8, 1 layer after the input, 6,144 MACs, 24 params",
        "",
      ].join("\n"),
    );
    expect((await feed(session, "pw 2")).output).toContain("16x16x2  +");
    expect(session.text).toBe(
      "network first {\n  input 8x8x3\n  pw 4\n}\n\nnetwork second(c = 8) { input 16x16x3\n  pw c \npw 2\n}\n",
    );
    expect((await feed(session, ":network")).output).toBe("  first\n* second\n");
    expect((await feed(session, ":network first", "bn")).output).toContain("8x8x4  +");
    expect(session.text).toContain("  pw 4\nbn\n}");
    // A diagnostic in a loaded line points into the file.
    const bad = await feed(session, ":network second", ":set c=0");
    expect(bad.failed).toBe(true);
    expect(bad.messages).toContain(`${path}:7:6: error DS4003`);
  });

  it(":network takes a network from an imported file, as --network does, but entries do not extend it", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "lib.dsnet"), "network small {\n  input 8x8x3\n  pw 4\n}\n");
    const path = join(dir, "mine.dsnet");
    writeFileSync(path, 'import "lib.dsnet"\nnetwork mine {\n  input 16x16x3\n  pw 8\n}\n');
    const session = new ReplSession();
    await feed(session, `:load ${path}`);
    expect(session.complete(":network s")).toEqual([["small"], "s"]);
    expect((await feed(session, ":network small")).output).toBe(
      "small: 8x8x3 -> 8x8x4, 1 layer after the input, 768 MACs, 12 params\n",
    );
    expect((await feed(session, ":network")).output).toBe(
      `  mine\n* small (from ${join(dir, "lib.dsnet")})\n`,
    );
    expect((await feed(session, ":summary")).output).toContain("Network small from ");
    const entry = await feed(session, "pw 2");
    expect(entry).toMatchObject({ failed: true, output: "" });
    expect(entry.messages).toBe(
      `error: network \`small\` is declared in ${join(dir, "lib.dsnet")}: entries extend only the session's own networks (:network NAME switches)\n`,
    );
    expect((await feed(session, ":network nosuch")).messages).toBe(
      "error: no network named nosuch (networks: mine, small)\n",
    );
    expect((await feed(session, ":network mine", "pw 2")).output).toContain("16x16x2  +");
  });

  it(":load of a file with errors reports them against the file and keeps the session", async () => {
    const session = new ReplSession();
    await feed(session, ...separable);
    const r = await feed(session, ":load examples/errors/typos.dsnet");
    expect(r.failed).toBe(true);
    expect(r.messages).toContain(
      "examples/errors/typos.dsnet:6:12: error DS2010: unknown name `widht`",
    );
    expect(session.text).toBe("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
  });

  it.each([
    ["a file that does not exist", "no/such.dsnet", "no such file"],
    ["a directory", "examples", "it is a directory"],
  ])(":load of %s says why it cannot read it, as the CLI does", async (_, file, reason) => {
    const session = new ReplSession();
    await feed(session, ...separable);
    const r = await feed(session, `:load ${file}`);
    expect(r).toMatchObject({ failed: true, output: "" });
    expect(r.messages).toBe(`error: cannot read the network ${file}: ${reason}\n`);
    expect(session.text).toBe("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
  });

  it(":load of a file that is not UTF-8 reports one DS1001 at its first bad byte, as check does", async () => {
    const path = join(tempDir(), "latin1.dsnet");
    writeFileSync(path, Buffer.from("input 8x8x3\n# caf\xe9\npw 4 \xff\n", "latin1"));
    const r = await feed(new ReplSession(), `:load ${path}`);
    expect(r).toMatchObject({ failed: true, output: "" });
    const checked = checkFile(path).diagnostics;
    expect(checked.map((d) => d.code)).toEqual(["DS1001"]);
    expect(r.messages).toBe(renderDiagnostics(checked, { color: false }));
    expect(r.messages).toContain(`${path}:2:6: error DS1001: the file is not UTF-8: byte 0xE9`);
  });

  it(":load of a file of blocks only leaves no network until an input", async () => {
    const session = new ReplSession();
    const r = await feed(session, ":load examples/separable_block.dsnet");
    expect(r.output).toBe(
      "loaded examples/separable_block.dsnet\nblocks: separable(out, stride = 1)\nno network yet\n",
    );
    expect((await feed(session, "input 56x56x32", "separable 64")).output).toContain("56x56x64  +");
  });

  it(":set overrides the parameters of the current network, as --set does", async () => {
    const session = new ReplSession();
    await feed(session, ":load examples/mobilenet_v1.dsnet");
    expect((await feed(session, ":set")).output).toBe("alpha=1, res=224, classes=1000\n");
    const r = await feed(session, ":set alpha=0.5 res=2 * 80");
    expect(r.output).toBe(
      "mobilenet_v1 (alpha=0.5, res=160, classes=1000): 160x160x3 -> 1x1x1000, 85 layers after the input, 76,524,800 MACs, 1,342,536 params\n",
    );
    expect((await feed(session, ":set beta=1")).messages).toBe(
      "error: network mobilenet_v1 has no parameter beta (its parameters: alpha, res, classes)\n",
    );
    expect((await feed(session, ":set alpah=1")).messages).toBe(
      "error: network mobilenet_v1 has no parameter alpah (did you mean alpha? its parameters: alpha, res, classes)\n",
    );
    expect((await feed(session, ":set alpha=")).failed).toBe(true);
    expect((await feed(session, ":set alpha=0.01")).messages).toContain("DS4003");
    expect((await feed(session, ":set")).output).toBe("alpha=0.5, res=160, classes=1000\n");
    await feed(session, ":reset", ...separable);
    expect((await feed(session, ":set")).output).toBe("network `main` has no parameters\n");
    expect((await feed(session, ":set c=1")).messages).toContain(
      "error: network `main` has no parameters",
    );
  });

  it(":run prints the output's shape, range and top 5, the same each time", async () => {
    const session = new ReplSession();
    await feed(session, "input 8x8x3", "conv 3x3 8 -> bn -> relu -> gap -> fc 10 -> softmax");
    const r = await feed(session, ":run");
    expect(r.messages).toBe(
      "random input (uniform in [-1, 1), seed 1), initial weights (seed 0)\n",
    );
    expect(r.output).toMatch(
      /^output 1 x 1x1x10, min [-\d.e]+, max [-\d.e]+\nsample 0: top 5: (\d+ \([-\d.e]+\), ){4}\d+ \([-\d.e]+\)\n$/,
    );
    expect((await feed(session, ":run")).output).toBe(r.output);

    const dir = tempDir();
    const npy = join(dir, "x.npy");
    writeFileSync(npy, writeNpy([2, 8, 8, 3], new Float32Array(2 * 8 * 8 * 3).fill(0.5)));
    const batch = await feed(session, `:run ${npy}`);
    expect(batch.output).toMatch(/^output 2 x 1x1x10, .*\nsample 0: top 5: .*\nsample 1: top 5: /);
    const wrong = await feed(session, `:run ${join(dir, "missing.npy")}`);
    expect(wrong.messages).toMatch(/^error: cannot read the input .*missing\.npy: no such file\n$/);
  });

  it(":ts and :wgsl print generated code through the codegen given, or say it is missing", async () => {
    const without = new ReplSession();
    await feed(without, ...separable);
    expect((await feed(without, ":ts")).messages).toBe(
      "error: :ts is not available in this build\n",
    );
    expect((await feed(without, ":wgsl")).messages).toBe(
      "error: :wgsl is not available in this build\n",
    );
    const codegen: Codegen = {
      typescript: async (n) => `// ${n.name}: ${n.layers.length} layers`,
      wgsl: async (n) => `// wgsl for ${n.name}\n`,
    };
    const session = new ReplSession({ codegen });
    await feed(session, ...separable);
    expect((await feed(session, ":ts")).output).toBe("// main: 3 layers\n");
    expect((await feed(session, ":wgsl")).output).toBe("// wgsl for main\n");
    const broken = new ReplSession({
      codegen: { typescript: () => Promise.reject(new Error("no kernel for add")) },
    });
    await feed(broken, ...separable);
    const r = await feed(broken, ":ts", ":summary");
    expect(r.all.messages).toMatch(/^error: :ts failed: no kernel for add\n/);
    expect(r.output).toContain("Total MACs:");
  });

  it("know their arguments, and suggest a command for a typo", async () => {
    const session = new ReplSession();
    expect((await feed(session, ":sumary")).messages).toBe(
      "error: unknown command :sumary; did you mean :summary? (:help lists the commands)\n",
    );
    expect((await feed(session, ":summary now")).messages).toBe(
      "error: :summary takes no arguments\n",
    );
    expect((await feed(session, ":save")).messages).toBe("error: usage: :save FILE\n");
    const help = (await feed(session, ":help")).output;
    for (const c of [
      ":summary",
      ":run [INPUT]",
      ":ts",
      ":wgsl",
      ":load FILE",
      ":save FILE",
      ":undo",
      ":reset",
      ":set",
      ":quit",
    ]) {
      expect(help).toContain(`  ${c}`);
    }
    expect(await session.handleLine(":quit")).toMatchObject({ quit: true, failed: false });
  });
});

describe("completion", () => {
  it("offers layers, blocks and keywords where a stage starts", async () => {
    const session = new ReplSession();
    await feed(session, "block depthwise_sep(c, stride = 1) {", "dw 3x3 s=stride -> pw c", "}");
    expect(session.complete("dep")).toEqual([["depthwise_sep"], "dep"]);
    expect(session.complete("input 8x8x3; rel")).toEqual([["relu", "relu6"], "rel"]);
    expect(session.complete("pw 8 -> re")).toEqual([["relu", "relu6", "repeat", "residual"], "re"]);
    expect(session.complete("res: so")).toEqual([["softmax"], "so"]);
    expect(session.complete("in")).toEqual([["input"], "in"]);
  });

  it("offers parameters after a layer or block name", async () => {
    const session = new ReplSession();
    await feed(session, "block depthwise_sep(c, stride = 1) {", "dw 3x3 s=stride -> pw c", "}");
    expect(session.complete("dw 3x3 pa")).toEqual([["pad="], "pa"]);
    expect(session.complete("pw 8 -> dw 3x3 ")[0]).toContain("dilation=");
    expect(session.complete("depthwise_sep(32, st")).toEqual([["stride="], "st"]);
    expect(session.complete("dw 3x3 pad=")).toEqual([[], ""]);
  });

  it("offers commands, files, networks and parameters after commands", async () => {
    const session = new ReplSession();
    expect(session.complete(":s")).toEqual([[":save", ":set", ":show", ":summary"], ":s"]);
    expect(session.complete(":load examples/mob")).toEqual([
      ["examples/mobilenet_v1.dsnet", "examples/mobilenet_v2.dsnet", "examples/mobilenet_v3.dsnet"],
      "examples/mob",
    ]);
    expect(session.complete(":load examples/err")).toEqual([["examples/errors/"], "examples/err"]);
    await feed(session, ":load examples/mobilenet_v1.dsnet");
    expect(session.complete(":set al")).toEqual([["alpha="], "al"]);
    expect(session.complete(":network m")).toEqual([["mobilenet_v1"], "m"]);
  });
});

describe("the front end with piped input", () => {
  /** Runs startRepl on in-memory streams, as `printf ... | dsnet repl` would. */
  async function pipe(text: string, file?: string) {
    const input = new PassThrough();
    const output = new PassThrough();
    const errors = new PassThrough();
    let stdout = "";
    let stderr = "";
    output.on("data", (chunk) => (stdout += chunk));
    errors.on("data", (chunk) => (stderr += chunk));
    input.end(text);
    const code = await startRepl({ input, output, errors, file, interactive: false });
    return { code, stdout, stderr };
  }

  it("prints results without prompts and exits 0 when every line was accepted", async () => {
    const r = await pipe("input 56x56x128\ndw 3x3 s1 -> pw 64\n:summary\n");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("dsnet>");
    expect(r.stdout).toMatch(/^56x56x128  \+0 MACs/);
    expect(r.stdout).toContain("56x56x64  +29,302,784 MACs, +9,344 params");
    expect(r.stdout).toContain("Total MACs:           29,302,784 (29.30 M)");
  });

  it("prints diagnostics to the error stream and exits 1 when a line failed", async () => {
    const r = await pipe("input 8x8x3\npw 3 -> nope\npw 4\n");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("<repl>:2:9: error DS2001");
    expect(r.stdout).toContain("8x8x4  +");
    expect(r.stderr).not.toContain("\u001b[");
  });

  it("starts with FILE loaded, and stops at :quit", async () => {
    const r = await pipe("pw 10\n:quit\npw 11\n", "examples/seed_block.dsnet");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("loaded examples/seed_block.dsnet\n");
    expect(r.stdout).toContain("56x56x10  +");
    expect(r.stdout).not.toContain("56x56x11");
  });

  it("works as a process: `dsnet repl [FILE]` with standard input piped", () => {
    const run = (input: string, ...args: string[]) =>
      spawnSync(process.execPath, ["bin/dsnet.js", "repl", ...args], {
        input,
        encoding: "utf8",
        env: { ...process.env, DSNET_HISTORY: join(tempDir(), "history") },
      });
    const ok = run("input 56x56x128\ndw 3x3 s1 -> pw 64\n");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(
      [
        "56x56x128  +0 MACs, +0 params  (network: 0 MACs, 0 params)",
        "  dw1  dw  56x56x128   3,612,672 MACs  1,152 params",
        "  pw1  pw  56x56x64   25,690,112 MACs  8,192 params",
        "  dw1 + pw1 is separable: 29,302,784 MACs, 7.89x fewer than a standard 3x3 conv (231,211,008)",
        "56x56x64  +29,302,784 MACs, +9,344 params  (network: 29,302,784 MACs, 9,344 params)",
        "",
      ].join("\n"),
    );
    const failed = run(":summary\n", "examples/mobilenet_v2.dsnet");
    expect(failed.stdout).toContain("Total MACs:           300,774,272");
    expect(failed.status).toBe(0);
    const open = run("input 8x8x3\nresidual {\n");
    expect(open.status).toBe(1);
    expect(open.stderr).toContain("error DS1002: expected '}' but found the end of the file");
  });
});

describe("dsnet repl's code generators", () => {
  it(":ts and :wgsl print the generated code for the current network", () => {
    const run = spawnSync(process.execPath, ["bin/dsnet.js", "repl"], {
      input: "input 8x8x4\ndw 3x3 -> pw 8\n:ts\n:wgsl\n",
      encoding: "utf8",
      env: { ...process.env, DSNET_HISTORY: "" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("export function createModel(safetensors: Uint8Array");
    expect(run.stdout).toMatch(/^01_dw1\+pw1 +fused-separable/m);
    expect(run.stdout).toContain("@compute");
  });
});
