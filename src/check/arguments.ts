import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import { evaluate, reportIn, Scope, type EvalContext } from "./evaluate.js";
import type { ParamSpec } from "./parameters.js";
import { didYouMean, suggest } from "./suggest.js";
import { sourceText, type Located, type Value } from "./values.js";

/*
 * Binding arguments to parameters: a built-in layer's (by name, by position, or by type), a
 * block's (into the scope its body is expanded in), and a network's (defaults and --set).
 */

/** What a network is elaborated from: a `network` declaration, or a file's top-level statements. */
export interface NetworkSource {
  name: string;
  nameSpan: Span;
  params: A.Param[];
  statements: A.Statement[];
  span: Span;
}

/**
 * Binds a network's parameters in `scope`, from `--set` overrides or their defaults, and returns
 * their values; an override the network does not declare is reported.
 */
export function bindNetworkParams(
  source: NetworkSource,
  overrides: ReadonlyMap<string, Value>,
  ctx: EvalContext,
): Record<string, Value> {
  const params: Record<string, Value> = {};
  const declared = new Set<string>();
  for (const param of source.params) {
    const name = param.name.text;
    if (declared.has(name)) {
      reportIn(ctx, "duplicateParameter", param.name.span, { name });
      continue;
    }
    declared.add(name);
    let value: Value | undefined;
    if (overrides.has(name)) {
      value = overrides.get(name);
    } else if (param.default) {
      value = evaluate(param.default, ctx);
    } else {
      reportIn(
        ctx,
        "missingNetworkArgument",
        param.name.span,
        { network: source.name, param: name },
        { help: `give it one (\`${name} = ...\`) or pass --set ${name}=VALUE` },
      );
    }
    ctx.scope.define(name, value, param.name.span);
    if (value !== undefined) params[name] = value;
  }
  for (const name of overrides.keys()) {
    if (!declared.has(name)) {
      const known = [...declared];
      const guess = suggest(name, known);
      reportIn(
        ctx,
        "unknownOverride",
        source.nameSpan,
        { name, network: source.name },
        {
          help: guess
            ? `did you mean \`${guess}\`?`
            : known.length
              ? `its parameters are ${known.join(", ")}`
              : "it has no parameters",
        },
      );
    }
  }
  return params;
}

/**
 * Binds a built-in layer's arguments. Positional values go by type where that is unambiguous
 * (a padding mode to `pad`, a size written `3x3` to `kernel`), the rest to the positional
 * parameters in order.
 */
export function bindBuiltin(
  call: A.Call,
  params: readonly ParamSpec[],
  ctx: EvalContext,
): Map<string, Located> | undefined {
  const bound = new Map<string, Located>();
  let ok = true;
  const positional: { arg: A.Arg; value: Value }[] = [];
  for (const arg of call.args) {
    const value = evaluate(arg.value, ctx);
    if (value === undefined) {
      ok = false;
      if (arg.name) bound.set(arg.name.text, { value: 0, span: arg.span, text: "" });
      continue;
    }
    if (!arg.name) {
      positional.push({ arg, value });
      continue;
    }
    ok = bindNamed(call, arg, value, params, bound, ctx) && ok;
  }
  // An argument that failed to evaluate was reported; saying it is also missing would be noise.
  if (!ok) return undefined;
  const has = (name: string) => params.some((p) => p.name === name);
  const open = params.filter((p) => p.positional);
  for (const { arg, value } of positional) {
    let target: string | undefined;
    if (typeof value === "object" && value.kind === "pad" && has("pad")) target = "pad";
    else if (
      typeof value === "object" &&
      value.kind === "dims" &&
      has("kernel") &&
      !bound.has("kernel")
    )
      target = "kernel";
    else target = open.find((p) => !bound.has(p.name))?.name;
    if (!target || bound.has(target)) {
      const names = open.map((p) => p.name);
      reportIn(
        ctx,
        "tooManyArguments",
        arg.span,
        { layer: call.callee.text, argument: sourceText(arg.span) },
        {
          help: names.length
            ? `its positional parameters are ${names.join(", ")}; name the others, as in \`stride=2\``
            : `\`${call.callee.text}\` takes no positional arguments`,
        },
      );
      ok = false;
      continue;
    }
    bound.set(target, located(arg, value));
  }
  for (const p of params) {
    if (p.required && !bound.has(p.name)) {
      reportIn(
        ctx,
        "missingArgument",
        call.span,
        {
          layer: call.callee.text,
          what: p.name === "out" ? "an output channel count" : `a ${p.name}`,
        },
        { help: `for example \`${exampleCall(call.callee.text)}\`` },
      );
      ok = false;
    }
  }
  return ok ? bound : undefined;
}

