import { describe, expect, it } from "vitest";
import { parseOverrides } from "../src/check/overrides.js";
import type { CheckOptions } from "../src/check/program.js";
import { limits } from "../src/check/limits.js";
import { allCodes } from "../src/diagnostics/catalogue.js";
import { diagnosticToJson } from "../src/diagnostics/diagnostic.js";
import { conventionWarnings } from "../src/weights/import/conventions.js";
import { matchSource } from "../src/weights/import/match.js";
import type { SourceLayer } from "../src/weights/import/tensor.js";
import type { SourceWindow } from "../src/import/layer-graph.js";
import { expectedTensors } from "../src/weights/tensors.js";
import { checkSources } from "./helpers.js";

/**
 * One row per diagnostic: a tiny program and the code, line and column dsnet must report
 * (first diagnostic, or the last with `last`), plus a fragment of the message. Columns are
 * 1-based. Every code in the catalogue has a row (checked below).
 */
interface Case {
  name: string;
  source: string;
  files?: Record<string, string>;
  /** `--set` assignments, as the CLI passes them. */
  set?: string[];
  options?: Pick<CheckOptions, "requireNetwork" | "network">;
  code: string;
  line: number;
  column: number;
  message: string | RegExp;
  file?: string;
  last?: boolean;
}

function diagnosticsOf(c: Pick<Case, "source" | "files" | "set" | "options">) {
  const parsed = parseOverrides(c.set ?? []);
  if (!parsed.ok) throw new Error(parsed.message);
  const result = checkSources(c.source, c.files, { ...c.options, overrides: parsed.overrides });
  return result.diagnostics.map(diagnosticToJson);
}

const net = (body: string) => `network n {\n  input 32x32x16\n${body}\n}\n`;

