import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const tiny = "test/golden/ts/tiny.dsnet";

describe("dsnet compile --emit ir", () => {
  it("prints the optimised graph for the CPU runtime, with source lines", async () => {
    const r = await cli("compile", tiny, "--emit", "ir");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "graph main (for ts): 11 nodes, 23 tensors; input %0, output %19",
    );
    expect(r.stdout).toContain(
      "conv 3x3 s2,2 pad 1,1,1,1 3->8 bias +bn(bn1, eps 0.00001) +relu6 (%0)  ; conv1 @3, bn1 @3, relu6_1 @3",
    );
    expect(r.stdout).not.toContain("separable [");
  });

  it("prints the fused separable nodes for --target wgsl", async () => {
    const r = await cli("compile", tiny, "--emit", "ir", "--target", "wgsl");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/= separable \[/g)?.length).toBe(2);
  });

  it.each(["4", "0", "1e3"])("refuses --batch %s: the IR has no batch", async (batch) => {
    for (const target of ["ts", "wgsl", "onnx"]) {
      const r = await cli("compile", tiny, "--emit", "ir", "--target", target, "--batch", batch);
      expect(r).toMatchObject({
        code: 2,
        stdout: "",
        stderr:
          "dsnet: --batch is for compiling with --target wgsl or onnx; --emit ir prints one sample's shapes, whatever the batch\n",
      });
    }
  });

  it.each([
    [["--js"], "--js"],
    [["--weights-file"], "--weights-file"],
    [["--kernels", "js"], "--kernels"],
    [["--target", "onnx", "--layout", "nhwc"], "--layout"],
    [["--target", "onnx", "--opset", "13", "--fold-bn"], "--opset, --fold-bn"],
    [["--kernels", "nonsense"], "--kernels"],
    [["--verbose"], "--verbose"],
  ])("refuses %j, which only shape what compile writes", async (args, named) => {
    const r = await cli("compile", tiny, "--emit", "ir", ...args);
    expect(r).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `dsnet: ${named}: for what compile writes; --emit ir prints the graph a backend starts from\n`,
    });
  });

  it.each([
    ["--emit", "ir"],
    ["--target", "ts"],
    ["--target", "onnx"],
  ])("compile %s %s -o the .dsnet itself is refused, and the network kept", async (...option) => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-source-as-output-"));
    const net = join(dir, "net.dsnet");
    const source = readFileSync(tiny, "utf8");
    writeFileSync(net, source);
    const r = await cli("compile", net, ...option, "-o", join(dir, ".", "net.dsnet"));
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^dsnet: -o .*net\.dsnet is the network .*net\.dsnet itself/);
    expect(readFileSync(net, "utf8")).toBe(source);
  });

  it("refuses what it cannot emit", async () => {
    const r = await cli("compile", tiny, "--emit", "llvm");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--emit takes ir, not llvm");
  });
});

describe("DSNET_DEBUG", () => {
  afterEach(() => {
    delete process.env.DSNET_DEBUG;
  });

  const sections = (stderr: string) =>
    [...stderr.matchAll(/^--- DSNET_DEBUG=(\d): (.*) ---$/gm)].map((m) => `${m[1]} ${m[2]}`);

  it("1 shows the shapes after elaboration only", async () => {
    process.env.DSNET_DEBUG = "1";
    const r = await cli("compile", tiny, "--emit", "ir");
    expect(sections(r.stderr)).toEqual(["1 shapes of main after elaboration"]);
    expect(r.stderr).toMatch(/^ {2}conv1 +conv +5x5x8$/m);
  });

  it("4 shows, in order, the shapes, the IR after each pass, the plan and the code", async () => {
    process.env.DSNET_DEBUG = "4";
    const dir = await import("node:fs").then((fs) =>
      fs.mkdtempSync(`${(process.env.TMPDIR ?? "/tmp").replace(/\/$/, "")}/dsnet-debug-`),
    );
    const r = await cli("compile", tiny, "--target", "ts", "-o", `${dir}/tiny.ts`);
    expect(r.code).toBe(0);
    expect(sections(r.stderr)).toEqual([
      "1 shapes of main after elaboration",
      "2 IR as lowered",
      "2 IR after removeIdentities",
      "2 IR after foldBatchNorm",
      "2 IR after fuseActivations",
      "3 CPU steps",
      "4 generated module",
    ]);
    expect(r.stderr).toContain("k.depthwise3x3(");
  });
});
