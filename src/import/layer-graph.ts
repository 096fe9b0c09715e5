import { oneLine } from "../backends/comment.js";
import { countedName } from "../check/names.js";
import { resolvePadding } from "../check/padding.js";
import { syntaxLimits } from "../syntax/parse.js";
import { reservedWords } from "../syntax/tokens.js";
import type { TensorToWrite } from "../weights/safetensors.js";
import { ImportError } from "./errors.js";

/*
 * What every importer produces: the model as a DAG of dsnet layers over values, before it is
 * written as .dsnet text. A format's importer (onnx.ts) only translates operators into layers;
 * turning the DAG into pipelines, branches and joins (structure) and writing the text (render)
 * are shared.
 */

/** One dsnet layer of an imported model. */
export interface ImportedLayer {
  /** The layer as .dsnet writes it, without its label: `conv 3x3 16 s2 bias=true`. */
  text: string;
  /** Values it reads: one, or two and more for a join. */
  inputs: number[];
  output: number;
  /** add, mul and concat join branches; every other layer reads one value. */
  join?: "add" | "mul" | "concat";
  /** An add of a residual's body (its first input) and its shortcut, as the source says. */
  shortcut?: boolean;
  /** Its label (an identifier), for layers with weights. */
  label?: string;
  /** A comment written after it: where it came from when the label cannot say. */
  comment?: string;
  /** Its weights in dsnet's order (PyTorch's), named as the source file names them. */
  tensors: TensorToWrite[];
  /** For `slice`: the channels it keeps, so that a concat over slices can be written split=. */
  slice?: { start: number; end: number; of: number };
  /** A batch norm's eps as the source gives it. */
  eps?: number;
  /** A convolution's window as the source computes it, whatever the input's size. */
  window?: SourceWindow;
}

/** Pixels of padding: [top, bottom, left, right]. */
export type Pads = [number, number, number, number];

/**
 * How a source's convolution pads, as a rule rather than amounts, so that `dsnet weights
 * import` can compare it with a hand-written .dsnet run at another size.
 */
export interface SourceWindow {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** TF's and ONNX's SAME (resolved on the input after `before`), VALID, or amounts. */
  padding: "same_upper" | "valid" | Pads;
  /** Zeros added first, whatever the padding (Keras's ZeroPadding2D before the layer). */
  before: Pads;
}

/** The pixels a source's window pads an h x w input with. */
export function padsAt(window: SourceWindow, h: number, w: number): Pads {
  const { padding, before: b, kernel, stride, dilation } = window;
  const size = [h + b[0] + b[1], w + b[2] + b[3]];
  const [[t, bo], [l, r]] = [0, 1].map((a) =>
    Array.isArray(padding)
      ? [padding[2 * a], padding[2 * a + 1]]
      : resolvePadding({ mode: padding }, undefined, size[a], kernel[a], stride[a], dilation[a]),
  );
  return [b[0] + t, b[1] + bo, b[2] + l, b[3] + r];
}

/**
 * How dsnet writes `pads` on a window over an h x w input: "" for the layer's default
 * (`same` for convolutions, `valid` for pools), ` valid`, ` pad=same_upper`, ` pad=N` or
 * ` pad=[top, bottom, left, right]`.
 */
export function padText(
  pads: readonly number[],
  [h, w]: [number, number],
  window: Pick<SourceWindow, "kernel" | "stride" | "dilation">,
  fallback: "same" | "valid",
): string {
  const modeOf = (mode: "same" | "same_upper") =>
    [0, 1].flatMap((a) =>
      resolvePadding(
        { mode },
        undefined,
        [h, w][a],
        window.kernel[a],
        window.stride[a],
        window.dilation[a],
      ),
    );
  const equal = (p: number[]) => p.every((v, i) => v === pads[i]);
  if (fallback === "same" && equal(modeOf("same"))) return "";
  if (pads.every((p) => p === 0)) return fallback === "valid" ? "" : " valid";
  if (equal(modeOf("same_upper"))) return " pad=same_upper";
  if (pads.every((p) => p === pads[0])) return ` pad=${pads[0]}`;
  return ` pad=[${pads.join(", ")}]`;
}

/**
 * How dsnet writes a window's stride and dilation: nothing where they are the defaults given,
 * ` s2` / ` d2` when both axes agree, else ` stride=[sh, sw]` / ` dilation=[dh, dw]`.
 */
