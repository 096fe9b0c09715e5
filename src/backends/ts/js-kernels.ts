import type { Call, StepCalls } from "../cpu/calls.js";
import { roundUp } from "../../runtime/runtime.js";
import type { ConvGeometry, KernelActivation, StepDescriptor } from "../cpu/steps.js";
import type { CodeWriter } from "./layout.js";

/*
 * `dsnet compile --target ts --kernels js`: the steps as plain TypeScript loops, no WebAssembly,
 * for engines without it (React Native's Hermes, pages whose Content-Security-Policy forbids it)
 * and for reading what a network computes. Every shape, stride and padding is a literal in the
 * loops. The weights are packed as for the WebAssembly kernels (packConv, packFc) and the loops
 * read that layout: gemm panels of 16 columns, depthwise filters [kh][kw][C rounded up to 4].
 *
 * - Matrix products (pointwise, fully connected, and standard convolutions after an im2col of a
 *   tile of output pixels) keep 4 rows x 4 columns of sums in locals: 8 loads per 16 multiply-adds.
 * - Depthwise convolutions hold a channel's filter taps in locals and run the pixels whose window
 *   lies inside the input without bounds checks; the border pixels go through a checked loop.
 * - Everything else calls the runtime's plain loops (pooling, softmax, channel moves), as the
 *   WebAssembly module does for softmax and flatten (its pooling and channel moves are kernels
 *   with the loops' bits); activations are small functions the loops call as they store.
 */

/** A statement of a step's body: a runtime call, printed as the other modules print it, or code. */
export type JsStatement = Call | ((code: CodeWriter) => void);

/** Floats of an im2col tile, about: its rows stay in cache while gemm reads them. */
const IM2COL_FLOATS = 16384;
/** Rows of a large matrix product per tile, so that its inputs stay in cache across columns. */
const GEMM_TILE_FLOATS = 16384;