function bindNamed(
  call: A.Call,
  arg: A.Arg,
  value: Value,
  params: readonly ParamSpec[],
  bound: Map<string, Located>,
  ctx: EvalContext,
): boolean {
  const name = arg.name!;
  const names = params.map((p) => p.name);
  const target = parameterFor(name.text, names);
  if (!target) {
    const guess = suggest(name.text, names);
    reportIn(
      ctx,
      "unknownArgument",
      name.span,
      { layer: call.callee.text, name: name.text },
      guess
        ? didYouMean(guess)
        : {
            help: params.length
              ? `its parameters are ${names.join(", ")}`
              : `\`${call.callee.text}\` takes no arguments`,
          },
    );
    return false;
  }
  if (bound.has(target)) {
    reportIn(ctx, "duplicateArgument", arg.span, { name: target });
    return false;
  }
  bound.set(target, located(arg, value));
  return true;
}

/** Binds a block's parameters in a new scope; defaults may use earlier parameters and `in`. */
export function bindBlock(call: A.Call, block: A.BlockDecl, ctx: EvalContext): Scope | undefined {
  const values = new Map<string, Value | undefined>();
  const blockName = block.name.text;
  const definedHere = [{ message: `\`${blockName}\` is defined here`, span: block.name.span }];
  const paramNames = block.params.map((p) => p.name.text);
  let ok = true;
  let next = 0;
  for (const arg of call.args) {
    let param: A.Param | undefined;
    if (arg.name) {
      const target = parameterFor(arg.name.text, paramNames);
      param = block.params.find((p) => p.name.text === target);
      if (!param) {
        const guess = suggest(arg.name.text, paramNames);
        reportIn(
          ctx,
          "unknownBlockArgument",
          arg.name.span,
          { block: blockName, name: arg.name.text },
          { ...(guess ? didYouMean(guess) : { help: paramList(block) }), related: definedHere },
        );
        ok = false;
        continue;
      }
    } else {
      while (next < block.params.length && values.has(block.params[next].name.text)) next++;
      param = block.params[next];
      if (!param) {
        const count = block.params.length;
        reportIn(
          ctx,
          "tooManyBlockArguments",
          arg.span,
          { block: blockName, takes: `${count} argument${count === 1 ? "" : "s"}` },
          { help: paramList(block), related: definedHere },
        );
        ok = false;
        continue;
      }
    }
    if (values.has(param.name.text)) {
      reportIn(ctx, "duplicateArgument", arg.span, { name: param.name.text });
      ok = false;
      continue;
    }
    const value = evaluate(arg.value, ctx);
    if (value === undefined) ok = false;
    values.set(param.name.text, value);
  }
  if (!ok) return undefined;
  const blockScope = new Scope();
  for (const param of block.params) {
    if (blockScope.own(param.name.text)) continue; // DS2015, reported with the declarations
    if (values.has(param.name.text)) {
      blockScope.define(param.name.text, values.get(param.name.text), param.name.span);
    } else if (param.default) {
      const value = evaluate(param.default, { ...ctx, scope: blockScope });
      if (value === undefined) return undefined;
      blockScope.define(param.name.text, value, param.name.span);
    } else {
      reportIn(
        ctx,
        "missingBlockArgument",
        call.span,
        { block: blockName, param: param.name.text },
        {
          help: paramList(block),
          related: [{ message: `\`${param.name.text}\` is declared here`, span: param.name.span }],
        },
      );
      return undefined;
    }
  }
  return blockScope;
}

/**
 * The parameter an argument name binds to. `s` and `stride` (and `d` and `dilation`) stand for
 * each other, so the shorthand `s2` and `s=2` work with layers and with blocks whichever of the
 * two names they declare.
 */
function parameterFor(name: string, params: string[]): string | undefined {
  if (params.includes(name)) return name;
  const alias = { s: "stride", stride: "s", d: "dilation", dilation: "d" }[name];
  return alias && params.includes(alias) ? alias : undefined;
}

function located(arg: A.Arg, value: Value): Located {
  return { value, span: arg.value.span, text: sourceText(arg.value.span) };
}

function paramList(block: A.BlockDecl): string {
  const params = block.params.map((p) =>
    p.default ? `${p.name.text} = ${sourceText(p.default.span)}` : p.name.text,
  );
  return `its parameters are (${params.join(", ")})`;
}

function exampleCall(op: string): string {
  const examples: Record<string, string> = {
    conv: "conv 3x3 32 s2",
    dw: "dw 3x3 s1",
    pw: "pw 64",
    sep: "sep 128 3x3",
    fc: "fc 1000",
    maxpool: "maxpool 3x3 s2",
    avgpool: "avgpool 2x2",
  };
  return examples[op] ?? op;
}
