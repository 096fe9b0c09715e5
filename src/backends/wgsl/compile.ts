import { createHash } from "node:crypto";
import { formatShape, type Shape } from "../../ir/types.js";
import { planBuffers } from "../../ir/buffers.js";
import { checkAddressable, checkBatch } from "../errors.js";
import { foldBatchNorm } from "../../ir/passes.js";
import { nodeMacs, type Graph, type Node } from "../../ir/graph.js";
import { commentText } from "../comment.js";
import { gridOf, vec4s } from "./kernels/common.js";
import type { ArenaTensor, KernelIO } from "./kernels/tensor.js";
import { kernelFor, type WgslStepKind } from "./node-kernels.js";
import { WeightPacker } from "./pack.js";
import { hostDeclarations, hostFileName, hostModule, readme } from "./host.js";
import type { WgslManifest } from "./host-runtime.js";

export interface WgslOptions {
  /** Samples per forward pass; default 1. Offsets and dispatch sizes are baked in for it. */
  batch?: number;
  /** The source file, named in the generated comments. */
  sourceFile?: string;
  /** The network's name in comments and file headers; default the graph's. */
  networkName?: string;
  /** The host as plain JavaScript (host.js) instead of TypeScript (host.ts). */
  javascript?: boolean;
}

export type { WgslStepKind };

/** One compute shader and its dispatch. */
export interface WgslStep {
  /** `NN_<layer>`: the file name without `.wgsl`. */
  name: string;
  kind: WgslStepKind;
  /** The source layers it computes. */
  layers: string[];
  /** Per sample. */
  inputShapes: Shape[];
  outputShape: Shape;
  /** Multiply-adds for the whole batch. */
  macs: number;
  workgroups: [number, number, number];
  /** The shader, its header comment included. */
  code: string;
}

export interface WgslProgram {
  network: string;
  batch: number;
  steps: WgslStep[];
  /** What the host runtime takes; host.ts embeds the same object. */
  manifest: WgslManifest;
  /** The host module: the runtime and the manifest, depending only on WebGPU. */
  host: string;
  /** Its file name: host.ts, or host.js with the `javascript` option. */
  hostFile: string;
  /** With the `javascript` option, host.js's types (host.d.ts). */
  hostDeclarations?: string;
  /** How to use host.ts (README.md). */
  readme: string;
  /** The packed weights (weights.bin). */
  weights: ArrayBuffer;
  /** Bytes of the activation arena, and what one buffer per value would take. */
  arenaBytes: number;
  naiveArenaBytes: number;
  /** One line per step, for `--verbose`. */
  plan: string[];
}

/**
 * Compiles a graph (`compileGraph` with target "wgsl") to WGSL: one compute shader per step with shapes,
 * offsets and filter geometry baked in as constants, the packed weights, and a host module that
 * runs them. Pure: nothing is read or written.
 */
