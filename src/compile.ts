import type { Network } from "./check/network.js";
import { createRunner, type BackendName, type Runner } from "./backends/index.js";
import type { Graph } from "./ir/graph.js";
import { lowerNetwork } from "./ir/lower.js";
import { SEPARABLE_PASS, STANDARD_PASSES, type Pass } from "./ir/passes.js";
import { printGraph } from "./ir/print.js";
import { formatShape } from "./ir/types.js";

/*
 * The one way from a checked network to what a backend receives: lower it to the IR graph and
 * run the passes that backend wants. The CLI, the REPL, bench and the tests all come through
 * here; a backend takes the graph and nothing else.
 */

/** What the graph is for: WGSL has a fused depthwise + pointwise kernel, the CPU runtime not. */
export type GraphTarget = "cpu" | "ts" | "wgsl";

/**
 * What each phase produced, for DSNET_DEBUG: level 1 the shapes after elaboration, 2 the IR
 * after lowering and after each pass, 3 the step plan, 4 the generated code. `text` is only
 * called when the level is shown.
 */
export type Trace = (level: 1 | 2 | 3 | 4, title: string, text: () => string) => void;

export interface GraphOptions {
  /** Default "cpu". */
  target?: GraphTarget;
  /** false: the graph as lowered, no passes at all (tests compare both). Default true. */
  optimize?: boolean;
  /** WGSL only: false keeps depthwise and pointwise apart (to compare the two). Default true. */
  fuseSeparable?: boolean;
  trace?: Trace;
}

/** The passes a target's graph goes through, in order. */
export function passesFor(options: GraphOptions = {}): readonly Pass[] {
  if (options.optimize === false) return [];
  const separable = (options.target ?? "cpu") === "wgsl" && options.fuseSeparable !== false;
  return separable ? [...STANDARD_PASSES, SEPARABLE_PASS] : STANDARD_PASSES;
}

/**
 * The IR graph of a checked network for one backend. `weights` are the network's tensors in
 * `expectedTensors` order (as `loadWeights` and `initialWeights` give them).
 */
export function compileGraph(
  network: Network,
  weights: Float32Array[],
  options: GraphOptions = {},
): Graph {
  const trace = options.trace;
  trace?.(1, `shapes of ${network.name} after elaboration`, () => describeShapes(network));
  let graph = lowerNetwork(network, weights);
  trace?.(2, "IR as lowered", () => printGraph(graph, "lowered"));
  for (const pass of passesFor(options)) {
    graph = pass.run(graph);
    const after = graph;
    trace?.(2, `IR after ${pass.name}`, () => printGraph(after, `after ${pass.name}`));
  }
  return graph;
}

/** A runner for a network on one backend: `compileGraph` for it, then `createRunner`. */
export function compile(
  network: Network,
  weights: Float32Array[],
  options: { backend: BackendName; batch?: number; threads?: number; trace?: Trace },
): Promise<Runner> {
  const target = options.backend === "webgpu" ? "wgsl" : options.backend;
  const graph = compileGraph(network, weights, { target, trace: options.trace });
  return createRunner(options.backend, graph, options.batch ?? 1, { threads: options.threads });
}

/** One line per layer: name, operation, output shape. */
function describeShapes(network: Network): string {
  const rows = network.layers.map((l) => [l.name, l.op, formatShape(l.shape)]);
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return (
    rows.map((r) => `  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`).join("\n") +
    "\n"
  );
}