const cases: Case[] = [
  // --- syntax ---
  {
    name: "missing value after =",
    source: "let a = \n",
    code: "DS1002",
    line: 1,
    column: 9,
    message: "expected",
  },
  {
    name: "unclosed body",
    source: "network n {\n  input 8x8x3\n",
    code: "DS1002",
    line: 2,
    column: 14,
    message: "expected '}' but found the end of the file",
  },
  {
    name: "stray character",
    source: "input 8x8x3\npw 8 @\n",
    code: "DS1001",
    line: 2,
    column: 6,
    message: '"@"',
  },
  {
    name: "unterminated string",
    source: 'import "a.dsnet\n',
    code: "DS1003",
    line: 1,
    column: 8,
    message: "not closed",
  },
  {
    name: "reserved word as name",
    source: "let x = 1\n",
    code: "DS1004",
    line: 1,
    column: 5,
    message: "`x` cannot be a name: it is the size operator",
  },
  // --- names and declarations ---
  {
    name: "unknown layer",
    source: net("  conv2d 3x3 8"),
    code: "DS2001",
    line: 3,
    column: 3,
    message: "unknown layer or block `conv2d`",
  },
  {
    name: "unknown block",
    source: net("  my_block 8"),
    code: "DS2001",
    line: 3,
    column: 3,
    message: "`my_block`",
  },
  {
    name: "duplicate block",
    source: "block a { relu }\nblock a { relu6 }\n",
    code: "DS2002",
    line: 2,
    column: 7,
    message: "defined twice",
  },
  {
    name: "duplicate across files",
    source: 'import "b.dsnet"\nblock a { relu }\n',
    files: { "b.dsnet": "block a { relu }\n" },
    code: "DS2002",
    line: 1,
    column: 7,
    message: "defined twice",
    file: "b.dsnet",
  },
  {
    name: "recursive block",
    source: "block a { b }\nblock b { a }\n" + net("  a"),
    code: "DS2003",
    line: 2,
    column: 11,
    message: "cycle: a → b → a",
  },
  {
    name: "self-recursive block",
    source: "block a { relu -> a }\n",
    code: "DS2003",
    line: 1,
    column: 19,
    message: "calls itself",
  },
  {
    name: "import not found",
    source: 'import "missing.dsnet"\n',
    code: "DS2004",
    line: 1,
    column: 1,
    message: "cannot find `missing.dsnet`",
  },
  {
    name: "import cycle",
    source: 'import "b.dsnet"\n',
    files: { "b.dsnet": 'import "main.dsnet"\n' },
    code: "DS2005",
    line: 1,
    column: 1,
    message: "import cycle",
    file: "b.dsnet",
  },
  {
    name: "unknown named argument",
    source: net("  dw 3x3 strides=2"),
    code: "DS2006",
    line: 3,
    column: 10,
    message: "no parameter `strides`",
  },
  {
    name: "unknown block argument",
    source: "block b(c) { pw c }\n" + net("  b c=8 k=3"),
    code: "DS2006",
    line: 4,
    column: 9,
    message: "block `b` has no parameter `k`",
  },
  {
    name: "too many positional",
    source: net("  pw 8 16"),
    code: "DS2007",
    line: 3,
    column: 8,
    message: "does not take this argument",
  },
  {
    name: "too many block arguments",
    source: "block b(c) { pw c }\n" + net("  b 8 16"),
    code: "DS2007",
    line: 4,
    column: 7,
    message: "takes 1 argument",
  },
  {
    name: "missing argument",
    source: net("  pw"),
    code: "DS2008",
    line: 3,
    column: 3,
    message: "needs an output channel count",
  },
  {
    name: "missing block argument",
    source: "block b(c, t) { pw c * t }\n" + net("  b 8"),
    code: "DS2008",
    line: 4,
    column: 3,
    message: "needs `t`",
  },
  {
    name: "duplicate argument",
    source: net("  dw 3x3 s2 stride=2"),
    code: "DS2009",
    line: 3,
    column: 13,
    message: "given twice",
  },
  {
    name: "unknown name",
    source: net("  pw chanels"),
    code: "DS2010",
    line: 3,
    column: 6,
    message: "unknown name `chanels`",
  },
  {
    name: "unknown function",
    source: net("  pw make_divisable(20, 8)"),
    code: "DS2011",
    line: 3,
    column: 6,
    message: "unknown function `make_divisable`",
  },
  {
    name: "library file where a network is needed",
    source: "block b { relu }\n",
    options: { requireNetwork: true },
    code: "DS2017",
    line: 1,
    column: 1,
    message: "main.dsnet declares no network",
  },
  {
    name: "block named like a layer",
    source: "block relu { relu6 }\n",
    code: "DS2012",
    line: 1,
    column: 7,
    message: "built-in layer",
  },
  {
    name: "network without input",
    source: "network n {\n  pw 8\n}\n",
    code: "DS2014",
    line: 2,
    column: 3,
    message: "before the network's input",
  },
  {
    name: "empty network",
    source: "network n {\n}\n",
    code: "DS2013",
    line: 1,
    column: 9,
    message: "has no input",
  },
  {
    name: "second input",
    source: net("  input 8x8x3"),
    code: "DS2014",
    line: 3,
    column: 3,
    message: "a network has one input",
  },
  {
    name: "duplicate parameter",
    source: "block b(c, c) { pw c }\n",
    code: "DS2015",
    line: 1,
    column: 12,
    message: "declared twice",
  },
  {
    name: "duplicate let",
    source: net("  let a = 1\n  let a = 2"),
    code: "DS2016",
    line: 4,
    column: 7,
    message: "already defined",
  },
  {
    name: "label taking an automatic name",
    source: "input 8x8x4\npw1: dw 3x3\npw 8\n",
    code: "DS2002",
    line: 3,
    column: 1,
    message: "two layers are named `pw1`",
  },
  {
    name: "two layers with the same label",
    source: "input 8x8x4\nx1: relu\nx1: relu6\n",
    code: "DS2002",
    line: 3,
    column: 1,
    message: "two layers are named `x1`",
  },
  {
    name: "in.c before the input",
    source: "network n {\n  let w = in.c * 2\n  input 8x8x3\n  pw w\n}\n",
    code: "DS2018",
    line: 2,
    column: 11,
    message: "`in.c` is used before the network's input",
  },
  // --- values ---
  {
    name: "division by zero",
    source: net("  pw 64 / (2 - 2)"),
    code: "DS3001",
    line: 3,
    column: 6,
    message: "division by zero: the divisor `2 - 2` is 0",
  },
  {
    name: "floor division by zero",
    source: "network n(k = 0) {\n  input 8x8x8\n  pw 8 // k\n}\n",
    code: "DS3001",
    line: 3,
    column: 6,
    message: "division by zero: the divisor `k` is 0",
  },
  {
    name: "boolean as number",
    source: net("  pw true"),
    code: "DS3002",
    line: 3,
    column: 6,
    message: "must be a number",
  },
  {
    name: "number as condition",
    source: net("  if 1 { relu }"),
    code: "DS3002",
    line: 3,
    column: 6,
    message: "must be true or false",
  },
  {
    name: "non-finite",
    source: net("  pw 10 ** 400"),
    code: "DS3005",
    line: 3,
    column: 6,
    message: "not a finite number",
  },
  {
    name: "function arity",
    source: net("  pw int(1, 2)"),
    code: "DS3006",
    line: 3,
    column: 6,
    message: "takes 1 argument",
  },
  {
    name: "input of zero height",
    source: "input 0x8x3\n",
    code: "DS3004",
    line: 1,
    column: 7,
    message: "input height must be a whole number of at least 1, but is 0",
  },
  {
    name: "depth multiplier zero",
    source: net("  dw 3x3 mult=0"),
    code: "DS3004",
    line: 3,
    column: 15,
    message: "mult must be at least 1, but is 0",
  },
  {
    name: "dropout probability of one or more",
    source: net("  dropout 1.5"),
    code: "DS3007",
    line: 3,
    column: 11,
    message: "dropout probability must be in [0, 1), but is 1.5",
  },
  {
    name: "negative eps",
    source: net("  bn eps=-1"),
    code: "DS3007",
    line: 3,
    column: 10,
    message: "eps must not be negative, but is -1",
  },
  {
    name: "normalize with both forms",
    source: net("  normalize mean=0.5 scale=2"),
    code: "DS3007",
    line: 3,
    column: 28,
    message: "`normalize` takes mean= and std=, or scale= and shift=",
  },
  {
    name: "normalize dividing by zero",
    source: net("  normalize std=0"),
    code: "DS3007",
    line: 3,
    column: 17,
    message: "std must not be zero or too small to divide by, but is 0",
  },
  {
    name: "normalize values that are not one per channel",
    source: net("  normalize scale=[1, 2, 3]"),
    code: "DS4007",
    line: 3,
    column: 19,
    message: "`normalize` scale has 3 values: give one, or one per channel of its input",
  },
  {
    name: "pooling window made of padding",
    source: net("  maxpool 2x2 pad=2"),
    code: "DS3007",
    line: 3,
    column: 19,
    message: "maxpool 2x2 with padding 2 has windows made only of padding",
  },
  {
    name: "fractional kernel",
    source: net("  dw 2.5"),
    code: "DS3003",
    line: 3,
    column: 6,
    message: "whole number",
  },
  // --- shapes ---
  {
    name: "residual channel mismatch",
    source: net("  residual {\n    pw 32\n  }"),
    code: "DS4001",
    line: 3,
    column: 3,
    message: "ends with 32",
  },
  {
    name: "residual size mismatch",
    source: net("  residual {\n    dw 3x3 s2\n  }"),
    code: "DS4010",
    line: 3,
    column: 3,
    message: "16x16x16",
  },
  {
    name: "spatial size reaches zero",
    source: "network n {\n  input 4x4x8\n  maxpool 2x2 -> maxpool 2x2 -> maxpool 2x2\n}\n",
    code: "DS4002",
    line: 3,
    column: 33,
    message: "leaves no output",
  },
  {
    name: "valid conv on small input",
    source: "network n {\n  input 2x2x8\n  conv 3x3 8 valid\n}\n",
    code: "DS4002",
    line: 3,
    column: 3,
    message: "⌊(2 + 0 - 3) / 1⌋ + 1 = 0",
  },
  {
    name: "dilated conv on small input: the extent in parentheses",
    source: "network n {\n  input 4x4x4\n  conv 3x3 4 d2 valid\n}\n",
    code: "DS4002",
    line: 3,
    column: 3,
    message: "⌊(4 + 0 - (2·(3-1)+1)) / 1⌋ + 1 = 0",
  },
  {
    name: "non-integer channels",
    source: "network n(alpha = 0.75) {\n  input 8x8x3\n  pw 30 * alpha\n}\n",
    code: "DS4003",
    line: 3,
    column: 6,
    message: "`30 * alpha` = 22.5",
  },
  {
    name: "zero channels",
    source: net("  pw 0"),
    code: "DS4003",
    line: 3,
    column: 6,
    message: "`pw` output channels must be a whole number of at least 1, but is 0",
  },
  {
    name: "negative channels",
    source: net("  pw in.c - 20"),
    code: "DS4003",
    line: 3,
    column: 6,
    message: "-4",
  },
  {
    name: "stride zero",
    source: net("  dw 3x3 s0"),
    code: "DS4004",
    line: 3,
    column: 10,
    message: "stride must be at least 1",
  },
  {
    name: "dilation zero",
    source: net("  dw 3x3 dilation=0"),
    code: "DS4005",
    line: 3,
    column: 19,
    message: "dilation must be at least 1",
  },
  {
    name: "depthwise changes channels",
    source: net("  dw 3x3 64"),
    code: "DS4006",
    line: 3,
    column: 10,
    message: "cannot change 16 channels into 64",
  },
  {
    name: "batch norm for the wrong layer",
    source: net("  pw 64 -> bn 16"),
    code: "DS4007",
    line: 3,
    column: 15,
    message: "`bn 16` expects 16 channels",
  },
  {
    name: "fc on a feature map",
    source: net("  fc 10"),
    code: "DS4008",
    line: 3,
    column: 3,
    message: "needs a flat input",
  },
  {
    name: "groups do not divide",
    source: net("  conv 3x3 24 groups=5"),
    code: "DS4009",
    line: 3,
    column: 22,
    message: "groups=5",
  },
  {
    name: "depthwise shrinks (warning)",
    source: net("  dw 3x3 valid"),
    code: "DS4101",
    line: 3,
    column: 10,
    message: "shrinks 32x32 to 30x30",
  },
  // --- graphs: joins, split, slice, shuffle ---
  {
    name: "concat of different sizes names both shapes",
    source: net("  concat { } { dw 3x3 s2 }"),
    code: "DS4011",
    line: 3,
    column: 3,
    message: "is 32x32x16 and the branch ending with `dw 3x3 s2` (line 3) is 16x16x16",
  },
  {
    name: "add of different shapes",
    source: net("  add { pw 8 }"),
    code: "DS4012",
    line: 3,
    column: 3,
    message: "is 32x32x16 and the branch ending with `pw 8` (line 3) is 32x32x8",
  },
  {
    name: "a gate with the wrong channels",
    source: net("  mul { gap -> pw 8 -> sigmoid }"),
    code: "DS4013",
    line: 3,
    column: 3,
    message: "is 32x32x16 and the branch ending with `sigmoid` (line 3) is 1x1x8",
  },
  {
    name: "split into parts that do not divide the channels",
    source: net("  pw 60\n  concat split=8 { } { }"),
    code: "DS4014",
    line: 4,
    column: 16,
    message: "cannot split the 60 channels of `pw 60` (line 3) into 8 equal parts",
  },
  {
    name: "split sizes that do not add up",
    source: net("  concat split=[4, 8] { } { }"),
    code: "DS4014",
    line: 3,
    column: 16,
    message: "split sizes [4, 8] add up to 12",
  },
  {
    name: "a split with a branch missing",
    source: net("  concat split=4 { } { }"),
    code: "DS4015",
    line: 3,
    column: 3,
    message: "splits its input into 4 parts but has 2 branches",
  },
  {
    name: "a product of three branches",
    source: net("  mul { gap } { gap } { gap }"),
    code: "DS4015",
    line: 3,
    column: 3,
    message: "`mul` multiplies two values",
  },
  {
    name: "split given twice",
    source: net("  concat split=2 split=4 { } { }"),
    code: "DS2009",
    line: 3,
    column: 18,
    message: "`split` is given twice",
  },
  {
    name: "a slice past the channels",
    source: net("  slice 8 20"),
    code: "DS4016",
    line: 3,
    column: 3,
    message: "takes channels 8 to 20, outside the 16 channels",
  },
  {
    name: "a slice bound that is not a channel number",
    source: net("  slice 1.5 4"),
    code: "DS3007",
    line: 3,
    column: 9,
    message: "takes whole channel numbers from 0, not 1.5",
  },
  {
    name: "a split that is not a count or sizes",
    source: net("  concat split=true { } { }"),
    code: "DS3007",
    line: 3,
    column: 16,
    message: "`split` takes a number of equal parts",
  },
  {
    name: "a join argument other than split",
    source: net("  concat axis=1 { } { }"),
    code: "DS2006",
    line: 3,
    column: 10,
    message: "`concat` has no parameter `axis`",
  },
  {
    name: "shuffle groups that do not divide the channels",
    source: net("  shuffle 3"),
    code: "DS4017",
    line: 3,
    column: 3,
    message: "needs the channels to divide into 3 groups, but `input 32x32x16` (line 2) has 16",
  },
  {
    name: "a let that nothing reads (warning)",
    source: net("  let squeeze = in.c // 4\n  pw 8"),
    code: "DS4102",
    line: 3,
    column: 7,
    message: "`let squeeze` is never used",
  },
  {
    name: "a convolution in PyTorch's argument order (warning)",
    source: net("  conv 3 32 s2"),
    code: "DS4103",
    line: 3,
    column: 10,
    message: "makes 3 output channels with a 32x32 kernel",
  },
  {
    name: "a kernel written as a product (warning)",
    source: net("  dw 3*3"),
    code: "DS4104",
    line: 3,
    column: 6,
    message: "`3*3` is the number 9, so this is a 9x9 kernel",
  },
  {
    name: "an input written channels first (warning)",
    source: "input 3x224x224\n",
    code: "DS4105",
    line: 1,
    column: 7,
    message: "`input 3x224x224` is 3 high and 224 wide with 224 channels",
  },
  // --- limits ---
  {
    name: "huge network",
    source: "input 1x1x16384\nrepeat 5 {\n  fc 16384\n}\n",
    code: "DS5001",
    line: 1,
    column: 1,
    message: "beyond the limit of 1073741824",
  },
  {
    name: "huge tensor",
    source: net("  pw 1000000"),
    code: "DS5001",
    line: 3,
    column: 3,
    message: "beyond the limit",
  },
  {
    name: "huge repeat",
    source: net("  repeat 100000000 { relu }"),
    code: "DS5002",
    line: 3,
    column: 10,
    message: "beyond the limit",
  },
  {
    name: "huge input",
    source: "input 100000x100000x3\n",
    code: "DS5001",
    line: 1,
    column: 1,
    message: "beyond the limit",
  },
  {
    name: "repeats that together pass the layer limit",
    source: "input 1x1x1\n" + "repeat 40000 { relu }\n".repeat(3),
    code: "DS5002",
    line: 2,
    column: 8,
    message: "repeat 40000 takes the network beyond the limit of 100000 layers",
  },
  {
    name: "more problems than are shown",
    source: "input 8x8x3\n" + "foo\n".repeat(101),
    code: "DS5003",
    line: 101,
    column: 1,
    message: "too many problems: 1 more error not shown",
    last: true,
  },
  {
    name: "file too large",
    source: " ".repeat(limits.sourceChars + 1),
    code: "DS5004",
    line: 1,
    column: 1,
    message: `main.dsnet is larger than ${limits.sourceChars} characters`,
  },
  {
    name: "brackets nested too deep",
    source: "let a = " + "(".repeat(101) + "1" + ")".repeat(101) + "\n",
    code: "DS5005",
    line: 1,
    column: 109,
    message: "nesting deeper than 100 levels",
  },
  {
    name: "expression nested too deep",
    source: "let a = " + "1 + ".repeat(501) + "1\n",
    code: "DS5005",
    line: 1,
    column: 9,
    message: "expression nested deeper than 500 levels",
  },
  {
    name: "stride past a 32-bit index",
    source: net("  dw 3x3 s4294967297"),
    code: "DS5006",
    line: 3,
    column: 10,
    message: "stride 4294967297 is beyond the limit of 2147483647",
  },
  {
    name: "name too long",
    source: net(`  ${"n".repeat(1001)}`),
    code: "DS5007",
    line: 3,
    column: 3,
    message: "a name of 1001 characters is beyond the limit of 1000",
  },
  // --- command-line overrides ---
  {
    name: "override of a parameter the network lacks",
    source: "network n(width = 8) {\n  input 8x8x3\n  pw width\n}\n",
    set: ["widht=16"],
    code: "DS6001",
    line: 1,
    column: 9,
    message: "--set widht: network `n` has no parameter `widht`",
  },
  {
    name: "override without a network to apply to",
    source: "network a {\n  input 8x8x3\n}\nnetwork b {\n  input 8x8x3\n}\n",
    set: ["width=16"],
    code: "DS6001",
    line: 1,
    column: 1,
    message: "main.dsnet declares several (a, b)",
  },
];

