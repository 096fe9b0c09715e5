import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import { emptyTrivia } from "./ast.js";
import { sharedParser } from "./parser.js";
import type { Source, Span } from "./source.js";
import * as T from "./tokens.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const BaseVisitor = sharedParser().getBaseCstVisitorConstructor();

/**
 * Turns Chevrotain's concrete syntax tree into the AST. The parser recovers from errors, so any
 * child may be missing here; the builder fills gaps with placeholders rather than failing (the
 * AST of a file with syntax errors is never checked, only kept for tools that want it).
 */
class AstBuilder extends BaseVisitor {
  constructor(private source: Source) {
    super();
    this.validateVisitor();
  }

  private span(node: CstNode | IToken | undefined): Span {
    if (!node) return { source: this.source, start: 0, end: 0 };
    if ("image" in node) {
      // A token the parser's recovery inserted has no place: at the start, its image long.
      if (!Number.isFinite(node.startOffset)) {
        return { source: this.source, start: 0, end: node.image.length };
      }
      return { source: this.source, start: node.startOffset, end: T.tokenEnd(node) };
    }
    const start = node.location?.startOffset;
    const end = node.location?.endOffset;
    if (start === undefined || !Number.isFinite(start)) return this.span(undefined);
    return { source: this.source, start, end: Number.isFinite(end) ? end! + 1 : start };
  }

  /** Visits a node, passing the node itself along: Chevrotain gives methods only its children. */
  v(node: CstNode): any {
    return this.visit(node, node);
  }

  /** Visits each node of a child list, in order. */
  private all<T>(list: (CstNode | IToken)[] | undefined): T[] {
    const visited: T[] = [];
    if (list) for (const x of list) if (isNode(x)) visited.push(this.v(x) as T);
    return visited;
  }

  private name(token: IToken | undefined): A.Name {
    return { text: token?.image ?? "", span: this.span(token) };
  }

  private visitOr<R>(node: CstNode | undefined, fallback: R): R {
    return node ? (this.v(node) as R) : fallback;
  }

  program(ctx: Children, node?: CstNode): A.Program {
    const items = this.all<A.TopLevelItem>(ctx.topLevelItem);
    return {
      kind: "program",
      items,
      endComments: [],
      span: { source: this.source, start: 0, end: this.source.text.length },
    };
  }

  separator() {
    return undefined;
  }

  topLevelItem(ctx: Children): A.TopLevelItem {
    const child = first(ctx.importDecl) ?? first(ctx.blockDecl) ?? first(ctx.networkDecl);
    return child ? this.v(child) : this.v(first(ctx.statement)!);
  }

  importDecl(ctx: Children, node: CstNode): A.ImportDecl {
    const token = token0(ctx.StringLiteral);
    return {
      kind: "import",
      path: token ? unquote(token.image) : "",
      span: this.spanOfNode(node),
      trivia: emptyTrivia(),
    };
  }

  blockDecl(ctx: Children, node: CstNode): A.BlockDecl {
    return {
      kind: "block",
      name: this.name(token0(ctx.Identifier)),
      params: this.visitOr(first(ctx.paramList), []),
      body: this.visitOr(first(ctx.body), this.emptyBody(node)),
      span: this.spanOfNode(node),
      trivia: emptyTrivia(),
    };
  }

  networkDecl(ctx: Children, node: CstNode): A.NetworkDecl {
    return {
      kind: "network",
      name: this.name(token0(ctx.Identifier)),
      params: this.visitOr(first(ctx.paramList), []),
      body: this.visitOr(first(ctx.body), this.emptyBody(node)),
      span: this.spanOfNode(node),
      trivia: emptyTrivia(),
    };
  }

  paramList(ctx: Children): A.Param[] {
    return this.all<A.Param>(ctx.param);
  }

  param(ctx: Children, node: CstNode): A.Param {
    const value = first(ctx.expression);
    return {
      name: this.name(token0(ctx.Identifier)),
      ...(value ? { default: this.v(value) as A.Expr } : {}),
      span: this.spanOfNode(node),
    };
  }

  body(ctx: Children, node: CstNode): A.Body {
    return {
      statements: this.all<A.Statement>(ctx.statement),
      endComments: [],
      span: this.spanOfNode(node),
    };
  }

