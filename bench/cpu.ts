import { CpuPlan } from "../src/backends/cpu/plan.js";
import { checkFile } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { optimize } from "../src/ir/passes.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { benchmark, describeBench } from "../src/cli/run.js";
import { heading, measure } from "./stats.js";
import { tfjsModel, useTfjsCpu } from "./tfjs.js";

/** MobileNetV1 1.0/224, batch 1: the CPU plan against tfjs-backend-cpu, same weights. */
export async function cpuBenchmarks(): Promise<void> {
  heading("CPU: MobileNetV1 1.0/224, batch 1, one thread");
  const network = checkFile("examples/mobilenet_v1.dsnet").networks[0];
  const graph = optimize(
    lowerNetwork(
      network,
      initialWeights(network).map((t) => t.data),
    ),
  );
  const [h, w, c] = network.input;
  const random = new Random(7);
  const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
  const macs = summarize(network).totals.macs;

  const plan = new CpuPlan(graph);
  await useTfjsCpu();
  const peer = tfjsModel(graph, 1);

  // Same function: the peer's output agrees with the plan's before anything is timed.
  const ours = Float32Array.from(plan.forward(input));
  const theirs = peer.forward(input);
  let diff = 0;
  for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
  console.log(`outputs agree: max |dsnet - tfjs| = ${diff.toExponential(2)}`);

  const dsnet = await measure(() => plan.forward(input), 30, 5);
  const tfjs = await measure(() => peer.forward(input), 7, 2);
  peer.dispose();
  const rate = (ms: number) => ((2 * macs) / (ms * 1e6)).toFixed(1);
  console.log(
    `dsnet CPU plan:       median ${dsnet.medianMs.toFixed(2)} ms (min ${dsnet.minMs.toFixed(2)}), ${rate(dsnet.medianMs)} GFLOP/s`,
  );
  console.log(
    `tfjs-backend-cpu:     median ${tfjs.medianMs.toFixed(2)} ms (min ${tfjs.minMs.toFixed(2)}), ${rate(tfjs.medianMs)} GFLOP/s`,
  );
  console.log(
    `ratio: dsnet is ${(tfjs.medianMs / dsnet.medianMs).toFixed(1)}x faster (target: at least 5x)`,
  );
  const planMemory = plan.buffers;
  console.log(
    `activation memory: planned peak ${((planMemory.arenaElements * 4) / 2 ** 20).toFixed(2)} MiB vs naive ${((planMemory.naiveElements * 4) / 2 ** 20).toFixed(2)} MiB (${((100 * planMemory.arenaElements) / planMemory.naiveElements).toFixed(0)}%)`,
  );

  heading("CPU plan by layer type (each step timed on its own)");
  process.stdout.write(
    describeBench(await benchmark(network, "cpu", { runs: 30, warmup: 5, batch: 1 })),
  );
}
