import type { RelatedLocation } from "../diagnostics/diagnostic.js";
import type { Reporter } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import { evaluate, Scope, type EvalContext } from "./evaluate.js";
import { ArgReader, layerSpecs, type Incoming, type LayerDraft } from "./layers.js";
import { limits } from "./limits.js";
import { formatShape, type Layer, type Network, type Shape } from "./network.js";
import { suggest } from "./suggest.js";
import { describeValue, sourceText, typeName, type Located, type Value } from "./values.js";

/** What a network is elaborated from: a `network` declaration, or a file's top-level statements. */
export interface NetworkSource {
  name: string;
  nameSpan: Span;
  params: A.Param[];
  statements: A.Statement[];
  span: Span;
}

/** The blocks visible to a network (all files of the program share one namespace). */
export type BlockTable = ReadonlyMap<string, A.BlockDecl>;

/** The tensor flowing from one stage to the next; undefined once a shape error poisoned it. */
interface Cursor {
  id: number;
  shape: Shape;
  /** How messages name the producer: "`pw 64` (line 7)", "block `sep` (line 12)". */
  producer: string;
}

type Flow = Cursor | undefined;

/**
 * Names layers by their place in the structure: `conv1`, `sep2.dw`, `bottleneck2.1.pw1`. Each
 * body counts its stages by kind; a label replaces the counted name. A body with a single stage
 * gives that stage its own name rather than adding a level (`repeat1.0` rather than
 * `repeat1.0.separable1`), which keeps the names of nested blocks short.
 */
class NameScope {
  private counters = new Map<string, number>();
  constructor(
    readonly prefix: string,
    private sole?: string,
  ) {}

  next(kind: string, label: A.Name | undefined): string {
    if (label) return this.prefix + label.text;
    if (this.sole !== undefined) return this.sole;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    // `relu6_1` rather than `relu61`.
    return `${this.prefix}${kind}${/[0-9]$/.test(kind) ? "_" : ""}${n}`;
  }

  child(name: string, statements: A.Statement[]): NameScope {
    const stages = statements.flatMap((s) => (s.kind === "pipeline" ? s.stages : []));
    const sole = stages.length === 1 && stages[0].kind !== "if" ? name : undefined;
    return new NameScope(`${name}.`, sole);
  }
}

class TooManyLayers extends Error {}

/**
 * Expands one network: binds parameters, evaluates expressions, expands blocks, repeats and
 * conditionals, checks every shape and builds the layer graph. Problems go to the reporter; the
 * result is undefined when any error was found in this network.
 */
export function elaborateNetwork(
  source: NetworkSource,
  blocks: BlockTable,
  reporter: Reporter,
  overrides: ReadonlyMap<string, Value> = new Map(),
): Network | undefined {
  const before = reporter.errorCount;
  const elaborator = new Elaborator(source, blocks, reporter);
  let network: Network | undefined;
  try {
    network = elaborator.run(overrides);
  } catch (e) {
    if (!(e instanceof TooManyLayers)) throw e;
  }
  return reporter.errorCount === before ? network : undefined;
}

class Elaborator {
  private layers: Layer[] = [];
  private expansion: RelatedLocation[] = [];
  private activeBlocks: string[] = [];
  /** Every layer name given so far: weight names must be unique. */
  private named = new Map<string, Layer>();
  private inputSeen = false;
  private params: Record<string, Value> = {};

  constructor(
    private source: NetworkSource,
    private blocks: BlockTable,
    private reporter: Reporter,
  ) {}

