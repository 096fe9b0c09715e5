/**
 * The test files of the `integration` project (vitest.config.ts), slow by nature: the WebGPU
 * backend on SwiftShader, generated TypeScript modules imported and type-checked, the REPL in a
 * terminal, ONNX models in ONNX Runtime and ONNX's checker, the browser playground in Chromium.
 * Every other test file is a unit test, run by `npm run test:unit`.
 * test/projects.test.ts checks that every file that asks for a WebGPU device is listed here.
 */
export const integrationTests = [
  "test/wgsl.test.ts",
  "test/wgsl-graph-ops.test.ts",
  "test/wgsl-cli.test.ts",
  "test/ts-backend.test.ts",
  "test/ts-kernels-js.test.ts",
  "test/graph-networks-pytorch.test.ts",
  "test/repl-pty.test.ts",
  "test/onnx-runtime.test.ts",
  "test/onnx-import-pytorch.test.ts",
  "test/playground.test.ts",
  "test/graph.test.ts",
  "test/vscode-extension.test.ts",
  "test/lsp.test.ts",
  "test/lsp-framing.test.ts",
  "test/package.test.ts",
  "test/threads.test.ts",
  "test/browser-threads.test.ts",
  "test/hostile-rss.test.ts",
];
