import { commentText } from "../comment.js";
import { MAX_BATCH } from "../errors.js";
import { planBuffers } from "../../ir/buffers.js";
import {
  graphMacs,
  valueSize,
  type FoldedBatchNorm,
  type Graph,
  type Node,
} from "../../ir/graph.js";
import { formatCount } from "../../ir/types.js";
import { roundUp } from "../../runtime/packing.js";
import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_WASM_BASE64,
} from "../../runtime/kernels.generated.js";
import { RUNTIME_JAVASCRIPT, RUNTIME_TYPESCRIPT } from "../../runtime/source.generated.js";
import { stepCalls, type Call, type Expr, type StepCalls } from "../cpu/calls.js";
import { layOutMemory, threadScratch } from "../cpu/memory.js";
import { isConstant, sharedStepPlan, type SharedStepPlan } from "../cpu/threads.js";
import { JsKernels, jsScratchElements, stepFunctionName } from "./js-kernels.js";
import { CodeWriter, flat, type Doc } from "./layout.js";
import { runtimeFor } from "./runtime-parts.js";
import {
  LINE_ELEMENTS,
  packConvShape,
  packNodeWeights,
  placeWeights,
  planSteps,
  scratchElements,
  stepKernel,
  type StepDescriptor,
} from "../cpu/steps.js";

export const DSNET_VERSION = "0.1.0";

export interface GenerateOptions {
  /** The network's graph for the CPU runtime (`compileGraph` with target "ts"). */
  graph: Graph;
  /** Where the weights came from, for the header: a file name, or a note that they are not trained. */
  weightsOrigin: string;
  /** Take a safetensors file at load time instead of embedding the weights. */
  weightsFile?: boolean;
  /** Plain ES module JavaScript instead of TypeScript. */
  javascript?: boolean;
  /** The .dsnet file as the user named it, for the header; default the graph's. */
  sourcePath?: string;
  /** The command line that made the module, printed in its header as how to make it again. */
  command?: string;
  /**
   * "wasm" (default): the WebAssembly SIMD kernels; "js": each step as plain TypeScript loops
   * (js-kernels.ts), no WebAssembly, for engines without it.
   */
  kernels?: "wasm" | "js";
}

/**
 * `dsnet compile --target ts`: one standalone module for a network. It depends on nothing: the
 * module carries the parts of dsnet's CPU runtime its network calls (src/runtime, its parts
 * joined) and its WebAssembly kernels (kernels.wat, assembled), and one function per step of the
 * plan with every shape, stride, padding and channel count written as a literal. Batch norm is
 * folded and the weights packed when the model is created; the buffers follow the IR's buffer
 * plan.
 *
 * The text is laid out as prettier would lay it out (layout.ts), without running it.
 */
export async function generateModule(options: GenerateOptions): Promise<string> {
  const { graph } = options;
  const network = new ModuleWriter(options, graph).write();
  const runtime = runtimeFor(options.javascript ? RUNTIME_JAVASCRIPT : RUNTIME_TYPESCRIPT, network);
  // Long base64 strings are spliced in last: nothing else need look at megabytes.
  return [
    header(options),
    "// ---- dsnet's CPU runtime: the parts this network uses (src/runtime/*.ts in dsnet) ----",
    "",
    runtime,
    ...(options.kernels === "js"
      ? []
      : [
          "// ---- dsnet's WebAssembly SIMD kernels (src/runtime/kernels.wat in dsnet, assembled) ----",
          "// Two builds: plain SIMD128, and relaxed SIMD (f32x4.relaxed_madd, a fused multiply-add",
          "// where the CPU has one), which createModel takes where the engine validates it.",
          "",
          `const KERNELS = ${base64Lines(KERNELS_WASM_BASE64)};`,
          "",
          `const KERNELS_RELAXED = ${base64Lines(KERNELS_RELAXED_WASM_BASE64)};`,
          "",
        ]),
    network.replace(WEIGHTS_PLACEHOLDER, () =>
      base64Lines(rawWeightsBase64(graph.tensors.map((t) => t.data))),
    ),
  ].join("\n");
}