/** What a model file says of a 3x3 convolution at stride 2 padded by `padding`. */
const stride2Window = (padding: SourceWindow["padding"]): SourceWindow => ({
  kernel: [3, 3],
  stride: [2, 2],
  dilation: [1, 1],
  padding,
  before: [0, 0, 0, 0],
});

/**
 * The warnings of `dsnet weights import` where a model file says what the .dsnet contradicts:
 * the network's own tensors as the file, `says` giving what the file says of the layer whose
 * first tensor has that index.
 */
const importCases: {
  name: string;
  source: string;
  says: Record<number, SourceLayer>;
  code: string;
  line: number;
  column: number;
  message: RegExp;
}[] = [
  {
    name: "a batch norm's eps",
    source: "network n {\n  input 8x8x3\n  conv 3x3 4 -> bn\n}\n",
    says: { 1: { name: "bn_a", eps: 1e-3 } },
    code: "DS7001",
    line: 3,
    column: 17,
    message: /batch norm bn_a has eps 0\.001, but this `bn` uses 0\.00001/,
  },
  {
    name: "TF's SAME at stride 2",
    source: "network n {\n  input 8x8x3\n  conv 3x3 4 s2\n}\n",
    says: {
      0: {
        name: "stem",
        window: stride2Window("same_upper"),
      },
    },
    code: "DS7002",
    line: 3,
    column: 3,
    message: /stem pads this 8x8 input by \[0, 1, 0, 1\] \(TF's SAME/,
  },
  {
    name: "a stride",
    source: "network n {\n  input 8x8x3\n  pw 4\n  dw 3x3\n}\n",
    says: {
      1: {
        name: "dw",
        window: stride2Window("valid"),
      },
    },
    code: "DS7003",
    line: 4,
    column: 3,
    message: /dw has stride 2 and dilation 1, but this layer has stride 1 and dilation 1/,
  },
];

function importWarnings(source: string, says: Record<number, SourceLayer>) {
  const network = checkSources(source).networks[0];
  const expected = expectedTensors(network);
  const tensors = expected.map((t, i) => ({
    name: `t${i}`,
    shape: t.shape,
    dtype: "F32",
    data: new Float32Array(t.shape.reduce((a, b) => a * b, 1)),
    layer: says[i],
  }));
  const mapping = matchSource(
    { kind: "a test file", orders: [{ name: "its order", tensors }], prefix: "" },
    expected,
  );
  return conventionWarnings(mapping, network).map(diagnosticToJson);
}

describe("diagnostics", () => {
  it.each(cases)("$name → $code at $line:$column", (c) => {
    const diagnostics = diagnosticsOf(c);
    expect(diagnostics.length, JSON.stringify(diagnostics, null, 1)).toBeGreaterThan(0);
    const first = c.last ? diagnostics[diagnostics.length - 1] : diagnostics[0];
    expect({ code: first.code, line: first.line, column: first.column }).toEqual({
      code: c.code,
      line: c.line,
      column: c.column,
    });
    if (typeof c.message === "string") expect(first.message).toContain(c.message);
    else expect(first.message).toMatch(c.message);
    if (c.file) expect(first.file).toContain(c.file);
  });

  it.each(importCases)("weights import: $name → $code at $line:$column", (c) => {
    const [first] = importWarnings(c.source, c.says);
    expect({ code: first?.code, line: first?.line, column: first?.column }).toEqual({
      code: c.code,
      line: c.line,
      column: c.column,
    });
    expect(first.message).toMatch(c.message);
  });

  it("has a row for every code in the catalogue", () => {
    const tested = new Set([...cases, ...importCases].map((c) => c.code));
    expect(allCodes().filter((code) => !tested.has(code))).toEqual([]);
  });

  it("reports several syntax errors in one run", () => {
    const diagnostics = diagnosticsOf({
      source: "network a {\n  input 8x8x3\n  pw (\n}\nnetwork b {\n  pw 8 ]\n}\nblock { }\n",
    });
    expect(diagnostics.filter((d) => d.code === "DS1002").length).toBeGreaterThanOrEqual(3);
  });

  it("reports every independent error, not just the first", () => {
    const diagnostics = diagnosticsOf({ source: net("  pw 0\n  foo\n  dw 3x3 strides=2") });
    expect(diagnostics.map((d) => d.code)).toEqual(["DS4003", "DS2001", "DS2006"]);
  });

  it("notes each call site of an error inside a block, innermost first", () => {
    const source = [
      "block inner(c) {",
      "  pw c",
      "}",
      "block outer(c) {",
      "  inner(c)",
      "}",
      "network n {",
      "  input 8x8x8",
      "  outer(0)",
      "}",
    ].join("\n");
    const [d] = diagnosticsOf({ source });
    expect(d.code).toBe("DS4003");
    expect(d.line).toBe(2);
    const full = checkSources(source).diagnostics[0];
    const notes = full.expansion.map((n) => [n.message, n.span.source.position(n.span.start).line]);
    expect(notes).toEqual([
      ["in block `inner`, called here", 5],
      ["in block `outer`, called here", 9],
    ]);
  });

  it("reports an error inside a block once, however often the block is called", () => {
    const source = "block b { bn 3 }\n" + net("  b\n  b\n  b");
    expect(diagnosticsOf({ source }).filter((d) => d.code === "DS4007")).toHaveLength(1);
  });

  it("names the repeat iteration where a shape first breaks", () => {
    const source = "network n {\n  input 8x8x4\n  repeat 5 as i {\n    maxpool 2x2\n  }\n}\n";
    const full = checkSources(source).diagnostics[0];
    expect(full.code).toBe("DS4002");
    expect(full.expansion.map((n) => n.message)).toEqual(["in repeat i = 3 (of 5)"]);
  });
});

describe("an import path the line ends inside", () => {
  it.each([
    ['import "blocks.dsnet\ninput 8x8x3\n', 8, 13],
    ['import   "blocks.dsnet # a note\r\ninput 8x8x3\n', 10, 22],
  ])(
    "%j is one DS1003 across the path, not an error for each word of it",
    (source, column, width) => {
      const diagnostics = checkSources(source).diagnostics;
      expect(diagnostics.map((d) => [d.code, d.span.end - d.span.start])).toEqual([
        ["DS1003", width],
      ]);
      expect(diagnosticToJson(diagnostics[0]!)).toMatchObject({ line: 1, column });
    },
  );

  it("elsewhere the quote alone is the error", () => {
    const diagnostics = checkSources('input 8x8x3\nlet s = "abc\npw 8\n').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.span.end - d.span.start])).toEqual([["DS1003", 1]]);
  });
});

