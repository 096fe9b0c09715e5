import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node.js";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  InlayHint,
  Location,
  PublishDiagnosticsParams,
  TextEdit,
} from "vscode-languageserver-protocol";
import { checkFile } from "../src/check/program.js";

/*
 * The language server as an editor sees it: `dsnet lsp --stdio` spawned from the built binary,
 * driven over JSON-RPC. One server serves every case.
 */

let server: ChildProcess;
let rpc: MessageConnection;
let stderr = "";
let legend: { tokenTypes: string[]; tokenModifiers: string[] };
const published = new Map<string, PublishDiagnosticsParams[]>();
const waiting: { uri: string; count: number; resolve: (p: PublishDiagnosticsParams) => void }[] =
  [];

beforeAll(async () => {
  server = spawn(process.execPath, ["bin/dsnet.js", "lsp", "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  server.stderr!.on("data", (chunk) => (stderr += chunk));
  rpc = createMessageConnection(
    new StreamMessageReader(server.stdout!),
    new StreamMessageWriter(server.stdin!),
  );
  rpc.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
    const list = published.get(params.uri) ?? [];
    list.push(params);
    published.set(params.uri, list);
    for (const w of waiting.filter((w) => w.uri === params.uri && list.length >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(list[w.count - 1]);
    }
  });
  rpc.listen();
  const init = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>("initialize", {
    processId: null,
    rootUri: null,
    capabilities: {},
  });
  expect(init.capabilities.hoverProvider).toBe(true);
  legend = (init.capabilities.semanticTokensProvider as { legend: typeof legend }).legend;
  await rpc.sendNotification("initialized", {});
});

afterAll(async () => {
  const exited = new Promise<number | null>((done) => server.once("exit", (code) => done(code)));
  await rpc.sendRequest("shutdown");
  await rpc.sendNotification("exit");
  expect(await exited).toBe(0);
  rpc.dispose();
  expect(stderr).toBe("");
});

/** The next diagnostics published for `uri` (the n-th since the test began, counting from 1). */
function nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
  const count = (published.get(uri)?.length ?? 0) + 1;
  return new Promise((resolve) => waiting.push({ uri, count, resolve }));
}

const versions = new Map<string, number>();

async function open(uri: string, text: string): Promise<Diagnostic[]> {
  const next = nextDiagnostics(uri);
  versions.set(uri, 1);
  await rpc.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "dsnet", version: 1, text },
  });
  return (await next).diagnostics;
}

async function change(uri: string, text: string): Promise<Diagnostic[]> {
  const next = nextDiagnostics(uri);
  const version = versions.get(uri)! + 1;
  versions.set(uri, version);
  await rpc.sendNotification("textDocument/didChange", {
    textDocument: { uri, version },
    contentChanges: [{ text }],
  });
  return (await next).diagnostics;
}

const uriOf = (path: string) => pathToFileURL(resolve(path)).href;

/** The zero-based position of `needle` in `text` (plus `shift` characters). */
function positionOf(text: string, needle: string, shift = 0) {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, offset + shift).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

const rows = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => [d.code, d.range.start.line + 1, d.range.start.character + 1]);

describe("diagnostics", () => {
  const files = readdirSync("examples/errors")
    .filter((f) => f.endsWith(".dsnet"))
    .map((f) => join("examples/errors", f));

  it("reports for every example of examples/errors what dsnet check reports", async () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const diagnostics = await open(uriOf(file), readFileSync(file, "utf8"));
      const expected = checkFile(file).diagnostics.map((d) => {
        const start = d.span.source.position(d.span.start);
        return [d.code, start.line, start.column];
      });
      expect(expected.length).toBeGreaterThan(0);
      expect(rows(diagnostics), file).toEqual(expected);
    }
  });

  it("has the codes, places and severities written in the .expected files", async () => {
    const of = (file: string) => published.get(uriOf(`examples/errors/${file}`))!.at(-1)!;
    expect(rows(of("typos.dsnet").diagnostics)).toEqual([
      ["DS2010", 6, 12],
      ["DS2001", 6, 30],
      ["DS2006", 7, 10],
      ["DS4008", 14, 3],
    ]);
    expect(rows(of("syntax.dsnet").diagnostics)).toEqual([
      ["DS1002", 3, 21],
      ["DS1002", 9, 21],
      ["DS1002", 10, 9],
    ]);
    expect(rows(of("residual_mismatch.dsnet").diagnostics)).toEqual([["DS4001", 5, 3]]);
    expect(rows(of("shrinking_map.dsnet").diagnostics)).toEqual([["DS4002", 10, 3]]);
    const bugs = of("conv_dw_bugs.dsnet").diagnostics;
    expect(rows(bugs)).toEqual([
      ["DS4006", 8, 10],
      ["DS4101", 8, 27],
      ["DS4007", 9, 16],
    ]);
    expect(bugs.map((d) => d.severity)).toEqual([1, 2, 1]);
    // The call that expanded the block is a related location: conv_dw(32, 64, 1) on line 15.
    const call = bugs[0].relatedInformation!.find((r) => r.message.includes("conv_dw"))!;
    expect(call.location.uri).toBe(uriOf("examples/errors/conv_dw_bugs.dsnet"));
    expect(call.location.range.start).toEqual({ line: 14, character: 2 });
    expect(bugs[0].message).toContain("help: write mult=2 for 64 channels");
  });
});