export function strideDilationText(
  stride: readonly number[],
  dilation: readonly number[],
  defaultStride: readonly number[] = [1, 1],
  defaultDilation: readonly number[] = [1, 1],
): string {
  const pair = (key: string, long: string, v: readonly number[], skip: readonly number[]) =>
    v[0] === skip[0] && v[1] === skip[1]
      ? ""
      : v[0] === v[1]
        ? ` ${key}${v[0]}`
        : ` ${long}=[${v.join(", ")}]`;
  return `${pair("s", "stride", stride, defaultStride)}${pair("d", "dilation", dilation, defaultDilation)}`;
}

/**
 * A `normalize` layer computing x · scale + shift per channel: written `mean= std=` when the
 * source wrote (x - mean) / std (`statistics`), else `scale= shift=`. `eitherForm`: the source
 * lowered whichever the user wrote to x · scale + shift (dsnet's own export does), so it is
 * written `mean= std=` where decimals that lower to the same float32s are shorter to read.
 */
export function normalizeText({
  scale,
  shift,
  statistics = false,
  eitherForm = false,
}: {
  scale: number[];
  shift: number[];
  statistics?: boolean;
  eitherForm?: boolean;
}): string {
  if (statistics) {
    const std = scale.map((s) => 1 / s);
    return statisticsText(
      shift.map((b, i) => -b * std[i]),
      std,
      float32Text,
    );
  }
  const affine = `normalize scale=${numbersText(scale, float32Text)} shift=${numbersText(shift, float32Text)}`;
  if (!eitherForm) return affine;
  // As the checker lowers `mean= std=`: scale 1 / std and shift -mean / std, in float32.
  const std = scale.map((s) =>
    shortestDecimal(1 / s, (d) => Math.fround(1 / d) === Math.fround(s)),
  );
  const mean = shift.map((b, i) =>
    shortestDecimal(-b * std[i], (m) => Math.fround(-m / std[i]) === Math.fround(b)),
  );
  // The characters of numbers each form makes one read, a part at its default counting none.
  const read = (v: number[], fallback: number, text: (x: number) => string) =>
    isAll(v, fallback) ? 0 : numbersText(v, text).length;
  const shorter =
    read(mean, 0, String) + read(std, 1, String) <
    read(scale, 1, float32Text) + read(shift, 0, float32Text);
  return shorter ? statisticsText(mean, std, String) : affine;
}

/** `normalize mean= std=`, leaving out a part that is the checker's default (0, 1). */
function statisticsText(mean: number[], std: number[], text: (x: number) => string): string {
  const parts = [
    ...(isAll(mean, 0) ? [] : [`mean=${numbersText(mean, text)}`]),
    ...(isAll(std, 1) ? [] : [`std=${numbersText(std, text)}`]),
  ];
  return `normalize ${parts.length > 0 ? parts.join(" ") : "mean=0"}`;
}

/** One value when every channel's is written the same, else the list. */
function numbersText(v: number[], text: (x: number) => string): string {
  const texts = v.map(text);
  return texts.every((t) => t === texts[0]) ? texts[0] : `[${texts.join(", ")}]`;
}

function isAll(v: number[], value: number): boolean {
  return v.every((x) => Math.fround(x) === value);
}

/** The decimal of fewest digits (up to float32's 9) near x that `fits`; x when none does. */
function shortestDecimal(x: number, fits: (d: number) => boolean): number {
  for (let p = 1; p <= 9; p++) {
    const d = Number(x.toPrecision(p));
    if (fits(d)) return d;
  }
  return x;
}

/** The shortest decimal that reads back as the same float32 (1e-3 for 0.0010000000475). */
export function float32Text(x: number): string {
  return String(shortestDecimal(x, (d) => Math.fround(d) === Math.fround(x)));
}

/**
 * The layers an importer has written, in the order it wrote them (every layer after the layers it
 * reads), and the layer that wrote each value.
 */
export class LayerList {
  private readonly layers: ImportedLayer[] = [];
  private readonly producers = new Map<number, ImportedLayer>();

  /** Adds the layer `text` reading the values `inputs` and writing the value `output`. */
  add(
    text: string,
    inputs: number[],
    output: number,
    extra: Partial<ImportedLayer> = {},
  ): ImportedLayer {
    const layer: ImportedLayer = { text, inputs, output, tensors: [], ...extra };
    this.layers.push(layer);
    this.producers.set(output, layer);
    return layer;
  }

