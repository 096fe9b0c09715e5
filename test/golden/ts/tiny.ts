// Network main, compiled by dsnet 0.1.0 from
// test/golden/ts/tiny.dsnet
// Input 9x9x3, output 1x1x4 per sample (NHWC); 15,948 multiply-adds per sample.
// Weights: embedded (dsnet's deterministic initial weights, seed 1).
//
// Standalone: no imports, no dsnet runtime. Generated code: regenerate rather than edit, with
//   dsnet compile test/golden/ts/tiny.dsnet --target ts -o test/golden/ts/tiny.ts
//
// Usage:
//   const model = createModel({ batch: 1 });
//   const output = model.forward(input); // Float32Array: batch x 9x9x3 in, batch x 1x1x4 out

// ---- dsnet's CPU runtime (src/runtime/runtime.ts in dsnet, copied unchanged) ----

/*
 * The JavaScript half of dsnet's CPU runtime, shared by the CPU plan and the generated
 * TypeScript modules: the operations that move little arithmetic (pooling, softmax, im2col...),
 * weight packing for the WebAssembly kernels (cpu/kernels.wat), and base64 decoding.
 *
 * This file must stand alone — no imports — because `dsnet compile --target ts` copies it
 * verbatim into every generated module (tools/build-generated.ts turns it into a string).
 * Operations work on one Float32Array over the WebAssembly memory, offsets in elements.
 */

interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

