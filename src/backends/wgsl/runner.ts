/// <reference types="@webgpu/types" />
import type { Graph } from "../../ir/graph.js";
import type { Runner } from "../types.js";
import { compileWgsl } from "./compile.js";
import { WgslNetwork } from "./host-runtime.js";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/**
 * Dawn's instance, made once. It must outlive every device made from it: when the garbage
 * collector takes it, Dawn aborts or hangs at the device's next callback.
 */
let gpu: GPU | undefined;

/**
 * A WebGPU device from Dawn (the `webgpu` package), with the adapter's largest storage buffer
 * limits. Throws an error that says what to install when there is no adapter.
 */
export async function requestWebGpuDevice(): Promise<GPUDevice> {
  if (!gpu) {
    try {
      // WebGPU zero-fills workgroup memory before a shader runs; every dsnet kernel writes its
      // workgroup memory before reading it, and the fill code makes SwiftShader compile each
      // tiled kernel 20 times slower, so Dawn is told to leave it out.
      gpu = (await import("webgpu")).create(["enable-dawn-features=disable_workgroup_init"]);
    } catch (e) {
      throw new Error(
        `the WebGPU backend needs the \`webgpu\` package (Dawn for Node), which did not load: ${(e as Error).message}`,
      );
    }
  }
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    const icd = process.env.VK_ICD_FILENAMES;
    throw new Error(
      [
        "no WebGPU adapter: Dawn found no GPU it can use.",
        "On a machine without a GPU, use SwiftShader's Vulkan driver (a CPU implementation):",
        "  apt-get install -y libvulkan1 chromium-common",
        `  export VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
        icd === undefined
          ? "(VK_ICD_FILENAMES is not set now.)"
          : `(VK_ICD_FILENAMES is ${icd} now; check that the file exists and that libvulkan1 is installed.)`,
      ].join("\n"),
    );
  }
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

/** A Runner (backends/index.ts) on WebGPU; `backend` widens once "webgpu" is a BackendName. */
export type WebGpuRunner = Omit<Runner, "backend"> & {
  readonly backend: "webgpu";
  dispose(): void;
};

/**
 * Compiles a graph (`compileGraph` with target "wgsl") to WGSL and runs it in-process through the same host runtime that
 * generated host.ts files contain. Without `device` it requests one (and destroys it on dispose).
 */
export async function createWebGpuRunner(
  graph: Graph,
  batch: number,
  options: { device?: GPUDevice } = {},
): Promise<WebGpuRunner> {
  const program = compileWgsl(graph, { batch });
  const device = options.device ?? (await requestWebGpuDevice());
  const network = await WgslNetwork.create(device, program.manifest, program.weights).catch(
    (e: unknown) => {
      if (!options.device) device.destroy();
      throw e;
    },
  );
  return {
    backend: "webgpu",
    batch,
    forward: (input) => network.forward(input),
    dispose() {
      network.destroy();
      if (!options.device) device.destroy();
    },
  };
}