  /** The layer that wrote the value `id`, if a layer did (not the input). */
  producer(id: number): ImportedLayer | undefined {
    return this.producers.get(id);
  }

  /** The layers the value `output` needs, in order. */
  neededBy(output: number): ImportedLayer[] {
    const needed = new Set([output]);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (needed.has(l.output)) for (const v of l.inputs) needed.add(v);
    }
    return this.layers.filter((l) => needed.has(l.output));
  }
}

export interface LayerGraph {
  /** The network's input value and its height, width and channels. */
  input: number;
  inputShape: [number, number, number];
  output: number;
  /** In an order where every layer comes after the layers it reads. */
  layers: ImportedLayer[];
}

/** A pipeline: layers, and joins whose branches are pipelines. */
export type Statement =
  | { kind: "layer"; layer: ImportedLayer }
  | { kind: "join"; layer: ImportedLayer; branches: Statement[][]; from: number };

/**
 * The graph as nested pipelines, for a series-parallel graph: a chain is a pipeline; a value
 * with several readers opens branches, one per input of the join that post-dominates them
 * nearest (the add, mul or concat that closes them); a branch is the pipeline from the forking
 * value to that input (empty when the join reads the value itself). Anything else (a value read
 * beyond the join that closes its branches, a join that reads from outside them) is an error.
 */
export function structure(graph: LayerGraph): Statement[] {
  const { layers } = graph;
  const producer = new Map<number, number>();
  const readers = new Map<number, number[]>();
  layers.forEach((layer, i) => {
    producer.set(layer.output, i);
    for (const v of new Set(layer.inputs)) {
      const list = readers.get(v) ?? [];
      list.push(i);
      readers.set(v, list);
    }
  });
  const exit = layers.length;
  // Immediate post-dominators, in reverse order (layers are topologically sorted).
  const ipdom = new Int32Array(layers.length + 1).fill(-1);
  ipdom[exit] = exit;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (a < b) a = ipdom[a];
      while (b < a) b = ipdom[b];
    }
    return a;
  };
  const successors = (i: number) => {
    const list = [...(readers.get(layers[i].output) ?? [])];
    if (layers[i].output === graph.output) list.push(exit);
    return list;
  };
  for (let i = layers.length - 1; i >= 0; i--) {
    const next = successors(i);
    if (next.length === 0) throw new ImportError(`internal: layer ${i} leads nowhere`);
    ipdom[i] = next.reduce(intersect);
  }
  // reach[i]: the layers reachable from layer i (itself included), as a bit set.
  const words = Math.ceil(layers.length / 32);
  const reach = new Uint32Array(words * layers.length);
  for (let i = layers.length - 1; i >= 0; i--) {
    reach[i * words + (i >> 5)] |= 1 << (i & 31);
    for (const j of successors(i)) {
      if (j === exit) continue;
      for (let w = 0; w < words; w++) reach[i * words + w] |= reach[j * words + w];
    }
  }
  const reaches = (from: number, to: number) =>
    (reach[from * words + (to >> 5)] & (1 << (to & 31))) !== 0;
  /** Whether layer i leads to value v (v === graph.output: every layer does). */
  const leadsTo = (i: number, v: number) =>
    v === graph.output || (producer.has(v) && reaches(i, producer.get(v)!));

  const written = new Set<number>();
  const notSeriesParallel = (what: string): never => {
    throw new ImportError(
      `the graph is not series-parallel (dsnet writes branches that fork from one value and meet at one add, mul or concat): ${what}`,
    );
  };
  const pipeline = (start: number, target: number, depth = 0): Statement[] => {
    // Each level is a join in a branch, and a block in the .dsnet text, which nests this deep at
    // most; refusing here also keeps this recursion (and render's) off the end of the stack.
    if (depth > syntaxLimits.nesting) {
      throw new ImportError(
        `its branches nest more than ${syntaxLimits.nesting} deep, more than a .dsnet file may`,
      );
    }
    const out: Statement[] = [];
    let current = start;
    while (current !== target) {
      const all = readers.get(current) ?? [];
      const users = all.filter((i) => leadsTo(i, target));
      if (current !== start && users.length !== all.length) {
        notSeriesParallel(
          `${describe(layers[all.find((i) => !users.includes(i))!])} reads a value from inside a branch`,
        );
      }
      if (users.length === 0) notSeriesParallel(`nothing leads from a value to the join`);
      const first = layers[users[0]];
      if (users.length === 1 && first.join === undefined) {
        out.push(take(users[0]));
        current = first.output;
        continue;
      }
      const closing = users.reduce(intersect);
      const join = layers[closing];
      const end = producer.get(target);
      if (target !== graph.output && closing !== end && !reaches(closing, end!)) {
        notSeriesParallel(`a value inside a branch is read beyond the join that closes it`);
      }
      if (closing === exit || join.join === undefined) {
        notSeriesParallel(
          `the branches from one value meet at ${closing === exit ? "the output" : describe(join)}, not at an add, mul or concat`,
        );
      }
      const branches = join.inputs.map((v) => {
        if (v === current) return [];
        if (!producer.has(v) || !users.some((i) => reaches(i, producer.get(v)!))) {
          notSeriesParallel(`${describe(join)} joins a value that does not come from the branches`);
        }
        return pipeline(current, v, depth + 1);
      });
      mark(closing);
      out.push({ kind: "join", layer: join, branches, from: current });
      current = join.output;
    }
    return out;
  };
  const mark = (i: number) => {
    if (written.has(i)) notSeriesParallel(`${describe(layers[i])} is reached from two places`);
    written.add(i);
  };
  const take = (i: number): Statement => {
    mark(i);
    return { kind: "layer", layer: layers[i] };
  };
  const body = pipeline(graph.input, graph.output);
  if (written.size !== layers.length) {
    const left = layers.filter((_, i) => !written.has(i)).map(describe);
    notSeriesParallel(`left over: ${left.join(", ")}`);
  }
  return body;
}

