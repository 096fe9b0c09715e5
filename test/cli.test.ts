import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

describe("dsnet check", () => {
  it("exits 0 on clean files", async () => {
    const r = await cli("check", "examples/mobilenet_v1.dsnet", "examples/mobilenet_v2.dsnet");
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });

  it("exits 1 with diagnostics, rendered with file:line:col and a caret", async () => {
    const r = await cli("check", "examples/errors/typos.dsnet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "examples/errors/typos.dsnet:6:12: error DS2010: unknown name `widht`",
    );
    expect(r.stderr).toContain("^^^^^");
    expect(r.stderr).toMatch(/4 errors, 0 warnings/);
  });

  it("prints diagnostics as JSON", async () => {
    const r = await cli("check", "--json", "examples/errors/conv_dw_bugs.dsnet");
    expect(r.code).toBe(1);
    const { diagnostics } = JSON.parse(r.stdout);
    expect(
      diagnostics.map((d: { code: string; line: number; column: number }) => [
        d.code,
        d.line,
        d.column,
      ]),
    ).toEqual([
      ["DS4006", 8, 10],
      ["DS4101", 8, 27],
      ["DS4007", 9, 16],
    ]);
    expect(diagnostics[0].expansion[0]).toMatchObject({
      message: "in block `conv_dw`, called here",
      line: 15,
    });
  });

  it("exits 2 on usage errors", async () => {
    expect((await cli("check")).code).toBe(2);
    expect((await cli("check", "no/such/file.dsnet")).code).toBe(2);
    expect((await cli("frobnicate")).code).toBe(2);
  });
});

describe("dsnet summary", () => {
  it("prints the table", async () => {
    const r = await cli("summary", "examples/mobilenet_v1.dsnet");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Total MACs:           568,740,352");
  });

  it("--json has the documented fields", async () => {
    const r = await cli("summary", "examples/mobilenet_v2.dsnet", "--json");
    const s = JSON.parse(r.stdout);
    expect(s.network).toBe("mobilenet_v2");
    expect(s.input).toEqual([224, 224, 3]);
    expect(s.output).toEqual([1, 1, 1000]);
    expect(s.totals).toEqual({
      macs: 300_774_272,
      params: 3_538_984,
      trainableParams: 3_504_872,
      nonTrainableParams: 34_112,
    });
    expect(s.layers[1]).toMatchObject({
      name: "conv1",
      op: "conv",
      output: [112, 112, 32],
      params: 864,
      macs: 10_838_016,
    });
    for (const layer of s.layers)
      expect(layer.params).toBe(layer.trainableParams + layer.nonTrainableParams);
  });

  it("--set overrides network parameters", async () => {
    const r = await cli(
      "summary",
      "examples/mobilenet_v1.dsnet",
      "--set",
      "alpha=0.5",
      "--set",
      "res=160",
      "--json",
    );
    const s = JSON.parse(r.stdout);
    expect(s.params).toEqual({ alpha: 0.5, res: 160, classes: 1000 });
    expect(s.input).toEqual([160, 160, 3]);
  });

  it("reports an unknown parameter as DS6001 at the network, as explain says", async () => {
    const unknown = await cli("summary", "examples/mobilenet_v1.dsnet", "--set", "alhpa=2");
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain(
      "examples/mobilenet_v1.dsnet:10:9: error DS6001: --set alhpa: network `mobilenet_v1` has no parameter `alhpa`",
    );
    expect(unknown.stderr).toContain("help: did you mean `alpha`?");
  });

  it("rejects values that are no values as usage errors", async () => {
    const bad = await cli("summary", "examples/mobilenet_v1.dsnet", "--set", "alpha=");
    expect(bad.code).toBe(2);
    const malformed = await cli("summary", "examples/mobilenet_v1.dsnet", "--set", "alpha");
    expect(malformed.code).toBe(2);
  });

  it("reports a value that breaks the network as diagnostics (exit 1)", async () => {
    const r = await cli("summary", "examples/mobilenet_v1.dsnet", "--set", "alpha=0.01");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DS4003");
  });

  it("asks for --network when a file has several, and knows unknown names", async () => {
    const r = await cli("summary", "examples/errors/typos.dsnet", "--network", "nope");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no network named nope");
  });
});

describe("dsnet layers", () => {
  it("lists every built-in layer", async () => {
    const r = await cli("layers");
    expect(r.stdout).toMatch(/^dw  depthwise convolution/m);
    expect(r.stdout).toContain("mult");
  });
});

