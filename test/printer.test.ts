import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "./runs.js";
import type * as A from "../src/syntax/ast.js";
import { emptyTrivia } from "../src/syntax/ast.js";
import { parse } from "../src/syntax/parse.js";
import { printProgram } from "../src/syntax/printer.js";
import { Source } from "../src/syntax/source.js";

/** The AST without its spans: what the formatter must preserve (trivia included). */
function stripSpans(value: unknown, drop: string[] = ["span"]): unknown {
  if (Array.isArray(value)) return value.map((v) => stripSpans(v, drop));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !drop.includes(key))
      .map(([key, v]) => [key, stripSpans(v, drop)]),
  );
}

function parseClean(text: string): A.Program {
  const result = parse(text);
  expect(
    result.diagnostics.map((d) => d.message),
    text,
  ).toEqual([]);
  return result.program;
}

function format(text: string): string {
  return printProgram(parseClean(text));
}

/** Printing keeps the AST, and printing the printed text changes nothing. */
function expectRoundTrip(program: A.Program, drop: string[] = ["span", "opSpan"]): void {
  const printed = printProgram(program);
  const reparsed = parseClean(printed);
  expect(stripSpans(reparsed, drop), printed).toEqual(stripSpans(program, drop));
  expect(printProgram(reparsed)).toBe(printed);
}

describe("examples round-trip", () => {
  const root = fileURLToPath(new URL("../examples/", import.meta.url));
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".dsnet"))
    .sort();

  it("finds the examples", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)("%s", (file) => {
    const result = parse(readFileSync(join(root, file), "utf8"), file);
    if (result.diagnostics.length > 0) return; // a syntax-error example has no canonical form
    expectRoundTrip(result.program);
  });
});