/** The layers in the order the text writes them (dsnet's weight order): a join after its branches. */
export function layersInOrder(statements: Statement[]): ImportedLayer[] {
  return statements.flatMap((s) => [
    ...(s.kind === "join" ? s.branches.flatMap(layersInOrder) : []),
    s.layer,
  ]);
}

function describe(layer: ImportedLayer): string {
  return `${layer.text}${layer.label ? ` (${layer.label})` : ""}`;
}

/**
 * Labels each join after what its branches share: the longest run of words (between _) that
 * begins every label inside it and is shorter than each (`features_3_conv` for the residual around
 * `features_3_conv_0_0`, `features_3_conv_1_0`, ...), so that a block reads like the module it
 * came from. A join with no unlabelled common prefix keeps dsnet's automatic name.
 */
export function labelJoins(statements: Statement[], used: Set<string>): void {
  const inside = (list: Statement[]): string[] =>
    list.flatMap((s) => [
      ...(s.kind === "join" ? s.branches.flatMap(inside) : []),
      ...(s.kind === "layer" && s.layer.label ? [s.layer.label] : []),
    ]);
  for (const s of statements) {
    if (s.kind !== "join") continue;
    s.branches.forEach((b) => labelJoins(b, used));
    const words = s.branches.flatMap(inside).map((l) => l.split("_"));
    if (words.length === 0 || s.layer.label) continue;
    // Shorter than every label inside: a join is not named after one of its layers.
    const most = Math.min(...words.map((w) => w.length)) - 1;
    let n = 0;
    while (n < most && words.every((w) => w[n] === words[0][n])) n++;
    if (n > 0) s.layer.label = labelFor(words[0].slice(0, n).join("_"), used);
  }
  labelClashes(statements, used);
}

/**
 * Labels each unlabelled stage whose automatic name is a label of the same body, with the next
 * free one. dsnet counts the unlabelled stages of each kind (`add1`, `relu2`) and labels do not
 * count, so a join labelled `add1` after its weights and a later unlabelled add would both be
 * `add1`. A stage labelled here is not counted, so the names counted after it stay below its label.
 */
function labelClashes(statements: Statement[], used: Set<string>): void {
  const labels = new Set(statements.flatMap((s) => (s.layer.label ? [s.layer.label] : [])));
  const counts = new Map<string, number>();
  for (const s of statements) {
    if (s.layer.label) continue;
    const kind = s.kind === "join" ? joinKind(s) : s.layer.text.split(" ")[0];
    const n = (counts.get(kind) ?? 0) + 1;
    if (!labels.has(countedName(kind, n))) {
      counts.set(kind, n);
      continue;
    }
    let free = n + 1;
    while (used.has(countedName(kind, free))) free++;
    s.layer.label = labelFor(countedName(kind, free), used);
  }
}

/**
 * The stage a join is written as: `residual` for an add of the forking value or of a body and
 * its shortcut, else its op.
 */
