import { planBuffers, type BufferPlan } from "../../ir/buffers.js";
import { checkAddressable, checkBatch } from "../errors.js";
import { valueSize, type Graph } from "../../ir/graph.js";
import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_WASM_BASE64,
} from "../../runtime/kernels.generated.js";
import * as rt from "../../runtime/runtime.js";
import { stepCalls, type Call, type CallSymbol, type Expr } from "./calls.js";
import { layOutMemory, threadScratch } from "./memory.js";
import { isConstant, sharedStepPlan } from "./threads.js";
import {
  LINE_ELEMENTS,
  packNodeWeights,
  placeWeights,
  planSteps,
  scratchElements,
  type StepDescriptor,
} from "./steps.js";

/** Floats of weights a node holds before packing (packing pads them a little). */
function unpackedWeights(node: Graph["nodes"][number]): number {
  if (node.op === "conv" || node.op === "fc") return node.weight.length + (node.bias?.length ?? 0);
  if (node.op === "affine") return 2 * node.scale.length;
  if (node.op === "batchnorm") return 2 * node.gamma.length;
  return 0;
}

/** What a step of the plan is, for timing by kind (`dsnet bench`). */
export type StepKind = "conv" | "depthwise" | "pointwise" | "fc" | "other";

/** The keys a step's time counts under: its kind, and its kind and variant where it has one. */
export function stepKeys(step: { kind: StepKind; variant?: string }): string[] {
  return step.variant ? [step.kind, `${step.kind} ${step.variant}`] : [step.kind];
}

export interface Step {
  /** The source layers it computes. */
  layers: string[];
  kind: StepKind;
  /** Its filter and stride ("3x3 s2") where it has them, to time the kinds finer. */
  variant?: string;
  /** Multiply-adds for one pass of the whole batch. */
  macs: number;
  /** Runs the step for the whole batch (one sample at a time, as the forward pass does). */
  run(): void;
}

export interface CpuPlanOptions {
  /** Samples per forward pass (N of NHWC); default 1. */
  batch?: number;
  /** Threads to run on (src/runtime/threads.ts); default 1 (a runner's default is the cores). */
  threads?: number;
  /**
   * The fewest multiply-adds per sample of a step the threads share (default 100,000: a
   * smaller one costs about what a barrier does); 0 shares every kernel step, as tests do.
   */
  minSharedMacs?: number;
}

/**
 * The CPU backend: the IR's steps (steps.ts) bound to one preallocated WebAssembly memory that
 * holds the packed weights, the activation arena laid out by `planBuffers`, and im2col scratch.
 * Building the plan allocates everything; `forward` allocates nothing. With threads, the
 * memory is shared with worker threads, which run their rows of the larger steps; `dispose`
 * ends them.
 *
 * A batch runs one sample at a time through an arena of one sample, each sample's output then
 * copied to its place. Step by step over the whole batch, a step's input would be long out of
 * cache (MobileNetV1's activations at batch 8 are 37 MiB at peak): depthwise layers, which do
 * little arithmetic per byte, ran at 70% of their one-sample speed. The results are the same
 * bits either way: no kernel mixes samples.
 */
export class CpuPlan {
  readonly batch: number;
  /** The threads it runs on, and `ready` when they are running (one thread until then). */
  readonly threads: number;
  readonly ready: Promise<void>;
  readonly steps: Step[] = [];
  readonly buffers: BufferPlan;
  /** Bytes of packed weights. */
  readonly weightBytes: number;
  /** Which build of the kernels runs (relaxed SIMD where the engine has it). */
  readonly kernelsVariant: rt.KernelsVariant;
  private kernels: rt.Kernels;
  private memory: Float32Array;
  private pool: rt.KernelThreads;
  private valueAt: number[];
  /** The steps for one sample, which `forward` runs for each sample in turn. */
  private sampleSteps: (() => void)[] = [];
  /** Floats of one sample's input and output. */
  private inputLength: number;
  private outputLength: number;
  /** Where the batch's outputs are gathered (batch > 1). */
  private outputsAt = 0;
  /** What `forward` returns: the output value (batch 1) or the gathered outputs, made once. */
  private output: Float32Array;

