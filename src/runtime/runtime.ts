/*
 * The JavaScript half of dsnet's CPU runtime, shared by the CPU plan and the generated
 * TypeScript modules: the operations that move little arithmetic (pooling, softmax, im2col...),
 * weight packing for the WebAssembly kernels (cpu/kernels.wat), and base64 decoding.
 *
 * This file must stand alone — no imports — because `dsnet compile --target ts` copies it
 * verbatim into every generated module (tools/build-generated.ts turns it into a string).
 * Operations work on one Float32Array over the WebAssembly memory, offsets in elements.
 */

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export type Activation =
  | { kind: "none" }
  | { kind: "relu" }
  | { kind: "relu6" }
  | { kind: "leaky_relu"; slope: number }
  | { kind: "sigmoid" }
  | { kind: "tanh" }
  | { kind: "silu" }
  | { kind: "hardswish" }
  | { kind: "hardsigmoid" };

/** Applies an activation in place to `length` elements from `at`. */
export function activateInPlace(m: Float32Array, at: number, length: number, a: Activation): void {
  const end = at + length;
  switch (a.kind) {
    case "none":
      return;
    case "relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] = 0;
      return;
    case "relu6":
      for (let i = at; i < end; i++) {
        const v = m[i];
        m[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case "leaky_relu":
      for (let i = at; i < end; i++) if (m[i] < 0) m[i] *= a.slope;
      return;
    case "sigmoid":
      for (let i = at; i < end; i++) m[i] = 1 / (1 + Math.exp(-m[i]));
      return;
    case "tanh":
      for (let i = at; i < end; i++) m[i] = Math.tanh(m[i]);
      return;
    case "silu":
      for (let i = at; i < end; i++) m[i] = m[i] / (1 + Math.exp(-m[i]));
      return;
    case "hardsigmoid":
      for (let i = at; i < end; i++) m[i] = Math.min(Math.max(m[i] + 3, 0), 6) / 6;
      return;
    case "hardswish":
      for (let i = at; i < end; i++) m[i] = (m[i] * Math.min(Math.max(m[i] + 3, 0), 6)) / 6;
      return;
  }
}

/** out = x * scale[c] + shift[c], per channel of NHWC data. */
export function affine(
  m: Float32Array,
  x: number,
  out: number,
  pixels: number,
  channels: number,
  scale: Float32Array,
  shift: Float32Array,
): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    for (let c = 0; c < channels; c++) m[out + base + c] = m[x + base + c] * scale[c] + shift[c];
  }
}

export function add(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i] + m[b + i];
}

export interface Window {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kernel: [number, number];
  stride: [number, number];
  padding: Padding;
}

/**
 * Max or average pooling. Max treats padding as -infinity; average divides by the number of
 * taps inside the input (padding is left out of the count, PyTorch's count_include_pad=False).
 */
export function pool(m: Float32Array, x: number, out: number, s: Window, max: boolean): void {
  const [kh, kw] = s.kernel;
  const [sh, sw] = s.stride;
  let o = out;
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.oh; oy++) {
      const y0 = Math.max(oy * sh - s.padding.top, 0);
      const y1 = Math.min(oy * sh - s.padding.top + kh, s.h);
      for (let ox = 0; ox < s.ow; ox++) {
        const x0 = Math.max(ox * sw - s.padding.left, 0);
        const x1 = Math.min(ox * sw - s.padding.left + kw, s.w);
        const count = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < s.c; c++) {
          let acc = max ? -Infinity : 0;
          for (let y = y0; y < y1; y++) {
            let i = x + ((n * s.h + y) * s.w + x0) * s.c + c;
            for (let xx = x0; xx < x1; xx++, i += s.c) {
              const v = m[i];
              if (max) {
                if (v > acc || v !== v) acc = v;
              } else acc += v;
            }
          }
          m[o + c] = max ? acc : acc / count;
        }
        o += s.c;
      }
    }
  }
}