/** A step's function: `step3_separable1_pw1`, after its number and first layer. */
export function stepFunctionName(step: StepDescriptor, n: number): string {
  const layer = (step.layers[0] ?? "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
  return layer ? `step${n}_${layer}` : `step${n}`;
}

/** Floats of im2col scratch the convolutions need, after the activation arena (0 for none). */
export function jsScratchElements(steps: StepDescriptor[]): number {
  let most = 0;
  for (const step of steps) {
    if (step.kind === "conv") {
      const { k, tile } = im2colTile(step);
      most = Math.max(most, k * tile);
    }
  }
  return most;
}

/** A convolution's im2col row length and the output pixels per tile. */
function im2colTile(step: Extract<StepDescriptor, { kind: "conv" }>) {
  const g = step.geometry;
  const k = g.kernel[0] * g.kernel[1] * step.cig;
  const pixels = g.oh * g.ow;
  return { k, pixels, tile: Math.min(pixels, Math.max(4, Math.floor(IM2COL_FLOATS / k / 4) * 4)) };
}

/** The steps of one module as loops; collects the activation functions they call. */
export class JsKernels {
  private activations = new Map<string, string>();

  /** `ts`: TypeScript (annotations, `!` on indexed reads), otherwise JavaScript. */
  constructor(private ts: boolean) {}

  /** `m[i]` as a read: non-null in TypeScript (noUncheckedIndexedAccess). */
  private read(index: string): string {
    return `m[${index}]${this.ts ? "!" : ""}`;
  }

  /** A typed parameter list: `(x: number, c: number)`, or `(x, c)` in JavaScript. */
  private params(names: string[]): string {
    return names.map((n) => (this.ts ? `${n}: number` : n)).join(", ");
  }

  /**
   * What a step's function needs declared before it, once (a function declared inside it would
   * be made anew at every call): a depthwise step's border function, `<name>_border`.
   */
  before(
    step: StepDescriptor,
    w: number[],
    value: (id: number) => string,
    name: string,
  ): ((code: CodeWriter) => void) | undefined {
    if (step.kind !== "depthwise" || !depthwiseBorders(step)) return undefined;
    return (code) => this.depthwiseBorder(code, step, w[0]!, w[1]!, value, name);
  }

  /**
   * The statements of a step's function, `name`. `w`: the addresses of the node's packed
   * weights; `value`: a value's name in the module (its address in `m`).
   */
  statements(
    step: StepDescriptor,
    { calls }: StepCalls,
    w: number[],
    value: (id: number) => string,
    name: string,
  ): JsStatement[] {
    switch (step.kind) {
      case "pointwise":
        return [(code) => this.pointwise(code, step, w, value)];
      case "fc":
        return [(code) => this.fc(code, step, w, value)];
      case "depthwise":
        return [(code) => this.depthwise(code, step, w, value, name)];
      case "conv":
        return [(code) => this.conv(code, step, w, value)];
      case "activation":
        return [
          (code) => this.activateLoop(code, value(step.x), value(step.out), step.length, step.act),
        ];
      case "affine":
      case "add": {
        const length = step.kind === "add" ? step.length : step.pixels * step.channels;
        const runtime: JsStatement[] = calls.filter((c) => c.fn !== "k.activate");
        if (step.act.code === 0) return runtime;
        const out = value(step.out);
        return [...runtime, (code) => this.activateLoop(code, out, out, length, step.act)];
      }
      default:
        if (calls.some((c) => c.fn.startsWith("k."))) {
          throw new Error(`internal: --kernels js has no loop for a ${step.kind} step's kernel`);
        }
        return calls;
    }
  }

  /** The activation functions the steps call, as module-level declarations (empty if none). */
  declarations(): string[] {
    if (this.activations.size === 0) return [];
    return [
      "// ---- activations, applied by the steps as they store their results ----",
      "",
      ...[...this.activations.values()].flatMap((text) => [...text.split("\n"), ""]),
    ];
  }

  /** `act(v)` as code, declaring the activation's function on first use. */
  private activate(act: KernelActivation, v: string): string {
    const fn = ACTIVATIONS[act.code];
    if (!fn) throw new Error(`internal: no activation with code ${act.code}`);
    if (fn.name === "") return v;
    if (!this.activations.has(fn.name)) {
      const params = this.params(fn.slope ? ["v", "slope"] : ["v"]);
      this.activations.set(
        fn.name,
        [
          `/** ${fn.doc} */`,
          `function ${fn.name}(${params})${this.ts ? ": number" : ""} {`,
          `  return ${fn.body};`,
          "}",
        ].join("\n"),
      );
    }
    return fn.slope ? `${fn.name}(${v}, ${act.slope})` : `${fn.name}(${v})`;
  }

  /** out[i] = act(x[i]) over one sample (out may be x). */
  private activateLoop(
    code: CodeWriter,
    x: string,
    out: string,
    length: number,
    act: KernelActivation,
  ) {
    code.line(
      `for (let i = 0; i < ${length}; i++) m[${out} + i] = ${this.activate(act, this.read(`${x} + i`))};`,
    );
  }

  private pointwise(
    code: CodeWriter,
    step: Extract<StepDescriptor, { kind: "pointwise" }>,
    w: number[],
    value: (id: number) => string,
  ) {
    const { pixels, inC, outC, act } = step;
    code.line(`// Every pixel is a row: out[r][o] = act(b[o] + Σk x[r][k]·w[k][o]).`);
    this.gemm(code, {
      rows: pixels,
      k: inC,
      x: value(step.x),
      out: value(step.out),
      ldo: outC,
      columns: outC,
      weights: String(w[0]!),
      bias: String(w[1]!),
      act,
      tile: true,
    });
  }

  private fc(
    code: CodeWriter,
    step: Extract<StepDescriptor, { kind: "fc" }>,
    w: number[],
    value: (id: number) => string,
  ) {
    code.line(`// One row, the sample's: out[o] = act(b[o] + Σk x[k]·w[k][o]).`);
    this.gemm(code, {
      rows: 1,
      k: step.inF,
      x: value(step.x),
      out: value(step.out),
      ldo: step.outF,
      columns: step.outF,
      weights: String(w[0]!),
      bias: String(w[1]!),
      act: step.act,
      tile: false,
    });
  }

  /**
   * out[r][col + o] = act(bias[o] + Σk x[r][k]·w[k][o]) for `rows` rows of `k` floats from `x`
   * (names or expressions), `columns` columns into rows `ldo` floats apart at `out`. The weights
   * are gemm panels (packPanels): 16 columns per panel, k rows of 16 floats.
   */
  private gemm(
    code: CodeWriter,
    g: {
      /**
       * The rows: a number where the step knows it (a sample's pixels, fc's 1), else a name
       * and whether they always come in fours (no leftover rows to compute one at a time).
       */
      rows: number | { name: string; inFours: boolean };
      k: number;
      x: string;
      out: string;
      ldo: number;
      columns: number;
      weights: string;
      bias: string;
      act: KernelActivation;
      /** Tile the rows so that a tile's inputs stay in cache while every column passes over it. */
      tile: boolean;
    },
  ) {
    const tileRows = Math.max(16, Math.floor(GEMM_TILE_FLOATS / g.k / 4) * 4);
    const known = typeof g.rows === "number" ? g.rows : undefined;
    const rows = typeof g.rows === "number" ? String(g.rows) : g.rows.name;
    const inFours = typeof g.rows === "number" ? g.rows % 4 === 0 : g.rows.inFours;
    // No loop that would run once, and no block of four rows where there are fewer.
    const tiled = g.tile && !(known !== undefined && known <= tileRows);
    const fours = known === undefined || known >= 4;
    const [r0, r1] = tiled ? ["r0", "r1"] : ["0", rows];
    if (tiled) {
      code.open(`for (let r0 = 0; r0 < ${rows}; r0 += ${tileRows}) {`);
      code.line(`const r1 = Math.min(r0 + ${tileRows}, ${rows});`);
    }
    const full = Math.floor(g.columns / 4) * 4;
    const panel = 16 * g.k;
    const columnGroup = (col: string, n: number) => {
      code.line(`const w = ${g.weights} + Math.floor(${col} / 16) * ${panel} + (${col} % 16);`);
      for (let o = 0; o < n; o++) {
        code.line(`const b${o} = ${this.read(offsetBy(`${g.bias} + ${col}`, o))};`);
      }
      code.line(`let r = ${r0};`);
      if (fours) {
        code.open(`for (; r + 4 <= ${r1}; r += 4) {`);
        this.gemmBlock(code, g, col, 4, n);
        code.close();
      }
      if (!inFours) {
        code.open(`for (; r < ${r1}; r++) {`);
        this.gemmBlock(code, g, col, 1, n);
        code.close();
      }
    };
    if (full > 0) {
      code.open(`for (let col = 0; col < ${full}; col += 4) {`);
      code.line("// Columns col..col+3: their panel, k rows 16 floats apart, and their bias.");
      columnGroup("col", 4);
      code.close();
    }
    if (g.columns > full) {
      code.open("{");
      code.line(`// The last ${g.columns - full} column${g.columns - full > 1 ? "s" : ""}.`);
      code.line(`const col = ${full};`);
      columnGroup("col", g.columns - full);
      code.close();
    }
    if (tiled) code.close();
  }

  /** `rows` rows (from `r`) by `n` columns (from `col`) of sums in locals, then stored. */
  private gemmBlock(
    code: CodeWriter,
    g: { k: number; x: string; out: string; ldo: number; act: KernelActivation },
    col: string,
    rows: number,
    n: number,
  ) {
    const sum = (r: number, o: number) => `a${r}${o}`;
    code.line(`const x0 = ${g.x} + r * ${g.k};`);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < n; o++) code.line(`let ${sum(r, o)} = b${o};`);
    code.open(`for (let k = 0, wk = w; k < ${g.k}; k++, wk += 16) {`);
    for (let o = 0; o < n; o++)
      code.line(`const w${o} = ${this.read(o === 0 ? "wk" : `wk + ${o}`)};`);
    for (let r = 0; r < rows; r++) {
      code.line(`const x${r}k = ${this.read(r === 0 ? "x0 + k" : `x0 + ${r * g.k} + k`)};`);
      for (let o = 0; o < n; o++) code.line(`${sum(r, o)} += x${r}k * w${o};`);
    }
    code.close();
    code.line(`const o0 = ${g.out} + r * ${g.ldo} + ${col};`);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < n; o++) {
        const at = r * g.ldo + o;
        code.line(`m[${at === 0 ? "o0" : `o0 + ${at}`}] = ${this.activate(g.act, sum(r, o))};`);
      }
    }
  }

  private depthwise(
    code: CodeWriter,
    step: Extract<StepDescriptor, { kind: "depthwise" }>,
    w: number[],
    value: (id: number) => string,
    name: string,
  ) {
    const g = step.geometry;
    const { h, w: width, c, oh, ow } = g;
    const [kh, kw] = g.kernel;
    const [sh, sw] = g.stride;
    const [dh, dw] = g.dilation;
    const cp = roundUp(c, 4);
    const [weights, bias] = [w[0]!, w[1]!];
    const taps = kh * kw;
    // Output rows and columns whose whole window lies inside the input.
    const [oy0, oy1] = inside(g.padding.top, sh, (kh - 1) * dh, h, oh);
    const [ox0, ox1] = inside(g.padding.left, sw, (kw - 1) * dw, width, ow);

    const interior = oy0 < oy1 && ox0 < ox1;
    // Only the interior reads x here: the border function reads it itself.
    if (interior) code.line(`const x = ${value(step.x)};`);
    code.line(`const out = ${value(step.out)};`);
    code.open(`for (let oy = 0; oy < ${oh}; oy++) {`);
    code.open(`for (let c = 0; c < ${c}; c++) {`);
    code.line(`const o = out + oy * ${ow * c} + c;`);
    // Output columns [from, to) through `border`.
    const borderColumns = (from: number, to: number) =>
      to - from === 1
        ? `m[${offsetBy("o", from * c)}] = ${name}_border(oy, ${from}, c);`
        : `for (let ox = ${from}; ox < ${to}; ox++) m[o + ox * ${c}] = ${name}_border(oy, ox, c);`;
    const allBorder = borderColumns(0, ow);
    if (!interior) {
      code.line(allBorder);
    } else {
      if (oy0 > 0 || oy1 < oh) {
        const outside = [oy0 > 0 ? `oy < ${oy0}` : "", oy1 < oh ? `oy >= ${oy1}` : ""];
        code.open(`if (${outside.filter((s) => s).join(" || ")}) {`);
        code.line(allBorder, "continue;");
        code.close();
      }
      if (ox0 > 0) code.line(borderColumns(0, ox0));
      code.line("// The filter's taps and bias for channel c, then the columns inside the input.");
      for (let t = 0; t < taps; t++) {
        code.line(`const w${t} = ${this.read(`${weights + t * cp} + c`)};`);
      }
      code.line(`const b = ${this.read(`${bias} + c`)};`);
      // i: the window's first tap for column ox0.
      const first = `${factor(windowInput(g).row("oy"))} * ${width * c}`;
      const column = ox0 * sw - g.padding.left;
      code.line(`let i = x + ${first}${column === 0 ? "" : ` + ${column * c}`} + c;`);
      code.open(`for (let ox = ${ox0}; ox < ${ox1}; ox++, i += ${sw * c}) {`);
      code.line("let acc = b;");
      for (let ky = 0; ky < kh; ky++) {
        const terms = [];
        for (let kx = 0; kx < kw; kx++) {
          const at = (ky * dh * width + kx * dw) * c;
          terms.push(`${this.read(at === 0 ? "i" : `i + ${at}`)} * w${ky * kw + kx}`);
        }
        // One line per filter row, or per tap where a row would not fit on a line.
        const line = `acc += ${terms.join(" + ")};`;
        if (code.fits(line)) code.line(line);
        else for (const term of terms) code.line(`acc += ${term};`);
      }
      code.line(`m[o + ox * ${c}] = ${this.activate(step.act, "acc")};`);
      code.close();
      if (ox1 < ow) code.line(borderColumns(ox1, ow));
    }
    code.close();
    code.close();
  }

  /** The step's `<name>_border(oy, ox, c)`: one output pixel, its taps checked against the input. */
  private depthwiseBorder(
    code: CodeWriter,
    step: Extract<StepDescriptor, { kind: "depthwise" }>,
    weights: number,
    bias: number,
    value: (id: number) => string,
    name: string,
  ) {
    const g = step.geometry;
    const { h, w: width, c } = g;
    const [kh, kw] = g.kernel;
    const { row, column } = windowInput(g);
    const cp = roundUp(c, 4);
    const x = value(step.x);
    code.line(
      `/** ${name}'s pixels whose window crosses the border: the taps inside the input only. */`,
    );
    code.open(
      `function ${name}_border(${this.params(["oy", "ox", "c"])})${this.ts ? ": number" : ""} {`,
    );
    code.line(`let acc = ${this.read(`${bias} + c`)};`);
    code.open(`for (let ky = 0; ky < ${kh}; ky++) {`);
    code.line(`const iy = ${row("oy", "ky")};`);
    code.line(`if (iy < 0 || iy >= ${h}) continue;`);
    code.open(`for (let kx = 0; kx < ${kw}; kx++) {`);
    code.line(`const ix = ${column("ox", "kx")};`);
    code.line(`if (ix < 0 || ix >= ${width}) continue;`);
    const tap = kw === 1 ? "ky" : `(ky * ${kw} + kx)`;
    code.line(
      `acc += ${this.read(`${x} + (iy * ${width} + ix) * ${c} + c`)} * ${this.read(`${weights} + ${tap} * ${cp} + c`)};`,
    );
    code.close();
    code.close();
    code.line(`return ${this.activate(step.act, "acc")};`);
    code.close();
    code.line("");
  }

  /**
   * A standard (or grouped) convolution: im2col of a tile of output pixels into the scratch
   * after the arena, each window a row of kh·kw·cig floats (zeros outside the input), then the
   * matrix product with the group's panels into its columns of the output.
   */
  private conv(
    code: CodeWriter,
    step: Extract<StepDescriptor, { kind: "conv" }>,
    w: number[],
    value: (id: number) => string,
  ) {
    const g = step.geometry;
    const [kh, kw] = g.kernel;
    const { row, column } = windowInput(g);
    const { k, pixels, tile } = im2colTile(step);
    const grouped = step.groups > 1;
    // Each group's panels and bias lie the same distance after the last group's (placeWeights).
    const groupStride = grouped ? w[2]! - w[0]! : 0;
    code.line(`const x = ${value(step.x)};`, `const out = ${value(step.out)};`);
    code.open(`for (let p0 = 0; p0 < ${pixels}; p0 += ${tile}) {`);
    code.line(`const rows = Math.min(${tile}, ${pixels} - p0);`);
    if (grouped) code.open(`for (let g = 0; g < ${step.groups}; g++) {`);
    code.line(
      `// im2col: row r is output pixel p0 + r's window, ${kh}x${kw}x${step.cig} (ky, kx, channel).`,
    );
    code.open("for (let r = 0; r < rows; r++) {");
    code.line(`const oy = Math.floor((p0 + r) / ${g.ow});`);
    code.line(`const ox = p0 + r - oy * ${g.ow};`);
    code.line(`let s = scratch + r * ${k};`);
    code.open(`for (let ky = 0; ky < ${kh}; ky++) {`);
    code.line(`const iy = ${row("oy", "ky")};`);
    code.open(`for (let kx = 0; kx < ${kw}; kx++, s += ${step.cig}) {`);
    code.line(`const ix = ${column("ox", "kx")};`);
    code.open(`if (iy < 0 || iy >= ${g.h} || ix < 0 || ix >= ${g.w}) {`);
    code.line(`m.fill(0, s, s + ${step.cig});`, "continue;");
    code.close();
    code.line(`const at = x + (iy * ${g.w} + ix) * ${g.c}${grouped ? ` + g * ${step.cig}` : ""};`);
    code.line(`for (let ci = 0; ci < ${step.cig}; ci++) m[s + ci] = ${this.read("at + ci")};`);
    code.close();
    code.close();
    code.close();
    this.gemm(code, {
      rows: { name: "rows", inFours: pixels % tile === 0 && tile % 4 === 0 },
      k,
      x: "scratch",
      out: grouped ? `out + p0 * ${step.outC} + g * ${step.cog}` : `out + p0 * ${step.outC}`,
      ldo: step.outC,
      columns: step.cog,
      weights: grouped ? `${w[0]} + g * ${groupStride}` : String(w[0]!),
      bias: grouped ? `${w[1]} + g * ${groupStride}` : String(w[1]!),
      act: step.act,
      tile: false,
    });
    if (grouped) code.close();
    code.close();
  }
}

