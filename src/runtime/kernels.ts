/*
 * The WebAssembly kernels (kernels.wat): their exports, a fresh instance with its memory, and
 * putting tensors into that memory, where the other operations of the runtime work on it.
 */

import { decodeBase64 } from "./base64.js";

/** The exports of kernels.wat. Pointers and strides are byte offsets into `memory`. */
export interface Kernels {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
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
}

/** The part of the WebAssembly API used here, typed locally so no `lib` setting is needed. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * A fresh instance of the kernels with its own memory, grown to hold `elements` floats. The
 * module is compiled synchronously, which Chrome allows on the main thread up to 8 MB (4 KB
 * before; the module is about 8 KB).
 */
export function instantiateKernels(
  wasmBase64: string,
  elements: number,
): { kernels: Kernels; memory: Float32Array } {
  const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const module = new wasm.Module(decodeBase64(wasmBase64));
  const kernels = new wasm.Instance(module, {}).exports as Kernels;
  const pages = Math.ceil((elements * 4) / 65536) - kernels.memory.buffer.byteLength / 65536;
  if (pages > 0) kernels.memory.grow(pages);
  return { kernels, memory: new Float32Array(kernels.memory.buffer) };
}

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
