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
