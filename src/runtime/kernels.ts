import { decodeBase64 } from "./runtime.js";
import { KERNELS_WASM_BASE64 } from "./kernels.generated.js";

/** The exports of kernels.wat. Pointers and strides are byte offsets into `memory`. */
export interface Kernels {
  memory: WebAssembly.Memory;
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
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/** A fresh instance of the kernels, with its own memory (one per plan). */
export function instantiateKernels(): Kernels {
  compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64) as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(compiled, {});
  return instance.exports as unknown as Kernels;
}
