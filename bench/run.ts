/**
 * `npm run bench`: dsnet against its peers, measured in the same run (these machines are shared
 * and noisy, so only ratios measured side by side mean anything). Medians of many runs after
 * warm-up, one thread unless a table says threads. The parts and their options: USAGE.
 */
import { compileBenchmarks } from "./compile.js";
import { cpuBenchmarks, peerBenchmarks } from "./cpu.js";
import { graphBenchmarks } from "./graph.js";
import { DEFAULT_ROUNDS, kindBenchmarks } from "./kinds.js";
import { BenchFailure } from "./revision.js";

const USAGE = `npm run bench [-- PART... [OPTION...]]

  (no part)       everything
  compile         parse + check + summary, and \`dsnet check\` cold start
  cpu             MobileNetV1 1.0/224: CPU plan vs tfjs-backend-cpu and -wasm, by layer type,
                  and batch 8
  graph           MobileNetV3-Large and EfficientNet-B0: CPU plan vs tfjs-wasm
  ort             all four on 1 and 2 threads: CPU plan, generated module, tfjs-wasm,
                  onnxruntime-web wasm and onnxruntime-node
  kinds           all four, GFLOP/s by layer type
    --before REV  and dsnet at commit REV, loaded in the same process, in rounds alternating
                  with this tree's: before and after per layer type, both speed-ups, whole
                  pass, and whether the outputs are the same bits
    --relaxed     or this tree's simd128 kernels against its relaxed-SIMD build (which
                  Node 20 loads only under a flag): the same tables
    --rounds N    rounds per side (default ${DEFAULT_ROUNDS})
`;

const parts: Record<string, () => Promise<void>> = {
  compile: compileBenchmarks,
  cpu: cpuBenchmarks,
  graph: graphBenchmarks,
  ort: peerBenchmarks,
  kinds: () => kindBenchmarks(options),
};

// Part names, then their options (kinds': --before REV, --relaxed, --rounds N).
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const firstOption = args.findIndex((a) => a.startsWith("--"));
const asked = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
// Only kinds takes options: given with other parts only, they would be silently ignored.
if (options.length > 0 && !asked.includes("kinds")) {
  console.error(`dsnet bench: ${options[0]} is an option of kinds, which was not asked for`);
  process.exit(2);
}
for (const name of asked.length ? asked : Object.keys(parts)) {
  const part = parts[name];
  if (!part) {
    console.error(`dsnet bench: unknown part ${name} (parts: ${Object.keys(parts).join(", ")})`);
    process.exit(2);
  }
  try {
    await part();
  } catch (error) {
    if (!(error instanceof BenchFailure)) throw error;
    console.error(`dsnet bench: ${error.message}`);
    process.exit(2);
  }
}
