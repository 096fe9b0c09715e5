import { CpuPlan } from "../src/backends/cpu/plan.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import { benchmark, describeBench } from "../src/cli/run.js";
import { checkFile } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";
import { compileGraph } from "../src/compile.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { heading, measure, median } from "./stats.js";
import { tfjsModel, useTfjs } from "./tfjs.js";

/**
 * MobileNetV1 1.0/224, batch 1, one thread: the CPU plan, the generated TypeScript module
 * (`dsnet compile --target ts`), tfjs-backend-cpu and tfjs-backend-wasm (SIMD, one thread), with
 * the same weights, in the same run.
 */
export async function cpuBenchmarks(): Promise<void> {
  heading("CPU: MobileNetV1 1.0/224, batch 1, one thread");
  const network = checkFile("examples/mobilenet_v1.dsnet").networks[0];
  const weights = initialWeights(network).map((t) => t.data);
  const graph = compileGraph(network, weights, { target: "cpu" });
  const [h, w, c] = network.input;
  const random = new Random(7);
  const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
  const macs = summarize(network).totals.macs;
  const rate = (ms: number) => ((2 * macs) / (ms * 1e6)).toFixed(1);

  const plan = new CpuPlan(graph);
  const generated = (await importGeneratedModule(graph)).createModel({ batch: 1 });
  const ours = Float32Array.from(plan.forward(input));
  const maxDiff = (other: Float32Array) =>
    ours.reduce((d, v, i) => Math.max(d, Math.abs(v - other[i])), 0).toExponential(2);
  console.log(`outputs agree: max |plan - module| = ${maxDiff(generated.forward(input))}`);

  // Each peer in turn, in rounds interleaved with the plan and the module so that drift in the
  // machine's speed falls on all three alike.
  const results: [string, number][] = [];
  const planTimes: number[] = [];
  const moduleTimes: number[] = [];
  for (const backend of ["cpu", "wasm"] as const) {
    await useTfjs(backend);
    const peer = tfjsModel(graph, 1);
    console.log(`max |plan - tfjs-backend-${backend}| = ${maxDiff(peer.forward(input))}`);
    const peerTimes: number[] = [];
    const rounds = backend === "cpu" ? 7 : 15;
    for (let round = 0; round < rounds; round++) {
      planTimes.push((await measure(() => plan.forward(input), 5, 2)).medianMs);
      moduleTimes.push((await measure(() => generated.forward(input), 5, 2)).medianMs);
      const runs = backend === "cpu" ? 1 : 5;
      peerTimes.push(
        (await measure(() => peer.forward(input), runs, round === 0 ? 2 : 1)).medianMs,
      );
    }
    peer.dispose();
    results.push([`tfjs-backend-${backend}`, median(peerTimes)]);
  }
  const [p, m] = [median(planTimes), median(moduleTimes)];
  console.log(`dsnet CPU plan:          median ${p.toFixed(2)} ms, ${rate(p)} GFLOP/s`);
  console.log(`dsnet generated module:  median ${m.toFixed(2)} ms, ${rate(m)} GFLOP/s`);
  for (const [name, t] of results) {
    console.log(`${(name + ":").padEnd(24)} median ${t.toFixed(2)} ms, ${rate(t)} GFLOP/s`);
  }
  for (const [name, t] of results) {
    console.log(
      `CPU plan vs ${name}: ${(t / p).toFixed(2)}x faster; generated module: ${(t / m).toFixed(2)}x`,
    );
  }
  console.log("(target: at least 5x faster than tfjs-backend-cpu)");
  console.log(
    `generated module vs CPU plan: ${(p / m).toFixed(2)}x the plan's speed (target: no slower)`,
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