  constructor(
    readonly graph: Graph,
    options: CpuPlanOptions = {},
  ) {
    this.batch = options.batch ?? 1;
    checkBatch(this.batch);
    const threads = rt.threadCount(options.threads ?? 1);
    const descriptors = planSteps(graph);
    this.buffers = planBuffers(graph, LINE_ELEMENTS);
    this.inputLength = valueSize(graph, graph.input, 1);
    this.outputLength = valueSize(graph, graph.output, 1);
    // The memory as memory.ts lays it out; a batch's outputs are gathered after the scratch, one
    // sample's stays where the steps leave it. WebAssembly's reach is checked before any of it is
    // allocated: first from the weights before packing, then exactly, with packing's padding.
    const gathered = this.batch > 1 ? this.batch * this.outputLength + LINE_ELEMENTS : 0;
    const scratchStride = threadScratch(scratchElements(descriptors));
    const layOut = (weightsEnd: number) => {
      const layout = layOutMemory({
        weightsEnd,
        arenaElements: this.buffers.arenaElements,
        scratchStride,
        threads,
        outputElements: gathered,
      });
      checkAddressable(layout.elements * 4, "the weights and activations", this.batch);
      return layout;
    };
    layOut(graph.nodes.reduce((a, n) => a + unpackedWeights(n), 0));
    const packed = graph.nodes.map(packNodeWeights);
    const { weightAt, end } = placeWeights(packed);
    this.weightBytes = packed.flat().reduce((a, t) => a + 4 * t.length, 0);
    const memory = layOut(end);
    const { arena, scratch } = memory;
    this.outputsAt = memory.outputs;
    const { base64, variant } = rt.chooseKernels(KERNELS_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64);
    this.kernelsVariant = variant;
    const instance = rt.instantiateKernels(base64, memory.elements, threads > 1);
    ({ kernels: this.kernels, memory: this.memory } = instance);
    packed.forEach((tensors, i) => rt.place(this.memory, weightAt[i], tensors));
    this.valueAt = this.buffers.offsets.map((o) => (o < 0 ? -1 : arena + o));
    const outputAt = this.batch > 1 ? this.outputsAt : this.valueAt[graph.output];
    this.output = this.memory.subarray(outputAt, outputAt + this.batch * this.outputLength);
    const shared: rt.SharedStep[] = [];
    const sharing = threads > 1 ? { shared, minMacs: options.minSharedMacs } : undefined;
    for (const d of descriptors) this.steps.push(this.bind(d, weightAt[d.node], scratch, sharing));
    this.pool = rt.startKernelThreads({
      ...instance,
      threads,
      steps: shared,
      scratch,
      scratchStride,
    });
    this.threads = this.pool.threads;
    this.ready = this.pool.ready;
  }

  /** Ends the worker threads; the plan goes on running on one. */
  dispose(): void {
    this.pool.close();
  }

  /**
   * Runs the network on `input` (N x H x W x C floats). The result is a view into the plan's
   * memory, valid until the next call: copy it to keep it.
   */
  forward(input: Float32Array): Float32Array {
    const inLength = this.inputLength;
    const outLength = this.outputLength;
    if (input.length !== this.batch * inLength) {
      throw new RangeError(
        `input has ${input.length} values; the plan takes ${this.batch * inLength}`,
      );
    }
    const m = this.memory;
    const inputAt = this.valueAt[this.graph.input];
    const outputAt = this.valueAt[this.graph.output];
    if (this.batch === 1) {
      m.set(input, inputAt);
      for (const step of this.sampleSteps) step();
      return this.output;
    }
    for (let n = 0; n < this.batch; n++) {
      // A loop rather than set(input.subarray(...)): a view per sample would allocate.
      for (let i = 0, from = n * inLength; i < inLength; i++) m[inputAt + i] = input[from + i]!;
      for (const step of this.sampleSteps) step();
      m.copyWithin(this.outputsAt + n * outLength, outputAt, outputAt + outLength);
    }
    return this.output;
  }

  /**
   * A step as a closure over this plan's memory and addresses (see calls.ts); one the threads
   * share (`sharing`) is added to their steps, and runs on them once they are running.
   */
  private bind(
    d: StepDescriptor,
    w: number[],
    scratch: number,
    sharing?: { shared: rt.SharedStep[]; minMacs?: number },
  ): Step {
    const { tiles, calls } = stepCalls(d, w);
    const symbols = { scratch, m: this.memory, p0: 0, rows: 0 };
    // Arguments are resolved here, once; those that name the tile loop's variables become
    // closures over `symbols`, so running a tile allocates nothing.
    const bind = ({ fn, args }: Call) => {
      const f = this.function(fn);
      const values = args.map((a) =>
        mentionsTile(a) ? 0 : resolveExpr(a, symbols, this.valueAt, this.memory),
      );
      const at: number[] = [];
      const varying: (() => number)[] = [];
      args.forEach((a, i) => {
        if (!mentionsTile(a)) return;
        at.push(i);
        varying.push(tileExpr(a, symbols, this.valueAt));
      });
      return () => {
        for (let i = 0; i < at.length; i++) values[at[i]] = varying[i]();
        f.apply(undefined, values);
      };
    };
    const body = calls.map(bind);
    const alone = tiles
      ? () => {
          for (let p0 = 0; p0 < tiles.pixels; p0 += tiles.rows) {
            symbols.p0 = p0;
            symbols.rows = Math.min(tiles.rows, tiles.pixels - p0);
            for (const call of body) call();
          }
        }
      : () => {
          for (const call of body) call();
        };
    const plan = sharing && sharedStepPlan(d, { tiles, calls }, sharing.minMacs);
    let run = alone;
    if (plan) {
      const resolve = (e: Expr) => resolveExpr(e, symbols, this.valueAt, this.memory) as number;
      const index = sharing.shared.length;
      sharing.shared.push({
        ...plan,
        units: resolve(plan.units),
        calls: plan.calls.map(({ fn, args }) => ({
          fn,
          args: args.map((a) => (isConstant(a) ? resolve(a.at) : [resolve(a.at), ...a.by])),
        })),
      });
      run = () => {
        if (!this.pool.run(index)) alone();
      };
    }
    this.sampleSteps.push(run);
    const batch = () => {
      for (let n = 0; n < this.batch; n++) run();
    };
    const kind = stepKindOf(d, this.graph);
    // Filter and stride for the windowed kinds (a 1x1 conv counted as pointwise has none).
    const variant = kind === "depthwise" || kind === "conv" ? stepVariant(d) : undefined;
    return { layers: d.layers, kind, variant, macs: this.batch * d.macs, run: batch };
  }

