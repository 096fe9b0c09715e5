import { CpuPlan } from "../src/backends/cpu/plan.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import { benchmark, describeBench } from "../src/cli/run.js";
import { checkFile } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";
import { lowerNetwork } from "../src/ir/lower.js";
import { optimize } from "../src/ir/passes.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { heading, measure } from "./stats.js";
import { tfjsModel, useTfjsCpu } from "./tfjs.js";

/**
 * MobileNetV1 1.0/224, batch 1, one thread: the CPU plan, the generated TypeScript module
 * (`dsnet compile --target ts`) and tfjs-backend-cpu, with the same weights, in the same run.
 */
export async function cpuBenchmarks(): Promise<void> {
  heading("CPU: MobileNetV1 1.0/224, batch 1, one thread");
  const network = checkFile("examples/mobilenet_v1.dsnet").networks[0];
  const weights = initialWeights(network).map((t) => t.data);
  const graph = optimize(lowerNetwork(network, weights));
  const [h, w, c] = network.input;
  const random = new Random(7);
  const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
  const macs = summarize(network).totals.macs;

  const plan = new CpuPlan(graph);
  const generated = (await importGeneratedModule(network, weights)).createModel({ batch: 1 });
  await useTfjsCpu();
  const peer = tfjsModel(graph, 1);

  // The same function: every output agrees with the plan's before anything is timed.
  const ours = Float32Array.from(plan.forward(input));
  const maxDiff = (other: Float32Array) =>
    ours.reduce((d, v, i) => Math.max(d, Math.abs(v - other[i])), 0).toExponential(2);
  console.log(
    `outputs agree: max |plan - module| = ${maxDiff(generated.forward(input))}, max |plan - tfjs| = ${maxDiff(peer.forward(input))}`,
  );

  // Interleaved rounds, so drift in the machine's speed falls on all three alike.
  const samples = { plan: [] as number[], module: [] as number[], tfjs: [] as number[] };
  for (let round = 0; round < 7; round++) {
    samples.plan.push((await measure(() => plan.forward(input), 5, 2)).medianMs);
    samples.module.push((await measure(() => generated.forward(input), 5, 2)).medianMs);
    samples.tfjs.push((await measure(() => peer.forward(input), 1, round === 0 ? 1 : 0)).medianMs);
  }
  peer.dispose();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rate = (ms: number) => ((2 * macs) / (ms * 1e6)).toFixed(1);
  const [p, m, t] = [median(samples.plan), median(samples.module), median(samples.tfjs)];
  console.log(`dsnet CPU plan:          median ${p.toFixed(2)} ms, ${rate(p)} GFLOP/s`);
  console.log(`dsnet generated module:  median ${m.toFixed(2)} ms, ${rate(m)} GFLOP/s`);
  console.log(`tfjs-backend-cpu:        median ${t.toFixed(1)} ms, ${rate(t)} GFLOP/s`);
  console.log(
    `CPU plan vs tfjs-backend-cpu:         ${(t / p).toFixed(1)}x faster (target: at least 5x)`,
  );
  console.log(
    `generated module vs tfjs-backend-cpu: ${(t / m).toFixed(1)}x faster (target: at least 5x)`,
  );
  console.log(
    `generated module vs CPU plan:         ${(p / m).toFixed(2)}x the plan's speed (target: no slower)`,
  );
  const buffers = plan.buffers;
  const mib = (elements: number) => ((elements * 4) / 2 ** 20).toFixed(2);
  console.log(
    `activation memory: planned peak ${mib(buffers.arenaElements)} MiB vs naive ${mib(buffers.naiveElements)} MiB (${(
      (100 * buffers.arenaElements) /
      buffers.naiveElements
    ).toFixed(0)}%)`,
  );

  heading("CPU plan by layer type (each step timed on its own)");
  process.stdout.write(
    describeBench(await benchmark(network, "cpu", { runs: 30, warmup: 5, batch: 1 })),
  );
}