describe("hover, inlay hints and symbols on MobileNetV2", () => {
  const file = "examples/mobilenet_v2.dsnet";
  const uri = uriOf(file);
  const text = readFileSync(file, "utf8");
  const hover = async (needle: string, shift = 0) => {
    const result = await rpc.sendRequest<Hover | null>("textDocument/hover", {
      textDocument: { uri },
      position: positionOf(text, needle, shift),
    });
    return (result?.contents as { value: string } | undefined)?.value ?? "";
  };

  beforeAll(async () => {
    expect(await open(uri, text)).toEqual([]);
  });

  it("shows a layer call's output shape, parameters and MACs", async () => {
    // 224x224x3, conv 3x3 with 32 filters, stride 2: 112x112x32; 3·3·3·32 weights; each of the
    // 112·112·32 outputs takes 27 multiply-adds.
    const conv = await hover("conv 3x3 make_divisible");
    expect(conv).toContain("112x112x32");
    expect(conv).toContain((3 * 3 * 3 * 32).toLocaleString("en-US"));
    expect(conv).toContain((112 * 112 * 32 * 27).toLocaleString("en-US"));
  });

  it("shows a block call's shapes, totals and separable saving", async () => {
    // bottleneck(24, t=6, n=2, s=2) on 112x112x16: block 1 expands 16 -> 96, depthwise s2 to
    // 56x56, projects to 24; block 2 expands 24 -> 144 and projects back to 24.
    const macs =
      112 * 112 * 16 * 96 +
      9 * 96 * 56 * 56 +
      56 * 56 * 96 * 24 +
      (56 * 56 * 24 * 144 + 9 * 144 * 56 * 56 + 56 * 56 * 144 * 24);
    const block = await hover("bottleneck(int(24");
    expect(block).toContain("112x112x16 → **56x56x24**");
    expect(block).toContain(`${macs.toLocaleString("en-US")} MACs`);
    expect(block).toContain("2 separable pairs");
  });

  it("shows the values of a parameter and of in.c", async () => {
    expect(await hover("int(24 * alpha)", "int(24 * ".length)).toContain("= `1`");
    // in.c into the blocks that expand (t = 6): 16, 24, 32, 64, 96 and 160 channels.
    expect(await hover("pw in.c * t", 4)).toContain("`16`, `24`, `32`, `64`, `96`, `160`");
  });

  it("puts the output shape at the end of each line of the network", async () => {
    const hints = await rpc.sendRequest<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } },
    });
    const at = (needle: string) => {
      const line = positionOf(text, needle).line;
      return hints.filter((h) => h.position.line === line).map((h) => h.label);
    };
    expect(at("conv 3x3 make_divisible")).toEqual(["→ 112x112x32"]);
    expect(at("bottleneck(int(24")).toEqual(["→ 56x56x24"]);
    expect(at("bottleneck(int(320")).toEqual(["→ 7x7x320"]);
    expect(at("gap -> dropout")).toEqual(["→ 1x1x1000"]);
    // A hint sits at the end of its line.
    const line = positionOf(text, "gap -> dropout").line;
    const hint = hints.find((h) => h.position.line === line)!;
    expect(hint.position.character).toBe(text.split("\n")[line].length);
  });

  it("lists the blocks and the network as symbols, and colours calls by what they call", async () => {
    const symbols = await rpc.sendRequest<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri },
    });
    expect(symbols.map((s) => s.name)).toEqual(["inverted_residual", "bottleneck", "mobilenet_v2"]);
    expect(symbols[2].children!.map((c) => c.name)).toEqual(["alpha", "res", "classes"]);
    const tokens = await rpc.sendRequest<{ data: number[] }>("textDocument/semanticTokens/full", {
      textDocument: { uri },
    });
    expect(tokens.data.length % 5).toBe(0);
    // The first is the declaration of `inverted_residual` (line 10, column 7), then its
    // parameters `c`, `t`, `s`, each relative to the one before.
    const { tokenTypes, tokenModifiers } = legend;
    const declaration = 1 << tokenModifiers.indexOf("declaration");
    expect(tokens.data.slice(0, 10)).toEqual([
      9,
      6,
      "inverted_residual".length,
      tokenTypes.indexOf("class"),
      declaration,
      0,
      "inverted_residual(".length,
      1,
      tokenTypes.indexOf("parameter"),
      declaration,
    ]);
  });
});

