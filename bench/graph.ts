import { CpuPlan } from "../src/backends/cpu/plan.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import { graphMacs } from "../src/ir/graph.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { heading, measure, median } from "./stats.js";
import { tfjsModel, useTfjs } from "./tfjs.js";

/** The graph networks in the benchmarks: a file and the network in it, at its defaults. */
export const GRAPH_NETWORKS = [
  { file: "examples/mobilenet_v3.dsnet", network: "mobilenet_v3_large" },
  { file: "examples/efficientnet.dsnet", network: "efficientnet_b0" },
];

/**
 * The graph networks at 224, batch 1, one thread: the CPU plan against tfjs-backend-wasm
 * running the same optimised graph (same weights, squeeze-and-excitation as tf.mul), in
 * interleaved rounds so drift in the machine's speed falls on both alike.
 */
export async function graphBenchmarks(): Promise<void> {
  await useTfjs("wasm");
  for (const { file, network: name } of GRAPH_NETWORKS) {
    heading(`CPU: ${name} 224, batch 1, one thread`);
    const network = checkFile(file, { network: name }).networks[0];
    const graph = compileGraph(
      network,
      initialWeights(network).map((t) => t.data),
      { target: "cpu" },
    );
    const [h, w, c] = network.input;
    const random = new Random(11);
    const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
    const plan = new CpuPlan(graph);
    const peer = tfjsModel(graph, 1);
    const ours = Float32Array.from(plan.forward(input));
    const theirs = peer.forward(input);
    const diff = ours.reduce((d, v, i) => Math.max(d, Math.abs(v - theirs[i])), 0);
    console.log(`max |plan - tfjs-backend-wasm| = ${diff.toExponential(2)}`);
    const planTimes: number[] = [];
    const peerTimes: number[] = [];
    for (let round = 0; round < 15; round++) {
      planTimes.push((await measure(() => plan.forward(input), 5, round === 0 ? 3 : 1)).medianMs);
      peerTimes.push((await measure(() => peer.forward(input), 5, round === 0 ? 3 : 1)).medianMs);
    }
    peer.dispose();
    const [p, t] = [median(planTimes), median(peerTimes)];
    const rate = (ms: number) => ((2 * graphMacs(graph)) / (ms * 1e6)).toFixed(1);
    console.log(`dsnet CPU plan:      median ${p.toFixed(2)} ms, ${rate(p)} GFLOP/s`);
    console.log(`tfjs-backend-wasm:   median ${t.toFixed(2)} ms, ${rate(t)} GFLOP/s`);
    console.log(`ratio: dsnet is ${(t / p).toFixed(2)}x the speed of tfjs-backend-wasm`);
  }
}
