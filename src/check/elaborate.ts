import type { DiagnosticKind, MessageArgs } from "../diagnostics/catalogue.js";
import type { RelatedLocation } from "../diagnostics/diagnostic.js";
import { helpOptions, type Help, type Reporter } from "../diagnostics/reporter.js";
import type * as A from "../syntax/ast.js";
import type { Span } from "../syntax/source.js";
import { bindBlock, bindBuiltin, bindNetworkParams, type NetworkSource } from "./arguments.js";
import { evaluate, Scope, type EvalContext, type Unknowns } from "./evaluate.js";
import { warnChannelsFirst, warnConvOrder, warnKernelProduct } from "./habits.js";
import { LayerCall } from "./layer-call.js";
import { LayerCount, type BlockTable } from "./layer-count.js";
import { layerSpecs, type LayerDraft } from "./layers.js";
import { limits } from "./limits.js";
import { NameScope } from "./names.js";
import { formatShape, type Layer, type Network, type Shape } from "./network.js";
import { didYouMean, suggest } from "./suggest.js";
import { describeValue, firstLine, sourceText, typeName, type Value } from "./values.js";

export type { NetworkSource } from "./arguments.js";

/** The blocks visible to a network (all files of the program share one namespace). */

/** The tensor flowing from one stage to the next; undefined once a shape error poisoned it. */
interface Cursor {
  id: number;
  /**
   * After a layer dsnet does not know, the parts of `shape` it would have made are NaN: later
   * layers are still checked, for what does not depend on them (`guessesOf`).
   */
  shape: Shape;
  /** How messages name the producer: "`pw 64` (line 7)", "block `sep` (line 12)". */
  producer: string;
}

type Flow = Cursor | undefined;

class TooManyLayers extends Error {}

/**
 * Expands one network into its layers: evaluates expressions, expands blocks, repeats, residuals
 * and conditionals, and follows the shape from layer to layer. Problems go to the reporter; the
 * result is undefined when any error was found in this network.
 */
export function elaborateNetwork(
  source: NetworkSource,
  blocks: BlockTable,
  reporter: Reporter,
  overrides: ReadonlyMap<string, Value> = new Map(),
): Network | undefined {
  return elaborateResumable(source, blocks, reporter, overrides).network;
}

/**
 * Where a network's statements ended: what `extendNetwork` goes on from, so that statements
 * added at the end (a REPL entry) are checked without elaborating the network again. The
 * checkpoints of one network share its array of layers: extending one overwrites what was added
 * after it, so only the newest of a line of history can be extended (as `:undo` leaves it).
 */
export interface NetworkCheckpoint {
  readonly source: NetworkSource;
  readonly blocks: BlockTable;
  readonly shared: { layers: Layer[]; named: Map<string, Layer> };
  /** Layers up to here. */
  readonly length: number;
  /** The network had no errors up to here. */
  readonly complete: boolean;
  readonly params: Record<string, Value>;
  readonly scope: Scope;
  readonly names: NameScope;
  readonly flow: Flow;
  readonly inputSeen: boolean;
  readonly iterations: number;
  /** Weight elements in the layers up to here. */
  readonly weights: number;
}

export interface Elaboration {
  network: Network | undefined;
  /** Undefined when elaboration stopped early (a layer limit). */
  checkpoint: NetworkCheckpoint | undefined;
}

/** `elaborateNetwork`, and the checkpoint its statements ended at. */
export function elaborateResumable(
  source: NetworkSource,
  blocks: BlockTable,
  reporter: Reporter,
  overrides: ReadonlyMap<string, Value> = new Map(),
): Elaboration {
  return elaborate(new Elaborator(source, blocks, reporter), reporter, (e) => e.run(overrides));
}

/**
 * Elaborates `statements` as if they followed the network's statements up to `from`: the same
 * layers, names, shapes and diagnostics as elaborating the whole network again (the limits that
 * look ahead aside: they only saw the statements up to `from`).
 */
export function extendNetwork(
  from: NetworkCheckpoint,
  statements: A.Statement[],
  reporter: Reporter,
): Elaboration {
  const elaborator = new Elaborator(from.source, from.blocks, reporter);
  return elaborate(elaborator, reporter, (e) => e.extend(from, statements));
}

