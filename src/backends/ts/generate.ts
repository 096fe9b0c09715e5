import { commentText } from "../comment.js";
import { planBuffers } from "../../ir/buffers.js";
import {
  graphMacs,
  isDepthwise,
  valueSize,
  type FoldedBatchNorm,
  type Graph,
  type Node,
} from "../../ir/graph.js";
import { formatCount } from "../../ir/types.js";
import { KERNELS_WASM_BASE64 } from "../../runtime/kernels.generated.js";
import { RUNTIME_JAVASCRIPT, RUNTIME_TYPESCRIPT } from "../../runtime/source.generated.js";
import { stepCalls, type Call, type Expr } from "../cpu/calls.js";
import {
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
}

/**
 * `dsnet compile --target ts`: one standalone module for a network. It depends on nothing: the
 * module carries dsnet's CPU runtime (src/runtime, its parts joined) and its WebAssembly
 * kernels (kernels.wat, assembled), and one function per step of the plan with every shape,
 * stride, padding and channel count written as a literal. Batch norm is folded and the weights
 * packed when the model is created; the buffers follow the IR's buffer plan.
 *
 * Returns the module's text, formatted with prettier.
 */
export async function generateModule(options: GenerateOptions): Promise<string> {
  const { graph } = options;
  const writer = new ModuleWriter(options, graph);
  const code = writer.write();
  const prettier = await import("prettier");
  const formatted = await prettier.format(code, {
    parser: options.javascript ? "babel" : "typescript",
    printWidth: 100,
  });
  // Long base64 strings are spliced in after formatting: prettier need not look at megabytes.
  return formatted
    .replace(`"${KERNELS_PLACEHOLDER}"`, () => base64Lines(KERNELS_WASM_BASE64))
    .replace(`"${WEIGHTS_PLACEHOLDER}"`, () =>
      base64Lines(rawWeightsBase64(graph.tensors.map((t) => t.data))),
    );
}

const KERNELS_PLACEHOLDER = "@@KERNELS@@";
const WEIGHTS_PLACEHOLDER = "@@WEIGHTS@@";

/**
 * Base64 as a template literal of 100-character lines: decodeBase64 skips the line breaks. One
 * literal, not a chain of `+`: engines parse a chain of thousands recursively and run out of stack.
 */
function base64Lines(base64: string): string {
  const lines = base64.match(/.{1,100}/g) ?? [""];
  return `\`\n${lines.join("\n")}\n\``;
}

function rawWeightsBase64(weights: Float32Array[]): string {
  const total = weights.reduce((a, w) => a + w.length, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of weights)
    for (let i = 0; i < w.length; i++, at += 4) view.setFloat32(at, w[i], true);
  return Buffer.from(bytes).toString("base64");
}

class ModuleWriter {
  private lines: string[] = [];
  private ts: boolean;
  private steps: StepDescriptor[];

  constructor(
    private options: GenerateOptions,
    private graph: Graph,
  ) {
    this.ts = !options.javascript;
    this.steps = planSteps(graph);
  }

  /** A type annotation, in TypeScript only. */
  private t(annotation: string): string {
    return this.ts ? annotation : "";
  }

  private emit(...lines: string[]) {
    this.lines.push(...lines);
  }

  write(): string {
    this.header();
    this.emit(
      "// ---- dsnet's CPU runtime (src/runtime/*.ts in dsnet, joined unchanged by tools/build-runtime.ts) ----",
      "",
    );
    this.emit(this.ts ? RUNTIME_TYPESCRIPT : RUNTIME_JAVASCRIPT, "");
    this.emit(
      "// ---- dsnet's WebAssembly SIMD kernels (src/runtime/kernels.wat in dsnet, assembled) ----",
      "",
      `const KERNELS = "${KERNELS_PLACEHOLDER}";`,
      "",
    );
    this.api();
    this.build();
    return this.lines.join("\n") + "\n";
  }

  private header() {
    const graph = this.graph;
    const sourcePath = this.options.sourcePath ?? graph.source.file;
    const params = graph.source.params.map(([k, v]) => `${k} = ${v}`).join(", ");
    const input = graph.values[graph.input].join("x");
    const output = graph.values[graph.output].join("x");
    const mode = this.options.weightsFile
      ? "taken at load time: createModel(safetensorsBytes) checks and folds them"
      : `embedded (${commentText(this.options.weightsOrigin)})`;
    this.emit(
      `// Network ${commentText(graph.name)}${params ? ` (${commentText(params)})` : ""}, compiled by dsnet ${DSNET_VERSION} from`,
      `// ${commentText(sourcePath)}`,
      `// Input ${input}, output ${output} per sample (NHWC); ${formatCount(graphMacs(graph))} multiply-adds per sample.`,
      `// Weights: ${mode}.`,
      "//",
      "// Standalone: no imports, no dsnet runtime. Generated code: regenerate rather than edit" +
        (this.options.command ? ", with" : "."),
      ...(this.options.command ? [`//   ${commentText(this.options.command)}`] : []),
      "//",
      "// Usage:",
      this.options.weightsFile
        ? "//   const model = createModel(safetensorsBytes, { batch: 1 });"
        : "//   const model = createModel({ batch: 1 });",
      `//   const output = model.forward(input); // Float32Array: batch x ${input} in, batch x ${output} out`,
      "",
    );
  }

