/**
 * dsnet's library API. The CLI and the REPL are thin layers over these functions.
 */
export { parse, type ParseResult } from "./syntax/parse.js";
export { Source, type Span, type Position } from "./syntax/source.js";
export type * as Ast from "./syntax/ast.js";
export {
  checkFile,
  checkText,
  fileSystemHost,
  IMPLICIT_NETWORK,
  type CheckOptions,
  type CheckResult,
  type Host,
  type LoadedProgram,
} from "./check/program.js";
export { parseOverrides } from "./check/overrides.js";
export type * from "./check/network.js";
export type { Value } from "./check/values.js";
export { summarize, type Summary, type LayerCost, type SeparablePair } from "./cost/summarize.js";
export { renderSummary } from "./cost/render.js";
export { type Diagnostic, diagnosticToJson, hasErrors } from "./diagnostics/diagnostic.js";
export { renderDiagnostic, renderDiagnostics } from "./diagnostics/render.js";
export { catalogue } from "./diagnostics/catalogue.js";
export {
  compile,
  compileGraph,
  passesFor,
  type GraphOptions,
  type GraphTarget,
  type Trace,
} from "./compile.js";
export { lowerNetwork } from "./ir/lower.js";
export {
  optimize,
  foldBatchNorm,
  fuseActivations,
  fuseSeparable,
  removeIdentities,
  STANDARD_PASSES,
  SEPARABLE_PASS,
  type Pass,
} from "./ir/passes.js";
export { printGraph } from "./ir/print.js";
export { planBuffers, type BufferPlan } from "./ir/buffers.js";
export type {
  Graph,
  Node as GraphNode,
  Tensor,
  FoldedBatchNorm,
  TensorOrigin,
  GraphSource,
} from "./ir/graph.js";
export type { Activation, Padding, Shape } from "./ir/types.js";
export { createRunner, BACKENDS, type BackendName, type Runner } from "./backends/index.js";
export { CpuPlan } from "./backends/cpu/plan.js";
export {
  generateDeclarations,
  generateModule,
  type GenerateOptions,
} from "./backends/ts/generate.js";
export {
  compileWgsl,
  writeWgslProgram,
  type WebGpuDevice,
  type WgslProgram,
} from "./backends/wgsl/index.js";
export { expectedTensors, type TensorSpec } from "./weights/tensors.js";
export { initialWeights } from "./weights/init.js";
export { loadWeights, loadInput } from "./weights/load.js";
export { readSafetensors, writeSafetensors, matchTensors } from "./weights/safetensors.js";
export { readNpy, writeNpy } from "./weights/npy.js";
export { FileError } from "./weights/errors.js";
