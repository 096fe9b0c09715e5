import type * as A from "./ast.js";

/*
 * The canonical formatter: what `dsnet fmt` prints. It prints from the AST alone, so anything
 * the AST keeps (comments and blank lines as trivia included) survives, and parsing the output
 * gives the AST back (test/printer.test.ts checks this).
 *
 * Calls print in the form they were written: `dw 3x3 s2` or `inverted_residual(c, t, s = 2)`.
 * In the space form arguments are separated by spaces, so each one is printed so that it reads
 * back as exactly one argument (see `printArgs`). Number literals print as written (`1.0`).
 */

const INDENT = "  ";

/** Binding strength of each expression level, loosest first, as in the grammar's rules. */
enum Level {
  Ternary,
  Or,
  And,
  Not,
  Comparison,
  Additive,
  Multiplicative,
  Unary,
  Power,
  Primary,
}

export function printProgram(program: A.Program): string {
  const lines: string[] = [];
  program.items.forEach((item, i) => {
    const previous = program.items[i - 1];
    const separate = isDeclaration(item) || isDeclaration(previous);
    if (previous && (item.trivia.blankLineBefore || separate)) lines.push("");
    pushItem(lines, item, "");
  });
  lines.push(...program.endComments);
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

function isDeclaration(item: A.TopLevelItem | undefined): boolean {
  return item?.kind === "block" || item?.kind === "network";
}

/** Appends an item's leading comments, the item, and its trailing comment, all at `indent`. */
function pushItem(lines: string[], item: A.TopLevelItem, indent: string): void {
  for (const comment of item.trivia.leadingComments) lines.push(indented(comment, indent));
  const trailing = item.trivia.trailingComment ? `  ${item.trivia.trailingComment}` : "";
  lines.push(indent + printItem(item, indent) + trailing);
}

/** An item's text; lines after the first carry their own indentation. */
function printItem(item: A.TopLevelItem, indent: string): string {
  switch (item.kind) {
    case "import":
      return `import "${item.path.replace(/["\\]/g, "\\$&")}"`;
    case "block":
    case "network":
      return `${item.kind} ${item.name.text}${printParams(item.params)} ${printBody(item.body, indent)}`;
    case "let":
      return `let ${item.name.text} = ${printExpr(item.value)}`;
    case "input":
      return `input ${printDims(item.shape)}`;
    case "pipeline":
      return item.stages.map((stage) => printStage(stage, indent)).join(" -> ");
  }
}

/** A comment line at `indent`; "" (a blank line in the trivia) stays empty. */
function indented(comment: string, indent: string): string {
  return comment === "" ? "" : indent + comment;
}

function printParams(params: A.Param[]): string {
  if (params.length === 0) return "";
  const printed = params.map((p) =>
    p.default ? `${p.name.text} = ${printExpr(p.default)}` : p.name.text,
  );
  return `(${printed.join(", ")})`;
}

function printBody(body: A.Body, indent: string): string {
  if (body.statements.length === 0 && body.endComments.length === 0) return "{}";
  const inner = indent + INDENT;
  const lines = ["{"];
  body.statements.forEach((statement, i) => {
    if (i > 0 && statement.trivia.blankLineBefore) lines.push("");
    pushItem(lines, statement, inner);
  });
  lines.push(...body.endComments.map((comment) => indented(comment, inner)));
  lines.push(indent + "}");
  return lines.join("\n");
}

function printStage(stage: A.Stage, indent: string): string {
  const label = stage.label ? `${stage.label.text}: ` : "";
  return label + printUnlabelledStage(stage, indent);
}

function printUnlabelledStage(stage: A.Stage, indent: string): string {
  switch (stage.kind) {
    case "call":
      if (stage.parens) return `${stage.callee.text}(${printParenArgs(stage.args).join(", ")})`;
      return [stage.callee.text, ...printArgs(stage.args)].join(" ");
    case "repeat": {
      const index = stage.index ? ` as ${stage.index.text}` : "";
      return `repeat ${printExpr(stage.count)}${index} ${printBody(stage.body, indent)}`;
    }
    case "residual": {
      const condition = stage.condition ? ` if ${printExpr(stage.condition)}` : "";
      const shortcut = stage.shortcut ? ` shortcut ${printBody(stage.shortcut, indent)}` : "";
      return `residual${condition} ${printBody(stage.body, indent)}${shortcut}`;
    }
    case "join": {
      const head = [stage.op, ...printArgs(stage.args)].join(" ");
      return `${head} ${stage.branches.map((b) => printBody(b, indent)).join(" ")}`;
    }
    case "if": {
      const test = `if ${printExpr(stage.condition)} ${printBody(stage.then, indent)}`;
      if (!stage.else) return test;
      const otherwise =
        "kind" in stage.else
          ? printUnlabelledStage(stage.else, indent)
          : printBody(stage.else, indent);
      return `${test} else ${otherwise}`;
    }
  }
}

/**
 * Space-separated arguments. A positional argument after another one must not start with a sign:
 * `f a -1` reads as the single argument `a - 1`, so it prints as `f a (-1)`.
 */
function printArgs(args: A.Arg[]): string[] {
  return args.map((arg, i) => {
    if (arg.name) {
      return shorthand(arg) ?? `${arg.name.text}=${printArgValue(arg.value, false)}`;
    }
    return printArgValue(arg.value, i > 0);
  });
}

/** Arguments of `name(a, b, k=v)`: commas delimit them, so no sign needs guarding. */
function printParenArgs(args: A.Arg[]): string[] {
  return args.map((arg) => {
    const value = printArgValue(arg.value, false);
    if (!arg.name) return value;
    return shorthand(arg) ?? `${arg.name.text}=${value}`;
  });
}

/** `s2` / `d2`, when the argument was written that way and its value can be. */
function shorthand(arg: A.Arg): string | undefined {
  if (!arg.shorthand || arg.value.kind !== "number") return undefined;
  const digits = integerDigits(arg.value.value);
  if (digits === undefined) return undefined;
  if (arg.name?.text === "stride") return `s${digits}`;
  if (arg.name?.text === "dilation") return `d${digits}`;
  return undefined;
}

/**
 * An argument's value. Ternaries are parenthesised for the reader, not the parser: `?` and `:`
 * are hard to pick out of a space-separated list.
 */
function printArgValue(value: A.Expr, afterArgument: boolean): string {
  if (value.kind === "dims") return printDims(value, afterArgument);
  return guardSign(printAt(value, Level.Or), afterArgument);
}

/** `3x3` when every part is a plain integer, else `res x res x 3`. */
function printDims(dims: A.Dims, afterArgument = false): string {
  const digits = dims.parts.map((part) =>
    part.kind === "number" ? integerDigits(part.value) : undefined,
  );
  if (digits.every((d) => d !== undefined)) return digits.join("x");
  return dims.parts
    .map((part, i) => guardSign(printAt(part, Level.Or), afterArgument && i === 0))
    .join(" x ");
}

function guardSign(text: string, needed: boolean): string {
  return needed && (text.startsWith("-") || text.startsWith("+")) ? `(${text})` : text;
}

/** The digits of a non-negative integer, as the lexer reads them in `3x3` and `s2`. */
function integerDigits(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0 || Object.is(value, -0)) return undefined;
  return BigInt(value).toString();
}

