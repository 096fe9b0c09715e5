/// <reference types="@webgpu/types" />
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Graph } from "../../ir/graph.js";
import type { Runner } from "../types.js";
import { compileWgsl } from "./compile.js";
import { WgslNetwork, type WebGpuDevice } from "./host-runtime.js";

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
export async function requestWebGpuDevice(): Promise<WebGpuDevice> {
  if (!gpu) {
    try {
      // WebGPU zero-fills workgroup memory before a shader runs; every dsnet kernel writes its
      // workgroup memory before reading it, and the fill code makes SwiftShader compile each
      // tiled kernel 20 times slower, so Dawn is told to leave it out.
      gpu = (await import("webgpu")).create(["enable-dawn-features=disable_workgroup_init"]);
    } catch (e) {
      // webgpu is an optional peer dependency: a plain install of dsnet leaves it out.
      const missing = (e as { code?: string }).code === "ERR_MODULE_NOT_FOUND";
      throw new Error(
        missing
          ? "the WebGPU backend needs the `webgpu` package (Dawn for Node), which is not installed: npm install webgpu"
          : `the WebGPU backend needs the \`webgpu\` package (Dawn for Node), which did not load: ${(e as Error).message}`,
      );
    }
  }
  // Without a Vulkan driver Dawn's native code writes "vkCreateInstance: Found no drivers!"
  // straight to file descriptor 2, where Node cannot catch it: look for one first, as the
  // Vulkan loader would, and ask Dawn only when there is one.
  if (process.platform === "linux" && vulkanDriverManifests(process.env).length === 0)
    throw noAdapter("no Vulkan driver is installed, so Dawn has no GPU to use");
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw noAdapter("Dawn found no GPU it can use");
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

function noAdapter(why: string): Error {
  const icd = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  return new Error(
    [
      `no WebGPU adapter: ${why}.`,
      "On a machine without a GPU, use SwiftShader's Vulkan driver (a CPU implementation):",
      "  apt-get install -y libvulkan1 chromium-common",
      `  export VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
      icd === undefined
        ? "(VK_ICD_FILENAMES is not set now.)"
        : `(the driver files named now are ${icd}; check that they exist and that libvulkan1 is installed.)`,
    ].join("\n"),
  );
}

/**
 * The Vulkan driver manifests (ICD .json files) the Vulkan loader would find on Linux:
 * VK_DRIVER_FILES or VK_ICD_FILENAMES (files or folders, separated by colons) instead of the
 * usual folders, VK_ADD_DRIVER_FILES besides them; the usual folders are `vulkan/icd.d` under
 * the XDG configuration and data folders, /etc and /usr/local/etc.
 */
export function vulkanDriverManifests(env: Record<string, string | undefined>): string[] {
  const list = (value: string | undefined) => (value ? value.split(":").filter(Boolean) : []);
  const home = env.HOME ?? "";
  const configDirs = [
    env.XDG_CONFIG_HOME ?? join(home, ".config"),
    ...list(env.XDG_CONFIG_DIRS ?? "/etc/xdg"),
    "/usr/local/etc",
    "/etc",
  ];
  const dataDirs = [
    env.XDG_DATA_HOME ?? join(home, ".local/share"),
    ...list(env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share"),
  ];
  const replaced = list(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  const places = [
    ...list(env.VK_ADD_DRIVER_FILES),
    ...(replaced.length > 0
      ? replaced
      : [...configDirs, ...dataDirs].map((dir) => join(dir, "vulkan/icd.d"))),
  ];
  return places.flatMap((place) => {
    try {
      if (!statSync(place).isDirectory()) return place.endsWith(".json") ? [place] : [];
      return readdirSync(place)
        .filter((name) => name.endsWith(".json"))
        .map((name) => join(place, name));
    } catch {
      return [];
    }
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
  options: { device?: WebGpuDevice } = {},
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