describe("one syntax mistake is one diagnostic, in source order", () => {
  const cases: { name: string; source: string; expected: [string, number, number, string][] }[] = [
    {
      name: "a name with letters beyond ASCII",
      source: "input 8x8x3\nlet naïve_é2 = 4\npw naïve_é2 -> größe\n",
      expected: [
        ["DS1001", 2, 5, "`naïve_é2` is not a name: it has letters beyond ASCII"],
        ["DS1001", 3, 4, "`naïve_é2` is not a name"],
        ["DS1001", 3, 16, "`größe` is not a name"],
      ],
    },
    {
      name: "a name of letters beyond ASCII alone, then `=`",
      source: "input 8x8x3\nlet 名前 = 4\npw 3 -> 名前 -> relu\n",
      expected: [
        ["DS1001", 2, 5, "`名前` is not a name"],
        ["DS1001", 3, 9, "`名前` is not a name"],
      ],
    },
    {
      name: "lexer and parser errors, merged by line",
      source: "input 8x8x3\npw 3 )\nrelu\npw 4 $\n",
      expected: [
        ["DS1002", 2, 6, "unexpected ')': no '(' is open for it to close"],
        ["DS1001", 4, 6, '"$"'],
      ],
    },
    {
      name: "a `}` too many",
      source: "network n {\n  input 8x8x3\n}\n}\n",
      expected: [["DS1002", 4, 1, "unexpected '}': no '{' is open for it to close"]],
    },
    {
      name: "the parser's recovery skipping to the end of the line",
      source: "block f(a, , b) { pw a }\ninput 8x8x3\n",
      expected: [["DS1002", 1, 12, "expected ')' but found ','"]],
    },
    {
      name: "two mistakes on one line: a character the lexer cannot read, and a `)` later",
      source: "input 8x8x3\nconv 3x3 16 $ s2 bias=tru )\n",
      expected: [
        ["DS1001", 2, 13, '"$"'],
        ["DS1002", 2, 27, "unexpected ')'"],
      ],
    },
    {
      name: "a name beyond ASCII hides nothing after it",
      source: "input 8x8x3\npw größe -> dw 3x3 )\n",
      expected: [
        ["DS1001", 2, 4, "`größe` is not a name"],
        ["DS1002", 2, 20, "unexpected ')'"],
      ],
    },
    {
      name: "an unclosed string after a parser error on its line",
      source: 'input 8x8x3\npw 8 ) pw "x\n',
      expected: [
        ["DS1002", 2, 6, "unexpected ')'"],
        ["DS1003", 2, 11, "not closed"],
      ],
    },
    {
      name: "the parser's error right after an unreadable character is its echo",
      source: "input 8x8x3\nlet a = $\npw a\n",
      expected: [["DS1001", 2, 9, '"$"']],
    },
    {
      name: "two networks without names",
      source: "network {\n  input 8x8x3\n}\nnetwork {\n  input 8x8x3\n}\n",
      expected: [
        ["DS1002", 1, 9, "expected a name but found '{'"],
        ["DS1002", 4, 9, "expected a name but found '{'"],
      ],
    },
  ];
  it.each(cases)("$name", ({ source, expected }) => {
    const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual(
      expected.map(([code, line, column]) => [code, line, column]),
    );
    diagnostics.forEach((d, i) => expect(d.message).toContain(expected[i]![3]));
  });
});