/** Global average or max pool: [n, h, w, c] to [n, 1, 1, c]. */
export function globalPool(
  m: Float32Array,
  x: number,
  out: number,
  n: number,
  pixels: number,
  c: number,
  max: boolean,
) {
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let acc = max ? -Infinity : 0;
      for (let p = 0, i = x + b * pixels * c + ch; p < pixels; p++, i += c) {
        const v = m[i];
        if (max) {
          if (v > acc || v !== v) acc = v;
        } else acc += v;
      }
      m[out + b * c + ch] = max ? acc : acc / pixels;
    }
  }
}

/** NHWC to N(CHW): PyTorch's flatten order, so fully connected weights apply unchanged. */
export function flattenChannelMajor(
  m: Float32Array,
  x: number,
  out: number,
  n: number,
  h: number,
  w: number,
  c: number,
) {
  const size = h * w * c;
  for (let b = 0; b < n; b++) {
    const src = x + b * size;
    const dst = out + b * size;
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) m[dst + ch * h * w + p] = m[src + p * c + ch];
    }
  }
}

/** Softmax over the channels of each pixel, shifted by the maximum for stability. */
export function softmax(m: Float32Array, x: number, out: number, pixels: number, c: number): void {
  for (let p = 0; p < pixels; p++) {
    const base = p * c;
    let max = -Infinity;
    for (let i = 0; i < c; i++) max = Math.max(max, m[x + base + i]);
    let sum = 0;
    for (let i = 0; i < c; i++) {
      const e = Math.exp(m[x + base + i] - max);
      m[out + base + i] = e;
      sum += e;
    }
    for (let i = 0; i < c; i++) m[out + base + i] /= sum;
  }
}

// ---------------------------------------------------------------------------------------------
// Weight layouts for the kernels, made once when a model is built: PyTorch's layouts come in,
// what the kernels' inner loops read consecutively comes out.

/** Rounds up to a multiple of `m`. */
export function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Output columns per gemm weight panel (kernels.wat's register block). */
const GEMM_PANEL = 16;

/**
 * gemm's weight panels: for each group of 16 output columns, K rows of 16 floats (zero-padded
 * past `columns`). `at(k, c)` gives w[k, c] in the caller's layout.
 */
export function packPanels(
  k: number,
  columns: number,
  at: (k: number, c: number) => number,
): Float32Array {
  const padded = roundUp(columns, GEMM_PANEL);
  const packed = new Float32Array(k * padded);
  for (let c = 0; c < columns; c++) {
    const panel = Math.floor(c / GEMM_PANEL);
    const lane = c % GEMM_PANEL;
    for (let i = 0; i < k; i++) packed[panel * k * GEMM_PANEL + i * GEMM_PANEL + lane] = at(i, c);
  }
  return packed;
}

/** A bias padded to `multiple` elements (zeros when there is none). */
export function padBias(bias: Float32Array | null, length: number, multiple: number): Float32Array {
  const padded = new Float32Array(roundUp(length, multiple));
  if (bias) padded.set(bias.subarray(0, length));
  return padded;
}

/** Depthwise weights [C, 1, kh, kw] to [kh][kw][Cp], Cp = C rounded up to 4. */
export function packDepthwise(
  weight: Float32Array,
  channels: number,
  kh: number,
  kw: number,
): Float32Array {
  const cp = roundUp(channels, 4);
  const packed = new Float32Array(kh * kw * cp);
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < kh * kw; t++) packed[t * cp + c] = weight[c * kh * kw + t];
  }
  return packed;
}

/**
 * A convolution's weights as the kernels want them: for the depthwise kernel, [kh][kw][Cp] and
 * a bias padded to 4; otherwise, per group, gemm panels over (ky, kx, c) rows and a bias padded
 * to 16: [panels₀, bias₀, panels₁, bias₁, ...]. `weight` is PyTorch's [out][in/groups][kh][kw].
 */
export function packConv(
  weight: Float32Array,
  bias: Float32Array | null,
  outChannels: number,
  inChannels: number,
  kh: number,
  kw: number,
  groups: number,
  depthwise: boolean,
): Float32Array[] {
  if (depthwise) {
    return [packDepthwise(weight, outChannels, kh, kw), padBias(bias, outChannels, 4)];
  }
  const cig = inChannels / groups;
  const cog = outChannels / groups;
  const packed: Float32Array[] = [];
  for (let g = 0; g < groups; g++) {
    packed.push(
      packPanels(kh * kw * cig, cog, (i, c) => {
        const ky = Math.floor(i / (kw * cig));
        const kx = Math.floor(i / cig) % kw;
        const ci = i % cig;
        return weight[(((g * cog + c) * cig + ci) * kh + ky) * kw + kx];
      }),
    );
    packed.push(padBias(bias ? bias.subarray(g * cog, (g + 1) * cog) : null, cog, GEMM_PANEL));
  }
  return packed;
}