/**
 * The declarations of the module `generateModule` writes with `javascript` (model.d.ts beside
 * model.js), so that TypeScript projects can import it.
 */
export function generateDeclarations(options: GenerateOptions): string {
  const { graph } = options;
  const tuple = (shape: readonly number[]) => `readonly [${shape.join(", ")}]`;
  const code = new CodeWriter();
  code.line(
    `// The types of the JavaScript module beside this file: network ${commentText(graph.name)}, compiled by`,
    `// dsnet ${DSNET_VERSION} from ${commentText(options.sourcePath ?? graph.source.file)}. Generated with it: regenerate rather than edit.`,
    "",
    INPUT_SHAPE_DOC,
    `export declare const inputShape: ${tuple(graph.values[graph.input])};`,
    OUTPUT_SHAPE_DOC,
    `export declare const outputShape: ${tuple(graph.values[graph.output])};`,
    WEIGHT_TENSORS_DOC,
    `export declare const weightTensors: ${WEIGHT_TENSORS_TYPE};`,
    "",
    ...MODEL_TYPES,
    "",
  );
  if (options.weightsFile) {
    code.line(
      CREATE_FROM_FILE_DOC,
      "export declare function createModel(safetensors: Uint8Array, options?: ModelOptions): Model;",
    );
  } else {
    code.line(
      CREATE_EMBEDDED_DOC,
      "export declare function createModel(options?: ModelOptions): Model;",
    );
  }
  return code.text();
}

const WEIGHTS_PLACEHOLDER = "@@WEIGHTS@@";

const INPUT_SHAPE_DOC = "/** Height, width and channels of one input sample (NHWC without N). */";
const OUTPUT_SHAPE_DOC = "/** Height, width and channels of one output sample. */";
const WEIGHT_TENSORS_DOC =
  "/** The weight tensors the network has, in order, with their PyTorch-layout shapes. */";
const WEIGHT_TENSORS_TYPE = "ReadonlyArray<readonly [string, readonly number[]]>";
const CREATE_FROM_FILE_DOC =
  "/** A model from the bytes of a safetensors file (PyTorch layouts, names as in weightTensors). */";
/** What createModel of a --weights-file module says when it is given anything but bytes. */
export const NOT_SAFETENSORS_BYTES =
  "createModel takes the safetensors file's bytes first, as a Uint8Array (new Uint8Array(await response.arrayBuffer())), then the options";
const CREATE_EMBEDDED_DOC = "/** A model with the embedded weights. */";

/** What a module exports besides its constants and createModel: in the module and its .d.ts. */
const MODEL_TYPES = [
  "export interface ModelOptions {",
  "  /** Samples per forward pass (default 1). */",
  "  batch?: number;",
  "  /**",
  "   * Threads to run on (default the cores, at most 4): worker threads on one shared memory;",
  "   * one where SharedArrayBuffer is missing (a page without cross-origin isolation), and in a",
  "   * module with no step large enough to share or with plain-loop kernels (--kernels js).",
  "   */",
  "  threads?: number;",
  "}",
  "",
  "export interface Model {",
  "  readonly batch: number;",
  "  readonly threads: number;",
  "  /**",
  "   * The kernels that run: the relaxed-SIMD build where the engine validates it (V8 11.4 and",
  '   * later: Chrome 114, Node 22), else plain SIMD128; "js" for plain-loop kernels (--kernels js).',
  "   * The two builds round some multiply-adds differently (within float32 accuracy).",
  "   */",
  '  readonly kernels: "relaxed-simd" | "simd128" | "js";',
  "  /** Resolves when the worker threads run; forward uses one thread until then. */",
  "  readonly ready: Promise<void>;",
  "  /**",
  "   * Runs the network on batch x H x W x C floats (NHWC). The result is a view into the",
  "   * model's memory, overwritten by the next call: copy it to keep it.",
  "   */",
  "  forward(input: Float32Array): Float32Array;",
  "  /** Ends the worker threads (forward then runs on one thread). */",
  "  close(): void;",
  "}",
];

