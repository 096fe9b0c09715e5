/// <reference types="@webgpu/types" />
import { CpuPlan } from "../backends/cpu/plan.js";
import { compileWgsl } from "../backends/wgsl/compile.js";
import { requiredLimits, WgslNetwork } from "../backends/wgsl/host-runtime.js";
import type { Network, Shape } from "../check/network.js";
import { compileGraph } from "../compile.js";
import { resizeBilinear } from "../weights/image.js";
import { initialWeights, Random } from "../weights/init.js";

/*
 * "Run" on the page: one forward pass of the checked network with seeded random weights, on
 * the browser's WebGPU device through the WGSL backend's host runtime (the code generated
 * host.ts files carry), or on the CPU plan (WebAssembly) where the browser has no adapter.
 */

export type Backend = "webgpu" | "cpu";

export interface RunResult {
  backend: Backend;
  /** What ran it: the WebGPU adapter's vendor and architecture, or the CPU plan. */
  device: string;
  output: Float32Array;
  shape: Shape;
  /** Building the plan or the pipelines, then the forward pass. */
  buildMs: number;
  forwardMs: number;
}

/** Inputs of `dsnet run`'s random kind, as the REPL's `:run` makes them: uniform in [-1, 1). */
export function randomInput(network: Network, seed: number): Float32Array {
  const [h, w, c] = network.input;
  const random = new Random(seed);
  return Float32Array.from({ length: h * w * c }, () => random.uniform(-1, 1));
}

/**
 * An image file as the network's input, as `dsnet run --input x.png` reads a PNG: RGB from 0
 * to 1, resized to the input's height and width by the same bilinear interpolation. The
 * browser decodes it (any format it can), without colour management.
 */
export async function imageInput(file: Blob, network: Network): Promise<Float32Array> {
  const [h, w, c] = network.input;
  if (c !== 3) throw new Error(`an image gives 3 channels; ${network.name} takes ${c}`);
  const bitmap = await createImageBitmap(file, {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d")!;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const pixels = bitmap.width * bitmap.height;
  const rgb = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) rgb[3 * p + k] = rgba[4 * p + k] / 255;
  }
  if (bitmap.width === w && bitmap.height === h) return rgb;
  return resizeBilinear(rgb, bitmap.height, bitmap.width, 3, h, w);
}

let adapter: Promise<GPUAdapter | null> | undefined;

/** The browser's WebGPU adapter, asked for once; null where there is none. */
export function webGpuAdapter(): Promise<GPUAdapter | null> {
  adapter ??= (navigator.gpu?.requestAdapter() ?? Promise.resolve(null)).catch(() => null);
  return adapter;
}

export function describeAdapter(gpu: GPUAdapter): string {
  const { vendor, architecture, description } = gpu.info;
  return [vendor, architecture, description].filter(Boolean).join(" ") || "unnamed adapter";
}

/** One forward pass on `backend`, with the weights `initialWeights(network, seed)` makes. */
export async function runNetwork(
  network: Network,
  input: Float32Array,
  options: { backend: Backend; seed: number },
): Promise<RunResult> {
  const weights = initialWeights(network, options.seed).map((t) => t.data);
  const shape = network.layers[network.output].shape;
  const started = performance.now();
  if (options.backend === "cpu") {
    const plan = new CpuPlan(compileGraph(network, weights, { target: "cpu" }));
    const built = performance.now();
    const output = Float32Array.from(plan.forward(input));
    return {
      backend: "cpu",
      device: "CPU plan (WebAssembly)",
      output,
      shape,
      buildMs: built - started,
      forwardMs: performance.now() - built,
    };
  }
  const gpu = await webGpuAdapter();
  if (!gpu) throw new Error("this browser offers no WebGPU adapter");
  const program = compileWgsl(compileGraph(network, weights, { target: "wgsl" }));
  const device = await gpu.requestDevice({ requiredLimits: requiredLimits(program.manifest) });
  try {
    const wgsl = await WgslNetwork.create(device, program.manifest, program.weights);
    const built = performance.now();
    const output = await wgsl.forward(input);
    wgsl.destroy();
    return {
      backend: "webgpu",
      device: `WebGPU (${describeAdapter(gpu)})`,
      output,
      shape,
      buildMs: built - started,
      forwardMs: performance.now() - built,
    };
  } finally {
    device.destroy();
  }
}