/** The network as it stood at a checkpoint without errors. */
export function networkAt(at: NetworkCheckpoint): Network | undefined {
  if (!at.complete || !at.flow) return undefined;
  const layers = at.shared.layers.slice(0, at.length);
  return {
    name: at.source.name,
    file: at.source.span.source.path,
    params: at.params,
    input: layers[0].shape,
    layers,
    output: at.flow.id,
    span: at.source.span,
  };
}

function elaborate(
  elaborator: Elaborator,
  reporter: Reporter,
  run: (e: Elaborator) => Network | undefined,
): Elaboration {
  const before = reporter.errorCount;
  let network: Network | undefined;
  try {
    network = run(elaborator);
  } catch (e) {
    if (!(e instanceof TooManyLayers)) throw e;
    return { network: undefined, checkpoint: undefined };
  }
  const ok = reporter.errorCount === before;
  return {
    network: ok ? network : undefined,
    checkpoint: elaborator.checkpoint && { ...elaborator.checkpoint, complete: ok && !!network },
  };
}

class Elaborator {
  private layers: Layer[] = [];
  private expansion: RelatedLocation[] = [];
  private activeBlocks: string[] = [];
  /** Every layer name given so far: weight names must be unique. */
  private named = new Map<string, Layer>();
  private inputSeen = false;
  private layerCount: LayerCount;
  /**
   * The fewest layers still to come after the stage being expanded (later stages, later repeat
   * iterations, at every level), so a repeat can tell before expanding whether the network
   * would pass the layer limit.
   */
  private pending = 0;
  /** Repeat iterations run so far, for `limits.repeatIterations`. */
  private iterations = 0;
  private shared = { layers: this.layers, named: this.named };
  /** Weight elements in the layers before `weighed.layers` (those an extension starts from). */
  private weighed = { layers: 0, elements: 0 };
  checkpoint: NetworkCheckpoint | undefined;

  constructor(
    private source: NetworkSource,
    private blocks: BlockTable,
    private reporter: Reporter,
  ) {
    this.layerCount = new LayerCount(blocks, (name) => name in layerSpecs);
  }

  run(overrides: ReadonlyMap<string, Value>): Network | undefined {
    const scope = new Scope();
    const params = bindNetworkParams(
      this.source,
      overrides,
      this.context(scope, undefined, "in a network parameter's default"),
    );
    const names = new NameScope("");
    const flow = this.statements(this.source.statements, scope, undefined, names);
    return this.finish(params, scope, names, flow);
  }

  extend(from: NetworkCheckpoint, statements: A.Statement[]): Network | undefined {
    this.shared = from.shared;
    if (this.shared.layers.length !== from.length) {
      // An extension since `from` was dropped (or undone): forget its layers.
      this.shared.layers.length = from.length;
      this.shared.named = new Map(this.shared.layers.map((l) => [l.name, l]));
    }
    this.layers = this.shared.layers;
    this.named = this.shared.named;
    this.inputSeen = from.inputSeen;
    this.iterations = from.iterations;
    this.weighed = { layers: from.length, elements: from.weights };
    // Only a `let` binds in the network's own scope; a copy keeps `from`'s as it was.
    const scope = statements.some((s) => s.kind === "let") ? from.scope.copy() : from.scope;
    const names = from.names.copy();
    const flow = this.statements(statements, scope, from.flow, names);
    return this.finish(from.params, scope, names, flow);
  }

  private finish(
    params: Record<string, Value>,
    scope: Scope,
    names: NameScope,
    flow: Flow,
  ): Network | undefined {
    let weights = this.weighed.elements;
    for (let i = this.weighed.layers; i < this.layers.length; i++) {
      weights += weightElementsOf(this.layers[i]);
    }
    this.checkpoint = {
      source: this.source,
      blocks: this.blocks,
      shared: this.shared,
      length: this.layers.length,
      complete: false,
      params,
      scope,
      names,
      flow,
      inputSeen: this.inputSeen,
      iterations: this.iterations,
      weights,
    };
    if (!this.inputSeen) {
      this.report(
        "missingInput",
        this.source.nameSpan,
        { network: this.source.name },
        "start it with `input HxWxC`, for example `input 224x224x3`",
      );
      return undefined;
    }
    if (!flow) return undefined;
    if (weights > limits.networkWeightElements) {
      this.report("networkWeightsTooLarge", this.source.nameSpan, {
        network: this.source.name,
        count: weights,
        limit: limits.networkWeightElements,
      });
      return undefined;
    }
    const first = this.layers[0];
    return {
      name: this.source.name,
      file: this.source.span.source.path,
      params,
      input: first.shape,
      // A copy: extending a checkpoint appends to this array.
      layers: this.layers.slice(),
      output: flow.id,
      span: this.source.span,
    };
  }

