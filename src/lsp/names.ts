import { resolve } from "node:path";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";

/*
 * What one file declares and where it uses each name, read from its AST alone, so that it works
 * on a file whose networks do not check. Names resolve as the elaborator binds them: a block or
 * network body sees its parameters and the `let`s above the use, nested bodies (repeat, residual,
 * branches, if) see their parents' names, and a block body sees nothing of its callers. Blocks
 * share one namespace across files and are resolved by the program (see analysis.ts).
 */

export type DeclarationKind = "block" | "network" | "parameter" | "let" | "index";

export interface Declaration {
  kind: DeclarationKind;
  name: string;
  /** The name where it is declared. */
  span: Span;
  /** The parameter's default (for a parameter). */
  default?: A.Expr;
}

/** A name read in an expression, with the declaration it resolves to in this file. */
export interface NameUse {
  name: string;
  span: Span;
  declaration: Declaration | undefined;
}

/** Where a set of names is visible: a declaration's parameters, or a body. */
export interface NameScope {
  span: Span;
  parent: NameScope | undefined;
  declarations: Declaration[];
}

export interface FileNames {
  declarations: Declaration[];
  uses: NameUse[];
  /** Every layer or block call, outermost first. */
  calls: A.Call[];
  scopes: NameScope[];
  imports: A.ImportDecl[];
  /** Every pipeline, for the inlay hints at the end of each. */
  pipelines: A.Pipeline[];
  /** Every stage that is not a call: repeats, residuals, joins and ifs. */
  compounds: Exclude<A.Stage, A.Call>[];
}

export function collectNames(program: A.Program): FileNames {
  const names: FileNames = {
    declarations: [],
    uses: [],
    calls: [],
    scopes: [],
    imports: [],
    pipelines: [],
    compounds: [],
  };
  const open = (span: Span, parent: NameScope | undefined): NameScope => {
    const scope = { span, parent, declarations: [] };
    names.scopes.push(scope);
    return scope;
  };
  const declare = (scope: NameScope | undefined, declaration: Declaration) => {
    // A name the parser's recovery left out (`let = 4`) declares nothing.
    if (declaration.name === "") return;
    names.declarations.push(declaration);
    scope?.declarations.push(declaration);
  };
  const lookup = (scope: NameScope | undefined, name: string): Declaration | undefined => {
    for (let s = scope; s; s = s.parent) {
      // The first of a name wins, as in the checker, which reports a second `let` of it.
      const found = s.declarations.find((d) => d.name === name);
      if (found) return found;
    }
    return undefined;
  };

  const expr = (e: A.Expr, scope: NameScope): void => {
    // Iterative over the tree: expressions may be a few hundred levels deep (parse.ts limits).
    const stack: A.Expr[] = [e];
    while (stack.length > 0) {
      const x = stack.pop()!;
      switch (x.kind) {
        case "name":
          names.uses.push({ name: x.name, span: x.span, declaration: lookup(scope, x.name) });
          break;
        case "unary":
          stack.push(x.operand);
          break;
        case "binary":
          stack.push(x.right, x.left);
          break;
        case "ternary":
          stack.push(x.else, x.then, x.condition);
          break;
        case "callexpr":
          stack.push(...[...x.args].reverse());
          break;
        case "list":
          stack.push(...[...x.items].reverse());
          break;
        case "dims":
          stack.push(...[...x.parts].reverse());
          break;
        default:
          break;
      }
    }
  };
  const body = (b: A.Body, parent: NameScope): void => {
    statements(b.statements, open(b.span, parent));
  };
  const stage = (s: A.Stage, scope: NameScope): void => {
    if (s.kind !== "call") names.compounds.push(s);
    switch (s.kind) {
      case "call":
        names.calls.push(s);
        for (const arg of s.args) expr(arg.value, scope);
        break;
      case "repeat": {
        expr(s.count, scope);
        const inner = open(s.body.span, scope);
        if (s.index) declare(inner, { kind: "index", name: s.index.text, span: s.index.span });
        statements(s.body.statements, inner);
        break;
      }
      case "residual":
        if (s.condition) expr(s.condition, scope);
        body(s.body, scope);
        if (s.shortcut) body(s.shortcut, scope);
        break;
      case "join":
        for (const arg of s.args) expr(arg.value, scope);
        for (const branch of s.branches) body(branch, scope);
        break;
      case "if":
        expr(s.condition, scope);
        body(s.then, scope);
        if (s.else && "kind" in s.else) stage(s.else, scope);
        else if (s.else) body(s.else, scope);
        break;
    }
  };
  const statement = (s: A.Statement, scope: NameScope): void => {
    switch (s.kind) {
      case "let":
        expr(s.value, scope);
        declare(scope, { kind: "let", name: s.name.text, span: s.name.span });
        break;
      case "input":
        expr(s.shape, scope);
        break;
      case "pipeline":
        names.pipelines.push(s);
        for (const st of s.stages) stage(st, scope);
        break;
    }
  };
  const statements = (list: A.Statement[], scope: NameScope) => {
    for (const s of list) statement(s, scope);
  };

  // Top-level statements form the implicit network; its scope holds none of the declarations.
  let topLevel: NameScope | undefined;
  for (const item of program.items) {
    switch (item.kind) {
      case "import":
        names.imports.push(item);
        break;
      case "block":
      case "network": {
        declare(undefined, { kind: item.kind, name: item.name.text, span: item.name.span });
        const scope = open(item.span, undefined);
        for (const p of item.params) {
          if (p.default) expr(p.default, scope);
          declare(scope, {
            kind: "parameter",
            name: p.name.text,
            span: p.name.span,
            ...(p.default ? { default: p.default } : {}),
          });
        }
        statements(item.body.statements, scope);
        break;
      }
      default:
        topLevel ??= open(program.span, undefined);
        statement(item, topLevel);
    }
  }
  return names;
}

/** The innermost scope at `offset`, or undefined outside every declaration and body. */
export function scopeAt(names: FileNames, offset: number): NameScope | undefined {
  let best: NameScope | undefined;
  for (const scope of names.scopes) {
    if (!contains(scope.span, offset)) continue;
    if (!best || scope.span.end - scope.span.start <= best.span.end - best.span.start) best = scope;
  }
  return best;
}

/** The names visible at `offset`: a `let` counts once it is written above. */
export function visibleAt(names: FileNames, offset: number): Declaration[] {
  const seen = new Set<string>();
  const found: Declaration[] = [];
  for (let s = scopeAt(names, offset); s; s = s.parent) {
    for (const d of [...s.declarations].reverse()) {
      if (d.kind === "let" && d.span.start >= offset) continue;
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      found.push(d);
    }
  }
  return found;
}

/** Whether `offset` is in the span or just after its end (where the cursor sits after a word). */
export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** The same place, also when two checks name the file differently (relative or absolute). */
export function sameSpan(a: Span, b: Span): boolean {
  return (
    a.start === b.start &&
    a.end === b.end &&
    (a.source.path === b.source.path || resolve(a.source.path) === resolve(b.source.path))
  );
}