  private emptyBody(node: CstNode): A.Body {
    const span = this.spanOfNode(node);
    return { statements: [], endComments: [], span: { ...span, start: span.end } };
  }

  statement(ctx: Children): A.Statement {
    const child = first(ctx.letStatement) ?? first(ctx.inputStatement) ?? first(ctx.pipeline);
    return this.v(child!);
  }

  letStatement(ctx: Children, node: CstNode): A.LetStmt {
    return {
      kind: "let",
      name: this.name(token0(ctx.Identifier)),
      value: this.expr(first(ctx.expression), node),
      span: this.spanOfNode(node),
      trivia: emptyTrivia(),
    };
  }

  inputStatement(ctx: Children, node: CstNode): A.InputStmt {
    const value = this.expr(first(ctx.dimsOrExpression), node);
    const shape: A.Dims =
      value.kind === "dims" ? value : { kind: "dims", parts: [value], span: value.span };
    return { kind: "input", shape, span: this.spanOfNode(node), trivia: emptyTrivia() };
  }

  pipeline(ctx: Children, node: CstNode): A.Pipeline {
    return {
      kind: "pipeline",
      stages: this.all<A.Stage>(ctx.stage),
      span: this.spanOfNode(node),
      trivia: emptyTrivia(),
    };
  }

  stage(ctx: Children, node: CstNode): A.Stage {
    const child =
      first(ctx.call) ??
      first(ctx.repeatStage) ??
      first(ctx.residualStage) ??
      first(ctx.joinStage) ??
      first(ctx.ifStage);
    const stage: A.Stage = child
      ? this.v(child)
      : { kind: "call", callee: this.name(undefined), args: [], span: this.spanOfNode(node) };
    const label = token0(ctx.label);
    if (label) {
      stage.label = this.name(label);
      stage.span = this.spanOfNode(node);
    }
    return stage;
  }

  call(ctx: Children, node: CstNode): A.Call {
    const callee = this.name(token0(ctx.Identifier));
    const args = this.all<A.Arg>(ctx.argument);
    const span = this.spanOfNode(node);
    return ctx.LParen
      ? { kind: "call", callee, args, parens: true, span }
      : { kind: "call", callee, args, span };
  }

  argument(ctx: Children, node: CstNode): A.Arg {
    const span = this.spanOfNode(node);
    const stride = token0(ctx.StrideShort);
    const dilation = token0(ctx.DilationShort);
    const short = stride ?? dilation;
    if (short) {
      const digits = short.image.slice(1);
      const tokenSpan = this.span(short);
      return {
        name: { text: stride ? "stride" : "dilation", span: tokenSpan },
        shorthand: true,
        value: { kind: "number", value: Number(digits), raw: digits, span: tokenSpan },
        span,
      };
    }
    const name = token0(ctx.Identifier);
    const value = this.expr(first(ctx.dimsOrExpression), node);
    return name ? { name: this.name(name), value, span } : { value, span };
  }

  dimsOrExpression(ctx: Children, node: CstNode): A.Expr {
    // The common case, one expression: nothing to put in order.
    if (!ctx.DimsLiteral && ctx.expression?.length === 1)
      return this.v(ctx.expression[0] as CstNode);
    // Children of the two alternatives arrive in separate arrays; put them back in source order.
    const parts = [...(ctx.DimsLiteral ?? []), ...(ctx.expression ?? [])].sort(
      (a, b) => this.span(a).start - this.span(b).start,
    );
    const exprs: A.Expr[] = [];
    for (const part of parts) {
      if ("image" in part) {
        const span = this.span(part);
        let offset = span.start;
        for (const digits of part.image.split("x")) {
          exprs.push({
            kind: "number",
            value: Number(digits),
            raw: digits,
            span: { source: this.source, start: offset, end: offset + digits.length },
          });
          offset += digits.length + 1;
        }
      } else {
        exprs.push(this.v(part) as A.Expr);
      }
    }
    return { kind: "dims", parts: exprs, span: this.spanOfNode(node) };
  }