  private api() {
    const graph = this.graph;
    const out = graph.values[graph.output];
    const tensors = graph.tensors.map(
      (s) => `  [${JSON.stringify(s.name)}, [${s.shape.join(", ")}]],`,
    );
    this.emit(
      "// ---- the network ----",
      "",
      "/** Height, width and channels of one input sample (NHWC without N). */",
      `export const inputShape = [${graph.values[graph.input].join(", ")}]${this.t(" as const")};`,
      "/** Height, width and channels of one output sample. */",
      `export const outputShape = [${out.join(", ")}]${this.t(" as const")};`,
      "/** The weight tensors the network has, in order, with their PyTorch-layout shapes. */",
      `export const weightTensors${this.t(": ReadonlyArray<readonly [string, readonly number[]]>")} = [`,
      ...tensors,
      "];",
      "",
    );
    if (this.ts) {
      this.emit(
        "export interface ModelOptions {",
        "  /** Samples per forward pass (default 1). */",
        "  batch?: number;",
        "}",
        "",
        "export interface Model {",
        "  readonly batch: number;",
        "  /**",
        "   * Runs the network on batch x H x W x C floats (NHWC). The result is a view into the",
        "   * model's memory, overwritten by the next call: copy it to keep it.",
        "   */",
        "  forward(input: Float32Array): Float32Array;",
        "}",
        "",
      );
    }
    if (this.options.weightsFile) {
      this.emit(
        "/** A model from the bytes of a safetensors file (PyTorch layouts, names as in weightTensors). */",
        `export function createModel(safetensors${this.t(": Uint8Array")}, options${this.t(": ModelOptions")} = {})${this.t(": Model")} {`,
        "  return buildModel(readSafetensorsTensors(safetensors, weightTensors), options.batch ?? 1);",
        "}",
        "",
      );
    } else {
      this.emit(
        `const WEIGHTS = "${WEIGHTS_PLACEHOLDER}";`,
        "",
        "/** A model with the embedded weights. */",
        `export function createModel(options${this.t(": ModelOptions")} = {})${this.t(": Model")} {`,
        "  return buildModel(splitTensors(decodeBase64(WEIGHTS), weightTensors), options.batch ?? 1);",
        "}",
        "",
      );
    }
  }

  private build() {
    const graph = this.graph;
    const buffers = planBuffers(graph);
    const packed = graph.nodes.map(packNodeWeights);
    const { weightAt, end: arena } = placeWeights(packed);
    const scratch = scratchElements(this.steps);
    this.emit(
      `function buildModel(t${this.t(": Float32Array[]")}, batch${this.t(": number")})${this.t(": Model")} {`,
      "if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a whole number >= 1, got ${batch}`);",
      "",
      `// Memory, in floats: ${formatCount(arena - 4)} of packed weights from element 4, then the`,
      `// activation arena (${formatCount(buffers.arenaElements)} per sample, planned by liveness), then`,
      `// ${formatCount(scratch)} of im2col scratch.`,
      `const arena = ${arena};`,
      `const scratch = arena + batch * ${buffers.arenaElements} + 4;`,
      `const { kernels: k, memory: m } = instantiateKernels(KERNELS, scratch + ${scratch + 4});`,
      "",
      "// Weights: batch norm folded, packed for the kernels.",
    );
    graph.nodes.forEach((node, i) => {
      if (packed[i].length > 0) this.emitWeights(node, weightAt[i]);
    });
    this.emit("", "// Activations: each value's offset in the arena, per sample times the batch.");
    const names = new Map<number, string>();
    for (const [v, offset] of buffers.offsets.entries()) {
      if (offset < 0) continue;
      const name = `v${v}`;
      names.set(v, name);
      this.emit(`const ${name} = arena + batch * ${offset}; // ${this.describeValue(v)}`);
    }
    this.emit("");
    this.steps.forEach((step, i) => this.emitStep(step, i + 1, names, weightAt[step.node]));
    const inputSize = valueSize(graph, graph.input);
    const outputSize = valueSize(graph, graph.output);
    this.emit(
      "return {",
      "batch,",
      `forward(input${this.t(": Float32Array")})${this.t(": Float32Array")} {`,
      `if (input.length !== batch * ${inputSize}) {`,
      `throw new RangeError(\`the input must have \${batch} x ${graph.values[graph.input].join("x")} = \${batch * ${inputSize}} values, got \${input.length}\`);`,
      "}",
      `m.set(input, ${names.get(graph.input)});`,
      ...this.steps.map((_, i) => `step${i + 1}();`),
      `return m.subarray(${names.get(graph.output)}, ${names.get(graph.output)} + batch * ${outputSize});`,
      "},",
      "};",
      "}",
    );
  }