  run(overrides: ReadonlyMap<string, Value>): Network | undefined {
    const scope = new Scope();
    this.bindNetworkParams(scope, overrides);
    const flow = this.statements(this.source.statements, scope, undefined, new NameScope(""));
    if (!this.inputSeen) {
      this.report(
        "missingInput",
        this.source.nameSpan,
        `network \`${this.source.name}\` has no input`,
        "start it with `input HxWxC`, for example `input 224x224x3`",
      );
      return undefined;
    }
    if (!flow) return undefined;
    const weights = this.layers.reduce((a, l) => a + weightElementsOf(l), 0);
    if (weights > limits.networkWeightElements) {
      this.report(
        "tensorTooLarge",
        this.source.nameSpan,
        `network \`${this.source.name}\` has ${weights} weights, beyond the limit of ${limits.networkWeightElements} (4 GiB of float32)`,
      );
      return undefined;
    }
    const first = this.layers[0];
    return {
      name: this.source.name,
      file: this.source.span.source.path,
      params: this.params,
      input: first.shape,
      layers: this.layers,
      output: flow.id,
      span: this.source.span,
    };
  }

  private report(
    kind: Parameters<Reporter["report"]>[0],
    span: Span,
    message: string,
    help?: string,
    related: RelatedLocation[] = [],
  ) {
    this.reporter.report(kind, span, message, { expansion: this.notes(), help, related });
  }

  private notes(): RelatedLocation[] {
    return [...this.expansion].reverse();
  }

  private context(scope: Scope, flow: Flow): EvalContext {
    return { scope, shape: flow?.shape, reporter: this.reporter, expansion: this.notes() };
  }

  private bindNetworkParams(scope: Scope, overrides: ReadonlyMap<string, Value>) {
    const declared = new Set<string>();
    for (const param of this.source.params) {
      if (declared.has(param.name.text)) {
        this.report(
          "duplicateParameter",
          param.name.span,
          `parameter \`${param.name.text}\` is declared twice`,
        );
        continue;
      }
      declared.add(param.name.text);
      let value: Value | undefined;
      if (overrides.has(param.name.text)) {
        value = overrides.get(param.name.text);
      } else if (param.default) {
        value = evaluate(param.default, this.context(scope, undefined));
      } else {
        this.report(
          "missingArgument",
          param.name.span,
          `network \`${this.source.name}\` parameter \`${param.name.text}\` has no default value`,
          `give it one (\`${param.name.text} = ...\`) or pass --set ${param.name.text}=VALUE`,
        );
      }
      scope.define(param.name.text, value, param.name.span);
      if (value !== undefined) this.params[param.name.text] = value;
    }
    for (const name of overrides.keys()) {
      if (!declared.has(name)) {
        const known = [...declared];
        const guess = suggest(name, known);
        this.report(
          "unknownOverride",
          this.source.nameSpan,
          `--set ${name}: network \`${this.source.name}\` has no parameter \`${name}\``,
          guess
            ? `did you mean \`${guess}\`?`
            : known.length
              ? `its parameters are ${known.join(", ")}`
              : "it has no parameters",
        );
      }
    }
  }

  private statements(statements: A.Statement[], scope: Scope, flow: Flow, names: NameScope): Flow {
    for (const statement of statements) {
      switch (statement.kind) {
        case "let":
          this.let(statement, scope, flow);
          break;
        case "input":
          flow = this.input(statement, scope, flow);
          break;
        case "pipeline":
          for (const stage of statement.stages) flow = this.stage(stage, scope, flow, names);
          break;
      }
    }
    return flow;
  }

  private let(statement: A.LetStmt, scope: Scope, flow: Flow) {
    const existing = scope.own(statement.name.text);
    if (existing) {
      this.report(
        "duplicateLet",
        statement.name.span,
        `\`${statement.name.text}\` is already defined in this scope`,
        "choose another name",
        existing.span ? [{ message: "defined here", span: existing.span }] : [],
      );
      return;
    }
    scope.define(
      statement.name.text,
      evaluate(statement.value, this.context(scope, flow)),
      statement.name.span,
    );
  }