  repeatStage(ctx: Children, node: CstNode): A.RepeatStage {
    const index = token0(ctx.Identifier);
    return {
      kind: "repeat",
      count: this.expr(first(ctx.expression), node),
      ...(index ? { index: this.name(index) } : {}),
      body: this.visitOr(first(ctx.body), this.emptyBody(node)),
      span: this.spanOfNode(node),
    };
  }

  residualStage(ctx: Children, node: CstNode): A.ResidualStage {
    const condition = first(ctx.expression);
    const shortcut = first(ctx.shortcut);
    return {
      kind: "residual",
      ...(condition ? { condition: this.v(condition) as A.Expr } : {}),
      body: this.visitOr(first(ctx.main), this.emptyBody(node)),
      ...(shortcut ? { shortcut: this.v(shortcut) as A.Body } : {}),
      span: this.spanOfNode(node),
    };
  }

  joinStage(ctx: Children, node: CstNode): A.JoinStage {
    const op = token0(ctx.op);
    const branches = this.all<A.Body>(ctx.branch);
    return {
      kind: "join",
      op: (op?.image ?? "concat") as A.JoinOp,
      opSpan: this.span(op ?? node),
      args: this.all<A.Arg>(ctx.argument),
      branches: branches.length > 0 ? branches : [this.emptyBody(node)],
      span: this.spanOfNode(node),
    };
  }

  ifStage(ctx: Children, node: CstNode): A.IfStage {
    const elseIf = first(ctx.elseIf);
    const elseBody = first(ctx.else);
    const otherwise: A.Body | A.IfStage | undefined = elseIf
      ? (this.v(elseIf) as A.IfStage)
      : elseBody
        ? (this.v(elseBody) as A.Body)
        : undefined;
    return {
      kind: "if",
      condition: this.expr(first(ctx.expression), node),
      then: this.visitOr(first(ctx.then), this.emptyBody(node)),
      ...(otherwise ? { else: otherwise } : {}),
      span: this.spanOfNode(node),
    };
  }

  expression(ctx: Children, node: CstNode): A.Expr {
    const condition = this.expr(first(ctx.orExpression), node);
    if (!ctx.Question) return condition;
    return {
      kind: "ternary",
      condition,
      then: this.expr(first(ctx.then), node),
      else: this.expr(first(ctx.else), node),
      span: this.spanOfNode(node),
    };
  }

  orExpression(ctx: Children, node: CstNode): A.Expr {
    return this.leftAssociative(ctx.andExpression, operators(ctx, ["Or"]), node);
  }

  andExpression(ctx: Children, node: CstNode): A.Expr {
    return this.leftAssociative(ctx.notExpression, operators(ctx, ["And"]), node);
  }

  notExpression(ctx: Children, node: CstNode): A.Expr {
    if (ctx.Not) {
      return {
        kind: "unary",
        op: "not",
        operand: this.expr(first(ctx.notExpression), node),
        span: this.spanOfNode(node),
      };
    }
    return this.expr(first(ctx.comparison), node);
  }

  comparison(ctx: Children, node: CstNode): A.Expr {
    return this.leftAssociative(ctx.additive, operators(ctx, comparisonOperators), node);
  }

  additive(ctx: Children, node: CstNode): A.Expr {
    return this.leftAssociative(ctx.multiplicative, operators(ctx, ["Plus", "Minus"]), node);
  }

  multiplicative(ctx: Children, node: CstNode): A.Expr {
    return this.leftAssociative(ctx.unary, operators(ctx, multiplicativeOperators), node);
  }

  unary(ctx: Children, node: CstNode): A.Expr {
    const sign = token0(ctx.Minus) ?? token0(ctx.Plus);
    if (sign) {
      const operand = this.expr(first(ctx.unary), node);
      // A negative literal is a number, so `-1` prints and compares as written.
      if (sign.tokenType === T.Minus && operand.kind === "number") {
        const raw = operand.raw === undefined ? {} : { raw: `-${operand.raw}` };
        return { kind: "number", value: -operand.value, ...raw, span: this.spanOfNode(node) };
      }
      return {
        kind: "unary",
        op: sign.tokenType === T.Minus ? "-" : "+",
        operand,
        span: this.spanOfNode(node),
      };
    }
    return this.expr(first(ctx.power), node);
  }

