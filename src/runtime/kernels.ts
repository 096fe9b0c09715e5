/*
 * The WebAssembly kernels (kernels.wat): their exports, and a fresh instance with its memory,
 * where the other operations of the runtime work too.
 */

import { decodeBase64 } from "./base64.js";

/** The exports of kernels.wat. Pointers and strides are byte offsets into `memory`. */
export interface Kernels {
  gemm(
    x: number,
    ldx: number,
    w: number,
    bias: number,
    out: number,
    ldo: number,
    rows: number,
    k: number,
    columns: number,
    act: number,
    slope: number,
  ): void;
  depthwise(
    x: number,
    w: number,
    bias: number,
    out: number,
    n: number,
    h: number,
    width: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padTop: number,
    padLeft: number,
    act: number,
    slope: number,
    /** Output rows [oy0, oy1) of every sample; the whole output is 0, oh. */
    oy0: number,
    oy1: number,
  ): void;
  depthwise3x3(
    x: number,
    w: number,
    bias: number,
    out: number,
    n: number,
    h: number,
    width: number,
    c: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padTop: number,
    padLeft: number,
    act: number,
    slope: number,
    oy0: number,
    oy1: number,
  ): void;
  /**
   * A standard convolution (one group) on few input channels, without im2col: `w` and `bias`
   * packed as for gemm (packConv); output rows [oy0, oy1) of every sample.
   */
  conv_direct(
    x: number,
    w: number,
    bias: number,
    out: number,
    n: number,
    h: number,
    width: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padTop: number,
    padLeft: number,
    outC: number,
    act: number,
    slope: number,
    oy0: number,
    oy1: number,
  ): void;
  /** `depthwise3x3` for 5x5 filters. */
  depthwise5x5: Kernels["depthwise3x3"];
  /** out = act(x) for `length` floats (act and slope as the other kernels take them). */
  activate(x: number, out: number, length: number, act: number, slope: number): void;
  im2col(
    x: number,
    out: number,
    n: number,
    h: number,
    width: number,
    c: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    padTop: number,
    padLeft: number,
    pixel0: number,
    pixels: number,
    c0: number,
    cg: number,
  ): void;
  /** out = act(a + b) for floats [i0, i1) (i0 a multiple of 4; the whole step is 0, length). */
  elementwise_add(
    a: number,
    b: number,
    out: number,
    act: number,
    slope: number,
    i0: number,
    i1: number,
  ): void;
  /** out = a · b for floats [i0, i1). */
  elementwise_mul(a: number, b: number, out: number, i0: number, i1: number): void;
  /** out = x · gate[c] (one 1x1xC gate per sample) for pixels [p0, p1) of each sample. */
  mul_channels(
    x: number,
    gate: number,
    out: number,
    n: number,
    pixels: number,
    c: number,
    p0: number,
    p1: number,
  ): void;
  /** Mean (max = 1: maximum) over the pixels, for channels [c0, c1) (c0 a multiple of 8). */
  global_pool(
    x: number,
    out: number,
    n: number,
    pixels: number,
    c: number,
    max: number,
    c0: number,
    c1: number,
  ): void;
  /**
   * Max (max = 1) or average pooling of one sample, x [h, w, c] to out [oh, ow, c], output rows
   * [oy0, oy1), with the runtime's `pool`'s rules and bits (src/runtime/pooling.ts).
   */
  window_pool(
    x: number,
    out: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
    max: number,
    oy0: number,
    oy1: number,
  ): void;
  /** `channels` floats of pixels [p0, p1), the strides in bytes: copyChannels. */
  copy_channels(
    from: number,
    fromStride: number,
    to: number,
    toStride: number,
    channels: number,
    p0: number,
    p1: number,
  ): void;
  /** ShuffleNet's channel shuffle of pixels [p0, p1), as the runtime's shuffleChannels. */
  shuffle_channels(x: number, out: number, c: number, groups: number, p0: number, p1: number): void;
}

/** The part of the WebAssembly API used here, typed locally so no `lib` setting is needed. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (limits: { initial: number; maximum: number; shared: boolean }) => {
    readonly buffer: ArrayBufferLike;
  };
}

/** The kernels' instance and its memory, with what worker threads need to join them. */
export interface KernelInstance {
  kernels: Kernels;
  /** The whole memory as floats. */
  memory: Float32Array;
  /** The compiled module and its WebAssembly.Memory, which worker threads instantiate again. */
  module: object;
  wasmMemory: object;
}

/**
 * A fresh instance of the kernels with a memory of `elements` floats, which cannot grow: shared
 * (for threads, src/runtime/threads.ts) or not. The module is compiled synchronously, which
 * Chrome allows on the main thread up to 8 MB (4 KB before; the module is about 43 KB).
 */
export function instantiateKernels(
  wasmBase64: string,
  elements: number,
  sharedMemory = false,
): KernelInstance {
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const bytes = decodeBase64(wasmBase64);
  if (!sharedMemory) unshareMemory(bytes);
  const module = new wasm.Module(bytes);
  const pages = Math.max(1, Math.ceil((elements * 4) / 65536));
  const wasmMemory = new wasm.Memory({ initial: pages, maximum: pages, shared: sharedMemory });
  const kernels = new wasm.Instance(module, { env: { memory: wasmMemory } }).exports as Kernels;
  return { kernels, memory: new Float32Array(wasmMemory.buffer), module, wasmMemory };
}

/**
 * kernels.wat imports a shared memory, and an import's sharing must match the memory given. A
 * page without cross-origin isolation has no shared memory, and one thread needs none: clear
 * the flag in the module's one import (sections: an id, then their size; the import section is
 * 2; an import is two names, its kind, 2 for a memory, then the limits' flags, 2 = shared).
 */
function unshareMemory(bytes: Uint8Array): void {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++]!;
    const end = leb() + at;
    if (id === 2 && leb() === 1) {
      for (let name = 0; name < 2; name++) {
        const length = leb();
        at += length;
      }
      if (bytes[at++] === 2) {
        bytes[at] = bytes[at]! & ~2;
        return;
      }
    }
    at = end;
  }
  throw new Error("internal: the kernels import no memory");
}

/** Which build of kernels.wat runs: with relaxed SIMD's fused multiply-add, or plain SIMD128. */
export type KernelsVariant = "relaxed-simd" | "simd128";

/**
 * The relaxed-SIMD build of the kernels where this engine validates it (V8 11.4 and later,
 * Firefox 120; Node 20 only with --experimental-wasm-relaxed-simd), else the plain one.
 */
export function chooseKernels(
  plainBase64: string,
  relaxedBase64: string,
): { base64: string; variant: KernelsVariant } {
  const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } })
    .WebAssembly;
  return wasm.validate(decodeBase64(relaxedBase64))
    ? { base64: relaxedBase64, variant: "relaxed-simd" }
    : { base64: plainBase64, variant: "simd128" };
}

/*
 * Tensors in memory: packed weights copied to their offsets, and a weights file's bytes split
 * into tensors (a module with plain-loop kernels uses these alone).
 */

/** Copies packed tensors into memory at their offsets (in elements). */
export function place(
  memory: Float32Array,
  offsets: readonly number[],
  tensors: readonly Float32Array[],
): void {
  tensors.forEach((t, i) => memory.set(t, offsets[i]));
}

/** Splits raw little-endian float32 bytes into tensors of the given shapes, in order. */
export function splitTensors(
  bytes: Uint8Array,
  tensors: readonly (readonly [string, readonly number[]])[],
): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  return tensors.map(([, shape]) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++, at += 4) data[i] = view.getFloat32(at, true);
    return data;
  });
}