  private input(statement: A.InputStmt, scope: Scope, flow: Flow): Flow {
    if (this.inputSeen || this.activeBlocks.length > 0 || this.layers.length > 0) {
      const where = this.activeBlocks.length > 0 ? "inside a block" : "after other layers";
      this.report(
        "misplacedInput",
        statement.span,
        `\`input\` ${where}: a network has one input, declared before its first layer`,
      );
      return flow;
    }
    this.inputSeen = true;
    const value = evaluate(statement.shape, this.context(scope, undefined));
    if (value === undefined) return undefined;
    const parts = typeof value === "object" && value.kind === "dims" ? value.parts : undefined;
    if (!parts || parts.length !== 3) {
      this.report(
        "typeMismatch",
        statement.shape.span,
        `the input must be height x width x channels, such as \`224x224x3\`, but \`${sourceText(statement.shape.span)}\` is ${describeValue(value)}`,
      );
      return undefined;
    }
    const names = ["height", "width", "channels"];
    for (let i = 0; i < 3; i++) {
      const part = statement.shape.parts[Math.min(i, statement.shape.parts.length - 1)];
      if (!Number.isInteger(parts[i]) || parts[i] < 1) {
        this.report(
          i === 2 ? "badChannels" : "notPositive",
          part.span,
          `input ${names[i]} must be a whole number of at least 1, but is ${describeValue(parts[i])}`,
        );
        return undefined;
      }
    }
    const shape: Shape = [parts[0], parts[1], parts[2]];
    if (!this.fits(shape, statement.span)) return undefined;
    const id = this.add({ op: "input", shape }, "input", [], statement.span);
    return {
      id,
      shape,
      producer: `\`input ${formatShape(shape)}\` (${this.lineOf(statement.span)})`,
    };
  }

  private stage(stage: A.Stage, scope: Scope, flow: Flow, names: NameScope): Flow {
    if (!this.inputSeen) {
      this.report(
        "misplacedInput",
        stage.span,
        "layers come before the network's input",
        "start the network with `input HxWxC`",
      );
      this.inputSeen = true; // one report; the rest of the network has no shape to check
      return undefined;
    }
    switch (stage.kind) {
      case "call":
        return this.call(stage, scope, flow, names);
      case "repeat":
        return this.repeat(stage, scope, flow, names);
      case "residual":
        return this.residual(stage, scope, flow, names);
      case "if":
        return this.conditional(stage, scope, flow, names);
    }
  }

  private call(call: A.Call, scope: Scope, flow: Flow, names: NameScope): Flow {
    const spec = layerSpecs[call.callee.text];
    const block = spec ? undefined : this.blocks.get(call.callee.text);
    if (!spec && !block) {
      const guess = suggest(call.callee.text, [...Object.keys(layerSpecs), ...this.blocks.keys()]);
      this.report(
        "unknownLayer",
        call.callee.span,
        `unknown layer or block \`${call.callee.text}\``,
        guess ? `did you mean \`${guess}\`?` : "`dsnet layers` lists the built-in layers",
      );
      return undefined;
    }
    if (spec) {
      const args = this.bindBuiltin(call, spec.params, scope, flow);
      if (!args || !flow) return undefined;
      const reader = new ArgReader(
        args,
        call.span,
        firstLine(call.span),
        this.reporter,
        this.notes(),
      );
      const drafts = spec.build(reader, {
        shape: flow.shape,
        producer: flow.producer,
      } satisfies Incoming);
      if (!drafts) return undefined;
      const name = names.next(call.callee.text, call.label);
      let current = flow;
      for (const draft of drafts) {
        if (!this.fits(draft.shape, call.span)) return undefined;
        const id = this.add(
          draft,
          draft.suffix ? `${name}.${draft.suffix}` : name,
          [current.id],
          call.span,
        );
        current = {
          id,
          shape: draft.shape,
          producer: `\`${firstLine(call.span)}\` (${this.lineOf(call.span)})`,
        };
      }
      return current;
    }
    return this.blockCall(call, block!, scope, flow, names);
  }

  private blockCall(
    call: A.Call,
    block: A.BlockDecl,
    scope: Scope,
    flow: Flow,
    names: NameScope,
  ): Flow {
    if (this.activeBlocks.includes(block.name.text)) return undefined; // reported as DS2003 already
    if (this.activeBlocks.length >= limits.callDepth) {
      this.report("tooManyLayers", call.span, `blocks nested more than ${limits.callDepth} deep`);
      return undefined;
    }
    const blockScope = this.bindBlock(call, block, scope, flow);
    if (!blockScope) return undefined;
    const name = names.next(block.name.text, call.label);
    this.expansion.push({
      message: `in block \`${block.name.text}\`, called here`,
      span: call.span,
    });
    this.activeBlocks.push(block.name.text);
    const out = this.statements(
      block.body.statements,
      blockScope,
      flow,
      names.child(name, block.body.statements),
    );
    this.activeBlocks.pop();
    this.expansion.pop();
    if (!out) return undefined;
    return { ...out, producer: `block \`${block.name.text}\` (${this.lineOf(call.span)})` };
  }