  private report<K extends DiagnosticKind>(
    kind: K,
    span: Span,
    args: MessageArgs<K>,
    help?: Help,
    related: RelatedLocation[] = [],
  ) {
    this.reporter.report(kind, span, args, {
      expansion: this.notes(),
      ...helpOptions(help),
      related,
    });
  }

  /**
   * For a layer after an unknown one: drops what the unknown parts of the shape decide, and
   * writes those parts as `?`.
   */
  private partialReporter(unknown: Unknowns) {
    const dropped = codesOfGuesses(unknown);
    return this.reporter.mapped((d) =>
      dropped.has(d.code) ? undefined : { ...d, message: d.message.replaceAll("NaN", "?") },
    );
  }

  private notes(): RelatedLocation[] {
    if (this.expansion.length === 0) return [];
    return [...this.expansion].reverse();
  }

  private context(scope: Scope, flow: Flow, noShape?: string): EvalContext {
    const unknown = flow && guessesOf([flow]);
    return {
      scope,
      shape: flow?.shape,
      ...(unknown ? { unknown } : {}),
      ...(noShape || !this.inputSeen ? { noShape: noShape ?? "before the network's input" } : {}),
      layerKind: (name) =>
        name in layerSpecs
          ? "a layer"
          : this.blocks.has(name)
            ? `the block \`${name}\``
            : undefined,
      reporter: this.reporter,
      expansion: this.notes(),
    };
  }