/** A fully connected layer's weights [out][in] as gemm panels, and its bias padded to 16. */
export function packFc(
  weight: Float32Array,
  bias: Float32Array | null,
  outFeatures: number,
  inFeatures: number,
): Float32Array[] {
  return [
    packPanels(inFeatures, outFeatures, (i, c) => weight[c * inFeatures + i]),
    padBias(bias, outFeatures, GEMM_PANEL),
  ];
}

/** Bytes from base64, without relying on atob or Buffer (the runtime runs anywhere). */
export function decodeBase64(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lookup = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/[^A-Za-z0-9+/]/g, "");
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let j = 0;
  for (let i = 0; i + 1 < clean.length; i += 4) {
    const a = lookup[clean.charCodeAt(i)];
    const b = lookup[clean.charCodeAt(i + 1)];
    const c = i + 2 < clean.length ? lookup[clean.charCodeAt(i + 2)] : 0;
    const d = i + 3 < clean.length ? lookup[clean.charCodeAt(i + 3)] : 0;
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    if (j < bytes.length) bytes[j++] = (triple >> 16) & 255;
    if (j < bytes.length) bytes[j++] = (triple >> 8) & 255;
    if (j < bytes.length) bytes[j++] = triple & 255;
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Safetensors for generated modules that take their weights at load time. It checks what
// dsnet's own reader checks (src/weights/safetensors.ts): the header length lies inside the
// file, the header is a JSON object, every tensor's dtype, shape and offsets are valid and its
// bytes lie inside the data without overlapping another's; then that the file holds exactly
// the tensors the network expects, with their shapes. F32 is read as is, F16 and BF16 widened,
// F64 and the integer types converted (PyTorch files carry batch norm's integer step counters).

export class WeightsFileError extends Error {}

const DTYPE_BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** Element `i` of a tensor of `dtype` starting at byte `at`, as a number. */
function element(view: DataView, at: number, dtype: string, i: number): number {
  switch (dtype) {
    case "F64":
      return view.getFloat64(at + 8 * i, true);
    case "F32":
      return view.getFloat32(at + 4 * i, true);
    case "F16":
      return float16(view.getUint16(at + 2 * i, true));
    case "BF16":
      return bfloat16(view.getUint16(at + 2 * i, true));
    case "I64":
      return Number(view.getBigInt64(at + 8 * i, true));
    case "U64":
      return Number(view.getBigUint64(at + 8 * i, true));
    case "I32":
      return view.getInt32(at + 4 * i, true);
    case "U32":
      return view.getUint32(at + 4 * i, true);
    case "I16":
      return view.getInt16(at + 2 * i, true);
    case "U16":
      return view.getUint16(at + 2 * i, true);
    case "I8":
      return view.getInt8(at + i);
    default:
      return view.getUint8(at + i);
  }
}

/** The tensors of a safetensors file, in `expected` order (name and PyTorch-layout shape). */
export function readSafetensorsTensors(
  bytes: Uint8Array,
  expected: readonly (readonly [string, readonly number[]])[],
): Float32Array[] {
  const fail = (message: string): never => {
    throw new WeightsFileError(`not a valid safetensors file: ${message}`);
  };
  if (bytes.byteLength < 8)
    fail(`it has ${bytes.byteLength} bytes, fewer than the 8 of its header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.byteLength - 8 || headerLength > 100_000_000) {
    fail(
      `its header claims ${headerLength} bytes, but the file has ${bytes.byteLength - 8} after the length`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + headerLength)));
  } catch {
    fail("its header is not UTF-8 JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail("its header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null)
      fail(`tensor ${JSON.stringify(name)} is not an object`);
    const size = typeof e.dtype === "string" ? DTYPE_BYTES[e.dtype] : undefined;
    if (size === undefined)
      fail(
        `tensor ${JSON.stringify(name)} has dtype ${JSON.stringify(e.dtype)}, which safetensors does not define`,
      );
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor ${JSON.stringify(name)} has no valid shape`);
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1] ||
      offsets[1] > dataLength
    ) {
      fail(
        `tensor ${JSON.stringify(name)} has data_offsets outside the ${dataLength} bytes of data`,
      );
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    if (elements * size! !== end - begin) {
      fail(
        `tensor ${JSON.stringify(name)} has ${end - begin} bytes for ${elements} elements of ${e.dtype}`,
      );
    }
    ranges.push([begin, end, name]);
    const data = new Float32Array(elements);
    const at = dataStart + begin;
    for (let i = 0; i < elements; i++) data[i] = element(view, at, e.dtype as string, i);
    tensors.set(name, { shape: shape as number[], data });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1])
      fail(`tensors ${ranges[i - 1][2]} and ${ranges[i][2]} overlap`);
  }
  const problems: string[] = [];
  const out: Float32Array[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) problems.push(`missing ${name}, expected shape [${shape.join(", ")}]`);
    else if (t.shape.join() !== shape.join())
      problems.push(`${name}: expected [${shape.join(", ")}], file has [${t.shape.join(", ")}]`);
    else out.push(t.data);
  }
  const wanted = new Set(expected.map(([name]) => name));
  for (const name of tensors.keys()) {
    if (!wanted.has(name) && !name.endsWith(".num_batches_tracked"))
      problems.push(`unexpected ${name}`);
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, 20).map((p) => `  ${p}`);
    if (problems.length > 20) listed.push(`  and ${problems.length - 20} more`);
    throw new WeightsFileError(`the weights do not match the network:\n${listed.join("\n")}`);
  }
  return out;
}