/** An expression with the fewest parentheses that keep its structure. */
export function printExpr(expr: A.Expr): string {
  return printAt(expr, Level.Ternary);
}

/** An expression, parenthesised if it binds more loosely than its context allows. */
function printAt(expr: A.Expr, context: Level): string {
  const text = printBareExpr(expr);
  return level(expr) < context ? `(${text})` : text;
}

function printBareExpr(expr: A.Expr): string {
  switch (expr.kind) {
    case "number":
      return expr.raw !== undefined && Number(expr.raw) === expr.value
        ? expr.raw
        : printNumber(expr.value);
    case "bool":
      return String(expr.value);
    case "padmode":
      return expr.mode;
    case "name":
      return expr.name;
    case "shape":
      return `in.${expr.field}`;
    case "unary":
      return expr.op === "not"
        ? `not ${printAt(expr.operand, Level.Not)}`
        : expr.op + printAt(expr.operand, Level.Unary);
    case "binary":
      return printBinary(expr);
    case "ternary":
      return `${printAt(expr.condition, Level.Or)} ? ${printExpr(expr.then)} : ${printExpr(expr.else)}`;
    case "callexpr":
      return `${expr.callee.text}(${expr.args.map((arg) => printExpr(arg)).join(", ")})`;
    case "list":
      return `[${expr.items.map((item) => printExpr(item)).join(", ")}]`;
    case "dims":
      return printDims(expr);
  }
}

function printBinary(expr: A.BinaryExpr): string {
  const op = binaryLevel(expr.op);
  // `**` takes a primary on its left and a unary on its right: -x ** 2 is -(x ** 2).
  if (expr.op === "**") {
    return `${printAt(expr.left, Level.Primary)} ** ${printAt(expr.right, Level.Unary)}`;
  }
  // Comparisons do not chain (`a < b < c` is an error), so neither side may be one.
  const leftContext = op === Level.Comparison ? op + 1 : op;
  return `${printAt(expr.left, leftContext)} ${expr.op} ${printAt(expr.right, op + 1)}`;
}

function level(expr: A.Expr): Level {
  switch (expr.kind) {
    case "number":
      // A negative literal is read as a minus sign applied to its digits.
      return expr.value < 0 || Object.is(expr.value, -0) ? Level.Unary : Level.Primary;
    case "unary":
      return expr.op === "not" ? Level.Not : Level.Unary;
    case "binary":
      return binaryLevel(expr.op);
    case "ternary":
      return Level.Ternary;
    default:
      return Level.Primary;
  }
}

function binaryLevel(op: A.BinaryOp): Level {
  switch (op) {
    case "or":
      return Level.Or;
    case "and":
      return Level.And;
    case "==":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      return Level.Comparison;
    case "+":
    case "-":
      return Level.Additive;
    case "*":
    case "/":
    case "//":
    case "%":
      return Level.Multiplicative;
    case "**":
      return Level.Power;
  }
}

/**
 * The shortest text that reads back as `value`. JavaScript's own form matches the lexer's
 * number syntax (`0.001`, `1e-7`, `1e+21`) once the sign is split off as a minus.
 */
function printNumber(value: number): string {
  if (Object.is(value, -0)) return "-0";
  // `1e999` is how a literal too large for a double reads back as Infinity.
  if (value === Infinity) return "1e999";
  if (value === -Infinity) return "-1e999";
  return String(value);
}
