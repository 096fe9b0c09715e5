import { availableParallelism } from "node:os";
import { CpuPlan } from "../src/backends/cpu/plan.js";
import { importGeneratedModule } from "../src/backends/ts/load.js";
import { benchmark, describeBench } from "../src/cli/run.js";
import { checkFile } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";
import { compileGraph } from "../src/compile.js";
import type { Network } from "../src/check/network.js";
import { graphMacs } from "../src/ir/graph.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { GRAPH_NETWORKS } from "./graph.js";
import { checkAgainst, ortNodePeer, ortWebPeer } from "./onnxruntime.js";
import { heading, loadAverage, measure, median, pairedRatio } from "./stats.js";
import { tfjsModel, useTfjs } from "./tfjs.js";

/**
 * MobileNetV1 1.0/224, batch 1, one thread: the CPU plan, the generated TypeScript module
 * (`dsnet compile --target ts`), the module of plain TypeScript loops (`--kernels js`),
 * tfjs-backend-cpu and tfjs-backend-wasm (SIMD, one thread), with the same weights, in the same
 * run; then each kind of step on its own, and V1 at batch 8.
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
    `kernels: the CPU plan runs the ${plan.kernelsVariant} build, the generated module the ${generated.kernels} (relaxed SIMD where the engine has it)`,
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

  await batchBenchmarks(network);
}

/**
 * MobileNetV1 1.0/224 at batch 8 on 1 and 2 threads: images per second, and each kind of
 * step's GFLOP/s against batch 1.
 */
async function batchBenchmarks(network: Network): Promise<void> {
  heading("CPU plan: MobileNetV1 1.0/224, batch 8, throughput");
  const one = await benchmark(network, "cpu", { runs: 15, warmup: 3, batch: 1, threads: 1 });
  for (const threads of [1, 2]) {
    const r = await benchmark(network, "cpu", { runs: 10, warmup: 2, batch: 8, threads });
    console.log(
      `batch 8, ${threads} thread${threads > 1 ? "s" : ""}: median ${r.medianMs.toFixed(1)} ms, ${((8 * 1000) / r.medianMs).toFixed(1)} images/s, ${r.gflops.toFixed(1)} GFLOP/s (batch 1, one thread: ${(1000 / one.medianMs).toFixed(1)} images/s)`,
    );
    if (threads > 1) continue;
    for (const [kind, t] of Object.entries(r.perKind ?? {})) {
      if (!t.macs) continue;
      console.log(
        `  ${kind.padEnd(10)} ${one.perKind![kind].gflops.toFixed(1).padStart(5)} GFLOP/s at batch 1, ${t.gflops.toFixed(1).padStart(5)} at batch 8`,
      );
    }
  }
}

/** The networks of the peer table: the two MobileNets, then the graph networks. */
export const TABLE_NETWORKS = [
  { file: "examples/mobilenet_v1.dsnet", network: "mobilenet_v1" },
  { file: "examples/mobilenet_v2.dsnet", network: "mobilenet_v2" },
  ...GRAPH_NETWORKS,
];

/** A column of the peer table: something to time on the table's input. */
interface Column {
  name: string;
  time(runs: number, warmup: number): Promise<number>;
  close(): void;
}

/**
 * Each network at 224, batch 1: the CPU plan and the generated module on 1 and 2 threads
 * (src/runtime/threads.ts), tfjs-backend-wasm on one, onnxruntime-web's wasm backend and
 * onnxruntime-node on 1 and 2, in interleaved rounds; then the ratios the targets name.
 */
