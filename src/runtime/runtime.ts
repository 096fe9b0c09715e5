/*
 * dsnet's CPU runtime, shared by the CPU plan and the generated TypeScript modules: the
 * operations that move little arithmetic (softmax and flatten; for `--kernels js` modules also
 * pooling, channel copies and the element-wise steps, which the others run as kernels with the
 * same bits), weight packing for the WebAssembly kernels (kernels.wat), batch-norm folding,
 * base64 decoding, a safetensors reader, the kernels' instantiation and their worker threads; a
 * generated module carries only the parts it uses. Operations work on one Float32Array (over
 * the WebAssembly memory, where there are kernels), offsets in elements.
 *
 * `dsnet compile --target ts` copies the runtime into every generated module, which must import
 * nothing. So the runtime is written as parts (src/runtime/*.ts) that import only one another,
 * and tools/build-runtime.ts joins them, in the order src/runtime/runtime.ts re-exports them,
 * into one text without those imports or `export`s, under this comment.
 */

export * from "./elementwise.js";
export * from "./pooling.js";
export * from "./channels.js";
export * from "./packing.js";
export * from "./batchnorm.js";
export * from "./base64.js";
export * from "./safetensors.js";
export * from "./kernels.js";
export * from "./threads.js";