  power(ctx: Children, node: CstNode): A.Expr {
    const base = this.expr(first(ctx.primary), node);
    if (!ctx.Power) return base;
    return {
      kind: "binary",
      op: "**",
      left: base,
      right: this.expr(first(ctx.unary), node),
      span: this.spanOfNode(node),
    };
  }

  primary(ctx: Children, node: CstNode): A.Expr {
    const span = this.spanOfNode(node);
    const number = token0(ctx.NumberLiteral);
    if (number) return { kind: "number", value: Number(number.image), raw: number.image, span };
    if (ctx.True) return { kind: "bool", value: true, span };
    if (ctx.False) return { kind: "bool", value: false, span };
    const pad = token0(ctx.PadMode);
    if (pad) return { kind: "padmode", mode: pad.image as A.PadModeName, span };
    if (ctx.In) return { kind: "shape", field: token0(ctx.field)?.image ?? "", span };
    const name = token0(ctx.Identifier);
    if (name) {
      if (!ctx.LParen) return { kind: "name", name: name.image, span };
      return {
        kind: "callexpr",
        callee: this.name(name),
        args: this.all<A.Expr>(ctx.arguments),
        span,
      };
    }
    if (ctx.LBracket) {
      return { kind: "list", items: this.all<A.Expr>(ctx.items), span };
    }
    return this.expr(first(ctx.inner), node);
  }

  /** The operand nodes among `children`, joined by the operators `ordered` (in source order). */
  private leftAssociative(
    children: (CstNode | IToken)[] | undefined,
    ordered: readonly IToken[],
    node: CstNode,
  ): A.Expr {
    if (ordered.length === 0) return this.expr(first(children), node);
    const operands = nodes(children);
    let result = this.expr(operands[0], node);
    for (let i = 0; i < ordered.length; i++) {
      const right = this.expr(operands[i + 1], node);
      result = {
        kind: "binary",
        op: ordered[i].image as A.BinaryOp,
        left: result,
        right,
        span: { source: this.source, start: result.span.start, end: right.span.end },
      };
    }
    return result;
  }

  /** A placeholder stands in for an expression the parser had to skip. */
  private expr(child: CstNode | undefined, parent: CstNode): A.Expr {
    if (child) return this.v(child) as A.Expr;
    const span = this.spanOfNode(parent);
    return { kind: "number", value: 0, span: { ...span, start: span.end } };
  }

  private spanOfNode(node: CstNode): Span {
    return this.span(node);
  }
}

// These run for every node of the tree, so they loop rather than filter into new arrays.

function nodes(list: (CstNode | IToken)[] | undefined): CstNode[] {
  const found: CstNode[] = [];
  if (list) for (const x of list) if (isNode(x)) found.push(x);
  return found;
}

function first(list: (CstNode | IToken)[] | undefined): CstNode | undefined {
  if (list) for (const x of list) if (isNode(x)) return x;
  return undefined;
}

function token0(list: (CstNode | IToken)[] | undefined): IToken | undefined {
  if (list) for (const x of list) if (isWritten(x)) return x;
  return undefined;
}

function isNode(x: CstNode | IToken): x is CstNode {
  return "children" in x;
}

/** A token of the source, not one the parser's recovery inserted. */
function isWritten(x: CstNode | IToken): x is IToken {
  return "image" in x && !x.isInsertedInRecovery;
}

const comparisonOperators = ["EqEq", "NotEq", "LessEq", "GreaterEq", "Less", "Greater"];
const multiplicativeOperators = ["Star", "Slash", "FloorDiv", "Percent"];
const noTokens: readonly IToken[] = [];

/** The operators a node holds under any of `keys` (token names), in source order. */
function operators(ctx: Children, keys: readonly string[]): readonly IToken[] {
  let found: IToken[] | undefined;
  for (const key of keys) {
    const list = ctx[key];
    if (list) for (const x of list) if (isWritten(x)) (found ??= []).push(x);
  }
  return found ? found.sort((a, b) => a.startOffset - b.startOffset) : noTokens;
}

/** The text of a string literal: quotes removed, `\"` and `\\` (and any other `\c`) unescaped. */
function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, "$1");
}

export function buildAst(cst: CstNode, source: Source): A.Program {
  return new AstBuilder(source).v(cst) as A.Program;
}