/**
 * Base64 as a template literal of 100-character lines: decodeBase64 skips the line breaks. One
 * literal, not a chain of `+`: engines parse a chain of thousands recursively and run out of stack.
 */
function base64Lines(base64: string): string {
  const lines = base64.match(/.{1,100}/g) ?? [""];
  return `\`\n${lines.join("\n")}\n\``;
}

/** The tensors' float32 values, little-endian, one after the other, as base64. */
function rawWeightsBase64(weights: Float32Array[]): string {
  const all = new Float32Array(weights.reduce((a, w) => a + w.length, 0));
  let at = 0;
  for (const w of weights) {
    all.set(w, at);
    at += w.length;
  }
  const bytes = Buffer.from(all.buffer);
  if (LITTLE_ENDIAN) return bytes.toString("base64");
  return bytes.swap32().toString("base64");
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The module's header comment: what it is, where it came from, how to use it. */
function header(options: GenerateOptions): string {
  const graph = options.graph;
  const sourcePath = options.sourcePath ?? graph.source.file;
  const params = graph.source.params.map(([k, v]) => `${k} = ${v}`).join(", ");
  const input = graph.values[graph.input].join("x");
  const output = graph.values[graph.output].join("x");
  const mode = options.weightsFile
    ? "taken at load time: createModel(safetensorsBytes) checks and folds them"
    : `embedded (${commentText(options.weightsOrigin)})`;
  return [
    `// Network ${commentText(graph.name)}${params ? ` (${commentText(params)})` : ""}, compiled by dsnet ${DSNET_VERSION} from`,
    `// ${commentText(sourcePath)}`,
    `// Input ${input}, output ${output} per sample (NHWC); ${formatCount(graphMacs(graph))} multiply-adds per sample.`,
    `// Weights: ${mode}.`,
    ...(options.kernels === "js"
      ? ["// Kernels: plain TypeScript loops, one function per step; no WebAssembly."]
      : []),
    "//",
    "// Standalone: no imports, no dsnet runtime. Generated code: regenerate rather than edit" +
      (options.command ? ", with" : "."),
    ...(options.command ? [`//   ${commentText(options.command)}`] : []),
    "//",
    "// Usage:",
    options.weightsFile
      ? "//   const model = createModel(safetensorsBytes, { batch: 1 });"
      : "//   const model = createModel({ batch: 1 });",
    `//   const output = model.forward(input); // Float32Array: batch x ${input} in, batch x ${output} out`,
    "",
  ].join("\n");
}

/** The network's part of a module: its API, then buildModel with one function per step. */
class ModuleWriter {
  private code = new CodeWriter();
  private ts: boolean;
  private steps: StepDescriptor[];
  /** Whether any weight code reads the raw tensors `t`. */
  private readsTensors = false;
  /** Whether buildModel starts threads (some step is worth sharing). */
  private threaded = false;
  /** The steps as plain loops (`kernels: "js"`), or undefined for the WebAssembly kernels. */
  private js: JsKernels | undefined;
  /** Each node's packed weights' addresses (placeWeights), for the loops of `js`. */
  private weightAt: number[][] = [];

  constructor(
    private options: GenerateOptions,
    private graph: Graph,
  ) {
    this.ts = !options.javascript;
    this.steps = planSteps(graph);
    if (options.kernels === "js") this.js = new JsKernels(this.ts);
  }

  /** A type annotation, in TypeScript only. */
  private t(annotation: string): string {
    return this.ts ? annotation : "";
  }

  write(): string {
    // buildModel first: whether its weight code reads the raw tensors decides createModel's.
    this.build();
    const model = this.code;
    this.code = new CodeWriter();
    this.api(this.readsTensors);
    const declarations = this.js?.declarations() ?? [];
    return `${this.code.text()}\n${model.text()}${declarations.length ? `\n${declarations.join("\n")}` : ""}`;
  }

  private api(readsTensors: boolean) {
    const graph = this.graph;
    const code = this.code;
    const shape = (v: number) => `[${graph.values[v].join(", ")}]${this.t(" as const")}`;
    code.line(
      "// ---- the network ----",
      "",
      INPUT_SHAPE_DOC,
      `export const inputShape = ${shape(graph.input)};`,
      OUTPUT_SHAPE_DOC,
      `export const outputShape = ${shape(graph.output)};`,
      WEIGHT_TENSORS_DOC,
    );
    code.statement(`export const weightTensors${this.t(`: ${WEIGHT_TENSORS_TYPE}`)} = `, {
      array: graph.tensors.map((s) => ({
        array: [JSON.stringify(s.name), { array: s.shape.map(String) }],
      })),
    });
    code.line("");
    if (this.ts) code.line(...MODEL_TYPES, "");
    // A network without weights (pools only, say) still checks the file it is given.
    const build = (tensors: string) => {
      if (!readsTensors) code.line(`${tensors};`);
      code.statement("return ", {
        call: "buildModel",
        args: [...(readsTensors ? [tensors] : []), ...this.modelArgs()],
      });
    };
    if (this.options.weightsFile) {
      code.line(CREATE_FROM_FILE_DOC);
      code.open(
        `export function createModel(safetensors${this.t(": Uint8Array")}, options${this.t(": ModelOptions")} = {})${this.t(": Model")} {`,
      );
      // JavaScript callers have no types to stop `createModel({ batch })` or an ArrayBuffer. By
      // its tag, not instanceof: bytes made in another realm (a vm context, Jest's environment,
      // an iframe) are a Uint8Array of another constructor.
      code.open('if (Object.prototype.toString.call(safetensors) !== "[object Uint8Array]") {');
      code.line("throw new TypeError(", `  ${JSON.stringify(NOT_SAFETENSORS_BYTES)},`, ");");
      code.close();
      build("readSafetensorsTensors(safetensors, weightTensors)");
    } else {
      if (readsTensors) code.line(`const WEIGHTS = ${WEIGHTS_PLACEHOLDER};`, "");
      code.line(CREATE_EMBEDDED_DOC);
      code.open(
        `export function createModel(options${this.t(": ModelOptions")} = {})${this.t(": Model")} {`,
      );
      code.statement("return ", {
        call: "buildModel",
        args: [
          ...(readsTensors ? ["splitTensors(decodeBase64(WEIGHTS), weightTensors)"] : []),
          ...this.modelArgs(),
        ],
      });
    }
    code.close();
  }

  /** buildModel's arguments after the tensors. */
  private modelArgs(): string[] {
    return ["options.batch ?? 1", "options.threads"];
  }

  /**
   * One thread's im2col scratch: the floats its steps use and the elements it takes in memory
   * (`threadScratch`: on lines of its own, with a line of slack). A module of plain loops has
   * scratch of its own, which nothing reads past; a module with one thread and no im2col step
   * has none. Read after `threaded` is known.
   */
  private scratchLayout(): { floats: number; stride: number } {
    if (this.js) {
      const floats = roundUp(jsScratchElements(this.steps), LINE_ELEMENTS);
      return { floats, stride: floats };
    }
    const floats = scratchElements(this.steps);
    if (floats === 0 && !this.threaded) return { floats: 0, stride: 0 };
    return { floats, stride: threadScratch(floats) };
  }

  private build() {
    const graph = this.graph;
    const code = this.code;
    const buffers = planBuffers(graph, LINE_ELEMENTS);
    const packed = graph.nodes.map(packNodeWeights);
    const { weightAt, end: weightsEnd } = placeWeights(packed);
    this.weightAt = weightAt;
    // The weight code comes first in the function, but whether it reads `t` decides the signature.
    const weights = new CodeWriter(1);
    graph.nodes.forEach((node, i) => {
      if (packed[i]!.length > 0) this.emitWeights(weights, node, weightAt[i]!);
    });
    const steps = this.steps.map((step) =>
      stepCalls(step, weightAt[step.node]!, this.js ? "js" : "wasm"),
    );
    const usesKernels = steps.some((s) => s.calls.some((c) => c.fn.startsWith("k.")));
    const shared = this.steps.map((step, i) =>
      this.js ? undefined : sharedStepPlan(step, steps[i]!),
    );
    const sharedIndex = new Map<number, number>();
    shared.forEach((plan, i) => {
      if (plan) sharedIndex.set(i, sharedIndex.size);
    });
    this.threaded = sharedIndex.size > 0;
    const tensors = this.readsTensors ? `t${this.t(": Float32Array[]")}, ` : "";
    const threads = `, requestedThreads${this.t("?: number")}`;
    code.open(
      `function buildModel(${tensors}batch${this.t(": number")}${threads})${this.t(": Model")} {`,
    );
    // As the CPU plan and dsnet's --batch take it (backends/errors.ts's checkBatch).
    code.open(`if (!Number.isInteger(batch) || batch < 1 || batch > ${MAX_BATCH}) {`);
    code.line(
      `throw new RangeError(\`batch must be a whole number from 1 to ${MAX_BATCH}, got \${batch}\`);`,
    );
    code.close();
    if (this.threaded) code.line("const threads = threadCount(requestedThreads);");
    else {
      // Nothing here is worth sharing (or the kernels are plain loops): one thread, but a
      // count that could never run is still refused, as a threaded module refuses it.
      // Printed as prettier breaks it.
      code.open("if (");
      code.line(
        "requestedThreads !== undefined &&",
        "(!Number.isInteger(requestedThreads) || requestedThreads < 1)",
      );
      code.close(") {");
      code.line(
        "  throw new RangeError(`threads must be a whole number >= 1, got ${requestedThreads}`);",
        "}",
      );
    }
    const outputSize = valueSize(graph, graph.output);
    const scratch = this.scratchLayout();
    // The memory as the CPU plan lays it out (cpu/memory.ts), for one thread: the module's text
    // has its numbers and multiplies a thread's scratch by the threads, the output by the batch.
    const memory = layOutMemory({
      weightsEnd,
      arenaElements: buffers.arenaElements,
      scratchStride: scratch.stride,
      threads: 1,
      outputElements: 0,
    });
    const scratchText = scratch.floats
      ? `${formatCount(scratch.floats)} of im2col scratch${this.threaded ? " per thread" : ""}, then `
      : "";
    let outputs = "scratch";
    if (this.threaded) outputs = `scratch + threads * ${scratch.stride}`;
    else if (scratch.stride > 0) outputs = `scratch + ${scratch.stride}`;
    code.line(
      "",
      `// Memory, in floats: packed weights from element 16 to ${formatCount(memory.arena)} (a 4 KB page), then the`,
      `// activation arena, planned by liveness (${formatCount(buffers.arenaElements)} floats: one sample's, since a batch runs`,
      `// sample by sample) and a line of slack, then ${scratchText}the batch's outputs.`,
      `const arena = ${memory.arena};`,
      `const scratch = arena + ${memory.scratch - memory.arena};`,
      `const outputs = ${outputs};`,
    );
    if (this.js) code.line(`const m = new Float32Array(outputs + batch * ${outputSize});`);
    else {
      code.line("const kernels = chooseKernels(KERNELS, KERNELS_RELAXED);");
      if (this.threaded) {
        // The module and its memory go to the worker threads too.
        code.statement("const instance = ", {
          call: "instantiateKernels",
          args: ["kernels.base64", `outputs + batch * ${outputSize}`, "threads > 1"],
        });
        code.line("const { kernels: k, memory: m } = instance;");
      } else {
        code.statement(`const { ${usesKernels ? "kernels: k, " : ""}memory: m } = `, {
          call: "instantiateKernels",
          args: ["kernels.base64", `outputs + batch * ${outputSize}`],
        });
      }
    }
    code.line("", "// Weights: batch norm folded, packed for the kernels.");
    code.append(weights);
    code.line("", "// Activations: each value's place in the arena.");
    const names = new Map<number, string>();
    for (const [v, offset] of buffers.offsets.entries()) {
      if (offset < 0) continue;
      const name = `v${v}`;
      names.set(v, name);
      const at = offset ? `arena + ${offset}` : "arena";
      code.line(`const ${name} = ${at}; // ${this.describeValue(v)}`);
    }
    code.line("");
    if (this.threaded) {
      code.line(
        "// The steps the threads share, as data for every thread (dsnet's src/runtime/threads.ts):",
        "// each computes its share of the rows, tiles or output rows, with the kernels' arguments",
        "// for a tile as [at, per pixel p0, per row, per scratch float].",
      );
      const steps = shared.filter((p): p is SharedStepPlan => p !== undefined);
      // One object, not an argument: prettier would hug a lone object argument, which the
      // layout does not.
      code.statement(`const sharing${this.t(": KernelThreadsOptions")} = `, {
        object: [
          ["threads", "threads"],
          ["module", "instance.module"],
          ["wasmMemory", "instance.wasmMemory"],
          ["kernels", "k"],
          ["scratch", "scratch"],
          ["scratchStride", String(scratch.stride)],
          ["steps", { array: steps.map((p) => printSharedStep(p, names)) }],
        ],
      });
      code.line("const workers = startKernelThreads(sharing);");
      code.line("");
    }
    this.steps.forEach((step, i) =>
      this.emitStep(step, i + 1, steps[i]!, names, sharedIndex.get(i)),
    );
    const inputSize = valueSize(graph, graph.input);
    const input = graph.values[graph.input].join("x");
    code.line(
      "// The result: a view made once, overwritten by the next pass.",
      `const output = m.subarray(outputs, outputs + batch * ${outputSize});`,
      "",
    );
    code.open("return {");
    code.line(
      "batch,",
      this.js ? 'kernels: "js",' : "kernels: kernels.variant,",
      ...(this.threaded
        ? ["threads: workers.threads,", "ready: workers.ready,", "close: workers.close,"]
        : ["threads: 1,", "ready: Promise.resolve(),", "close() {},"]),
    );
    code.open(`forward(input${this.t(": Float32Array")})${this.t(": Float32Array")} {`);
    code.open(`if (input.length !== batch * ${inputSize}) {`);
    code.statement("", {
      call: "throw new RangeError",
      args: [
        `\`the input must have \${batch} x ${input} = \${batch * ${inputSize}} values, got \${input.length}\``,
      ],
    });
    code.close();
    const x = names.get(graph.input);
    const output = names.get(graph.output);
    code.line(
      "// Sample by sample: in, the steps, out. A loop copies a sample in where a view of it",
      "// would allocate.",
    );
    code.open("for (let n = 0; n < batch; n++) {");
    code.line(
      `if (batch === 1) m.set(input, ${x});`,
      `else for (let i = 0, from = n * ${inputSize}; i < ${inputSize}; i++) m[${x} + i] = input[from + i]${this.ts ? "!" : ""};`,
    );
    code.line(...this.steps.map((step, i) => `${this.stepName(step, i + 1)}();`));
    code.line(`m.copyWithin(outputs + n * ${outputSize}, ${output}, ${output} + ${outputSize});`);
    code.close();
    code.line("return output;");
    code.close("},");
    code.close("};");
    code.close();
  }

  private describeValue(v: number): string {
    const producer = this.graph.nodes.find((n) => n.output === v);
    const layers = producer ? producer.layers.join(" + ") : "";
    return commentText(`${layers} ${this.graph.values[v].join("x")}`.trim());
  }

  /** Raw tensor `i` (checked to be there when the tensors were read or split). */
  private tensor(i: number): string {
    this.readsTensors = true;
    return `t[${i}]${this.t("!")}`;
  }

  /** How a node's tensors are made from the raw ones (`t[i]`), then packed and placed. */
  private emitWeights(code: CodeWriter, node: Node, offsets: number[]) {
    const bnArgs = (bn: FoldedBatchNorm) => [
      this.tensor(bn.gamma),
      this.tensor(bn.beta),
      this.tensor(bn.mean),
      this.tensor(bn.variance),
      String(bn.eps),
    ];
    const at: Doc = { array: offsets.map(String) };
    code.line(`// ${commentText(node.layers.join(" + "))}`);
    if (node.op === "affine" || node.op === "batchnorm") {
      code.open("{");
      if (node.op === "affine" && !node.tensors) {
        // A `normalize` layer's constants: in the code, since no weights file holds them.
        const floats = (v: Float32Array): Doc => ({
          call: "Float32Array.of",
          args: Array.from(v, String),
        });
        code.statement("const scale = ", floats(node.scale));
        code.statement("const shift = ", floats(node.shift));
      } else {
        code.statement("const { scale, shift } = ", {
          call: "batchNormScaleShift",
          args: bnArgs(node.tensors!),
        });
      }
      code.statement("", { call: "place", args: ["m", at, "[scale, shift]"] });
      code.close();
      return;
    }
    if (node.op !== "conv" && node.op !== "fc") return;
    const { weight, bias, folded } = node.tensors;
    const pack = (w: string, b: string): Doc =>
      node.op === "conv"
        ? {
            call: "packConv",
            args: [w, b, ...packConvShape(node).map(String)],
          }
        : { call: "packFc", args: [w, b, String(node.outFeatures), String(node.inFeatures)] };
    const raw = [this.tensor(weight), bias === null ? "null" : this.tensor(bias)] as const;
    if (folded.length === 0) {
      code.statement("", { call: "place", args: ["m", at, pack(...raw)] });
      return;
    }
    // Every batch norm the IR folded into this layer, in order (`pw -> bn -> bn` folds both).
    code.open("{");
    folded.forEach((bn, i) => {
      const from = i === 0 ? raw : (["w.weight", "w.bias"] as const);
      const head = i > 0 ? "w = " : folded.length > 1 ? "let w = " : "const w = ";
      code.statement(head, { call: "foldBatchNormWeights", args: [...from, ...bnArgs(bn)] });
    });
    code.statement("", { call: "place", args: ["m", at, pack("w.weight", "w.bias")] });
    code.close();
  }

  /**
   * A step as a function. Arguments that are objects or views (a pool's window, an affine's
   * scale) are made once, before it, so that a forward pass allocates nothing.
   */
  private emitStep(
    step: StepDescriptor,
    n: number,
    { tiles, calls }: StepCalls,
    names: Map<number, string>,
    shared?: number,
  ) {
    const code = this.code;
    const print = (call: Call) => {
      const args = call.args.map((arg, i): Doc => {
        if (typeof arg !== "object" || !("fields" in arg || "subarray" in arg))
          return printExpr(arg, names);
        const { name: parameterName, type } = parameter(call.fn, i);
        const name = `step${n}${capitalized(parameterName)}`;
        // An object literal needs the runtime's type: its `kernel: [2, 2]` is a pair, not a list.
        const annotation = "fields" in arg ? this.t(`: ${type}`) : "";
        code.statement(`const ${name}${annotation} = `, printExpr(arg, names));
        return name;
      });
      return { call: call.fn, args };
    };
    // With --kernels js, the kernels' calls become loops (js-kernels.ts); the runtime's stay.
    const name = this.stepName(step, n);
    const value = (v: number) => printName(v, names);
    const w = this.weightAt[step.node]!;
    this.js?.before(step, w, value, name)?.(code);
    const statements = this.js ? this.js.statements(step, { calls }, w, value, name) : calls;
    const body = statements.map((s) => (typeof s === "function" ? s : print(s)));
    code.line(
      `/** ${commentText(step.layers.join(" + "))}: ${this.stepShapes(step)}${step.macs ? `, ${formatCount(step.macs)} MACs per sample` : ""}. */`,
    );
    code.open(`function ${name}()${this.t(": void")} {`);
    if (shared !== undefined) code.line(`if (workers.run(${shared})) return;`);
    if (tiles && !this.js) {
      code.open(`for (let p0 = 0; p0 < ${tiles.pixels}; p0 += ${tiles.rows}) {`);
      code.line(`const rows = Math.min(${tiles.rows}, ${tiles.pixels} - p0);`);
    }
    for (const s of body) {
      if (typeof s === "function") s(code);
      else code.statement("", s);
    }
    if (tiles && !this.js) code.close();
    code.close();
    code.line("");
  }

  /** `step3`; with --kernels js, after its first layer too: `step3_separable1_pw1`. */
  private stepName(step: StepDescriptor, n: number): string {
    return this.js ? stepFunctionName(step, n) : `step${n}`;
  }

  private stepShapes(step: StepDescriptor): string {
    const node = this.graph.nodes[step.node]!;
    const input = node.inputs.map((i) => this.graph.values[i].join("x")).join(" + ");
    const output = this.graph.values[node.output].join("x");
    const what =
      node.op === "conv"
        ? `${node.role} ${node.kernel.join("x")}${node.stride[0] > 1 || node.stride[1] > 1 ? ` s${node.stride.join("x")}` : ""}${
            node.activation.kind !== "none" ? ` + ${node.activation.kind}` : ""
          }`
        : node.op;
    return `${what}, ${input} -> ${output}`;
  }
}

function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The name and type the runtime gives parameter `i` of function `fn` (`window: Window` of `pool`). */
function parameter(fn: string, i: number): { name: string; type: string } {
  const signature = new RegExp(`function ${fn}\\(([^)]*)\\)`).exec(RUNTIME_TYPESCRIPT);
  const [name, type] =
    signature?.[1]!
      .split(",")
      [i]?.split(":")
      .map((s) => s.trim()) ?? [];
  if (!name || !type) throw new Error(`internal: the runtime has no parameter ${i} of ${fn}`);
  return { name, type };
}

/** A step the threads share, as the runtime's SharedStep: its numbers as code. */
function printSharedStep(plan: SharedStepPlan, names: Map<number, string>): Doc {
  const text = (e: Expr) => flat(printExpr(e, names));
  return {
    object: [
      ["split", JSON.stringify(plan.split)],
      ["units", text(plan.units)],
      ["align", String(plan.align)],
      ["pixels", String(plan.pixels)],
      ["tileRows", String(plan.tileRows)],
      [
        "calls",
        {
          array: plan.calls.map(({ fn, args }) => ({
            object: [
              ["fn", JSON.stringify(fn)],
              [
                "args",
                {
                  array: args.map((a) =>
                    isConstant(a) ? text(a.at) : { array: [text(a.at), ...a.by.map(String)] },
                  ),
                },
              ],
            ],
          })),
        },
      ],
    ],
  };
}

/** A value's name in the module (`v3`). */
function printName(value: number, names: Map<number, string>): string {
  const name = names.get(value);
  if (!name) throw new Error(`internal: value ${value} has no buffer`);
  return name;
}

/** An argument as code: values by their names in the module (`v3`), the rest as written. */
function printExpr(e: Expr, names: Map<number, string>): Doc {
  const p = (x: Expr) => printExpr(x, names);
  const text = (x: Expr) => flat(p(x));
  // A sum inside a product needs parentheses; nothing else does.
  const factor = (x: Expr) => (typeof x === "object" && "add" in x ? `(${text(x)})` : text(x));
  if (typeof e === "number" || typeof e === "boolean") return String(e);
  if ("symbol" in e) return e.symbol;
  if ("value" in e) return printName(e.value, names);
  if ("add" in e) return `${text(e.add[0])} + ${text(e.add[1])}`;
  if ("mul" in e) return `${factor(e.mul[0])} * ${factor(e.mul[1])}`;
  if ("fields" in e) return { object: e.fields.map(([k, v]) => [k, p(v)]) };
  if ("list" in e) return { array: e.list.map(p) };
  return { call: "m.subarray", args: [p(e.subarray[0]), p(e.subarray[1])] };
}

/** One line per step of the plan a generated module runs: `dsnet compile --verbose`. */
export function describeModulePlan(graph: Graph): string {
  const rows = planSteps(graph).map((step, i) => {
    const node = graph.nodes[step.node];
    const shapes = `${node.inputs.map((v) => graph.values[v].join("x")).join(" + ")} -> ${graph.values[node.output].join("x")}`;
    return [
      `step${i + 1}`,
      stepKernel(step),
      step.layers.join(" + "),
      shapes,
      step.macs ? `${formatCount(step.macs)} MACs` : "",
    ];
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}