  private repeat(stage: A.RepeatStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    const count = evaluate(stage.count, this.context(scope, flow));
    if (count === undefined) return undefined;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
      this.report(
        typeof count === "number" ? "notWholeNumber" : "typeMismatch",
        stage.count.span,
        `a repeat count must be a whole number of at least 0, but \`${sourceText(stage.count.span)}\` is ${describeValue(count)}`,
      );
      return undefined;
    }
    if (count > limits.layers) {
      this.report(
        "tooManyLayers",
        stage.count.span,
        `repeat ${count} is beyond the limit of ${limits.layers} layers in a network`,
      );
      return undefined;
    }
    const name = names.next("repeat", stage.label);
    for (let i = 0; i < count && flow; i++) {
      const iterationScope = new Scope(scope);
      if (stage.index) iterationScope.define(stage.index.text, i, stage.index.span);
      const indexText = stage.index ? `${stage.index.text} = ${i}` : `iteration ${i}`;
      this.expansion.push({
        message: `in repeat ${indexText} (of ${count})`,
        span: repeatHeader(stage),
      });
      flow = this.statements(
        stage.body.statements,
        iterationScope,
        flow,
        names.child(`${name}.${i}`, stage.body.statements),
      );
      this.expansion.pop();
    }
    return flow ? { ...flow, producer: `\`repeat\` (${this.lineOf(stage.span)})` } : undefined;
  }

  private residual(stage: A.ResidualStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    if (stage.condition) {
      const condition = evaluate(stage.condition, this.context(scope, flow));
      if (condition === undefined) return undefined;
      if (typeof condition !== "boolean") {
        this.report(
          "typeMismatch",
          stage.condition.span,
          `a residual condition must be true or false, but \`${sourceText(stage.condition.span)}\` is ${typeName(condition)}`,
        );
        return undefined;
      }
      if (!condition) {
        const name = names.next("residual", stage.label);
        return this.statements(
          stage.body.statements,
          new Scope(scope),
          flow,
          names.child(name, stage.body.statements),
        );
      }
    }
    const name = names.next("residual", stage.label);
    if (!flow) return undefined;
    const main = this.statements(
      stage.body.statements,
      new Scope(scope),
      flow,
      names.child(name, stage.body.statements),
    );
    const skip = stage.shortcut
      ? this.statements(
          stage.shortcut.statements,
          new Scope(scope),
          flow,
          names.child(`${name}.shortcut`, stage.shortcut.statements),
        )
      : flow;
    if (!main || !skip) return undefined;
    const [mh, mw, mc] = main.shape;
    const [sh, sw, sc] = skip.shape;
    const skipName = stage.shortcut
      ? `the shortcut ${skip.producer}`
      : `the residual's input ${skip.producer}`;
    if (mc !== sc) {
      this.report(
        "residualChannelMismatch",
        residualHeader(stage),
        `residual add needs equal channels, but the body ends with ${mc} channels from ${main.producer} and ${skipName} has ${sc}`,
        stage.shortcut
          ? "make both paths end with the same channel count"
          : `end the body with ${sc} channels, add a \`shortcut { pw ${mc} }\` projection, or make the residual conditional (\`residual if in.c == ...\`)`,
      );
      return undefined;
    }
    if (mh !== sh || mw !== sw) {
      this.report(
        "residualSpatialMismatch",
        residualHeader(stage),
        `residual add needs equal sizes, but the body ends with ${formatShape(main.shape)} from ${main.producer} and ${skipName} is ${formatShape(skip.shape)}`,
        stage.shortcut
          ? "give the shortcut the same stride as the body"
          : "a strided body needs a strided shortcut, such as `shortcut { conv 1x1 out s2 }`",
      );
      return undefined;
    }
    const id = this.add(
      { op: "add", shape: main.shape },
      `${name}.add`,
      [main.id, skip.id],
      stage.span,
    );
    return { id, shape: main.shape, producer: `\`residual\` (${this.lineOf(stage.span)})` };
  }

  private conditional(stage: A.IfStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    const condition = evaluate(stage.condition, this.context(scope, flow));
    if (condition === undefined) return undefined;
    if (typeof condition !== "boolean") {
      this.report(
        "typeMismatch",
        stage.condition.span,
        `an if condition must be true or false, but \`${sourceText(stage.condition.span)}\` is ${typeName(condition)}`,
      );
      return undefined;
    }
    if (condition) return this.statements(stage.then.statements, new Scope(scope), flow, names);
    if (!stage.else) return flow;
    if ("kind" in stage.else) return this.conditional(stage.else, scope, flow, names);
    return this.statements(stage.else.statements, new Scope(scope), flow, names);
  }

  /**
   * Binds a built-in layer's arguments. Positional values go by type where that is unambiguous
   * (a padding mode to `pad`, a size written `3x3` to `kernel`), the rest to the positional
   * parameters in order.
   */
  private bindBuiltin(
    call: A.Call,
    params: { name: string; positional?: boolean; required?: boolean }[],
    scope: Scope,
    flow: Flow,
  ): Map<string, Located> | undefined {
    const ctx = this.context(scope, flow);
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
      ok = this.bindNamed(call, arg, value, params, bound) && ok;
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
        this.report(
          "tooManyArguments",
          arg.span,
          `\`${call.callee.text}\` does not take this argument: \`${sourceText(arg.span)}\``,
          names.length
            ? `its positional parameters are ${names.join(", ")}; name the others, as in \`stride=2\``
            : `\`${call.callee.text}\` takes no positional arguments`,
        );
        ok = false;
        continue;
      }
      bound.set(target, located(arg, value));
    }
    for (const p of params) {
      if (p.required && !bound.has(p.name)) {
        this.report(
          "missingArgument",
          call.span,
          `\`${call.callee.text}\` needs ${p.name === "out" ? "an output channel count" : `a ${p.name}`}`,
          `for example \`${exampleCall(call.callee.text)}\``,
        );
        ok = false;
      }
    }
    return ok ? bound : undefined;
  }

  private bindNamed(
    call: A.Call,
    arg: A.Arg,
    value: Value,
    params: { name: string }[],
    bound: Map<string, Located>,
  ): boolean {
    const name = arg.name!;
    const target = parameterFor(
      name.text,
      params.map((p) => p.name),
    );
    if (!target) {
      const guess = suggest(
        name.text,
        params.map((p) => p.name),
      );
      this.report(
        "unknownArgument",
        name.span,
        `\`${call.callee.text}\` has no parameter \`${name.text}\``,
        guess
          ? `did you mean \`${guess}\`?`
          : params.length
            ? `its parameters are ${params.map((p) => p.name).join(", ")}`
            : `\`${call.callee.text}\` takes no arguments`,
      );
      return false;
    }
    if (bound.has(target)) {
      this.report("duplicateArgument", arg.span, `\`${target}\` is given twice`);
      return false;
    }
    bound.set(target, located(arg, value));
    return true;
  }

  /** Binds a block's parameters in a new scope; defaults may use earlier parameters and `in`. */
  private bindBlock(call: A.Call, block: A.BlockDecl, scope: Scope, flow: Flow): Scope | undefined {
    const ctx = this.context(scope, flow);
    const values = new Map<string, Value | undefined>();
    let ok = true;
    let next = 0;
    for (const arg of call.args) {
      let param: A.Param | undefined;
      if (arg.name) {
        const target = parameterFor(
          arg.name.text,
          block.params.map((p) => p.name.text),
        );
        param = block.params.find((p) => p.name.text === target);
        if (!param) {
          const guess = suggest(
            arg.name.text,
            block.params.map((p) => p.name.text),
          );
          this.report(
            "unknownArgument",
            arg.name.span,
            `block \`${block.name.text}\` has no parameter \`${arg.name.text}\``,
            guess ? `did you mean \`${guess}\`?` : paramList(block),
            [{ message: `\`${block.name.text}\` is defined here`, span: block.name.span }],
          );
          ok = false;
          continue;
        }
      } else {
        while (next < block.params.length && values.has(block.params[next].name.text)) next++;
        param = block.params[next];
        if (!param) {
          this.report(
            "tooManyArguments",
            arg.span,
            `block \`${block.name.text}\` takes ${block.params.length} argument${block.params.length === 1 ? "" : "s"}, but more were given`,
            paramList(block),
            [{ message: `\`${block.name.text}\` is defined here`, span: block.name.span }],
          );
          ok = false;
          continue;
        }
      }
      if (values.has(param.name.text)) {
        this.report("duplicateArgument", arg.span, `\`${param.name.text}\` is given twice`);
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
        this.report(
          "missingArgument",
          call.span,
          `block \`${block.name.text}\` needs \`${param.name.text}\`, which has no default`,
          paramList(block),
          [{ message: `\`${param.name.text}\` is declared here`, span: param.name.span }],
        );
        return undefined;
      }
    }
    return blockScope;
  }

  private add(
    draft: LayerDraft | Omit<Layer, "id" | "name" | "inputs" | "origin">,
    name: string,
    inputs: number[],
    span: Span,
  ): number {
    if (this.layers.length >= limits.layers) {
      this.report(
        "tooManyLayers",
        span,
        `the network expands to more than ${limits.layers} layers`,
      );
      throw new TooManyLayers();
    }
    const id = this.layers.length;
    const { suffix: _suffix, ...rest } = draft as LayerDraft;
    const layer = { ...rest, id, name, inputs, origin: { span, expansion: this.notes() } } as Layer;
    const other = this.named.get(name);
    if (other) {
      this.report(
        "duplicateDefinition",
        span,
        `two layers are named \`${name}\`: weight names must be unique`,
        "a label names a layer and its weights; it must differ from the other labels here and from the names dsnet gives unlabelled layers (conv1, bn2, ...)",
        [{ message: `the other \`${name}\` is here`, span: other.origin.span }],
      );
    }
    this.named.set(name, layer);
    this.layers.push(layer);
    return id;
  }

  private fits(shape: Shape, span: Span): boolean {
    const elements = shape[0] * shape[1] * shape[2];
    if (elements <= limits.tensorElements) return true;
    this.report(
      "tensorTooLarge",
      span,
      `a ${formatShape(shape)} tensor has ${elements} elements, beyond the limit of ${limits.tensorElements}`,
    );
    return false;
  }

  private lineOf(span: Span): string {
    const line = span.source.position(span.start).line;
    return span.source === this.source.span.source ? `line ${line}` : `${span.source.path}:${line}`;
  }
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

/** Weights and batch-norm statistics a layer holds. */
function weightElementsOf(layer: Layer): number {
  switch (layer.op) {
    case "conv":
    case "dw":
    case "pw":
      return (
        layer.kernel[0] * layer.kernel[1] * (layer.inChannels / layer.groups) * layer.outChannels
      );
    case "fc":
      return layer.inFeatures * layer.outFeatures;
    case "bn":
      return 4 * layer.channels;
    default:
      return 0;
  }
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

/** The first line of a span's text, trimmed, cut at 60 characters: how messages quote code. */
function firstLine(span: Span): string {
  const text = sourceText(span).split("\n")[0].trim();
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}

/** `repeat n as i` without its body, for notes. */
function repeatHeader(stage: A.RepeatStage): Span {
  return { ...stage.span, end: Math.max(stage.span.start, stage.body.span.start) };
}

function residualHeader(stage: A.ResidualStage): Span {
  return {
    ...stage.span,
    end: Math.max(stage.span.start + "residual".length, stage.body.span.start),
  };
}