function joinKind(s: Extract<Statement, { kind: "join" }>): string {
  return s.layer.join === "add" && (joinsFork(s) || hasShortcut(s)) ? "residual" : s.layer.join!;
}

/** A residual's body and shortcut: `residual { } shortcut { }`. */
function hasShortcut(s: Extract<Statement, { kind: "join" }>): boolean {
  return s.layer.shortcut === true && s.branches.length === 2 && s.branches.every((b) => b.length);
}

/** An add or mul of the forking value and one branch: `residual { }`, `mul { }`. */
function joinsFork(s: Extract<Statement, { kind: "join" }>): boolean {
  return s.layer.join !== "concat" && s.branches.length === 2 && s.branches.some((b) => !b.length);
}

/** A label from a source name (`features.1.conv.0.0` → `features_1_conv_0_0`), unique in `used`. */
export function labelFor(name: string, used: Set<string>): string {
  // The end of a long name is its most specific part.
  let base =
    name
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .slice(-MAX_LABEL)
      .replace(/^_+|_+$/g, "") || "layer";
  if (!/^[A-Za-z]/.test(base)) base = `l_${base}`;
  // Keywords, and `s2` / `d2`, which read as stride and dilation.
  if (reservedWords.includes(base) || /^[sd][0-9]+$/.test(base)) base = `${base}_`;
  let label = base;
  for (let n = 2; used.has(label); n++) label = `${base}_${n}`;
  used.add(label);
  return label;
}

/** The longest label written: the names stay readable and far from the parser's name limit. */
const MAX_LABEL = 64;

/**
 * The network as .dsnet text: one line per layer with weights (its unweighted followers chained
 * after it with `->`), joins as `residual { }`, `mul { }`, `add { } { }`, `concat { } { }` (with
 * `split=` when its branches begin with slices of the forking value that cover it in order).
 */
export function render(statements: Statement[], indent = "  "): string[] {
  const lines: string[] = [];
  let open: string | null = null;
  let comment = "";
  const flush = () => {
    if (open !== null) lines.push(open + comment);
    open = null;
    comment = "";
  };
  for (const s of statements) {
    if (s.kind === "layer") {
      const { layer } = s;
      const text = `${layer.label ? `${layer.label}: ` : ""}${layer.text}`;
      const starts = layer.tensors.length > 0 || layer.label !== undefined || open === null;
      if (starts) flush();
      open = open === null ? `${indent}${text}` : `${open} -> ${text}`;
      if (layer.comment) comment = `  # ${oneLine(layer.comment)}`;
      continue;
    }
    flush();
    lines.push(...renderJoin(s, indent));
  }
  flush();
  return lines;
}

function renderJoin(s: Extract<Statement, { kind: "join" }>, indent: string): string[] {
  const { layer } = s;
  let branches = s.branches;
  let head: string;
  const split = layer.join === "concat" ? splitOf(s.branches) : null;
  if (split) {
    branches = s.branches.map((b) => b.slice(1));
    const equal = split.every((n) => n === split[0]);
    head = `concat split=${equal ? split.length : `[${split.join(", ")}]`}`;
  } else {
    head = joinKind(s);
    if (joinsFork(s)) branches = branches.filter((b) => b.length > 0);
  }
  // `concat {} {`, then the branch, then `}`; `} {` (`} shortcut {`) between two branches.
  const out: string[] = [];
  let line = `${indent}${layer.label ? `${layer.label}: ` : ""}${head} `;
  for (const [i, branch] of branches.entries()) {
    if (branch.length === 0) {
      line += "{} ";
      continue;
    }
    if (i > 0 && hasShortcut(s)) line += "shortcut ";
    out.push(`${line}{`, ...render(branch, indent + "  "));
    line = `${indent}} `;
  }
  out.push(line === `${indent}} ` ? `${indent}}` : line.trimEnd());
  return out;
}

/** The shares of a concat whose every branch starts with the next slice of the forking value. */
function splitOf(branches: Statement[][]): number[] | null {
  let at = 0;
  const shares: number[] = [];
  for (const branch of branches) {
    const first = branch[0];
    const slice = first?.kind === "layer" ? first.layer.slice : undefined;
    if (!slice || slice.start !== at) return null;
    shares.push(slice.end - slice.start);
    at = slice.end;
  }
  const of = (branches[0][0] as { layer: ImportedLayer }).layer.slice!.of;
  return at === of ? shares : null;
}