export function compileWgsl(given: Graph, options: WgslOptions = {}): WgslProgram {
  const batch = options.batch ?? 1;
  checkBatch(batch);
  // Batch norms are gone from an optimised graph; any left become folds or affine nodes.
  const graph = given.nodes.some((n) => n.op === "batchnorm") ? foldBatchNorm(given) : given;
  const network = options.networkName ?? graph.name;
  const sourceFile = options.sourceFile ?? graph.source.file;
  const nodes = graph.nodes.filter((n) => n.op !== "input");

  // Plan the arena over the nodes as they run with channels padded to vec4s. A fused separable
  // node is one step, so its input and output never share memory and the depthwise output
  // needs none.
  const buffers = planBuffers({
    ...graph,
    values: graph.values.map(([h, w, c]): Shape => [h, w, vec4s(c) * 4]),
  });
  checkAddressable(buffers.arenaElements * batch * 4, "the activations", batch);
  const tensor = (v: number): ArenaTensor => ({
    offset: (buffers.offsets[v] * batch) / 4,
    shape: graph.values[v],
  });

  const weights = new WeightPacker();
  const digits = Math.max(2, String(nodes.length).length);
  const steps = nodes.map((node, i): WgslStep => {
    const io: KernelIO = { batch, inputs: node.inputs.map(tensor), output: tensor(node.output) };
    const { kind, kernel, what } = kernelFor(node, io, weights);
    const name = `${String(i + 1).padStart(digits, "0")}_${fileName(node)}`;
    const step = {
      name,
      kind,
      layers: node.layers,
      inputShapes: node.inputs.map((v) => graph.values[v]),
      outputShape: graph.values[node.output],
      macs: batch * nodeMacs(graph, node),
      workgroups: gridOf(kernel.workgroups),
    };
    const header = [
      `// dsnet: step ${i + 1} of ${nodes.length} of network ${commentText(network)}, batch ${batch}`,
      `// source: ${commentText(sourceFile)}`,
      `// ${kind}: ${what}`,
      `// layers: ${node.layers.map(commentText).join(", ")}`,
      `// ${step.inputShapes.map(formatShape).join(" + ")} -> ${formatShape(step.outputShape)} per sample${step.macs > 0 ? `; ${formatMacs(step.macs)} multiply-adds` : ""}`,
      `// dispatch: ${step.workgroups.join(" x ")} workgroups`,
    ].join("\n");
    return { ...step, code: `${header}\n\n${kernel.code}` };
  });

  const packed = weights.finish();
  const [ih, iw, ic] = graph.values[graph.input];
  const [oh, ow, oc] = graph.values[graph.output];
  const arenaBytes = buffers.arenaElements * batch * 4;
  const manifest: WgslManifest = {
    network,
    batch,
    arenaBytes,
    weightBytes: packed.byteLength,
    input: { offset: buffers.offsets[graph.input] * batch * 4, shape: [batch, ih, iw, ic] },
    output: { offset: buffers.offsets[graph.output] * batch * 4, shape: [batch, oh, ow, oc] },
    steps: steps.map((s) => ({ name: s.name, workgroups: s.workgroups, code: s.code })),
  };
  const program = {
    network,
    batch,
    steps,
    manifest,
    weights: packed,
    arenaBytes,
    naiveArenaBytes: buffers.naiveElements * batch * 4,
    plan: planListing(steps),
  };
  return {
    ...program,
    host: hostModule(manifest, sourceFile, options.javascript),
    hostFile: hostFileName(options.javascript ?? false),
    hostDeclarations: options.javascript ? hostDeclarations(manifest) : undefined,
    readme: readme(program, sourceFile, options.javascript),
  };
}

function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)}G`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(2)}M`;
  if (macs >= 1e3) return `${(macs / 1e3).toFixed(1)}K`;
  return String(macs);
}

/**
 * A file name from the step's layers: the first layer, and the pointwise one of a fused pair.
 * Layer names can be long (a 300-character label, blocks nested 16 deep); past
 * MAX_FILE_NAME characters the name keeps its start and a hash of the whole, which keeps it
 * distinct and inside what file systems allow (255 bytes).
 */
function fileName(node: Node): string {
  const parts = node.op === "separable" ? [node.depthwise, node.pointwise] : [node];
  const names = parts.map((n) => n.layers[0] ?? n.op);
  const name = names.join("+").replace(/[^A-Za-z0-9_.+-]/g, "_");
  if (name.length <= MAX_FILE_NAME) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${name.slice(0, MAX_FILE_NAME - hash.length - 1)}-${hash}`;
}

const MAX_FILE_NAME = 80;

function planListing(steps: WgslStep[]): string[] {
  const rows = steps.map((s) => [
    s.name,
    s.kind,
    `${s.inputShapes.map(formatShape).join(" + ")} -> ${formatShape(s.outputShape)}`,
    `dispatch ${s.workgroups.join("x")}`,
    s.macs > 0 ? `${formatMacs(s.macs)} MACs` : "",
    s.layers.map(commentText).join(" "),
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