describe("dsnet fmt", () => {
  it("prints the canonical form", async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "dsnet-fmt-"));
    const file = join(dir, "a.dsnet");
    writeFileSync(file, "input   8x8x3\ndw 3x3  s2->pw 8   # mix\n");
    const printed = await cli("fmt", file);
    expect(printed).toMatchObject({ code: 0, stdout: "input 8x8x3\ndw 3x3 s2 -> pw 8  # mix\n" });
    expect((await cli("fmt", "--check", file)).code).toBe(1);
    expect((await cli("fmt", "--write", file)).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("input 8x8x3\ndw 3x3 s2 -> pw 8  # mix\n");
    expect((await cli("fmt", "--check", file)).code).toBe(0);
  });

  it("leaves files with syntax errors alone and reports them", async () => {
    const r = await cli("fmt", "--check", "examples/errors/syntax.dsnet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("DS1002");
  });

  it("rejects --check together with --write", async () => {
    expect((await cli("fmt", "--check", "--write", "examples/seed_block.dsnet")).code).toBe(2);
  });
});

describe("checkFile with overrides", () => {
  it("applies them to the entry file's only network when no network is named", async () => {
    const { checkFile } = await import("../src/check/program.js");
    const { parseOverrides } = await import("../src/check/overrides.js");
    const parsed = parseOverrides(["res=96"]);
    if (!parsed.ok) throw new Error(parsed.message);
    const result = checkFile("examples/mobilenet_v1.dsnet", { overrides: parsed.overrides });
    expect(result.networks[0].input).toEqual([96, 96, 3]);
    const several = checkFile("examples/errors/typos.dsnet", { overrides: parsed.overrides });
    expect(several.diagnostics.map((d) => d.code)).toContain("DS6001");
  });
});

describe("files dsnet cannot take a network from", () => {
  it("a file of blocks only: DS2017, exit 1", async () => {
    const r = await cli("summary", "examples/separable_block.dsnet");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "examples/separable_block.dsnet:1:1: error DS2017: examples/separable_block.dsnet declares no network",
    );
  });

  it("a name with a letter outside ASCII: DS1001 with a hint", async () => {
    const { checkSources } = await import("./helpers.js");
    const [d] = checkSources("input 8x8x3\nrelué\n").diagnostics;
    expect(d.code).toBe("DS1001");
    expect(d.help).toBe("names are made of ASCII letters, digits and _");
  });
});

describe("source files that are not UTF-8", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-utf8-"));
  const latin1 = (text: string) => Buffer.from(text, "latin1");
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

  it.each([
    {
      name: "a Latin-1 é in a name: one DS1001 at its byte",
      files: { "main.dsnet": latin1("input 8x8x3\npw 8 -> relu\ncafé\n") },
      stderr: "main.dsnet:3:4: error DS1001: the file is not UTF-8: byte 0xE9 here",
    },
    {
      name: "after a byte-order mark, columns as the user sees them",
      files: { "main.dsnet": Buffer.concat([BOM, latin1("input 8x8x3\n# é\npw 8\n")]) },
      stderr: "main.dsnet:2:3: error DS1001: the file is not UTF-8: byte 0xE9 here",
    },
    {
      name: "in an imported file, named by its own path",
      files: {
        "main.dsnet": latin1('import "lib.dsnet"\ninput 8x8x3\nb\n'),
        "lib.dsnet": latin1("block b {\n  pw 8 # ÿ\n}\n"),
      },
      stderr: "lib.dsnet:2:10: error DS1001: ",
    },
    {
      name: "UTF-8 with a byte-order mark, é and U+FFFD in a comment: clean",
      files: { "main.dsnet": Buffer.concat([BOM, Buffer.from("input 8x8x3\n# é \uFFFD\npw 8\n")]) },
      stderr: "",
    },
  ])("$name", async ({ files, stderr }) => {
    const folder = mkdtempSync(join(dir, "case-"));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(folder, name), bytes);
    const r = await cli("check", join(folder, "main.dsnet"));
    if (stderr === "") {
      expect(r).toMatchObject({ code: 0, stderr: "" });
      return;
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${folder}/${stderr}`);
    // One diagnostic: the replacement character is not also an unexpected character.
    expect(r.stderr).toContain("1 error, 0 warnings");
    expect(r.stderr).not.toContain("unexpected character");
  });

  it("fmt --write leaves a file that is not UTF-8 as it was, and says why", async () => {
    // The byte sits in a comment, so the text parses: formatting it would write U+FFFD.
    const file = join(mkdtempSync(join(dir, "fmt-")), "main.dsnet");
    const bytes = latin1("input   8x8x3\n# é\npw 8\n");
    writeFileSync(file, bytes);
    const r = await cli("fmt", "--write", file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2:3: error DS1001: the file is not UTF-8: byte 0xE9`);
    expect(readFileSync(file)).toEqual(bytes);
  });
});
