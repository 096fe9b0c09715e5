import { describe, expect, it } from "vitest";
import { diagnosticToJson } from "../src/diagnostics/diagnostic.js";
import { checkSources } from "./helpers.js";

/**
 * Mistakes people make, each with what dsnet must say and where: the code, line and column of
 * the first diagnostic, a fragment of its message and of its help, and, where it matters, that
 * it is the only diagnostic (no cascade) or where its note points.
 */
interface Mistake {
  name: string;
  source: string;
  code: string;
  line: number;
  column: number;
  message: string;
  help?: string;
  /** Where the first note points, [line, column], and a fragment of what it says. */
  note?: [number, number, string];
  /** The diagnostic is the only one: nothing cascades from it. */
  alone?: boolean;
}

const mistakes: Mistake[] = [
  {
    name: "in.c in a let before the input",
    source: "network n {\n  let width = in.c * 2\n  input 8x8x3\n  pw width\n}\n",
    code: "DS2018",
    line: 2,
    column: 15,
    message: "`in.c` is used before the network's input",
    help: "write the number here",
    alone: true,
  },
  {
    name: "in.c in the input's own shape",
    source: "network n {\n  input 8 x 8 x in.c\n  pw 8\n}\n",
    code: "DS2018",
    line: 2,
    column: 17,
    message: "`in.c` is used in the input's own shape",
    alone: true,
  },
  {
    name: "in.c in a network parameter's default",
    source: "network n(c = in.c) {\n  input 8x8x3\n  pw c\n}\n",
    code: "DS2018",
    line: 1,
    column: 15,
    message: "in a network parameter's default",
    alone: true,
  },
  {
    name: "an unclosed brace, found at the next network",
    source: "block a {\n  pw 8 -> relu\n\nnetwork n {\n  input 8x8x3\n  a\n}\n",
    code: "DS1002",
    line: 4,
    column: 1,
    message: "expected '}' but found 'network'",
    help: "close the body with `}` before it",
    note: [1, 9, "this `{` is not closed"],
    alone: true,
  },
  {
    name: "an unclosed brace at the end of the file",
    source: "network n {\n  input 8x8x3\n  residual {\n    pw 3\n}\n",
    code: "DS1002",
    line: 5,
    column: 2,
    message: "expected '}' but found the end of the file",
    note: [1, 11, "this `{` is not closed"],
  },
  {
    name: "= for == in an if",
    source: "network n(s = 1) {\n  input 8x8x3\n  if s = 1 {\n    dw 3x3 -> relu\n  }\n  pw 8\n}\n",
    code: "DS1002",
    line: 3,
    column: 8,
    message: "`=` in a condition",
    help: "did you mean `==`? write `if s == 1`",
    alone: true,
  },
  {
    name: "= for == in a residual condition",
    source: "block b(s) {\n  residual if s = 1 and in.c == 8 {\n    pw 8\n  }\n}\n",
    code: "DS1002",
    line: 2,
    column: 17,
    message: "`=` in a condition",
    help: "write `if s == 1 and in.c == 8`",
    alone: true,
  },
  {
    name: "a missing -> between two layers",
    source: "input 8x8x3\ndw 3x3 pw 16\n",
    code: "DS2010",
    line: 2,
    column: 8,
    message: "`pw` is a layer, so a `->` is probably missing before it",
    help: "`dw 3x3 -> pw 16`",
    alone: true,
  },
  {
    name: "a missing -> before a block",
    source: "block unit(c) { dw 3x3 -> pw c }\ninput 8x8x3\npw 8 unit 16\n",
    code: "DS2010",
    line: 3,
    column: 6,
    message: "`unit` is the block `unit`, so a `->` is probably missing",
    alone: true,
  },
  {
    name: "x (the size operator) as a let name",
    source: "input 32x32x3\nlet x = 16\nconv 3x3 x s2\n",
    code: "DS1004",
    line: 2,
    column: 5,
    message: "`x` cannot be a name: it is the size operator, as in `224 x 224 x 3`",
    help: "choose another name",
    alone: true,
  },
  {
    // A parameter list may end where a name stands, so the parser asks for `)`; what is wrong is
    // the name.
    name: "x (the size operator) as a block parameter",
    source: "block scale(x) {\n  pw x\n}\ninput 8x8x3\nscale(8)\n",
    code: "DS1004",
    line: 1,
    column: 13,
    message: "`x` cannot be a name: it is the size operator, as in `224 x 224 x 3`",
    help: "choose another name, such as `width`",
    alone: true,
  },
  {
    name: "in as a network's second parameter",
    source: "network n(c, in = 3) {\n  input 8x8x3\n  pw c\n}\n",
    code: "DS1004",
    line: 1,
    column: 14,
    message: "`in` cannot be a name: it is the shape flowing into a layer",
    alone: true,
  },
  {
    name: "x after a parameter, a comma missing",
    source: "block scale(c x) {\n  pw c\n}\n",
    code: "DS1002",
    line: 1,
    column: 15,
    message: "expected ')' but found 'x'",
  },
  {
    name: "in as a block name",
    source: "block in { pw 8 }\n",
    code: "DS1004",
    line: 1,
    column: 7,
    message: "`in` cannot be a name: it is the shape flowing into a layer",
  },
  {
    name: "a second error after an unknown layer",
    source: "input 32x32x3\nconv2d 3x3 16 s2\npw 16 -> bn 8\n",
    code: "DS2001",
    line: 2,
    column: 1,
    message: "unknown layer or block `conv2d`",
    help: "did you mean `conv`?",
  },
  {
    name: "conv in PyTorch's order (in, out)",
    source: "input 224x224x3\nconv 3 32 s2 -> bn -> relu\n",
    code: "DS4103",
    line: 2,
    column: 8,
    message: "makes 3 output channels with a 32x32 kernel, not 32 channels from 3",
    help: "write `conv 3x3 32`",
    alone: true,
  },
  {
    name: "a kernel written 3*3",
    source: "input 32x32x16\ndw 3*3 -> bn\n",
    code: "DS4104",
    line: 2,
    column: 4,
    message: "`3*3` is the number 9, so this is a 9x9 kernel",
    help: "written `3x3`",
    alone: true,
  },
  {
    name: "an input written channels first",
    source: "input 3x224x224\nconv 3x3 32 s2\n",
    code: "DS4105",
    line: 1,
    column: 7,
    message: "is 3 high and 224 wide with 224 channels",
    help: "write `input 224x224x3`",
    alone: true,
  },
  {
    name: "a residual body with a stride",
    source: "input 32x32x16\nresidual {\n  dw 3x3 s2 -> bn\n}\n",
    code: "DS4010",
    line: 2,
    column: 1,
    message: "residual add needs equal sizes",
    help: "`dw 3x3 s2` (line 3) has stride 2: a strided body needs a strided shortcut, such as `shortcut { conv 1x1 16 s2 }`",
  },
  {
    name: "a residual body that pads less than same",
    source: "input 32x32x16\nresidual {\n  conv 3x3 16 valid\n}\n",
    code: "DS4010",
    line: 2,
    column: 1,
    message: "residual add needs equal sizes",
    help: "changes 32x32 to 30x30 with its padding: use pad=same in a residual body",
  },
  {
    name: "a residual body that pools",
    source: "input 32x32x16\nresidual {\n  gap\n}\n",
    code: "DS4010",
    line: 2,
    column: 1,
    message: "residual add needs equal sizes",
    help: "changes 32x32 to 1x1: a residual adds its body to its input, so pool after the residual",
  },
  {
    name: "PyTorch's padding=",
    source: "input 32x32x16\nconv 3x3 16 padding=1\n",
    code: "DS2006",
    line: 2,
    column: 13,
    message: "`conv` has no parameter `padding`",
    help: "did you mean `pad`?",
  },
  {
    name: "Keras' dense",
    source: "input 32x32x16\ngap\ndense 10\n",
    code: "DS2001",
    line: 3,
    column: 1,
    message: "unknown layer or block `dense`",
    help: "did you mean `fc`?",
  },
  {
    name: "PyTorch's BatchNorm2d",
    source: "input 32x32x16\nBatchNorm2d\n",
    code: "DS2001",
    line: 2,
    column: 1,
    message: "`BatchNorm2d`",
    help: "did you mean `bn`?",
  },
];