export async function peerBenchmarks(): Promise<void> {
  heading("CPU: threads and peers, batch 1");
  const load = () => loadAverage(", ");
  console.log(`load average at the start: ${load()}, ${availableParallelism()} cores`);
  await useTfjs("wasm");
  const rows: {
    name: string;
    kernels: string;
    gflop: number;
    ms: Map<string, number>;
    /** Each column's time in each round: for the ratios within a round. */
    rounds: Map<string, number[]>;
  }[] = [];
  for (const { file, network: name } of TABLE_NETWORKS) {
    const network = checkFile(file, { network: name }).networks[0];
    const weights = initialWeights(network).map((t) => t.data);
    const [h, w, c] = network.input;
    const random = new Random(7);
    const input = Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
    const module = await importGeneratedModule(compileGraph(network, weights, { target: "ts" }));
    const graph = compileGraph(network, weights, { target: "cpu" });
    const reference = Float32Array.from(new CpuPlan(graph).forward(input));
    const columns: Column[] = [];
    const timed = (
      name: string,
      forward: () => unknown,
      close: () => void,
      output: Float32Array,
    ) => {
      checkAgainst(reference, output, `${network.name} ${name}`);
      columns.push({
        name,
        time: async (runs, warmup) => (await measure(forward, runs, warmup)).medianMs,
        close,
      });
    };
    let kernels = "";
    for (const threads of [1, 2]) {
      const plan = new CpuPlan(graph, { threads });
      await plan.ready;
      kernels = plan.kernelsVariant;
      timed(
        `dsnet ${threads}T`,
        () => plan.forward(input),
        () => plan.dispose(),
        plan.forward(input),
      );
      const model = module.createModel({ batch: 1, threads });
      await model.ready;
      timed(
        `module ${threads}T`,
        () => model.forward(input),
        () => model.close(),
        Float32Array.from(model.forward(input)),
      );
    }
    const tfjs = tfjsModel(graph, 1);
    timed(
      "tfjs-wasm 1T",
      () => tfjs.forward(input),
      () => tfjs.dispose(),
      tfjs.forward(input),
    );
    for (const peer of [
      await ortWebPeer(graph, input, 1),
      await ortWebPeer(graph, input, 2),
      await ortNodePeer(graph, input, 1),
      await ortNodePeer(graph, input, 2),
    ]) {
      const short = peer.name === "onnxruntime-node" ? "ort-node" : "ort-web";
      const name = `${short} ${peer.threads}T`;
      checkAgainst(reference, peer.output, `${network.name} ${name}`);
      columns.push({ name, time: peer.time, close: peer.close });
    }
    console.log(`${network.name}: outputs agree to 1e-4 * max(1, max |ref|); kernels ${kernels}`);
    const times = columns.map((): number[] => []);
    for (let round = 0; round < 15; round++) {
      for (const [i, column] of columns.entries()) {
        times[i].push(await column.time(5, round === 0 ? 3 : 1));
      }
    }
    const ms = new Map(columns.map((column, i) => [column.name, median(times[i])]));
    const rounds = new Map(columns.map((column, i) => [column.name, times[i]]));
    columns.forEach((column) => column.close());
    console.log([...ms].map(([column, t]) => `${column} ${t.toFixed(2)} ms`).join(", "));
    rows.push({ name: network.name, kernels, gflop: (2 * graphMacs(graph)) / 1e9, ms, rounds });
  }
  console.log(`load average at the end: ${load()}`);

  const names = [...rows[0].ms.keys()];
  console.log(`\nmedians in ms (GFLOP/s of the dsnet CPU plan in brackets):`);
  console.log(`| network | ${names.join(" | ")} |`);
  console.log(`| --- | ${names.map(() => "---:").join(" | ")} |`);
  for (const { name, gflop, ms } of rows) {
    const cells = names.map((n) =>
      n.startsWith("dsnet")
        ? `${ms.get(n)!.toFixed(2)} (${(gflop / (ms.get(n)! / 1000)).toFixed(1)})`
        : ms.get(n)!.toFixed(2),
    );
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
  // Each ratio: its name, the column whose time is divided by the other's, and the target.
  const ratios: [string, string, string, string][] = [
    ["dsnet 1T vs tfjs-wasm", "tfjs-wasm 1T", "dsnet 1T", ">= 1.3x"],
    ["dsnet 1T vs ort-web 1T", "ort-web 1T", "dsnet 1T", ">= 1.3x"],
    ["dsnet 2T vs dsnet 1T", "dsnet 1T", "dsnet 2T", ">= 1.7x"],
    ["module 2T vs module 1T", "module 1T", "module 2T", ""],
    // The same for the native peer: how much of the second core this machine gave in the run
    // (2-core VMs whose neighbours are busy give less; dsnet's ratio is to be read beside it).
    ["ort-node 2T vs ort-node 1T", "ort-node 1T", "ort-node 2T", ""],
    ["dsnet 2T vs ort-web 2T", "ort-web 2T", "dsnet 2T", "> 1x"],
    ["dsnet 1T / ort-node 1T", "ort-node 1T", "dsnet 1T", "ceiling"],
    ["dsnet 2T / ort-node 2T", "ort-node 2T", "dsnet 2T", "ceiling"],
  ];
  console.log(`\nratios of medians (speed; above 1: dsnet faster):`);
  console.log(
    `| network | ${ratios.map(([n, , , target]) => (target ? `${n} (${target})` : n)).join(" | ")} | kernels |`,
  );
  console.log(`| --- | ${ratios.map(() => "---:").join(" | ")} | --- |`);
  for (const { name, kernels, ms } of rows) {
    console.log(
      `| ${name} | ${ratios.map(([, over, under]) => `${(ms.get(over)! / ms.get(under)!).toFixed(2)}x`).join(" | ")} | ${kernels} |`,
    );
  }
  // The same ratios within each round, then their median: the columns of a round ran within
  // seconds of each other, so a round's ratio is taken on one state of the machine, where the
  // ratio of two medians may take them from minutes apart (a neighbour's load that comes and
  // goes moves the two threads' times more than one thread's).
  console.log(`
ratios within a round, median over the rounds (paired):`);
  console.log(`| network | ${ratios.map(([n]) => n).join(" | ")} |`);
  console.log(`| --- | ${ratios.map(() => "---:").join(" | ")} |`);
  for (const { name, rounds } of rows) {
    const paired = ratios.map(
      ([, over, under]) => `${pairedRatio(rounds.get(over)!, rounds.get(under)!).toFixed(2)}x`,
    );
    console.log(`| ${name} | ${paired.join(" | ")} |`);
  }
}
