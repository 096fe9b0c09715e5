/**
 * The WGSL backend: compute shaders, a WebGPU host module and packed weights for a network
 * (compileWgsl, writeWgslProgram), and an in-process runner on Node's `webgpu` package.
 */
export {
  compileWgsl,
  type WgslOptions,
  type WgslProgram,
  type WgslStep,
  type WgslStepKind,
} from "./compile.js";
export { writeWgslProgram } from "./write.js";
export { createWebGpuRunner, requestWebGpuDevice, type WebGpuRunner } from "./runner.js";
export {
  requiredLimits,
  WgslNetwork,
  type ArenaValue,
  type ShaderStep,
  type WebGpuDevice,
  type WgslManifest,
} from "./host-runtime.js";
