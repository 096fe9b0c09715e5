import type { Span } from "./source.js";

/*
 * The abstract syntax tree. Every node keeps the span it was parsed from; the elaborator copies
 * those spans into the network so a shape error points back at the source.
 *
 * Comments and blank lines are kept as trivia on statements and declarations so `dsnet fmt`
 * loses nothing; AST comparisons (the formatter's round-trip test) ignore spans but not trivia.
 */

export interface Trivia {
  /**
   * Comment lines (with their `#`) above the node; an empty string stands for a blank line
   * between them (or between the last of them and the node).
   */
  leadingComments: string[];
  /** A comment at the end of the node's last line. */
  trailingComment?: string;
  /** Whether a blank line separated the node from the one before it. */
  blankLineBefore: boolean;
}

export interface Name {
  text: string;
  span: Span;
}

export interface Program {
  kind: "program";
  items: TopLevelItem[];
  /** Comments after the last item ("" for a blank line). */
  endComments: string[];
  span: Span;
}

export type TopLevelItem = ImportDecl | BlockDecl | NetworkDecl | Statement;

export interface ImportDecl {
  kind: "import";
  /** The path as written, without quotes or escapes. */
  path: string;
  span: Span;
  trivia: Trivia;
}

export interface Param {
  name: Name;
  default?: Expr;
  span: Span;
}

export interface BlockDecl {
  kind: "block";
  name: Name;
  params: Param[];
  body: Body;
  span: Span;
  trivia: Trivia;
}

export interface NetworkDecl {
  kind: "network";
  name: Name;
  params: Param[];
  body: Body;
  span: Span;
  trivia: Trivia;
}

export interface Body {
  statements: Statement[];
  /** Comments after the last statement, before the closing brace ("" for a blank line). */
  endComments: string[];
  span: Span;
}

export type Statement = LetStmt | InputStmt | Pipeline;

export interface LetStmt {
  kind: "let";
  name: Name;
  value: Expr;
  span: Span;
  trivia: Trivia;
}

export interface InputStmt {
  kind: "input";
  shape: Dims;
  span: Span;
  trivia: Trivia;
}

/** `a -> b -> c`: stages applied in order, each to the output of the one before. */
export interface Pipeline {
  kind: "pipeline";
  stages: Stage[];
  span: Span;
  trivia: Trivia;
}

export type Stage = Call | RepeatStage | ResidualStage | JoinStage | IfStage;

/** A layer or block call: `dw 3x3 s1`, `pw 64`, `inverted(t=6, c=24, s=2)`. */
export interface Call {
  kind: "call";
  label?: Name;
  callee: Name;
  args: Arg[];
  /** Written `name(a, b)` rather than `name a b`; the formatter keeps the user's choice. */
  parens?: boolean;
  span: Span;
}

export interface Arg {
  /** Set for `name=value`, and for the shorthands `s2` (stride) and `d2` (dilation). */
  name?: Name;
  /** Written as `s2` / `d2` rather than `stride=2`; only the printer cares. */
  shorthand?: boolean;
  value: Expr;
  span: Span;
}

/** `repeat n as i { ... }`: the body n times in sequence, with i = 0 .. n-1. */
export interface RepeatStage {
  kind: "repeat";
  label?: Name;
  count: Expr;
  index?: Name;
  body: Body;
  span: Span;
}

/**
 * `residual [if cond] { body } [shortcut { path }]`: body(x) + x, or body(x) + path(x).
 * With a condition that is false, only the body is applied.
 */
export interface ResidualStage {
  kind: "residual";
  label?: Name;
  condition?: Expr;
  body: Body;
  shortcut?: Body;
  span: Span;
}

export type JoinOp = "concat" | "add" | "mul";

/**
 * `concat|add|mul [split=...] { branch } { branch } ...`: each branch starts from the current
 * value (with `split=N` or `split=[a, b, ...]`, from its share of the channels) and the
 * branches' outputs are joined; a single branch is joined with the current value itself.
 */
export interface JoinStage {
  kind: "join";
  label?: Name;
  op: JoinOp;
  /** Where `op` is written, for messages about the join as a whole. */
  opSpan: Span;
  args: Arg[];
  branches: Body[];
  span: Span;
}

export interface IfStage {
  kind: "if";
  label?: Name;
  condition: Expr;
  then: Body;
  /** `else { ... }`, or the next test of an `else if` chain. */
  else?: Body | IfStage;
  span: Span;
}

export type Expr =
  | NumberExpr
  | BoolExpr
  | PadModeExpr
  | NameExpr
  | ShapeExpr
  | UnaryExpr
  | BinaryExpr
  | TernaryExpr
  | CallExpr
  | ListExpr
  | Dims;

export interface NumberExpr {
  kind: "number";
  value: number;
  /** The literal as written (`1.0`, `1e-5`), so the formatter prints it back unchanged. */
  raw?: string;
  span: Span;
}

export interface BoolExpr {
  kind: "bool";
  value: boolean;
  span: Span;
}

export type PadModeName = "same" | "same_upper" | "valid";

export interface PadModeExpr {
  kind: "padmode";
  mode: PadModeName;
  span: Span;
}

export interface NameExpr {
  kind: "name";
  name: string;
  span: Span;
}

/** `in.c`, `in.h`, `in.w`: the shape of the tensor flowing into the current stage. */
export interface ShapeExpr {
  kind: "shape";
  field: string;
  span: Span;
}

export type UnaryOp = "-" | "+" | "not";

export interface UnaryExpr {
  kind: "unary";
  op: UnaryOp;
  operand: Expr;
  span: Span;
}

export type BinaryOp =
  "+" | "-" | "*" | "/" | "//" | "%" | "**" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or";

export interface BinaryExpr {
  kind: "binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface TernaryExpr {
  kind: "ternary";
  condition: Expr;
  then: Expr;
  else: Expr;
  span: Span;
}

export interface CallExpr {
  kind: "callexpr";
  callee: Name;
  args: Expr[];
  span: Span;
}

export interface ListExpr {
  kind: "list";
  items: Expr[];
  span: Span;
}

/** `3x3`, `224x224x3`, `res x res x 3`: a size written with `x`. */
export interface Dims {
  kind: "dims";
  parts: Expr[];
  span: Span;
}

export function emptyTrivia(): Trivia {
  return { leadingComments: [], blankLineBefore: false };
}