  /** The function a call names: a kernel, the memory's copyWithin, or a runtime operation. */
  private function(name: string): (...args: unknown[]) => void {
    const m = this.memory;
    if (name.startsWith("k.")) {
      const kernel = (this.kernels as unknown as Record<string, (...a: unknown[]) => void>)[
        name.slice(2)
      ];
      if (!kernel) throw new Error(`internal: no kernel ${name}`);
      return kernel;
    }
    if (name === "m.copyWithin") {
      return ((to: number, from: number, end: number) => m.copyWithin(to, from, end)) as (
        ...args: unknown[]
      ) => void;
    }
    const op = (rt as unknown as Record<string, (...a: unknown[]) => void>)[name];
    if (!op) throw new Error(`internal: no runtime operation ${name}`);
    return op;
  }
}

function mentionsTile(e: Expr): boolean {
  if (typeof e === "number" || typeof e === "boolean") return false;
  if ("symbol" in e) return e.symbol === "p0" || e.symbol === "rows";
  if ("add" in e) return mentionsTile(e.add[0]) || mentionsTile(e.add[1]);
  if ("mul" in e) return mentionsTile(e.mul[0]) || mentionsTile(e.mul[1]);
  return false;
}

/** An argument's value in this plan: addresses from the buffer plan, names from `symbols`. */
function resolveExpr(
  e: Expr,
  symbols: Record<CallSymbol, unknown>,
  valueAt: number[],
  memory: Float32Array,
): unknown {
  const r = (x: Expr) => resolveExpr(x, symbols, valueAt, memory);
  if (typeof e === "number" || typeof e === "boolean") return e;
  if ("symbol" in e) return symbols[e.symbol];
  if ("value" in e) return valueAt[e.value];
  if ("add" in e) return (r(e.add[0]) as number) + (r(e.add[1]) as number);
  if ("mul" in e) return (r(e.mul[0]) as number) * (r(e.mul[1]) as number);
  if ("fields" in e) return Object.fromEntries(e.fields.map(([k, v]) => [k, r(v)]));
  if ("list" in e) return e.list.map(r);
  return memory.subarray(r(e.subarray[0]) as number, r(e.subarray[1]) as number);
}

/**
 * A numeric argument that names the tile loop's variables, as a closure over `symbols` (which
 * the loop updates): composed once, it allocates nothing when called.
 */
function tileExpr(e: Expr, symbols: Record<CallSymbol, unknown>, valueAt: number[]): () => number {
  if (typeof e === "number") return () => e;
  if (typeof e === "object" && "symbol" in e) {
    const name = e.symbol;
    return () => symbols[name] as number;
  }
  if (typeof e === "object" && "value" in e) {
    const at = valueAt[e.value];
    return () => at;
  }
  if (typeof e === "object" && ("add" in e || "mul" in e)) {
    const [a, b] = ("add" in e ? e.add : e.mul).map((x) => tileExpr(x, symbols, valueAt));
    return "add" in e ? () => a() + b() : () => a() * b();
  }
  throw new Error("internal: a tile argument is a sum or product of numbers and names");
}

/**
 * A windowed step's filter, stride and dilation where not 1 ("3x3 s1", "3x3 s2x1" where the
 * strides differ, "3x3 s1 d2").
 */
function stepVariant(d: StepDescriptor): string | undefined {
  if (d.kind !== "depthwise" && d.kind !== "conv") return undefined;
  const { kernel, stride, dilation } = d.geometry;
  const pair = ([a, b]: readonly number[]) => (a === b ? `${a}` : `${a}x${b}`);
  const dilated = dilation[0] === 1 && dilation[1] === 1 ? "" : ` d${pair(dilation)}`;
  return `${kernel[0]}x${kernel[1]} s${pair(stride)}${dilated}`;
}

/** What a step is, for timing by kind: a conv node's role decides for the im2col path. */
function stepKindOf(d: StepDescriptor, graph: Graph): StepKind {
  if (d.kind === "depthwise" || d.kind === "pointwise" || d.kind === "fc") return d.kind;
  if (d.kind !== "conv") return "other";
  const node = graph.nodes[d.node];
  const role = node.op === "conv" ? node.role : "conv";
  return role === "dw" ? "depthwise" : role === "pw" ? "pointwise" : "conv";
}