/** Whether a depthwise step has outputs whose window crosses the input's border. */
function depthwiseBorders(step: Extract<StepDescriptor, { kind: "depthwise" }>): boolean {
  const g = step.geometry;
  const [kh, kw] = g.kernel;
  const [oy0, oy1] = inside(g.padding.top, g.stride[0], (kh - 1) * g.dilation[0], g.h, g.oh);
  const [ox0, ox1] = inside(g.padding.left, g.stride[1], (kw - 1) * g.dilation[1], g.w, g.ow);
  return !(oy0 < oy1 && ox0 < ox1) || oy0 > 0 || oy1 < g.oh || ox0 > 0 || ox1 < g.ow;
}

/** `[lo, hi)`: the outputs o whose taps o·stride − pad + [0, span] all lie in [0, size). */
function inside(pad: number, stride: number, span: number, size: number, outputs: number) {
  const lo = Math.min(outputs, Math.ceil(pad / stride));
  const hi = Math.max(lo, Math.min(outputs, Math.floor((size - 1 - span + pad) / stride) + 1));
  return [lo, hi] as const;
}

/**
 * Where output pixel (oy, ox)'s window reads the input, as code with the stride, padding and
 * dilation as literals: `row("oy")` is the window's first row, oy·stride − pad, and
 * `row("oy", "ky")` the row that its tap ky reads, ky·dilation further; `column` the same across.
 */