/** Strict UTF-8 to a string; throws on malformed input (TextDecoder is not in every runtime's types). */
function decodeUtf8(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const extra =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (extra < 0 || i + extra >= bytes.length) throw new Error("malformed UTF-8");
    let code = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) throw new Error("malformed UTF-8");
      code = (code << 6) | (c & 0x3f);
    }
    if (
      (extra === 2 && code < 0x800) ||
      (extra === 3 && (code < 0x10000 || code > 0x10ffff)) ||
      (code >= 0xd800 && code < 0xe000)
    ) {
      throw new Error("malformed UTF-8");
    }
    out += String.fromCodePoint(code);
    i += extra + 1;
  }
  return out;
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function bfloat16(b: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, b << 16);
  return view.getFloat32(0);
}

// ---------------------------------------------------------------------------------------------
// Batch norm at inference, per channel: y = (x − μ)·s + β with s = γ / √(σ² + ε). Computed in
// float64 and rounded once, so folding adds no error of its own.

/** The per-channel scale s and shift β − μ·s of a batch norm. */
export function batchNormScaleShift(
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { scale: Float32Array; shift: Float32Array } {
  const scale = new Float32Array(gamma.length);
  const shift = new Float32Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    const s = gamma[c] / Math.sqrt(variance[c] + eps);
    scale[c] = s;
    shift[c] = beta[c] - mean[c] * s;
  }
  return { scale, shift };
}

/**
 * Folds a batch norm into the convolution or fully connected layer before it (weights with
 * the output channel first): w' = w·s per output channel, b' = (b − μ)·s + β.
 */
export function foldBatchNormWeights(
  weight: Float32Array,
  bias: Float32Array | null,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): { weight: Float32Array; bias: Float32Array } {
  const outChannels = gamma.length;
  const perOutput = weight.length / outChannels;
  const folded = new Float32Array(weight.length);
  const foldedBias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = gamma[o] / Math.sqrt(variance[o] + eps);
    for (let k = 0; k < perOutput; k++) folded[o * perOutput + k] = weight[o * perOutput + k] * s;
    foldedBias[o] = ((bias ? bias[o] : 0) - mean[o]) * s + beta[o];
  }
  return { weight: folded, bias: foldedBias };
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly kernels (kernels.wat) and the memory they share with the operations above.

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
  ): void;
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
 * module is compiled synchronously: it is small enough (under 4 KB) for browsers to allow that
 * on the main thread.
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
