import { generateModule } from "../backends/ts/generate.js";
import { initialWeights } from "../weights/init.js";
import type { Codegen } from "./session.js";

/**
 * What `:ts` and `:wgsl` print. The TypeScript module takes its weights at load time here:
 * embedded, they would fill the terminal with base64.
 */
export const replCodegen: Codegen = {
  typescript: (network) =>
    generateModule({
      network,
      weights: initialWeights(network).map((t) => t.data),
      weightsOrigin: "none (taken at load time)",
      weightsFile: true,
      sourcePath: network.file,
    }),
};
