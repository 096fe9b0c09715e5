import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { checkText } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";
import { heading, measure } from "./stats.js";

/** A generated file of `layers` layers: blocks of separable pairs inside residuals. */
export function generatedNetwork(layers: number): string {
  const lines = [
    "block unit(c) {",
    "  residual {",
    "    dw 3x3 -> bn -> relu6",
    "    pw c -> bn",
    "  }",
    "}",
    "",
    "network big {",
    "  input 16x16x16",
  ];
  // `unit` expands to five layers (dw, bn, relu6, pw, bn) and the add.
  for (let i = 0; i < Math.ceil(layers / 6); i++) lines.push("  unit 16");
  lines.push("}");
  return lines.join("\n") + "\n";
}

function compileOnce(text: string, path: string) {
  const result = checkText(text, path);
  if (result.networks.length === 0) throw new Error(`${path} did not check`);
  return summarize(result.networks[0]).layers.length;
}

export async function compileBenchmarks(): Promise<void> {
  heading("Compile: parse + check + summary (warm, in process)");
  const v2 = readFileSync("examples/mobilenet_v2.dsnet", "utf8");
  const layersV2 = compileOnce(v2, "examples/mobilenet_v2.dsnet");
  const t = await measure(() => compileOnce(v2, "examples/mobilenet_v2.dsnet"), 50, 10);
  console.log(
    `MobileNetV2: ${t.medianMs.toFixed(2)} ms median for ${layersV2} layers (${Math.round(layersV2 / (t.medianMs / 1000))} layers/s); target under 20 ms`,
  );
  for (const size of [1_250, 2_500, 5_000, 10_000, 20_000]) {
    const text = generatedNetwork(size);
    const layers = compileOnce(text, "generated.dsnet");
    const m = await measure(() => compileOnce(text, "generated.dsnet"), 10, 2);
    console.log(
      `generated ${String(layers).padStart(6)} layers: ${m.medianMs.toFixed(1).padStart(7)} ms median, ${Math.round(layers / (m.medianMs / 1000))} layers/s, ${(
        (1000 * m.medianMs) /
        layers
      ).toFixed(1)} µs per layer`,
    );
  }

  heading(
    "Cold start: `node bin/dsnet.js check examples/mobilenet_v2.dsnet` (build first: npm run build)",
  );
  const cold = await measure(
    () => execFileSync(process.execPath, ["bin/dsnet.js", "check", "examples/mobilenet_v2.dsnet"]),
    10,
    2,
  );
  console.log(
    `median ${cold.medianMs.toFixed(0)} ms, min ${cold.minMs.toFixed(0)} ms; target under 300 ms`,
  );
}