it("says where the parser stopped recovering, so that the list is not read as whole", () => {
  const source = "input 8x8x3\n" + "pw 8 )\n".repeat(80);
  const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
  const last = diagnostics.filter((d) => d.code === "DS1002").at(-1)!;
  expect(last.help).toBe(
    "dsnet stopped looking for syntax errors after 50: the rest of the file is not checked",
  );
  // A file under the cap says nothing of the kind.
  const few = checkSources("input 8x8x3\n" + "pw 8 )\n".repeat(5)).diagnostics;
  expect(few.map((d) => d.help ?? "").join()).not.toContain("stopped looking");
});

describe("unread lets", () => {
  it("are reported in the order they are written, nested bodies in their place", () => {
    const source = [
      "network n {",
      "  input 8x8x3",
      "  let a = 1",
      "  residual {",
      "    let b = 2",
      "    relu",
      "  }",
      "  let c = 3",
      "  let d = 4",
      "}",
    ].join("\n");
    const diagnostics = checkSources(source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["DS4102", 3, 7],
      ["DS4102", 5, 9],
      ["DS4102", 8, 7],
      ["DS4102", 9, 7],
    ]);
  });
});

describe("an operator at the end of a line, which carries the statement on", () => {
  it.each([
    {
      source: "input 8x8x3\nlet z =\npw 3\n",
      expected: ["DS1002", 3, 4],
      message: "unexpected '3'",
      help: "the `=` that ends line 2 carries its statement on to this line",
    },
    {
      source: "input 8x8x3\nlet z = 2 *  # twice\n\npw 3\n",
      expected: ["DS1002", 4, 4],
      message: "unexpected '3'",
      help: "the `*` that ends line 2 carries its statement on to this line",
    },
    {
      source: "input 8x8x3\nlet z = 2 +\n\npw\nrelu\n",
      expected: ["DS2010", 4, 1],
      message: "`pw` is a layer, but the `+` that ends line 2 carries its expression on to here",
      help: "finish the expression on line 2, or remove the `+` that ends it",
    },
  ])("$source", ({ source, expected, message, help }) => {
    const errors = checkSources(source)
      .diagnostics.map(diagnosticToJson)
      .filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.line, d.column])).toEqual([expected]);
    expect(errors[0]!.message).toBe(message);
    expect(errors[0]!.help).toContain(help);
  });

  it("leaves the `->` help to a layer written after the arguments of another", () => {
    const [error] = checkSources("input 8x8x3\npw 3 relu\n").diagnostics;
    expect(error!.message).toContain("so a `->` is probably missing before it");
  });
});