  private statements(statements: A.Statement[], scope: Scope, flow: Flow, names: NameScope): Flow {
    let later = this.layerCount.statements(statements);
    for (const statement of statements) {
      switch (statement.kind) {
        case "let":
          this.let(statement, scope, flow);
          break;
        case "input":
          flow = this.input(statement, scope, flow);
          break;
        case "pipeline":
          for (const stage of statement.stages) {
            later -= this.layerCount.stage(stage);
            this.pending += later;
            flow = this.stage(stage, scope, flow, names);
            this.pending -= later;
          }
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
        { name: statement.name.text },
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
      this.report("misplacedInput", statement.span, { where });
      return flow;
    }
    this.inputSeen = true;
    const value = evaluate(
      statement.shape,
      this.context(scope, undefined, "in the input's own shape"),
    );
    if (value === undefined) return undefined;
    const parts = typeof value === "object" && value.kind === "dims" ? value.parts : undefined;
    if (!parts || parts.length !== 3) {
      this.report("inputNotShape", statement.shape.span, {
        text: sourceText(statement.shape.span),
        value: describeValue(value),
      });
      return undefined;
    }
    const dimensions = ["height", "width", "channels"];
    for (let i = 0; i < 3; i++) {
      const part = statement.shape.parts[Math.min(i, statement.shape.parts.length - 1)];
      if (!Number.isInteger(parts[i]) || parts[i] < 1) {
        const value = describeValue(parts[i]);
        if (i === 2) this.report("inputChannelsNotPositive", part.span, { value });
        else this.report("inputSizeNotPositive", part.span, { dimension: dimensions[i], value });
        return undefined;
      }
    }
    const shape: Shape = [parts[0], parts[1], parts[2]];
    if (!this.fits(shape, statement.span)) return undefined;
    warnChannelsFirst(shape, statement.shape.span, this.context(scope, undefined));
    const id = this.add({ op: "input", shape }, "input", [], statement.span);
    return {
      id,
      shape,
      producer: `\`input ${formatShape(shape)}\` (${this.lineOf(statement.span)})`,
    };
  }

  private stage(stage: A.Stage, scope: Scope, flow: Flow, names: NameScope): Flow {
    if (!this.inputSeen) {
      this.report("layersBeforeInput", stage.span, {}, "start the network with `input HxWxC`");
      this.inputSeen = true; // one report; the rest of the network has no shape to check
      return undefined;
    }
    const errors = this.reporter.errorCount;
    const out = this.stageOf(stage, scope, flow, names);
    if (out || !flow || this.reporter.errorCount === errors) return out;
    // A stage that failed (`pw 0`, a residual of unequal shapes) makes a value of unknown shape,
    // as an unknown layer does: the layers after it are still checked for what does not depend
    // on that shape.
    return {
      ...flow,
      shape: [NaN, NaN, NaN],
      producer: `\`${firstLine(stage.span)}\` (${this.lineOf(stage.span)})`,
    };
  }

  private stageOf(stage: A.Stage, scope: Scope, flow: Flow, names: NameScope): Flow {
    switch (stage.kind) {
      case "call":
        return this.call(stage, scope, flow, names);
      case "repeat":
        return this.repeat(stage, scope, flow, names);
      case "residual":
        return this.residual(stage, scope, flow, names);
      case "join":
        return this.join(stage, scope, flow, names);
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
        { name: call.callee.text },
        guess ? didYouMean(guess) : "`dsnet layers` lists the built-in layers",
      );
      // Its arguments are still checked, and the layers after it are checked for what does not
      // depend on the shape it would have made.
      const ctx = this.context(scope, flow);
      for (const arg of call.args) evaluate(arg.value, ctx);
      return (
        flow && {
          ...flow,
          shape: [NaN, NaN, NaN],
          producer: `\`${firstLine(call.span)}\` (${this.lineOf(call.span)})`,
        }
      );
    }
    if (!spec) return this.blockCall(call, block!, scope, flow, names);
    const ctx = this.context(scope, flow);
    const args = bindBuiltin(call, spec.params, ctx);
    if (!args || !flow) return undefined;
    warnKernelProduct(args, ctx);
    if (call.callee.text === "conv") warnConvOrder(firstLine(call.span), args, ctx);
    const unknown = guessesOf([flow]);
    const drafts = spec.build(
      new LayerCall(call.span, call.callee.text, firstLine(call.span), args, {
        ...ctx,
        reporter: unknown ? this.partialReporter(unknown) : ctx.reporter,
      }),
      {
        shape: flow.shape,
        producer: flow.producer,
      },
    );
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

  private blockCall(
    call: A.Call,
    block: A.BlockDecl,
    scope: Scope,
    flow: Flow,
    names: NameScope,
  ): Flow {
    if (this.activeBlocks.includes(block.name.text)) return undefined; // reported as DS2003 already
    if (this.activeBlocks.length >= limits.callDepth) {
      this.report("blocksTooDeep", call.span, { limit: limits.callDepth });
      return undefined;
    }
    // Refused before expanding, as a repeat is: 41 blocks each calling the previous twice make
    // 2^41 layers.
    if (this.layers.length + this.pending + this.layerCount.stage(call) > limits.layers) {
      this.report("tooManyLayers", call.span, { limit: limits.layers });
      throw new TooManyLayers();
    }
    const blockScope = bindBlock(call, block, this.context(scope, flow));
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
      const args = { text: sourceText(stage.count.span), value: describeValue(count) };
      if (typeof count === "number") this.report("repeatCountNotWhole", stage.count.span, args);
      else this.report("repeatCountNotNumber", stage.count.span, args);
      return undefined;
    }
    if (count > limits.layers) {
      this.report("repeatTooLarge", stage.count.span, { count, limit: limits.layers });
      return undefined;
    }
    // Refused before expanding: a million layers take seconds to build only to be rejected.
    const perIteration = this.layerCount.body(stage.body);
    const others = this.layers.length + this.pending;
    if (others + count * perIteration > limits.layers) {
      this.report("repeatExpandsTooFar", stage.count.span, {
        count,
        limit: limits.layers,
        made: count * perIteration,
        others,
      });
      throw new TooManyLayers();
    }
    const name = names.next("repeat", stage.label);
    for (let i = 0; i < count && flow; i++) {
      if (++this.iterations > limits.repeatIterations) {
        this.report("repeatIterationsTooMany", stage.count.span, {
          limit: limits.repeatIterations,
        });
        throw new TooManyLayers();
      }
      const iterationScope = new Scope(scope);
      if (stage.index) iterationScope.define(stage.index.text, i, stage.index.span);
      const indexText = stage.index ? `${stage.index.text} = ${i}` : `iteration ${i}`;
      this.expansion.push({
        message: `in repeat ${indexText} (of ${count})`,
        span: repeatHeader(stage),
      });
      const laterIterations = (count - i - 1) * perIteration;
      this.pending += laterIterations;
      flow = this.statements(
        stage.body.statements,
        iterationScope,
        flow,
        names.child(`${name}.${i}`, stage.body.statements),
      );
      this.pending -= laterIterations;
      this.expansion.pop();
    }
    return flow ? { ...flow, producer: `\`repeat\` (${this.lineOf(stage.span)})` } : undefined;
  }