  private describeValue(v: number): string {
    const producer = this.graph.nodes.find((n) => n.output === v);
    const layers = producer ? producer.layers.join(" + ") : "";
    return commentText(`${layers} ${this.graph.values[v].join("x")}`.trim());
  }

  /** How a node's tensors are made from the raw ones (`t[i]`), then packed and placed. */
  private emitWeights(node: Node, offsets: number[]) {
    const bnArgs = (bn: FoldedBatchNorm) =>
      `t[${bn.gamma}], t[${bn.beta}], t[${bn.mean}], t[${bn.variance}], ${bn.eps}`;
    const at = `[${offsets.join(", ")}]`;
    this.emit(`// ${commentText(node.layers.join(" + "))}`);
    if (node.op === "affine" || node.op === "batchnorm") {
      this.emit(
        `{ const s = batchNormScaleShift(${bnArgs(node.tensors)}); place(m, ${at}, [s.scale, s.shift]); }`,
      );
      return;
    }
    if (node.op !== "conv" && node.op !== "fc") return;
    const { weight, bias, folded } = node.tensors;
    // Every batch norm the IR folded into this layer, in order (`pw -> bn -> bn` folds both).
    const folds = folded.map((bn) => `w = foldBatchNormWeights(w.weight, w.bias, ${bnArgs(bn)});`);
    const pack =
      node.op === "conv"
        ? `packConv(w.weight, w.bias, ${node.outChannels}, ${node.inChannels}, ${node.kernel[0]}, ${node.kernel[1]}, ${node.groups}, ${isDepthwise(node)})`
        : `packFc(w.weight, w.bias, ${node.outFeatures}, ${node.inFeatures})`;
    const type = this.t(": { weight: Float32Array; bias: Float32Array | null }");
    this.emit(
      "{",
      `${folds.length ? "let" : "const"} w${type} = { weight: t[${weight}], bias: ${bias === null ? "null" : `t[${bias}]`} };`,
      ...folds,
      `place(m, ${at}, ${pack});`,
      "}",
    );
  }

  private emitStep(step: StepDescriptor, n: number, names: Map<number, string>, w: number[]) {
    const shapes = this.stepShapes(step);
    this.emit(
      `/** ${commentText(step.layers.join(" + "))}: ${shapes}${step.macs ? `, ${formatCount(step.macs)} MACs per sample` : ""}. */`,
      `function step${n}()${this.t(": void")} {`,
    );
    const { tiles, calls } = stepCalls(step, w);
    const print = (call: Call) =>
      `${call.fn}(${call.args.map((a) => printExpr(a, names)).join(", ")});`;
    if (tiles) {
      this.emit(
        "for (let n = 0; n < batch; n++) {",
        `for (let p0 = 0; p0 < ${tiles.pixels}; p0 += ${tiles.rows}) {`,
        `const rows = Math.min(${tiles.rows}, ${tiles.pixels} - p0);`,
        ...calls.map(print),
        "}",
        "}",
      );
    } else {
      this.emit(...calls.map(print));
    }
    this.emit("}", "");
  }

  private stepShapes(step: StepDescriptor): string {
    const node = this.graph.nodes[step.node];
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

/** An argument as code: values by their names in the module (`v3`), the rest as written. */
function printExpr(e: Expr, names: Map<number, string>): string {
  const p = (x: Expr) => printExpr(x, names);
  // A sum inside a product needs parentheses; nothing else does.
  const factor = (x: Expr) => (typeof x === "object" && "add" in x ? `(${p(x)})` : p(x));
  if (typeof e === "number" || typeof e === "boolean") return String(e);
  if ("symbol" in e) return e.symbol;
  if ("value" in e) {
    const name = names.get(e.value);
    if (!name) throw new Error(`internal: value ${e.value} has no buffer`);
    return name;
  }
  if ("add" in e) return `${p(e.add[0])} + ${p(e.add[1])}`;
  if ("mul" in e) return `${factor(e.mul[0])} * ${factor(e.mul[1])}`;
  if ("fields" in e) return `{ ${e.fields.map(([k, v]) => `${k}: ${p(v)}`).join(", ")} }`;
  if ("list" in e) return `[${e.list.map(p).join(", ")}]`;
  return `m.subarray(${p(e.subarray[0])}, ${p(e.subarray[1])})`;
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