describe("arguments on a line of their own", () => {
  it.each([
    ["input 8x8x3\npw 8\n  bias=true  # on\n", 3, 7, "`bias=true`"],
    ["network n {\n  input 8x8x3\n  pw 8\n  bias=true\n}\n", 4, 7, "`bias=true`"],
    ["input 8x8x3\nconv 3x3 8\r\n  s2\r\n", 3, 3, "`s2`"],
  ])("%j: DS1002 at %i:%i, with the help to move %s up", (source, line, column, argument) => {
    const [d] = checkSources(source).diagnostics.map(diagnosticToJson);
    expect([d!.code, d!.line, d!.column]).toEqual(["DS1002", line, column]);
    expect(d!.help).toBe(
      `a line break ends a layer's arguments: write ${argument} on the line of its layer (or inside brackets, where a line break goes on)`,
    );
  });

  it("keeps the shorthand's help for a parameter named like one", () => {
    const [d] = checkSources("block f(s2) { relu }\n").diagnostics;
    expect(d!.help).toBe("`s2` is the stride shorthand, not a name: choose another name");
  });
});

describe("a network called main beside top-level statements", () => {
  it("says that the statements are the network `main`", () => {
    const [d] = checkSources("network main {\n  input 8x8x3\n}\ninput 8x8x3\n").diagnostics.map(
      diagnosticToJson,
    );
    expect([d!.code, d!.line, d!.column]).toEqual(["DS2002", 4, 1]);
    expect(d!.help).toBe(
      "the file's top-level statements are a network called `main`: rename the other, or move these statements into it",
    );
  });
});

