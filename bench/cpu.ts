import { availableParallelism, loadavg } from "node:os";
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
 * (`dsnet compile --target ts`), the module of plain TypeScript loops (`--kernels js`),
 * tfjs-backend-cpu and tfjs-backend-wasm (SIMD, one thread), with the same weights, in the same
 * run; then V1 and V2 on 1 and 2 threads.
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
  const generated = (await importGeneratedModule(graph)).createModel({ batch: 1, threads: 1 });
  const ours = Float32Array.from(plan.forward(input));
  const maxDiff = (other: Float32Array) =>
    ours.reduce((d, v, i) => Math.max(d, Math.abs(v - other[i])), 0).toExponential(2);
  console.log(`outputs agree: max |plan - module| = ${maxDiff(generated.forward(input))}`);
  console.log(
    `kernels: the CPU plan runs the ${plan.kernelsVariant} build (relaxed SIMD where the engine has it); the generated module simd128`,
  );
  const loops = (await importGeneratedModule(graph, "js")).createModel({ batch: 1 });
  console.log(`max |plan - --kernels js module| = ${maxDiff(loops.forward(input))}`);

  // Each peer in turn, in rounds interleaved with the plan and the module so that drift in the
  // machine's speed falls on all three alike.
  const results: [string, number][] = [];
  const planTimes: number[] = [];
  const moduleTimes: number[] = [];
  // The --kernels js module runs in tfjs-backend-cpu's rounds: its peer is the plain-JS backend.
  const loopTimes: number[] = [];
  for (const backend of ["cpu", "wasm"] as const) {
    await useTfjs(backend);
    const peer = tfjsModel(graph, 1);
    console.log(`max |plan - tfjs-backend-${backend}| = ${maxDiff(peer.forward(input))}`);
    const peerTimes: number[] = [];
    const rounds = backend === "cpu" ? 7 : 15;
    for (let round = 0; round < rounds; round++) {
      planTimes.push((await measure(() => plan.forward(input), 5, 2)).medianMs);
      moduleTimes.push((await measure(() => generated.forward(input), 5, 2)).medianMs);
      if (backend === "cpu") {
        loopTimes.push((await measure(() => loops.forward(input), 3, 1)).medianMs);
      }
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
  const j = median(loopTimes);
  const tfjsCpu = results.find(([name]) => name === "tfjs-backend-cpu")![1];
  console.log(`--kernels js module:     median ${j.toFixed(2)} ms, ${rate(j)} GFLOP/s`);
  console.log(
    `--kernels js module vs tfjs-backend-cpu: ${(tfjsCpu / j).toFixed(2)}x faster (target: at least 5x); vs the WebAssembly module: ${(j / m).toFixed(2)}x slower`,
  );
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
    describeBench(await benchmark(network, "cpu", { runs: 30, warmup: 5, batch: 1, threads: 1 })),
  );

  await threadBenchmarks();
}

/**
 * MobileNetV1 and V2 1.0/224, batch 1: the CPU plan and the generated module on 1 and 2 threads
 * (src/runtime/threads.ts), in interleaved rounds, with each one's ratio to one thread.
 */
async function threadBenchmarks(): Promise<void> {
  heading("CPU: threads, MobileNetV1 and V2 1.0/224, batch 1");
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}, ${availableParallelism()} cores`,
  );
  for (const file of ["examples/mobilenet_v1.dsnet", "examples/mobilenet_v2.dsnet"]) {
    const network = checkFile(file).networks[0];
    const weights = initialWeights(network).map((t) => t.data);
    const [h, w, c] = network.input;
    const random = new Random(7);
    const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
    const module = await importGeneratedModule(compileGraph(network, weights, { target: "ts" }));
    const graph = compileGraph(network, weights, { target: "cpu" });
    const runners: [string, number, { forward(x: Float32Array): unknown; close(): void }][] = [];
    for (const threads of [1, 2]) {
      const plan = new CpuPlan(graph, { threads });
      await plan.ready;
      runners.push([
        "CPU plan",
        threads,
        { forward: (x) => plan.forward(x), close: () => plan.dispose() },
      ]);
      const model = module.createModel({ batch: 1, threads });
      await model.ready;
      runners.push(["generated module", threads, model]);
    }
    const times = runners.map((): number[] => []);
    for (let round = 0; round < 15; round++) {
      for (const [i, [, , runner]] of runners.entries()) {
        times[i].push(
          (await measure(() => runner.forward(input), 5, round === 0 ? 3 : 1)).medianMs,
        );
      }
    }
    const medians = times.map(median);
    for (const [i, [name, threads, runner]] of runners.entries()) {
      const one = medians[runners.findIndex(([n, t]) => n === name && t === 1)];
      console.log(
        `${network.name} ${name}, ${threads} thread${threads > 1 ? "s" : ""}: median ${medians[i].toFixed(2)} ms, ${(one / medians[i]).toFixed(2)}x one thread`,
      );
      runner.close();
    }
  }
}
