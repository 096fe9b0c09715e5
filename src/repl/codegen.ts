import { generateModule } from "../backends/ts/generate.js";
import { compileWgsl } from "../backends/wgsl/compile.js";
import { compileGraph } from "../compile.js";
import { initialWeights } from "../weights/init.js";
import type { Codegen } from "./session.js";

/**
 * What `:ts` and `:wgsl` print. The TypeScript module takes its weights at load time here:
 * embedded, they would fill the terminal with base64; for WGSL, the plan and the shaders (the
 * host module is the same for every network and is left out).
 */
export const replCodegen: Codegen = {
  typescript: (network) =>
    generateModule({
      graph: compileGraph(
        network,
        initialWeights(network).map((t) => t.data),
        { target: "ts" },
      ),
      weightsOrigin: "none (taken at load time)",
      weightsFile: true,
    }),
  wgsl: async (network) => {
    const graph = compileGraph(
      network,
      initialWeights(network).map((t) => t.data),
      { target: "wgsl" },
    );
    const program = compileWgsl(graph);
    return [
      program.plan.join("\n"),
      ...program.steps.map((s) => `// ---- ${s.name}.wgsl\n${s.code}`),
    ].join("\n\n");
  },
};