function windowInput(g: ConvGeometry) {
  const axis = (stride: number, pad: number, dilation: number) => (o: string, k?: string) => {
    const first = offsetBy(stride === 1 ? o : `${o} * ${stride}`, -pad);
    return k === undefined ? first : offsetBy(first, dilation === 1 ? k : `${k} * ${dilation}`);
  };
  return {
    row: axis(g.stride[0], g.padding.top, g.dilation[0]),
    column: axis(g.stride[1], g.padding.left, g.dilation[1]),
  };
}

/**
 * `e` as the left factor of a product: in parentheses if it is a sum. A product stays bare, as
 * prettier prints `(oy * 2) * 4` (the same tree as `oy * 2 * 4`).
 */
function factor(e: string): string {
  return / [+-] /.test(e) ? `(${e})` : e;
}

/** `e + by` as code, where `by` is a number or a term; `e` itself for 0. */
function offsetBy(e: string, by: number | string): string {
  if (typeof by === "string") return `${e} + ${by}`;
  if (by === 0) return e;
  return by < 0 ? `${e} - ${-by}` : `${e} + ${by}`;
}

interface ActivationFunction {
  name: string;
  doc: string;
  body: string;
  slope?: boolean;
}

/** The kernels' activation codes (KernelActivation) as functions of `v`. */
const ACTIVATIONS: Record<number, ActivationFunction> = {
  0: { name: "", doc: "", body: "" },
  1: { name: "relu", doc: "max(v, 0)", body: "v < 0 ? 0 : v" },
  2: { name: "relu6", doc: "min(max(v, 0), 6)", body: "v < 0 ? 0 : v > 6 ? 6 : v" },
  3: {
    name: "leakyRelu",
    doc: "v, or slope·v below 0",
    body: "v < 0 ? v * slope : v",
    slope: true,
  },
  4: { name: "hardsigmoid", doc: "relu6(v + 3) / 6", body: "Math.min(Math.max(v + 3, 0), 6) / 6" },
  5: {
    name: "hardswish",
    doc: "v · relu6(v + 3) / 6",
    body: "(v * Math.min(Math.max(v + 3, 0), 6)) / 6",
  },
  6: { name: "sigmoid", doc: "1 / (1 + e^-v)", body: "1 / (1 + Math.exp(-v))" },
  7: { name: "silu", doc: "v · sigmoid(v)", body: "v / (1 + Math.exp(-v))" },
  8: { name: "tanh", doc: "tanh(v)", body: "Math.tanh(v)" },
};
