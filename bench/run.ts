/**
 * `npm run bench`: dsnet against its peers, measured in the same run (these machines are shared
 * and noisy, so only ratios measured side by side mean anything). Medians of many runs after
 * warm-up, one thread unless a table says threads.
 *
 *   npm run bench                 everything
 *   npm run bench -- compile      parse + check + summary, and `dsnet check` cold start
 *   npm run bench -- cpu          MobileNetV1 1.0/224: CPU plan vs tfjs-backend-cpu and -wasm,
 *                                 by layer type, and batch 8
 *   npm run bench -- graph        MobileNetV3-Large and EfficientNet-B0: CPU plan vs tfjs-wasm
 *   npm run bench -- ort          all four on 1 and 2 threads: CPU plan, generated module,
 *                                 tfjs-wasm, onnxruntime-web wasm and onnxruntime-node
 *   npm run bench -- kinds [--before DIR]
 *                                 all four, GFLOP/s by layer type (and an older build's, from
 *                                 a checkout in DIR, in the same run)
 */
import { compileBenchmarks } from "./compile.js";
import { cpuBenchmarks, peerBenchmarks } from "./cpu.js";
import { graphBenchmarks } from "./graph.js";
import { kindBenchmarks } from "./kinds.js";

const parts: Record<string, () => Promise<void>> = {
  compile: compileBenchmarks,
  cpu: cpuBenchmarks,
  graph: graphBenchmarks,
  ort: peerBenchmarks,
  kinds: () => kindBenchmarks(options),
};

// Part names, then their options (--before DIR).
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("--"));
const asked = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
for (const name of asked.length ? asked : Object.keys(parts)) {
  const part = parts[name];
  if (!part) {
    console.error(`unknown part ${name} (parts: ${Object.keys(parts).join(", ")})`);
    process.exit(2);
  }
  await part();
}