type Activation =
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
function activateInPlace(m: Float32Array, at: number, length: number, a: Activation): void {
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
function affine(
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

function add(m: Float32Array, a: number, b: number, out: number, length: number): void {
  for (let i = 0; i < length; i++) m[out + i] = m[a + i] + m[b + i];
}

interface Window {
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
function pool(m: Float32Array, x: number, out: number, s: Window, max: boolean): void {
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
function globalPool(
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
function flattenChannelMajor(
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
function softmax(m: Float32Array, x: number, out: number, pixels: number, c: number): void {
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
function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Output columns per gemm weight panel (kernels.wat's register block). */
const GEMM_PANEL = 16;

/**
 * gemm's weight panels: for each group of 16 output columns, K rows of 16 floats (zero-padded
 * past `columns`). `at(k, c)` gives w[k, c] in the caller's layout.
 */
function packPanels(
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
function padBias(bias: Float32Array | null, length: number, multiple: number): Float32Array {
  const padded = new Float32Array(roundUp(length, multiple));
  if (bias) padded.set(bias.subarray(0, length));
  return padded;
}

/** Depthwise weights [C, 1, kh, kw] to [kh][kw][Cp], Cp = C rounded up to 4. */
function packDepthwise(
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
function packConv(
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
function packFc(
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
function decodeBase64(text: string): Uint8Array {
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

class WeightsFileError extends Error {}

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
function readSafetensorsTensors(
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
function batchNormScaleShift(
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
function foldBatchNormWeights(
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
interface Kernels {
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
function instantiateKernels(
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
function place(
  memory: Float32Array,
  offsets: readonly number[],
  tensors: readonly Float32Array[],
): void {
  tensors.forEach((t, i) => memory.set(t, offsets[i]));
}

/** Splits raw little-endian float32 bytes into tensors of the given shapes, in order. */
function splitTensors(
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

// ---- dsnet's WebAssembly SIMD kernels (src/runtime/kernels.wat in dsnet, assembled) ----

const KERNELS = "AGFzbQEAAAABawdgA3t/fQF7YAR/e3t/AGAJf3t7f397e399AGALf39/f39/f39/f30AYBR/f39/f39/f39/f39/f39/f39/fQBg" +
  "E39/f39/f39/f39/f39/f39/f38AYBJ/f39/f39/f39/f39/f39/f30AAwgHAAECAwQFBgUDAQABBzUFBm1lbW9yeQIABGdlbW0A" +
  "AwlkZXB0aHdpc2UABAZpbTJjb2wABQxkZXB0aHdpc2UzeDMABgrcIAe1AQECeyABRQRAIAAPC/0MAAAAAAAAAAAAAAAAAAAAACED" +
  "/QwAAMBAAADAQAAAwEAAAMBAIQQgAUEBRgRAIAAgA/3pAQ8LIAFBAkYEQCAAIAP96QEgBP3oAQ8LIAFBA0YEQCAAIAP96QEgAv0T" +
  "IAAgA/3oAf3mAf3kAQ8LIAD9DAAAQEAAAEBAAABAQAAAQED95AEgA/3pASAE/egBIAT95wEhAyABQQRGBEAgAw8LIAAgA/3mAQuE" +
  "AQAgA0EITwRAIAAgAf0LBAAgACAC/QsEEA8LIANBBE8EQCAAIAH9CwQAIABBEGohACADQQRrIQMgAiEBCyADQQRPBEAgACAB/QsE" +
  "AA8LIANBAEsEQCAAIAH9HwA4AgALIANBAUsEQCAAIAH9HwE4AgQLIANBAksEQCAAIAH9HwI4AggLC1sAIAQEQCABIAX96QEgBv3o" +
  "ASEBIAIgBf3pASAG/egBIQIFIAEgByAIEAAhASACIAcgCBAAIQILIANBCE8EQCAAIAH9CwQAIAAgAv0LBBAFIAAgASACIAMQAQsL" +
  "lwkEDX8RewF/AnsgCUECTSEp/QwAAAAAAAAAAAAAAAAAAAAA/QwAAID/AACA/wAAgP8AAID/IAlBAU8bISr9DAAAwEAAAMBAAADA" +
  "QAAAwED9DAAAgH8AAIB/AACAfwAAgH8gCUECRhshKyAIQQ9qQQR2IQ8gB0ECdCERQQAhCwJAA0AgCyAGTw0BIAtBwABqIQwgDCAG" +
  "SwRAIAYhDAtBACEOAkADQCAOIA9PDQEgAiAOIBFBBHRsaiEQIAMgDkEGdGr9AAQAIRggAyAOQQZ0av0ABBAhGSADIA5BBnRq/QAE" +
  "ICEaIAMgDkEGdGr9AAQwIRsgCCAOQQR0ayESIAshDQJAA0AgDUECaiAMSw0BIAAgDSABbGohFiAWIAFqIRf9DAAAAAAAAAAAAAAA" +
  "AAAAAAAhIf0MAAAAAAAAAAAAAAAAAAAAACEi/QwAAAAAAAAAAAAAAAAAAAAAISP9DAAAAAAAAAAAAAAAAAAAAAAhJP0MAAAAAAAA" +
  "AAAAAAAAAAAAACEl/QwAAAAAAAAAAAAAAAAAAAAAISb9DAAAAAAAAAAAAAAAAAAAAAAhJ/0MAAAAAAAAAAAAAAAAAAAAACEoIBAh" +
  "E0EAIRQCQANAIBQgEU8NASAT/QAEACEcIBP9AAQQIR0gE/0ABCAhHiAT/QAEMCEfIBYgFGr9CQIAISAgISAgIBz95gH95AEhISAi" +
  "ICAgHf3mAf3kASEiICMgICAe/eYB/eQBISMgJCAgIB/95gH95AEhJCAXIBRq/QkCACEgICUgICAc/eYB/eQBISUgJiAgIB395gH9" +
  "5AEhJiAnICAgHv3mAf3kASEnICggICAf/eYB/eQBISggE0HAAGohEyAUQQRqIRQMAAsLIAQgDSAFbGogDkEGdGohFSAVICEgGP3k" +
  "ASAiIBn95AEgEiApICogKyAJIAoQAiASQQhKBEAgFUEgaiAjIBr95AEgJCAb/eQBIBJBCGsgKSAqICsgCSAKEAILIBUgBWogJSAY" +
  "/eQBICYgGf3kASASICkgKiArIAkgChACIBJBCEoEQCAVIAVqQSBqICcgGv3kASAoIBv95AEgEkEIayApICogKyAJIAoQAgsgDUEC" +
  "aiENDAALCyANIAxJBEAgACANIAFsaiEW/QwAAAAAAAAAAAAAAAAAAAAAISH9DAAAAAAAAAAAAAAAAAAAAAAhIv0MAAAAAAAAAAAA" +
  "AAAAAAAAACEj/QwAAAAAAAAAAAAAAAAAAAAAISQgECETQQAhFAJAA0AgFCARTw0BIBP9AAQAIRwgE/0ABBAhHSAT/QAEICEeIBP9" +
  "AAQwIR8gFiAUav0JAgAhICAhICAgHP3mAf3kASEhICIgICAd/eYB/eQBISIgIyAgIB795gH95AEhIyAkICAgH/3mAf3kASEkIBNB" +
  "wABqIRMgFEEEaiEUDAALCyAEIA0gBWxqIA5BBnRqIRUgFSAhIBj95AEgIiAZ/eQBIBIgKSAqICsgCSAKEAIgEkEISgRAIBVBIGog" +
  "IyAa/eQBICQgG/3kASASQQhrICkgKiArIAkgChACCwsgDkEBaiEODAALCyAMIQsMAAsLC+UEAhZ/AXsgB0ECdCEeIAYgHmwhHyAH" +
  "QQNqQXxxQQJ0ISAgHiEiIA8gHmwhKCAOIB9sISkgAyEjQQAhFAJAA0AgFCAETw0BQQAhFQJAA0AgFSAITw0BIBUgDGwgEGshFyAX" +
  "QQBOIBcgCkEBayAObGogBUhxIR1BACEWAkADQCAWIAlPDQEgFiANbCARayEYIB0gGEEATiAYIAtBAWsgD2xqIAZIcXEEQCAAIBQg" +
  "BWwgF2ogH2wgGCAebGpqISRBACEhAkADQCAhICJPDQEgAiAhav0ABAAhKiABICFqIScgJCAhaiElIAohGwNAICUhJiALIRwDQCAq" +
  "ICb9AAQAICf9AAQA/eYB/eQBISogJiAoaiEmICcgIGohJyAcQQFrIhwNAAsgJSApaiElIBtBAWsiGw0ACyAjICFqICogEiATEAAg" +
  "KkEEICIgIWtBAnYgIiAha0EQTxsQASAhQRBqISEMAAsLBUEAISECQANAICEgIk8NASACICFq/QAEACEqIAEgIWohJ0EAIRsCQANA" +
  "IBsgCk8NASAXIBsgDmxqIRlBACEcAkADQCAcIAtPDQEgGCAcIA9saiEaIBkgBUkgGiAGSXEEQCAqIAAgFCAFbCAZaiAfbCAaIB5s" +
  "aiAhamr9AAQAICf9AAQA/eYB/eQBISoLICcgIGohJyAcQQFqIRwMAAsLIBtBAWohGwwACwsgIyAhaiAqIBIgExAAICpBBCAiICFr" +
  "QQJ2ICIgIWtBEE8bEAEgIUEQaiEhDAALCwsgIyAeaiEjIBZBAWohFgwACwsgFUEBaiEVDAALCyAUQQFqIRQMAAsLC9kBAQp/IBJB" +
  "AnQhGyAAIBFBAnRqIRwgDyETIA8gEGohFAJAA0AgEyAUTw0BIBMgBm4hFSATIBUgBmxrIRZBACEXAkADQCAXIAdPDQEgFSAJbCAN" +
  "ayAXIAtsaiEZQQAhGAJAA0AgGCAITw0BIBYgCmwgDmsgGCAMbGohGiAZIANJIBogBElxBEAgASAcIAIgA2wgGWogBGwgGmogBWxB" +
  "AnRqIBv8CgAABSABQQAgG/wLAAsgASAbaiEBIBhBAWohGAwACwsgF0EBaiEXDAALCyATQQFqIRMMAAsLC+UNBh9/DnsBfwJ7An8F" +
  "eyAQQQJNIT/9DAAAAAAAAAAAAAAAAAAAAAD9DAAAgP8AAID/AACA/wAAgP8gEEEBTxshQP0MAADAQAAAwEAAAMBAAADAQP0MAACA" +
  "fwAAgH8AAIB/AACAfyAQQQJGGyFBIAdBAnQhGyAGIBtsIRwgB0EDakF8cUECdCEdIA0gG2whHyAfQQF0ISAgDCAcbCEhIAtBAUYg" +
  "DUEBRnEhQiAbQQNsIUMgDyALQQFraiALbSEYIAYgD2ogDUEBdEEBamshGSAZIAttQQFqQQAgGUEAThshGSAZIAlKBEAgCSEZC0EA" +
  "IRICQANAIBIgBE8NASAAIBIgBWwgHGxqISRBACETAkADQCATIAhPDQEgEyAKbCAOayEVIBVBAE4gFSAMQQF0aiAFSHEhFyAVIAVJ" +
  "ISUgFSAMaiAFSSEmIBUgDEEBdGogBUkhJyAkIBUgHGxqISsgKyAhaiEsICwgIWohLUEAIR4CQANAIB4gG08NASABIB5q/QAEACEx" +
  "IAEgHmogHWr9AAQAITIgASAeaiAdQQJsav0ABAAhMyABIB5qIB1BA2xq/QAEACE0IAEgHmogHUEEbGr9AAQAITUgASAeaiAdQQVs" +
  "av0ABAAhNiABIB5qIB1BBmxq/QAEACE3IAEgHmogHUEHbGr9AAQAITggASAeaiAdQQhsav0ABAAhOSACIB5q/QAEACE6QQQgGyAe" +
  "a0ECdiAbIB5rQRBPGyEaIAMgEiAIbCATaiAJbCAbbGogHmohI0EAIRQCQANAIBQgCU8NASAUIAtsIA9rIRYgQiAXcSAUIBhOIBRB" +
  "AWogGUhxcQRAICsgFiAbbGogHmohIiA6ITsgOiFEICL9AAQAIUUgIiAbav0ABAAhRiAiICBq/QAEACFHICIgQ2r9AAQAIUggOyBF" +
  "IDH95gEgRiAy/eYB/eQBIEcgM/3mAf3kAf3kASE7IEQgRiAx/eYBIEcgMv3mAf3kASBIIDP95gH95AH95AEhRCAiICFqISIgIv0A" +
  "BAAhRSAiIBtq/QAEACFGICIgIGr9AAQAIUcgIiBDav0ABAAhSCA7IEUgNP3mASBGIDX95gH95AEgRyA2/eYB/eQB/eQBITsgRCBG" +
  "IDT95gEgRyA1/eYB/eQBIEggNv3mAf3kAf3kASFEICIgIWohIiAi/QAEACFFICIgG2r9AAQAIUYgIiAgav0ABAAhRyAiIENq/QAE" +
  "ACFIIDsgRSA3/eYBIEYgOP3mAf3kASBHIDn95gH95AH95AEhOyBEIEYgN/3mASBHIDj95gH95AEgSCA5/eYB/eQB/eQBIUQgPwRA" +
  "IDsgQP3pASBB/egBITsgRCBA/ekBIEH96AEhRAUgOyAQIBEQACE7IEQgECAREAAhRAsgGkEERgRAICMgO/0LBAAgIyAbaiBE/QsE" +
  "AAUgIyA7IDsgGhABICMgG2ogRCBEIBoQAQsgIyAbQQF0aiEjIBRBAmohFAwBCyA6ITsgFyAUIBhOIBQgGUhxcQRAICsgFiAbbGog" +
  "HmohIiA6ICL9AAQAIDH95gH95AEhPCA8ICIgH2r9AAQAIDL95gH95AEhPCA8ICIgIGr9AAQAIDP95gH95AEhPCAiICFqISIgIv0A" +
  "BAAgNP3mASE9ID0gIiAfav0ABAAgNf3mAf3kASE9ID0gIiAgav0ABAAgNv3mAf3kASE9ICIgIWohIiAi/QAEACA3/eYBIT4gPiAi" +
  "IB9q/QAEACA4/eYB/eQBIT4gPiAiICBq/QAEACA5/eYB/eQBIT4gPCA9/eQBID795AEhOwUgFiAGSSEoIBYgDWogBkkhKSAWIA1B" +
  "AXRqIAZJISogFiAbbCAeaiEuIC4gH2ohLyAvIB9qITAgJSAocQRAIDsgKyAuav0ABAAgMf3mAf3kASE7CyAlIClxBEAgOyArIC9q" +
  "/QAEACAy/eYB/eQBITsLICUgKnEEQCA7ICsgMGr9AAQAIDP95gH95AEhOwsgJiAocQRAIDsgLCAuav0ABAAgNP3mAf3kASE7CyAm" +
  "IClxBEAgOyAsIC9q/QAEACA1/eYB/eQBITsLICYgKnEEQCA7ICwgMGr9AAQAIDb95gH95AEhOwsgJyAocQRAIDsgLSAuav0ABAAg" +
  "N/3mAf3kASE7CyAnIClxBEAgOyAtIC9q/QAEACA4/eYB/eQBITsLICcgKnEEQCA7IC0gMGr9AAQAIDn95gH95AEhOwsLID8EQCA7" +
  "IED96QEgQf3oASE7BSA7IBAgERAAITsLIBpBBEYEQCAjIDv9CwQABSAjIDsgOyAaEAELICMgG2ohIyAUQQFqIRQMAAsLIB5BEGoh" +
  "HgwACwsgE0EBaiETDAALCyASQQFqIRIMAAsLCw==";

// ---- the network ----

/** Height, width and channels of one input sample (NHWC without N). */
export const inputShape = [9, 9, 3] as const;
/** Height, width and channels of one output sample. */
export const outputShape = [1, 1, 4] as const;
/** The weight tensors the network has, in order, with their PyTorch-layout shapes. */
export const weightTensors: ReadonlyArray<readonly [string, readonly number[]]> = [
  ["conv1.weight", [8, 3, 3, 3]],
  ["bn1.weight", [8]],
  ["bn1.bias", [8]],
  ["bn1.running_mean", [8]],
  ["bn1.running_var", [8]],
  ["dw1.weight", [8, 1, 3, 3]],
  ["bn2.weight", [8]],
  ["bn2.bias", [8]],
  ["bn2.running_mean", [8]],
  ["bn2.running_var", [8]],
  ["pw1.weight", [12, 8, 1, 1]],
  ["bn3.weight", [12]],
  ["bn3.bias", [12]],
  ["bn3.running_mean", [12]],
  ["bn3.running_var", [12]],
  ["residual1.sep1.dw.weight", [12, 1, 3, 3]],
  ["residual1.sep1.pw.weight", [12, 12, 1, 1]],
  ["residual1.bn1.weight", [12]],
  ["residual1.bn1.bias", [12]],
  ["residual1.bn1.running_mean", [12]],
  ["residual1.bn1.running_var", [12]],
  ["fc1.weight", [4, 12]],
  ["fc1.bias", [4]],
];

export interface ModelOptions {
  /** Samples per forward pass (default 1). */
  batch?: number;
}

export interface Model {
  readonly batch: number;
  /**
   * Runs the network on batch x H x W x C floats (NHWC). The result is a view into the
   * model's memory, overwritten by the next call: copy it to keep it.
   */
  forward(input: Float32Array): Float32Array;
}

const WEIGHTS = "X7HDPnxN1zv0aak+ayEivaI9Dr4cozM/vlyMvRy8vL6KtJI+uMIYvAM3mb5d+qw8vMv6vQ5ZrT2rY+09h3YtPuxAkz5zrwQ+Aajv" +
  "PKDOir4WCqY9/RdVPlzgk73vKBE9JUTgPTaJsb5uq4A9H+hfPtyqw76HK+m91S8lPmjj2z65ddW+/hj9PZDp7j6hVYO8WgwRPELy" +
  "Tb7f9Y699/8PPp83tjqG4Y8+3I+/vM1JHr4hqn4+hOuCPtheUD6wuIM9skmBPtc4kb6ZRU0+vYhbvDlRtb5qjX8+WNvQvbozVL6S" +
  "fhg/F3Ofvsveuj5u5FC+lcPxPuZxVb5PbgU+xxAHPWPmGr4H8wY/i4kPv8pWEb2tozi+yagcv+8vlb0emxa+TJ/lPmiD+j7u9sc+" +
  "sFckP/1HTD5cHDo+0Cj+vZMLfD6prMu+Uc25vHVbmD7I8x0+zzOaPrLFyL7jOeQ9jfI+PtlDOj4jahK+X84OPpIZNT5fmsG+VZT2" +
  "vfTRMz4ANyk+bUEMPvcBfT2dedS9pXxSvgw0lj6xiYc+MT6kviU2Qb11kUk9OpU5vuBAVD78QDK8Bb7sPs4S/L4XHh08116vPEsH" +
  "hT2eTdO787E2vY0Sdb6j8uc+6DKbPm6xED72hxq+Qe0APnul776u8SE+WeTfPf0EBb4e/Ks9ed6hvWGEqT4Mmly+99sFP8sbxT7Q" +
  "+ui+CyFAvpNUrL48tBe+vgwIPtRvhj1MRmU+6WtGPpvJt72qp8I+NBAZP1foXD7W8OY9+Gp/POLQlL1lzy08OMqJPs2kiD2wcA6+" +
  "7pA6PvKUFb5TCpm+YScVPv4zbr59oq8+7LtLvgbCO72u7AE+PSTjviGjuDyfjK097Y1vvmdbnL7IYv28+chzPTo2TD6pDlW+m5F+" +
  "vulTnD4Bw1G+ov0avmuvIz2tOqq8tAyevrIBEL6G4Y0+h8qMPo4PJz27k8O9g/0WvR08Fb79Sw2+EA8uvgPqXr6pVIO90MUOP+EW" +
  "iz6mhHk9NKXuPfkZyj41Ru09KLV4vgwtaj4n7R29t+HwPh3T6D26q4268Fc/P7imjT1TpNI+J3uzPgvUWL4mny2+5Bl+vqdSYT78" +
  "CJI+lJqkPhOzXj5j20G9WQ+7vu9qxr3liSk9b5GMPSbA+Dw1SsI+ps8nPwrwkT+WTY4/HesEPwQ+ET+P/gc/A+tmP9Cblj89fLI9" +
  "+SmOvrgwB76K5oK+aov/PnJpkT1BE7Q+gKpHvmtvUz1JF9S9HcoSv4tbfL6py8E+bO2aPuhhq70rDUS+jiKIP3i2BT/tN6E/KLqp" +
  "PzS/wz/lUuU/gmefPzFH0z94EA++vGDSPeANYz41ajw/+xM9Pvt/cb+Ul689TL5GPk6yNz9lHB4+OnFRP0cpZr6Y9rg+4yBpviYZ" +
  "I7/RVSm/DOzcvgxunb5o3w8+Bxj4PlLleT5mu8u9XKQmP8PyRz4l4Qi/V+mwviy4ID4Jb2c+pVksvg1jlD+w/5i9V2AbO0LR1D49" +
  "y329Rucov+vUrD1p1r+8uZnUvC2d3DyZGPK95VALP9Aikj+1TQM/Jzblvg2aCr+CgaO+Rq+4viC8or6ergY+hboYv/OcPr9VaRk/" +
  "CXsvvvjjRr/+pUE+PVSXPhruPr+87yg/7TeVv41qWr3lixy/ebyTPs4ZhTya2mm+FGnEPXTTJ7/A6Hc+B0o0PObNID4JNlC/DV4P" +
  "vlzYmj6vcJ8/ELwIP/YIPD/TvQ0/wUFOP43wtz9H7FA/PF5oP3gsPD7imHA+VMiiPal0jb7nU5S+PShfPVsRn71/Yk49/8CKvyC0" +
  "fz7tW4w/dHy6vCpBYj5LrSU/xzYFvyXn+b4SJbI/KFTuP/GPhj/eau8/lHUSP6NWlj9CXl0/ozcFP+fIEr/XhhU+jyGivoRGVT/y" +
  "tUE/0EABv/oETj7tcfg+MOAdv3KmHb7xkPA+izvuvRHuOL/BIY69EokOP94uFT7VYjE+V9LzPt5+HT9WNBc+a5uwvveHCT84NL49" +
  "aqMiP90JLL3QU4o+Ks3evXiu0z71rRq/6DO5vhAzH75LggQ+wQN2PUg8mb7wWzE+SgsZP/RKEz8BZow8jlIvvm+QYz6eVSg/7Iyw" +
  "vUA2wb6lnJy+X5L+vhNkrz61Zeg+9LBTPqVmzL4mgA2/BbgTP7Xk8j00578+nN9dPq6/ND/gEly9QFeOvwbF3D0ZJGW/ezwmPaGj" +
  "rbsDcsw9WM+LPzlPsz7yBHo+R1DIvh8/SL+wVhw/WFK8Pnj7QL/jn5g+qQkiP6BLmT0gjSA+9HEyv/G9jT11nxK/f9wwPm90nr7c" +
  "pqW+d9W3PosoSb+uERo+02wXvnEDwb79SAE/8CKCv4wul72FZJi+FF22Pkc9W7+c172+WXU6PjKDdD+XnGi/4BgKPx3Knz9xHCI/" +
  "Q69LP9ufUj9Eq5g/eCZePyakgD9TO3g/ZExWP/HAmj97eZk/S6y9P1qVnT0a40O8rvAKPgPVxD1xYtC9inAuvq3ZRb6Eoxe90exL" +
  "vVUuPL6hmke8K5jjvicC1r06ck4+fnlAPiCWvD5DzBQ/wCBQPlpwvb3JXS4+mGnRvdygAT/1Qs89Ro08P1u0ED//1r0/q6apPyCB" +
  "+z+R99k/43yKPyZ/nT9tALA/lHS7P9JXGz+CtLo/a4mFP7H70Dk2RL2+QX76vm/zVz9KcR0/O3sBv5JGSD/xdpG/BKBRv6FPpT72" +
  "fsk9K131PkehtL1WaYC/YN4AOv35Fz56iCK/I4kjv4ruTT8ffeY89JYXv15ipb7Glac8h1QVPgWjubws8xC+E+IRPsBy771ja2++" +
  "5khWPrCzyL1zH9C9oHPzPkv1CL/riHQ/VmHxPqXLG7/BXFW/WACDvpykGT9kuGs9/9wUvnnRAL7O246+6GOBvppOdz884+o+h1IQ" +
  "vny6LD/lLC4/YjowPyJ84D4vF8S+32vtPtJwbT7KRyY+/gyDvvfJLj45VMc+n3LqPolvCr/Aq38/t+cQvqhMXz2ffDS+miGGPs3D" +
  "xLzvZOS84tiWP332UL4i2KU9Ps2pvqlkIDw8dhk/fHVtPxV4sT6vojM+mFCUPYOnZD4/U9e+J+83vjuYKz8W4de+gacTPuQtx76A" +
  "gIG+g0TFvMvUCL+lai++eRY1v6g2Hb75V2M9JILevui0bD75p4e+K1hiv5x3oT6Mcqq9of0hP6YBzr6OLZI+Gm46vdpDyb21t6E8" +
  "lLRJvhPbQL49rQW+9FTivZPXGT6uJRc+yaezviaJ/z07PG6+jJhnvudn6j0Icw8+zUz5vemdmr5wRj+/Kb/DPbs87T68aIu8vzwe" +
  "P5EymT4BMUA/JmEvP9Qmib4k8YK9jDzgvvj7lb6yzfm9f+ASPvGEZ74Wkg+/ebe9vpcNbr3UYh8/FK4cvrfi/D7sNai+X+hUvE6z" +
  "Lr9dMYc+sWJ/vu8+Or/hhDk8Vnb7PYRtsb48+lE/N4cBv1xMpz1ouv29KXW+vspLkz49Ckq+DZHcPaUsjj3uqeM+Y/j2PhQSib0R" +
  "0/4+S8wDPhpgo79d/5S+xvQdP90hfj2Igok+5Xwov3IXIz+j2aG+ZjTjvrxTQb+OHyq9uLzEvTCl4j6tfte9yya9vsgGvL6h5bG7" +
  "BTeBvnZ3gr5w/Q29ronHPbM/mj5I0aQ+TWx2PnJ3u70Iz3s95//FvRcY4b0OGJS9uPlwPsjHkT53U7C+hHAAP8FM/b1UuIy+TcSP" +
  "Pp6wGL5SmOs+e+axvisvT77k2eO+R0tGPEHRCL1x408+oWMCP8VTCz5T4bI8hX9qPgnbtL7Rid4+Cn/1PbOWVb2Lptc9cQaEPdfR" +
  "qj4c8Do/ZjhcvNGXYb5jicu8YnYKv6My+L1b44a+ufm5Pn7+z73QrBU9Js8vP5/6H75qHYw+VFwsvlxgjr7V12G62lcBPfI9nr9E" +
  "Egs/pMMjvuj5nb5wjmG+PXsjP1NOIj8ruCa93ygNPzhZmD56oYO9Pl0YP+0ssr745Js+NSaXv9KkUr2QuMw+2KYBvikbEz+shGc/" +
  "ypimP5sWuj9Q+xc//kiRP7B0Qz+3pro/esEgP5ncEz+q1Yo/c3wePzEk1b1XII4+crravMc6GT37aWK6UeZFvpDJqL7CwdK9KNii" +
  "PpKKaLyl6hk+nlkmvbCYlL56Tty+qvMHPvoryb77MJG81d4Ov/C5m74zMB2/Rf/BvQIKZj9ovB6+P3nbPtaFzT/4/7o/UmuIP3YP" +
  "2j8n38M/rggGP5iOwT/KFP4/M3HJP43Qiz9+RD8/QOXTP6l1Nj6/Hqi+158gPcLQmL70xeK9C3pvvu9LV72qmoI9tdCLvvrZST6k" +
  "mgo/yGKrPjyd3b7H8b89Ok+dvfDqib7YtJA+lasvvWFHUz67vRG+SvkXPi7gEb+F5x6+CC2jPmA6Ir4a8Rw+6rTlvgU9Ib9oVy2+" +
  "bq10vrimw75Vh8w+nj+Zv+TI8D4k4gM/PpUAvxHyRr5BSgK/HaqvPvmp974Y4UI/s+fmvnLtwb7Weja/30ngPdyV2j6h+jA+0z1p" +
  "vlAtIDxv61s9ONMFPgpbbzw=";

/** A model with the embedded weights. */
export function createModel(options: ModelOptions = {}): Model {
  return buildModel(splitTensors(decodeBase64(WEIGHTS), weightTensors), options.batch ?? 1);
}

function buildModel(t: Float32Array[], batch: number): Model {
  if (!Number.isInteger(batch) || batch < 1)
    throw new RangeError(`batch must be a whole number >= 1, got ${batch}`);

  // Memory, in floats: 1,208 of packed weights from element 4, then the
  // activation arena (900 per sample, planned by liveness), then
  // 6,912 of im2col scratch.
  const arena = 1212;
  const scratch = arena + batch * 900 + 4;
  const { kernels: k, memory: m } = instantiateKernels(KERNELS, scratch + 6916);

  // Weights: batch norm folded, packed for the kernels.
  // conv1 + bn1 + relu6_1
  {
    let w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[0], bias: null };
    w = foldBatchNormWeights(w.weight, w.bias, t[1], t[2], t[3], t[4], 0.00001);
    place(m, [4, 436], packConv(w.weight, w.bias, 8, 3, 3, 3, 1, false));
  }
  // dw1 + bn2 + relu1
  {
    let w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[5], bias: null };
    w = foldBatchNormWeights(w.weight, w.bias, t[6], t[7], t[8], t[9], 0.00001);
    place(m, [452, 524], packConv(w.weight, w.bias, 8, 8, 3, 3, 8, true));
  }
  // pw1 + bn3 + relu6_2
  {
    let w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[10], bias: null };
    w = foldBatchNormWeights(w.weight, w.bias, t[11], t[12], t[13], t[14], 0.00001);
    place(m, [532, 660], packConv(w.weight, w.bias, 12, 8, 1, 1, 1, false));
  }
  // residual1.sep1.dw
  {
    const w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[15], bias: null };
    place(m, [676, 784], packConv(w.weight, w.bias, 12, 12, 3, 3, 12, true));
  }
  // residual1.sep1.pw + residual1.bn1 + residual1.silu1
  {
    let w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[16], bias: null };
    w = foldBatchNormWeights(w.weight, w.bias, t[17], t[18], t[19], t[20], 0.00001);
    place(m, [796, 988], packConv(w.weight, w.bias, 12, 12, 1, 1, 1, false));
  }
  // fc1
  {
    const w: { weight: Float32Array; bias: Float32Array | null } = { weight: t[21], bias: t[22] };
    place(m, [1004, 1196], packFc(w.weight, w.bias, 4, 12));
  }

  // Activations: each value's offset in the arena, per sample times the batch.
  const v0 = arena + batch * 0; // input 9x9x3
  const v3 = arena + batch * 244; // conv1 + bn1 + relu6_1 5x5x8
  const v6 = arena + batch * 444; // dw1 + bn2 + relu1 5x5x8
  const v9 = arena + batch * 0; // pw1 + bn3 + relu6_2 5x5x12
  const v10 = arena + batch * 300; // residual1.sep1.dw 5x5x12
  const v13 = arena + batch * 600; // residual1.sep1.pw + residual1.bn1 + residual1.silu1 5x5x12
  const v14 = arena + batch * 300; // residual1.add 5x5x12
  const v15 = arena + batch * 0; // maxpool1 3x3x12
  const v16 = arena + batch * 108; // gap1 1x1x12
  const v18 = arena + batch * 0; // fc1 1x1x4
  const v19 = arena + batch * 4; // softmax1 1x1x4

  /** conv1 + bn1 + relu6_1: conv 3x3 s2x2 + relu6, 9x9x3 -> 5x5x8, 5,400 MACs per sample. */
  function step1(): void {
    for (let n = 0; n < batch; n++) {
      for (let p0 = 0; p0 < 25; p0 += 256) {
        const rows = Math.min(256, 25 - p0);
        k.im2col(v0 * 4, scratch * 4, n, 9, 9, 3, 5, 3, 3, 2, 2, 1, 1, 1, 1, p0, rows, 0, 3);
        k.gemm(scratch * 4, 108, 16, 1744, (v3 + (n * 25 + p0) * 8 + 0) * 4, 32, rows, 27, 8, 2, 0);
      }
    }
  }

  /** dw1 + bn2 + relu1: dw 3x3 + relu, 5x5x8 -> 5x5x8, 1,800 MACs per sample. */
  function step2(): void {
    k.depthwise3x3(v3 * 4, 1808, 2096, v6 * 4, batch, 5, 5, 8, 5, 5, 1, 1, 1, 1, 1, 1, 1, 0);
  }

  /** pw1 + bn3 + relu6_2: pw 1x1 + relu6, 5x5x8 -> 5x5x12, 2,400 MACs per sample. */
  function step3(): void {
    k.gemm(v6 * 4, 32, 2128, 2640, v9 * 4, 48, batch * 25, 8, 12, 2, 0);
  }

  /** residual1.sep1.dw: dw 3x3, 5x5x12 -> 5x5x12, 2,700 MACs per sample. */
  function step4(): void {
    k.depthwise3x3(v9 * 4, 2704, 3136, v10 * 4, batch, 5, 5, 12, 5, 5, 1, 1, 1, 1, 1, 1, 0, 0);
  }

  /** residual1.sep1.pw + residual1.bn1 + residual1.silu1: pw 1x1 + silu, 5x5x12 -> 5x5x12, 3,600 MACs per sample. */
  function step5(): void {
    k.gemm(v10 * 4, 48, 3184, 3952, v13 * 4, 48, batch * 25, 12, 12, 0, 0);
    activateInPlace(m, v13, batch * 300, { kind: "silu" });
  }

  /** residual1.add: add, 5x5x12 + 5x5x12 -> 5x5x12. */
  function step6(): void {
    add(m, v13, v9, v14, batch * 300);
  }

  /** maxpool1: maxpool, 5x5x12 -> 3x3x12. */
  function step7(): void {
    pool(
      m,
      v14,
      v15,
      {
        n: batch,
        h: 5,
        w: 5,
        c: 12,
        oh: 3,
        ow: 3,
        kernel: [2, 2],
        stride: [2, 2],
        padding: { top: 0, bottom: 1, left: 0, right: 1 },
      },
      true,
    );
  }

  /** gap1: globalavgpool, 3x3x12 -> 1x1x12. */
  function step8(): void {
    globalPool(m, v15, v16, batch, 9, 12, false);
  }

  /** fc1: fc, 1x1x12 -> 1x1x4, 48 MACs per sample. */
  function step9(): void {
    k.gemm(v16 * 4, 48, 4016, 4784, v18 * 4, 16, batch, 12, 4, 0, 0);
  }

  /** softmax1: softmax, 1x1x4 -> 1x1x4. */
  function step10(): void {
    softmax(m, v18, v19, batch * 1, 4);
  }

  return {
    batch,
    forward(input: Float32Array): Float32Array {
      if (input.length !== batch * 243) {
        throw new RangeError(
          `the input must have ${batch} x 9x9x3 = ${batch * 243} values, got ${input.length}`,
        );
      }
      m.set(input, v0);
      step1();
      step2();
      step3();
      step4();
      step5();
      step6();
      step7();
      step8();
      step9();
      step10();
      return m.subarray(v19, v19 + batch * 4);
    },
  };
}