describe("editing", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-lsp-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("completes layers, blocks, keywords, named arguments and values inside a block", async () => {
    const uri = pathToFileURL(join(dir, "complete.dsnet")).href;
    const text = [
      "block separable(out, stride = 1) {",
      "  dw 3x3 s=stride -> bn -> relu6",
      "  pw out -> bn -> relu6",
      "}",
      "",
      "block stage(out) {",
      "  ",
      "  dw 3x3 ",
      "  conv 3x3 out pad=",
      "}",
      "",
    ].join("\n");
    await open(uri, text);
    const complete = async (line: number, character: number) =>
      rpc.sendRequest<CompletionItem[]>("textDocument/completion", {
        textDocument: { uri },
        position: { line, character },
      });
    const start = await complete(6, 2);
    const labels = start.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["dw", "pw", "sep", "separable", "repeat"]));
    expect(start.find((i) => i.label === "separable")!.detail).toBe(
      "block separable(out, stride = 1)",
    );
    const afterLayer = await complete(7, 9);
    const stride = afterLayer.find((i) => i.label === "stride=")!;
    expect(stride.detail).toBe("default 1");
    expect(afterLayer.map((i) => i.label)).toEqual(
      expect.arrayContaining(["pad=", "dilation=", "out", "in.c"]),
    );
    expect(afterLayer.map((i) => i.label)).not.toContain("stride");
    const pad = await complete(8, 19);
    expect(pad.map((i) => i.label)).toEqual(
      expect.arrayContaining(["same", "same_upper", "valid"]),
    );
    await change(uri, text.replace("  dw 3x3 \n", "  pw in.\n"));
    expect((await complete(7, 8)).map((i) => i.label)).toEqual(["c", "h", "w"]);
  });

  it("goes to a block's definition in an imported file, and finds its calls", async () => {
    const lib = join(dir, "lib.dsnet");
    const libText = "block unit(out) {\n  dw 3x3 -> pw out\n}\n";
    writeFileSync(lib, libText);
    const main = join(dir, "main.dsnet");
    const mainText = 'import "lib.dsnet"\n\nnetwork n {\n  input 32x32x3\n  unit 16\n}\n';
    const mainUri = pathToFileURL(main).href;
    expect(await open(mainUri, mainText)).toEqual([]);
    const definition = await rpc.sendRequest<Location>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: { line: 4, character: 3 },
    });
    expect(definition.uri).toBe(pathToFileURL(lib).href);
    expect(definition.range.start).toEqual({ line: 0, character: 6 });
    const file = await rpc.sendRequest<Location>("textDocument/definition", {
      textDocument: { uri: mainUri },
      position: { line: 0, character: 10 },
    });
    expect(file.uri).toBe(pathToFileURL(lib).href);

    // The library, opened and changed without saving: main reads the editor's text.
    const libUri = pathToFileURL(lib).href;
    await open(libUri, libText);
    const references = await rpc.sendRequest<Location[]>("textDocument/references", {
      textDocument: { uri: libUri },
      position: { line: 0, character: 7 },
      context: { includeDeclaration: true },
    });
    expect(references.map((r) => [r.uri, r.range.start.line])).toEqual([
      [libUri, 0],
      [mainUri, 4],
    ]);
    const republished = nextDiagnostics(mainUri);
    await change(libUri, libText.replace("unit(", "unit2("));
    expect(rows((await republished).diagnostics)).toEqual([["DS2001", 5, 3]]);
    // A syntax error in the imported file shows at the import, naming the place.
    const broken = nextDiagnostics(mainUri);
    await change(libUri, "block unit(out {\n}\n");
    const [atImport] = (await broken).diagnostics;
    expect([atImport.code, atImport.range.start]).toEqual(["DS1002", { line: 0, character: 0 }]);
    expect(atImport.message).toMatch(/lib\.dsnet:1:16: /);
  });

  it("formats a document as dsnet fmt does, and leaves a broken one alone", async () => {
    const uri = pathToFileURL(join(dir, "format.dsnet")).href;
    await open(uri, "network n {\ninput 8x8x3\n    pw   16->relu # comment\n}\n");
    const format = () =>
      rpc.sendRequest<TextEdit[]>("textDocument/formatting", {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
    const edits = await format();
    expect(edits.map((e) => e.newText)).toEqual([
      "network n {\n  input 8x8x3\n  pw 16 -> relu  # comment\n}\n",
    ]);
    await change(uri, "network n {\n  pw 16 ->\n");
    expect(await format()).toEqual([]);
  });

  it("offers the did-you-mean fix as a code action, and the fix clears the diagnostic", async () => {
    const uri = pathToFileURL(join(dir, "typo.dsnet")).href;
    const text = "network n(width = 16) {\n  input 8x8x3\n  pw widht -> relu\n}\n";
    const [diagnostic] = await open(uri, text);
    expect(diagnostic.code).toBe("DS2010");
    const actions = await rpc.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    expect(actions.map((a) => a.title)).toEqual(["Change to `width`"]);
    const [edit] = actions[0].edit!.changes![uri];
    expect(edit).toEqual({
      range: { start: { line: 2, character: 5 }, end: { line: 2, character: 10 } },
      newText: "width",
    });
    expect(await change(uri, text.replace("widht", edit.newText))).toEqual([]);
  });

  it("offers pad=same for a depthwise layer that shrinks the map", async () => {
    const uri = uriOf("examples/errors/conv_dw_bugs.dsnet");
    const shrinks = published
      .get(uri)!
      .at(-1)!
      .diagnostics.find((d) => d.code === "DS4101")!;
    const actions = await rpc.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: shrinks.range,
      context: { diagnostics: [shrinks] },
    });
    // `pad=0` on line 8: the 0 at column 27 becomes `same`.
    expect(actions.map((a) => a.edit!.changes![uri])).toEqual([
      [
        {
          range: { start: { line: 7, character: 26 }, end: { line: 7, character: 27 } },
          newText: "same",
        },
      ],
    ]);
  });

  it("answers requests on a broken document without failing", async () => {
    const uri = pathToFileURL(join(dir, "broken.dsnet")).href;
    const diagnostics = await open(uri, "block (( -> { network\n  ]] ->");
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const line of [0, 1, 5]) {
      for (const method of ["textDocument/hover", "textDocument/completion"]) {
        await rpc.sendRequest(method, { textDocument: { uri }, position: { line, character: 3 } });
      }
    }
    const hints = await rpc.sendRequest<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } },
    });
    expect(hints).toEqual([]);
  });

  it("gives no symbol or completion to a name the parser's recovery left out", async () => {
    const uri = pathToFileURL(join(dir, "unnamed.dsnet")).href;
    const text = "network {\n  input 8x8x3\n}\nblock (c) {\n  let = 2\n  pw \n}\n";
    const diagnostics = await open(uri, text);
    expect(rows(diagnostics)).toEqual([
      ["DS1002", 1, 9],
      ["DS1002", 4, 7],
      ["DS1002", 5, 7],
    ]);
    const symbols = await rpc.sendRequest<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri },
    });
    expect(symbols.map((s) => s.name)).toEqual([]);
    const completion = await rpc.sendRequest<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri },
      position: positionOf(text, "pw ", 3),
    });
    expect(completion.map((c) => c.label)).not.toContain("");
  });
});