  private residual(stage: A.ResidualStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    if (stage.condition) {
      const condition = evaluate(stage.condition, this.context(scope, flow));
      if (condition === undefined) return undefined;
      if (typeof condition !== "boolean") {
        this.report("residualConditionNotBoolean", stage.condition.span, {
          text: sourceText(stage.condition.span),
          type: typeName(condition),
        });
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
    const firstOfBody = this.layers.length;
    const main = this.statements(
      stage.body.statements,
      new Scope(scope),
      flow,
      names.child(name, stage.body.statements, true),
    );
    const endOfBody = this.layers.length;
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
    const unknown = guessesOf([main, skip]);
    if (mc !== sc && !unknown?.channels) {
      this.report(
        "residualChannelMismatch",
        residualHeader(stage),
        { bodyChannels: mc, bodyProducer: main.producer, skip: skipName, skipChannels: sc },
        stage.shortcut
          ? "make both paths end with the same channel count"
          : `end the body with ${sc} channels, add a \`shortcut { pw ${mc} }\` projection, or make the residual conditional (\`residual if in.c == ...\`)`,
      );
      return undefined;
    }
    if ((mh !== sh || mw !== sw) && !unknown?.size) {
      this.report(
        "residualSpatialMismatch",
        residualHeader(stage),
        {
          bodyShape: shownShape(main.shape),
          bodyProducer: main.producer,
          skip: skipName,
          skipShape: shownShape(skip.shape),
        },
        stage.shortcut
          ? "give the shortcut the same stride as the body"
          : this.resizeHelp(this.layers.slice(firstOfBody, endOfBody), mc),
      );
      return undefined;
    }
    const id = this.add(
      { op: "add", shape: main.shape },
      `${name}.add`,
      [main.id, skip.id],
      stage.span,
    );
    return {
      id,
      shape: main.shape,
      producer: `\`residual\` (${this.lineOf(stage.span)})`,
    };
  }

  /**
   * Why a residual body ends at another size than its input, and what to do: a stride wants a
   * strided shortcut, a layer that pads less than `same` wants `pad=same`, a pool to 1x1 has
   * no place in a residual body.
   */
  private resizeHelp(body: Layer[], channels: number): string {
    const strided = body.find((l) => "stride" in l && (l.stride[0] > 1 || l.stride[1] > 1));
    const at = (l: Layer) => `\`${firstLine(l.origin.span)}\` (${this.lineOf(l.origin.span)})`;
    if (strided && "stride" in strided) {
      const [sh, sw] = strided.stride;
      return `${at(strided)} has stride ${sh === sw ? sh : `[${sh}, ${sw}]`}: a strided body needs a strided shortcut, such as \`shortcut { conv 1x1 ${channels} s${strided.stride[0]} }\`, or stride 1 in the body`;
    }
    const resized = body.find((l) => {
      const input = this.layers[l.inputs[0]];
      return input && (input.shape[0] !== l.shape[0] || input.shape[1] !== l.shape[1]);
    });
    if (!resized) return "make the body keep its input's height and width";
    const from = this.layers[resized.inputs[0]].shape;
    const change = `changes ${from[0]}x${from[1]} to ${resized.shape[0]}x${resized.shape[1]}`;
    if (resized.op === "gap" || resized.op === "gmp" || resized.op === "flatten") {
      return `${at(resized)} ${change}: a residual adds its body to its input, so pool after the residual, or gate with \`mul { ... }\``;
    }
    return `${at(resized)} ${change} with its padding: use pad=same in a residual body, or a \`shortcut { ... }\` that changes the size the same way`;
  }

  /**
   * `concat|add|mul [split=...] { ... } { ... }`: each branch from the current value, or from
   * its share of the channels (slice layers named `<join>.split<i>`), then the join layer
   * `<join>.<op>`, as a residual's is `<residual>.add`. One branch alone is joined with the
   * current value.
   */
  private join(stage: A.JoinStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    const name = names.next(stage.op, stage.label);
    if (!flow) return undefined;
    // A split of channels that are a guess cannot be checked, nor what follows from it.
    if (guessesOf([flow])?.channels && stage.args.length > 0) return flow;
    const starts = this.splitStarts(stage, scope, flow, name);
    if (!starts) return undefined;
    const many = stage.branches.length > 1;
    const ends = stage.branches.map((branch, i) =>
      this.statements(
        branch.statements,
        new Scope(scope),
        starts[i],
        many
          ? names.child(`${name}.branch${i + 1}`, branch.statements)
          : names.child(name, branch.statements, true),
      ),
    );
    if (ends.some((end) => end === undefined)) return undefined;
    const operands = (many ? ends : [flow, ends[0]]) as Cursor[];
    const unknown = guessesOf(operands);
    const describe = (c: Cursor, i: number) =>
      !many && i === 0 ? `the input ${c.producer}` : `the branch ending with ${c.producer}`;
    const mismatch = (
      kind: "joinSizeMismatch" | "addShapeMismatch" | "gateMismatch",
      i: number,
    ) => {
      const [a, b] = [operands[0], operands[i]];
      this.report(kind, stage.opSpan, {
        first: describe(a, 0),
        firstShape: shownShape(a.shape),
        other: describe(b, i),
        otherShape: shownShape(b.shape),
      });
      return undefined;
    };
    const [h, w, c] = operands[0].shape;
    let shape: Shape;
    let inputs = operands.map((o) => o.id);
    switch (stage.op) {
      case "concat": {
        const bad = operands.findIndex((o) => o.shape[0] !== h || o.shape[1] !== w);
        if (bad >= 0 && !unknown?.size) return mismatch("joinSizeMismatch", bad);
        shape = [h, w, operands.reduce((sum, o) => sum + o.shape[2], 0)];
        break;
      }
      case "add": {
        const bad = operands.findIndex((o) => formatShape(o.shape) !== formatShape([h, w, c]));
        if (bad >= 0 && !unknown) return mismatch("addShapeMismatch", bad);
        shape = [h, w, c];
        break;
      }
      case "mul": {
        if (operands.length !== 2) {
          // A product of three or more is a chain of products; dsnet keeps gates to two.
          this.report("gateBranchCount", stage.opSpan, { branches: stage.branches.length });
          return undefined;
        }
        const [a, b] = operands;
        const gate = (x: Cursor, y: Cursor) =>
          x.shape[0] === 1 && x.shape[1] === 1 && x.shape[2] === y.shape[2];
        if (formatShape(a.shape) === formatShape(b.shape) || unknown) shape = a.shape;
        else if (gate(b, a)) shape = a.shape;
        else if (gate(a, b)) {
          shape = b.shape;
          inputs = [b.id, a.id];
        } else return mismatch("gateMismatch", 1);
        break;
      }
    }
    if (!this.fits(shape, stage.span)) return undefined;
    const id = this.add({ op: stage.op, shape }, `${name}.${stage.op}`, inputs, stage.span);
    return {
      id,
      shape,
      producer: `\`${stage.op}\` (${this.lineOf(stage.span)})`,
    };
  }

  /** Where each branch of a join starts: the current value, or a slice of it for `split=`. */
  private splitStarts(
    stage: A.JoinStage,
    scope: Scope,
    flow: Cursor,
    name: string,
  ): Cursor[] | undefined {
    let sizes: number[] | undefined;
    let given = false;
    for (const arg of stage.args) {
      if (arg.name?.text === "split" && given) {
        this.report("duplicateArgument", arg.name.span, { name: "split" });
        return undefined;
      }
      given = true;
      if (arg.name?.text !== "split") {
        this.report("joinArgumentUnknown", arg.name?.span ?? arg.span, {
          op: stage.op,
          name: arg.name?.text ?? sourceText(arg.span),
        });
        return undefined;
      }
      const value = evaluate(arg.value, this.context(scope, flow));
      if (value === undefined) return undefined;
      const c = flow.shape[2];
      const whole = (v: Value): v is number =>
        typeof v === "number" && Number.isInteger(v) && v >= 1;
      if (whole(value)) {
        if (c % value !== 0) {
          this.report("splitNotDivisible", arg.value.span, {
            channels: c,
            producer: flow.producer,
            parts: value,
          });
          return undefined;
        }
        sizes = new Array<number>(value).fill(c / value);
      } else if (typeof value === "object" && value.kind === "list" && value.items.every(whole)) {
        sizes = value.items as number[];
        const sum = sizes.reduce((a, b) => a + b, 0);
        if (sum !== c) {
          this.report("splitSizesMismatch", arg.value.span, {
            sizes: sizes.join(", "),
            sum,
            producer: flow.producer,
            channels: c,
          });
          return undefined;
        }
      } else {
        this.report("splitNotValid", arg.value.span, { value: describeValue(value) });
        return undefined;
      }
    }
    if (!sizes) return stage.branches.map(() => flow);
    if (sizes.length !== stage.branches.length) {
      this.report("splitBranchCount", stage.opSpan, {
        op: stage.op,
        parts: sizes.length,
        branches: stage.branches.length,
        branchWord: stage.branches.length === 1 ? "branch" : "branches",
      });
      return undefined;
    }
    let start = 0;
    return sizes.map((size, i) => {
      const shape: Shape = [flow.shape[0], flow.shape[1], size];
      const id = this.add(
        { op: "slice", shape, start },
        `${name}.split${i + 1}`,
        [flow.id],
        stage.span,
      );
      start += size;
      return { id, shape, producer: `part ${i + 1} of the split (${this.lineOf(stage.span)})` };
    });
  }

  private conditional(stage: A.IfStage, scope: Scope, flow: Flow, names: NameScope): Flow {
    const condition = evaluate(stage.condition, this.context(scope, flow));
    if (condition === undefined) return undefined;
    if (typeof condition !== "boolean") {
      this.report("ifConditionNotBoolean", stage.condition.span, {
        text: sourceText(stage.condition.span),
        type: typeName(condition),
      });
      return undefined;
    }
    if (condition) return this.statements(stage.then.statements, new Scope(scope), flow, names);
    if (!stage.else) return flow;
    if ("kind" in stage.else) return this.conditional(stage.else, scope, flow, names);
    return this.statements(stage.else.statements, new Scope(scope), flow, names);
  }

  private add(
    draft: LayerDraft | Omit<Layer, "id" | "name" | "inputs" | "origin">,
    name: string,
    inputs: number[],
    span: Span,
  ): number {
    if (this.layers.length >= limits.layers) {
      this.report("tooManyLayers", span, { limit: limits.layers });
      throw new TooManyLayers();
    }
    const id = this.layers.length;
    const { suffix: _suffix, ...fields } = draft as LayerDraft;
    // Object.assign, not a spread: drafts come in many shapes, and V8 spreads those on its slow
    // path, which took 40% of elaborating.
    const origin = { span, expansion: this.notes() };
    const layer = Object.assign({}, fields, { id, name, inputs, origin }) as Layer;
    const other = this.named.get(name);
    if (other) {
      this.report(
        "duplicateLayerName",
        span,
        { name },
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
    // NaN, a size not known after an unknown layer, fits.
    if (!(elements > limits.tensorElements)) return true;
    this.report("tensorTooLarge", span, {
      shape: formatShape(shape),
      elements,
      limit: limits.tensorElements,
    });
    return false;
  }

  private lineOf(span: Span): string {
    const line = span.source.position(span.start).line;
    return span.source === this.source.span.source ? `line ${line}` : `${span.source.path}:${line}`;
  }
}

/** What is not known (NaN) in the shape of any of `values`; undefined when all is known. */
function guessesOf(values: Cursor[]): Unknowns | undefined {
  const size = values.some((v) => Number.isNaN(v.shape[0]) || Number.isNaN(v.shape[1]));
  const channels = values.some((v) => Number.isNaN(v.shape[2]));
  return size || channels ? { size, channels } : undefined;
}

/** A shape in a message; a part not known after an unknown layer is `?`. */
function shownShape(shape: Shape): string {
  return formatShape(shape).replaceAll("NaN", "?");
}

/** The codes whose checks read a part of the shape that is a guess: not reported then. */
function codesOfGuesses(unknown: Unknowns): Set<string> {
  const size = ["DS4002", "DS4008", "DS4010", "DS4011", "DS4101", "DS5001", "DS5006"];
  const channels = ["DS4001", "DS4006", "DS4007", "DS4009", "DS4014", "DS4016", "DS4017", "DS5001"];
  return new Set([...(unknown.size ? size : []), ...(unknown.channels ? channels : [])]);
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