describe("mistakes people make", () => {
  it.each(mistakes)("$name → $code at $line:$column", (m) => {
    const diagnostics = checkSources(m.source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.length, JSON.stringify(diagnostics, null, 1)).toBeGreaterThan(0);
    const [first] = diagnostics;
    expect({ code: first.code, line: first.line, column: first.column }).toEqual({
      code: m.code,
      line: m.line,
      column: m.column,
    });
    expect(first.message).toContain(m.message);
    if (m.help) expect(first.help).toContain(m.help);
    if (m.note) {
      const [line, column, message] = m.note;
      expect(first.related[0]).toMatchObject({ line, column });
      expect(first.related[0].message).toContain(message);
    }
    if (m.alone) expect(diagnostics.map((d) => d.code)).toEqual([m.code]);
  });

  it("a reserved word as a parameter is reported on the word alone", () => {
    const [first] = checkSources("block scale(same) {\n  pw 8\n}\n").diagnostics.map(
      diagnosticToJson,
    );
    expect(first).toMatchObject({ code: "DS1004", line: 1, column: 13, endLine: 1, endColumn: 17 });
  });

  it("checks the layers after an unknown one, without cascades from its unknown shape", () => {
    const source = [
      "input 32x32x3",
      "conv2d 3x3 16 s2", // unknown: its output is not known
      "pw 16 -> bn 8", // channels known again (16): a real error
      "residual {", // sizes unknown: not compared
      "  dw 3x3 -> bn",
      "}",
      "dw 3x3 64", // a real error: 16 channels
      "gap",
      "fc 10 -> bn 12", // the size is known again after gap
    ].join("\n");
    const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["DS2001", 2, 1],
      ["DS4007", 3, 13],
      ["DS4006", 7, 8],
      ["DS4007", 9, 13],
    ]);
    expect(diagnostics[1].message).toContain("has 16 (?x?x16)");
    expect(diagnostics[3].message).toContain("has 10 (1x1x10)");
  });

  it.each([
    ["residual { pw 8 }", "DS4001"],
    ["slice 4 2", "DS4016"],
    ["shuffle 3", "DS4017"],
    ["maxpool 16x16", "DS4002"],
    ["concat split=3 {} {} {}", "DS4014"],
    ["add { pw 8 } { pw 4 }", "DS4012"],
    ["pw 0", "DS4003"],
  ])("checks the layers after a failed `%s` as after an unknown one", (failed, code) => {
    const source = `input 8x8x16\n${failed}\npw 0\nbn 5\nfoo\n`;
    const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      [code, 2],
      ["DS4003", 3],
      ["DS2001", 5],
    ]);
  });

  it("takes a normalize after an unknown layer, whose channels are not known", () => {
    const source = "input 8x8x4\nfoo\nnormalize scale=2 shift=-1\nnormalize mean=0 std=0\n";
    const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ["DS2001", 2],
      ["DS3007", 4],
    ]);
  });

  it("reads no in.c from an unknown layer's output, and reports nothing for it", () => {
    const source = "input 32x32x3\nfoo 8\npw in.c * 2 -> bn 3\n";
    expect(checkSources(source).diagnostics.map((d) => d.code)).toEqual(["DS2001"]);
  });

  it("names a residual whose body is only another residual apart from it", () => {
    const source = "input 8x8x8\nresidual {\n  residual {\n    pw 8 -> bn -> relu\n  }\n}\n";
    const result = checkSources(source);
    expect(result.diagnostics).toEqual([]);
    expect(result.networks[0].layers.map((l) => l.name)).toEqual([
      "input",
      "residual1.residual1.pw1",
      "residual1.residual1.bn1",
      "residual1.residual1.relu1",
      "residual1.residual1.add",
      "residual1.add",
    ]);
  });

  it("names apart a join's one branch and a block whose body is only a residual", () => {
    const source = [
      "block res { residual { pw 8 } }",
      "input 8x8x8",
      "add { add { pw 8 } }",
      "residual { res }",
    ].join("\n");
    const result = checkSources(source);
    expect(result.diagnostics).toEqual([]);
    const names = result.networks[0].layers.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("add1.add1.add");
    expect(names).toContain("residual1.residual1.add");
  });

  it("keeps the short names of a body with one stage that makes no join", () => {
    const source = "input 8x8x8\nresidual {\n  pw 8\n}\nrepeat 2 {\n  residual { pw 8 }\n}\n";
    const names = checkSources(source).networks[0].layers.map((l) => l.name);
    expect(names).toEqual([
      "input",
      "residual1",
      "residual1.add",
      "repeat1.0",
      "repeat1.0.add",
      "repeat1.1",
      "repeat1.1.add",
    ]);
  });
});