describe("printProgram", () => {
  const cases: [description: string, input: string, expected: string][] = [
    ["an empty file", "", ""],
    ["spacing around arrows and arguments", "dw   3x3  s1->pw 64", "dw 3x3 s1 -> pw 64\n"],
    [
      "a pipeline continued over lines",
      "conv 3x3 32 s2\n    -> bn\n    -> relu",
      "conv 3x3 32 s2 -> bn -> relu\n",
    ],
    ["statements split at semicolons", "pw 1; pw 2", "pw 1\npw 2\n"],
    ["sizes written with spaces", "input 224 x 224 x 3", "input 224x224x3\n"],
    ["sizes with names", "input res x res x 3", "input res x res x 3\n"],
    ["a size mixing a literal and a name", "pool 3x3 x k", "pool 3 x 3 x k\n"],
    ["the stride shorthand", "dw 3x3 s2 d2", "dw 3x3 s2 d2\n"],
    ["a named stride", "dw 3x3 stride = 2", "dw 3x3 stride=2\n"],
    ["named arguments", "maxpool 3x3 s2 pad=same", "maxpool 3x3 s2 pad=same\n"],
    ["a named size", "pool size = res x 3", "pool size=res x 3\n"],
    [
      "a parenthesised call keeps its form",
      "inverted( t=6,c=24 , s2 )",
      "inverted(t=6, c=24, s2)\n",
    ],
    ["a call with no arguments", "gap", "gap\n"],
    ["an empty parenthesised call", "gap()", "gap()\n"],
    [
      "expression calls keep their parenthesis",
      "conv 3x3 int(32*alpha)",
      "conv 3x3 int(32 * alpha)\n",
    ],
    ["an argument starting with a parenthesis", "pw (a + b) * 2", "pw (a + b) * 2\n"],
    ["a ternary argument, parenthesised", "pw a>1?b:c", "pw (a > 1 ? b : c)\n"],
    ["a named ternary argument", "f s = i == 0 ? s : 1", "f s=(i == 0 ? s : 1)\n"],
    ["a leading negative argument", "leaky_relu -0.1", "leaky_relu -0.1\n"],
    // `f a -1` is one argument, `a - 1`: arguments are separated by spaces, not by signs.
    ["a minus after an argument is subtraction", "f a -1", "f a - 1\n"],
    ["a negative second argument", "f a (-1)", "f a (-1)\n"],
    ["a negative argument after a named one", "f k=a (-1)", "f k=a (-1)\n"],
    ["a negative size after an argument", "f a (-3) x 3", "f a (-3) x 3\n"],
    ["a signed argument after another", "f a (+b) (not c)", "f a (+b) not c\n"],
    ["labels", "stem:conv 3x3 32 s2 -> act : relu", "stem: conv 3x3 32 s2 -> act: relu\n"],
    ["let", "let  c=in.c*2", "let c = in.c * 2\n"],
    [
      "numbers print as written",
      "let a = [1.0, 0.0010, 2.5E3, 1e-7, 007, -1.50]",
      "let a = [1.0, 0.0010, 2.5E3, 1e-7, 007, -1.50]\n",
    ],
    ["numbers out of range", "let a = [-0, 1e999, -1e999]", "let a = [-0, 1e999, -1e999]\n"],
    [
      "a negative number under a power",
      "let a = (-2) ** 2 + -2 ** 2",
      "let a = (-2) ** 2 + -2 ** 2\n",
    ],
    [
      "powers associate right",
      "let a = (2 ** 3) ** 2 + 2 ** (3 ** 2)",
      "let a = (2 ** 3) ** 2 + 2 ** 3 ** 2\n",
    ],
    ["a power of a negation", "let a = 2 ** -b", "let a = 2 ** -b\n"],
    ["redundant parentheses", "let a = (1 + (2 * 3)) - (4)", "let a = 1 + 2 * 3 - 4\n"],
    ["needed parentheses", "let a = (1 + 2) * 3 - (4 - 5)", "let a = (1 + 2) * 3 - (4 - 5)\n"],
    ["repeated negation", "let a = - -b + -(+b)", "let a = --b + -+b\n"],
    ["not", "let a = not (a and b) or not c == d", "let a = not (a and b) or not c == d\n"],
    ["not inside a comparison", "let a = (not a) == b", "let a = (not a) == b\n"],
    ["comparisons do not chain", "let a = (a < b) == c", "let a = (a < b) == c\n"],
    [
      "nested ternaries",
      "let a = (p ? 1 : 2) ? q ? 3 : 4 : r ? 5 : 6",
      "let a = (p ? 1 : 2) ? q ? 3 : 4 : r ? 5 : 6\n",
    ],
    [
      "lists and calls",
      "let a = max( [ 1,2, ], f(), g(x1 , y ,) )",
      "let a = max([1, 2], f(), g(x1, y))\n",
    ],
    ["padding modes and booleans", "f pad=valid bias=true", "f pad=valid bias=true\n"],
    ["imports", 'import   "lib/a.dsnet"', 'import "lib/a.dsnet"\n'],
    ["escapes in imports", 'import "a\\"b\\\\c"', 'import "a\\"b\\\\c"\n'],
    ["block parameters", "block b(w,y=2,) { pw w }", "block b(w, y = 2) {\n  pw w\n}\n"],
    ["an empty body", "block b {\n\n}", "block b {}\n"],
    ["an empty parameter list", "block b() {}", "block b {}\n"],
    [
      "nested bodies",
      "network n { repeat n as i { residual if i > 0 { pw 8 } shortcut { pw 8 -> bn } } }",
      [
        "network n {",
        "  repeat n as i {",
        "    residual if i > 0 {",
        "      pw 8",
        "    } shortcut {",
        "      pw 8 -> bn",
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    ],
    [
      "if / else if / else",
      "if a { relu }\nelse if b { relu6 } else {}",
      "if a {\n  relu\n} else if b {\n  relu6\n} else {}\n",
    ],
    ["stages after a body", "repeat 2 { pw 8 } -> bn", "repeat 2 {\n  pw 8\n} -> bn\n"],
    [
      "comments kept where they were",
      [
        "# about the block",
        "block b {   # opens",
        "    # first",
        "    pw 8      # trailing",
        "    # last",
        "}   # after the block",
        "#   the end",
      ].join("\n"),
      [
        "# about the block",
        "block b {",
        "  # opens",
        "  # first",
        "  pw 8  # trailing",
        "  # last",
        "}  # after the block",
        "#   the end",
        "",
      ].join("\n"),
    ],
    ["a body holding only a comment", "block b { # todo\n}", "block b {\n  # todo\n}\n"],
    ["a comment inside a statement moves above it", "f a +  # why\n  b", "# why\nf a + b\n"],
    [
      "blank lines collapse to one",
      "\n\n\npw 1\n\n\n\npw 2\n  \n\t\n# c\npw 3\npw 4\n\n\n",
      "pw 1\n\npw 2\n\n# c\npw 3\npw 4\n",
    ],
    [
      "blank lines inside bodies",
      "block b {\n\n  pw 1\n\n\n  pw 2\n\n}",
      "block b {\n  pw 1\n\n  pw 2\n}\n",
    ],
  ];

  it.each(cases)("%s", (_, input, expected) => {
    const printed = format(input);
    expect(printed).toBe(expected);
    expect(format(printed)).toBe(printed);
    expectRoundTrip(parseClean(input));
  });

  it("separates declarations by one blank line, whatever the source had", () => {
    const printed = format('import "a"\nblock a {}\nblock b {}\nnetwork n {}\npw 1\npw 2');
    expect(printed).toBe('import "a"\n\nblock a {}\n\nblock b {}\n\nnetwork n {}\n\npw 1\npw 2\n');
    expect(format(printed)).toBe(printed);
  });

  it("prints a stride shorthand it cannot spell as a named argument", () => {
    const program = parseClean("dw 3x3 s2");
    const call = (program.items[0] as A.Pipeline).stages[0] as A.Call;
    call.args[1].value = { kind: "number", value: 1.5, span: call.args[1].value.span };
    expect(printProgram(program)).toBe("dw 3x3 stride=1.5\n");
  });
});

describe("printing generated expressions", () => {
  const span = { source: new Source("<generated>", ""), start: 0, end: 0 };
  const name = (text: string): A.Name => ({ text, span });

  // `x`, `s2` and `d2` are not names to the lexer; `x1`, `s` and `d` are.
  const names = fc.constantFrom("a", "b", "alpha", "in_c", "x1", "s", "d");
  const numbers = fc.oneof(
    fc.nat(300),
    fc.double({ noNaN: true }),
    fc.constantFrom(-1, -0.5, 0.001, 1e-7, 1e21, -0, Infinity),
  );

  const leaf: fc.Arbitrary<A.Expr> = fc.oneof(
    numbers.map((value): A.Expr => ({ kind: "number", value, span })),
    names.map((n): A.Expr => ({ kind: "name", name: n, span })),
    fc.boolean().map((value): A.Expr => ({ kind: "bool", value, span })),
    fc
      .constantFrom<A.PadModeName>("same", "valid")
      .map((mode): A.Expr => ({ kind: "padmode", mode, span })),
    fc.constantFrom("c", "h").map((field): A.Expr => ({ kind: "shape", field, span })),
  );

  const binaryOps: A.BinaryOp[] = [
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
  ];

  const { expr } = fc.letrec<{ expr: A.Expr }>((tie) => ({
    expr: fc.oneof(
      { maxDepth: 4, depthSize: "small" },
      leaf,
      fc
        .tuple(fc.constantFrom<A.UnaryOp>("-", "+", "not"), tie("expr"))
        .map(([op, operand]): A.Expr =>
          // The parser folds a minus applied to a literal into the literal, as `-1` is read.
          op === "-" && operand.kind === "number"
            ? { kind: "number", value: -operand.value, span }
            : { kind: "unary", op, operand, span },
        ),
      fc
        .tuple(fc.constantFrom(...binaryOps), tie("expr"), tie("expr"))
        .map(([op, left, right]): A.Expr => ({ kind: "binary", op, left, right, span })),
      fc
        .tuple(tie("expr"), tie("expr"), tie("expr"))
        .map(([condition, then, otherwise]): A.Expr => ({
          kind: "ternary",
          condition,
          then,
          else: otherwise,
          span,
        })),
      fc
        .tuple(names, fc.array(tie("expr"), { maxLength: 3 }))
        .map(([callee, args]): A.Expr => ({ kind: "callexpr", callee: name(callee), args, span })),
      fc
        .array(tie("expr"), { maxLength: 3 })
        .map((items): A.Expr => ({ kind: "list", items, span })),
    ),
  }));

  const dims = fc
    .array(expr, { minLength: 2, maxLength: 3 })
    .map((parts): A.Dims => ({ kind: "dims", parts, span }));

  const arg: fc.Arbitrary<A.Arg> = fc.oneof(
    expr.map((value) => ({ value, span })),
    dims.map((value) => ({ value, span })),
    fc
      .tuple(fc.constantFrom("k", "size"), fc.oneof(expr, dims))
      .map(([n, value]) => ({ name: name(n), value, span })),
    fc.tuple(fc.constantFrom("stride", "dilation"), fc.nat(20)).map(([n, value]) => ({
      name: name(n),
      shorthand: true,
      value: { kind: "number", value, span } as A.Expr,
      span,
    })),
  );

  const stage: fc.Arbitrary<A.Stage> = fc.oneof(
    fc
      .array(arg, { minLength: 1, maxLength: 4 })
      .map((args): A.Stage => ({ kind: "call", callee: name("pw"), args, span })),
    expr.map((condition): A.Stage => ({
      kind: "if",
      condition,
      then: { statements: [], endComments: [], span },
      span,
    })),
    expr.map((count): A.Stage => ({
      kind: "repeat",
      count,
      body: { statements: [], endComments: [], span },
      span,
    })),
  );

  const statement: fc.Arbitrary<A.Statement> = fc.oneof(
    expr.map((value): A.Statement => ({
      kind: "let",
      name: name("v"),
      value,
      span,
      trivia: emptyTrivia(),
    })),
    stage.map((s): A.Statement => ({ kind: "pipeline", stages: [s], span, trivia: emptyTrivia() })),
    fc.array(expr, { minLength: 1, maxLength: 3 }).map((parts): A.Statement => ({
      kind: "input",
      shape: { kind: "dims", parts, span },
      span,
      trivia: emptyTrivia(),
    })),
  );

  const program = fc
    .array(statement, { minLength: 1, maxLength: 4 })
    .map((items): A.Program => ({ kind: "program", items, endComments: [], span }));

  it("parses back to the same AST", () => {
    fc.assert(
      // Generated numbers carry no literal text (`raw`); the parser adds it.
      fc.property(program, (p) => expectRoundTrip(p, ["span", "raw"])),
      { numRuns: runs(500) },
    );
  });
});