describe("numbers written as other languages write them", () => {
  it.each([
    ["0xff", "numbers are written in decimal: write `255`"],
    ["0b101", "numbers are written in decimal: write `5`"],
    ["1_000", "numbers have no separators: write `1000`"],
    [".5", "write `0.5`, with a digit before the point"],
    ["5.", "write `5` or `5.0`, with a digit after the point"],
    ["2e", "an exponent needs its digits, as in `2e3`"],
  ])("`pw %s` is one DS1001 across the number", (number, help) => {
    const diagnostics = checkSources(`input 8x8x3\npw ${number} -> relu\n`).diagnostics.map(
      diagnosticToJson,
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.endColumn])).toEqual([
      ["DS1001", 2, 4, 4 + number.length],
    ]);
    expect(diagnostics[0]!.message).toBe(`\`${number}\` is not a number`);
    expect(diagnostics[0]!.help).toBe(help);
  });

  it.each(["dw 3x3s2", "pw 16s2", "pw in.c", "pw 1e3", "pw 2x3 x 4"])(
    "leaves `%s` as it was",
    (layer) => {
      const codes = checkSources(`input 8x8x3\n${layer}\n`).diagnostics.map((d) => d.code);
      expect(codes.filter((c) => c === "DS1001")).toEqual([]);
    },
  );
});
