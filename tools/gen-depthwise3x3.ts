/**
 * Writes the `depthwise3x3` kernel of src/runtime/kernels.wat, its comment block and its
 * function: some 3,000 lines of unrolled WebAssembly text, one copy of the same few blocks per
 * path, stride and border case, which only a generator can keep consistent.
 *
 *   npx tsx tools/gen-depthwise3x3.ts           rewrite the kernel in kernels.wat
 *   npx tsx tools/gen-depthwise3x3.ts --check   exit 1 when kernels.wat's kernel differs
 *   npx tsx tools/gen-depthwise3x3.ts --print   print the kernel, kernels.wat untouched
 *
 * Only the kernel's lines are replaced: the rest of kernels.wat is hand-written and stays as
 * it is. Then `npx tsx tools/build-runtime.ts` assembles the file.
 *
 * The design (the comment block below says it to readers of the WebAssembly too):
 * - Channels go sixteen at a time, a 64-byte cache line of each pixel, as four vectors
 *   ("groups") that share every address computation; the channels left go four at a time.
 * - Two outputs at a time (four for the channels left): a filter vector, or an input vector,
 *   is loaded once for every output it feeds. At stride 2 two output rows at a time where
 *   both rows' inputs lie inside: the rows share an input row, and each filter vector feeds
 *   four outputs (V1's and V2's stride-2 layers 1.04x and 1.08x in the network). Not at
 *   stride 1 (0.8 to 1.03x), nor where C is a multiple of 512 (0.8x: a block's 25 input lines
 *   fall in two L1 sets).
 * - Every C takes the one-row pairs, C a multiple of 512 too. There pixels are 2 or 4 KB
 *   apart, so a line's inputs and taps fall in one or two L1 sets; going along the row line by
 *   line with the taps in locals was faster with the data in the L1 and L2, but in the
 *   network, after a pointwise layer, the 14x14x512 layers of MobileNetV1 ran at 10 GFLOP/s
 *   that way and at 15 to 16 pixel by pixel (the line-by-line order fetches each input line
 *   three times).
 * - TurboFan schedules a basic block's loads before its arithmetic, which for a row of taps
 *   wants more vector registers than x64's sixteen and spills. A never-taken branch
 *   (`pix != -k`: pix is a byte count, never negative) ends the block after each filter
 *   column, or two (after every filter vector in the two-row blocks). Each compares with its
 *   own k so that no two are the same condition (presumably a repeated one could be folded
 *   away inside a branch that already decided it; not measured on its own).
 * - relu, relu6 and none store through pmin/pmax, one instruction where V8 spends seven or
 *   eight on min/max. They differ from min/max only at -0 (a NaN stays a NaN either way),
 *   and an accumulator is -0 only if its bias is: so lines and groups of four whose bias has
 *   a -0 store through $store_activated (leaky relu, hardsigmoid, hardswish, sigmoid, silu
 *   and tanh go over the row afterwards: see the kernel's comment). Those six take the lines
 *   too: their sums are stored through a clamp to ±inf, which keeps every bit, before the row
 *   goes through activate (EfficientNet-B0's depthwise 3x3 steps about 1.1x; V1 with leaky
 *   relu or hardsigmoid in place of relu6 1.25x; MobileNetV3-Large's hardswish steps 1.06x to
 *   1.18x, against hardswish written out in a four-channel path of its own).
 * - Output rows whose three input rows lie inside the input get their own copy of the
 *   sixteen-channel loops, without the row checks; border rows keep a check per filter row,
 *   and outputs whose window crosses the left or right border one per tap.
 * - Every multiply-add is `(f32x4.add (local.get $acc) (f32x4.mul A B))`, the form that
 *   tools/build-runtime.ts's relaxedMadd turns into one f32x4.relaxed_madd.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const KERNELS_PATH = "src/runtime/kernels.wat";

/** Lines of WebAssembly text, indented two spaces per open form. */
class Wat {
  readonly lines: string[] = [];

  constructor(private depth: number) {}

  line(text: string): void {
    for (const l of text.split("\n")) this.lines.push(" ".repeat(this.depth) + l);
  }

  /** A line that opens forms the lines after it are nested in. */
  open(text: string): void {
    this.line(text);
    this.depth += 2;
  }

  /** A line that closes `levels` of the opened forms. */
  close(text: string, levels = 1): void {
    this.line(text);
    this.depth -= 2 * levels;
  }

  ifElse(condition: string, then: () => void, otherwise: () => void): void {
    this.open(`(if ${condition}`);
    this.open(`(then`);
    then();
    this.close(")");
    this.open(`(else`);
    otherwise();
    this.close("))", 2);
  }
}

/**
 * How a path lays out its channels: `groups` vectors of four channels per pixel (4: a cache
 * line, 1: four channels), `outputs` outputs per block, and where its filter vectors are.
 */
interface Path {
  groups: 1 | 4;
  outputs: 2 | 4;
  filterInLocals: boolean;
}

/** Sixteen channels, filter vectors loaded from $wr. */
const LINE: Path = { groups: 4, outputs: 2, filterInLocals: false };
/** Four channels, filter vectors in locals $w<tap>. */
const QUAD: Path = { groups: 1, outputs: 4, filterInLocals: true };

const get = (name: string) => `(local.get $${name})`;
const load = (at: string, offset: number) =>
  offset ? `(v128.load offset=${offset} ${at})` : `(v128.load ${at})`;
const storeVector = (at: string, offset: number, value: string) =>
  `(v128.store${offset ? ` offset=${offset}` : ""} ${at} ${value})`;
/** acc += a·b, in the form tools/build-runtime.ts's relaxedMadd fuses. */
const multiplyAdd = (acc: string, a: string, b: string) =>
  `(local.set $${acc} (f32x4.add (local.get $${acc}) (f32x4.mul ${a} ${b})))`;
const accumulator = (path: Path, output: number, group: number) =>
  `a${output * path.groups + group}`;
const bias = (path: Path, group: number) => (path.groups === 4 ? `b${group}` : "b");
/** The input row of filter row r, from $ip. */
const inputRow = (r: number) =>
  r === 0 ? get("ip") : `(i32.add ${get("ip")} ${get(r === 1 ? "dyb" : "dyb2")})`;

/** The filter vector of tap (r, kx) for a group. */
function filter(path: Path, group: number, r: number, kx: number): string {
  if (!path.filterInLocals) {
    const at = kx === 0 ? get("wr") : `(i32.add ${get("wr")} ${get(kx === 1 ? "tap" : "tap2")})`;
    return load(at, 16 * group);
  }
  return get(`w${3 * r + kx}`);
}

/** $wr at filter row r of the line at $wl. */
function setFilterRow(wat: Wat, r: number): void {
  const at = r === 0 ? get("wl") : `(i32.add ${get("wl")} ${get(r === 1 ? "tap3" : "tap6")})`;
  wat.line(`(local.set $wr ${at})`);
}

function initAccumulators(wat: Wat, path: Path, groups: number[], outputs: number): void {
  const sets: string[] = [];
  for (const group of groups) {
    for (let o = 0; o < outputs; o++) {
      sets.push(`(local.set $${accumulator(path, o, group)} ${get(bias(path, group))})`);
    }
  }
  for (let i = 0; i < sets.length; i += 4) wat.line(sets.slice(i, i + 4).join(" "));
}

/** The accumulator clamped to [$lo_v, $hi_v] (relu, relu6, none; see the file's header). */
function storeClamped(wat: Wat, at: string, offset: number, acc: string): void {
  const value = `(f32x4.pmin (f32x4.pmax ${get(acc)} ${get("lo_v")}) ${get("hi_v")})`;
  wat.line(storeVector(at, offset, value));
}

/**
 * How a block stores its outputs: through the clamp (relu, relu6, none), as they are (the
 * deferred activations, applied to the whole row afterwards: see the header), or through
 * $store_activated (a clamp whose bias has a -0 or whose group has fewer than four channels).
 * Each is its own copy of the loops, so that none pays for another's code.
 */
type Epilogue = "clamp" | "raw" | "call";

function store(wat: Wat, epilogue: Epilogue, at: string, offset: number, acc: string): void {
  if (epilogue === "clamp") return storeClamped(wat, at, offset, acc);
  const v = get(acc);
  const address = offset ? `(i32.add ${at} (i32.const ${offset}))` : at;
  if (epilogue === "raw") {
    wat.line(`(if (i32.eq ${get("lanes")} (i32.const 4))`);
    wat.line(`  (then ${storeVector(at, offset, v)})`);
    wat.line(`  (else (call $store_lanes ${address} ${v} ${v} ${get("lanes")})))`);
    return;
  }
  const args = [v, get("lanes"), get("act"), get("slope")].join(" ");
  wat.line(`(call $store_activated ${address} ${args})`);
}

const splat = (x: number) => `(v128.const f32x4 ${x} ${x} ${x} ${x})`;

/**
 * The never-taken branches that end TurboFan's basic blocks (see the file's header), each
 * comparing with the next constant from `next` on, so that no two in a block are the same.
 */
class BlockEnds {
  private opened = 0;

  constructor(
    private readonly wat: Wat,
    private next: number,
  ) {}

  open(): void {
    this.wat.open(`(if (i32.ne ${get("pix")} (i32.const ${-1 - this.next++})) (then`);
    this.opened++;
  }

  /** Closes those opened since the last call. */
  closeAll(): void {
    for (; this.opened > 0; this.opened--) this.wat.close("))");
  }
}

/**
 * Two outputs of a line in each of `rows` output rows, from $ip to $op, stride s: the line in
 * two halves of eight channels, filter column by filter column, each filter vector loaded once
 * for every output. One row: four accumulators live, a block ends after each filter column, and
 * with rowChecks a filter row outside the input ($yok<r>) is skipped. Two rows (stride 2, every
 * input row inside, no row checks): the next row $rows2b bytes on in the input and $orowb in the
 * output, eight accumulators live, a block ends after each filter vector, and the input row the
 * two rows share is read by both from the L1 cache.
 */
function linePair(wat: Wat, rows: 1 | 2, s: number, rowChecks: boolean): void {
  // Output k is column k & 1 of row k >> 1, read from inputs[k]; it has 4 / rows accumulators.
  const rowStarts = rows === 1 ? ["q"] : ["q", "qb"];
  const inputs = rowStarts.flatMap((q) => [q, `${q}1`]);
  const perOutput = 4 / rows;
  const acc = (k: number, group: number) => `a${k * perOutput + (group % perOutput)}`;
  const step = (name: string, by: string) =>
    `(local.set $${name} (i32.add ${get(name)} ${get(by)}))`;
  const init = (k: number, group: number) =>
    `(local.set $${acc(k, group)} ${get(bias(LINE, group))})`;
  for (const half of [
    [0, 1],
    [2, 3],
  ]) {
    // One row sets them group by group, two rows output by output.
    const sets =
      rows === 1
        ? half.flatMap((group) => inputs.map((_, k) => init(k, group)))
        : inputs.flatMap((_, k) => half.map((group) => init(k, group)));
    for (let i = 0; i < sets.length; i += 4) wat.line(sets.slice(i, i + 4).join(" "));
    // Each half's constants apart from the other's: a half opens at most 8 block ends with one
    // row, 17 with two.
    const ends = new BlockEnds(wat, half[0] * (rows === 1 ? 4 : 9));
    let first = true;
    /** Ends the block before the next column or filter vector, but not before the first. */
    const endBlock = (alreadyEnded: boolean) => {
      if (!first && !alreadyEnded) ends.open();
      first = false;
    };
    for (let r = 0; r < 3; r++) {
      if (rowChecks) wat.open(`(if ${get(`yok${r}`)} (then`);
      const second = rows === 2 ? ` (local.set $qb (i32.add ${get("q")} ${get("rows2b")}))` : "";
      wat.line(`(local.set $q ${inputRow(r)})${second}`);
      setFilterRow(wat, r);
      for (let kx = 0; kx < 3; kx++) {
        // A row's check already ends the block before its first column.
        if (rows === 1) endBlock(rowChecks && kx === 0);
        if (kx > 0) {
          wat.line([...rowStarts.map((q) => step(q, "pix")), step("wr", "tap")].join(" "));
        }
        const next = get(s === 1 ? "pix" : "pix2");
        wat.line(rowStarts.map((q) => `(local.set $${q}1 (i32.add ${get(q)} ${next}))`).join(" "));
        for (const group of half) {
          if (rows === 2) endBlock(false);
          wat.line(`(local.set $v ${load(get("wr"), 16 * group)})`);
          inputs.forEach((at, k) => {
            wat.line(multiplyAdd(acc(k, group), load(get(at), 16 * group), get("v")));
          });
        }
      }
      // The two-row blocks stay open across filter rows.
      if (rows === 1) ends.closeAll();
      if (rowChecks) wat.close("))");
    }
    ends.closeAll();
    inputs.forEach((_, k) => {
      const row = k >> 1 ? `(i32.add ${get("op")} ${get("orowb")})` : get("op");
      const at = k & 1 ? `(i32.add ${row} ${get("pix")})` : row;
      for (const group of half) storeClamped(wat, at, 16 * group, acc(k, group));
    });
  }
}

/**
 * path.outputs outputs from $ip to $op, stride s, filter vectors in locals: input column by
 * input column, each input vector loaded once for every output whose window holds it; a block
 * ends after every column (four channels) or every second one (sixteen).
 */
function blockAlongRow(wat: Wat, path: Path, s: number, epilogue: Epilogue, rowChecks: boolean) {
  const { groups, outputs } = path;
  const allGroups = Array.from({ length: groups }, (_, i) => i);
  initAccumulators(wat, path, allGroups, outputs);
  const columns = s * (outputs - 1) + 3;
  const ends = new BlockEnds(wat, 0);
  for (let r = 0; r < 3; r++) {
    if (rowChecks) wat.open(`(if ${get(`yok${r}`)} (then`);
    wat.line(`(local.set $q ${inputRow(r)})`);
    for (let j = 0; j < columns; j++) {
      if (j > 0) {
        if (outputs !== 2 || j % 2 === 0) ends.open();
        wat.line(`(local.set $q (i32.add ${get("q")} ${get("pix")}))`);
      }
      for (const group of allGroups) {
        wat.line(`(local.set $v ${load(get("q"), 16 * group)})`);
        for (let o = 0; o < outputs; o++) {
          const kx = j - s * o;
          if (kx >= 0 && kx < 3) {
            wat.line(
              multiplyAdd(accumulator(path, o, group), get("v"), filter(path, group, r, kx)),
            );
          }
        }
      }
    }
    ends.closeAll();
    if (rowChecks) wat.close("))");
  }
  for (let o = 0; o < outputs; o++) {
    if (o === 1) wat.line(`(local.set $q (i32.add ${get("op")} ${get("pix")}))`);
    if (o > 1) wat.line(`(local.set $q (i32.add ${get("q")} ${get("pix")}))`);
    for (const group of allGroups) {
      store(wat, epilogue, o === 0 ? get("op") : get("q"), 16 * group, accumulator(path, o, group));
    }
  }
}

/** One output at $ox: unchecked inside the input's width, tap by tap outside it. */
function oneOutput(wat: Wat, path: Path, epilogue: Epilogue): void {
  const groups = Array.from({ length: path.groups }, (_, i) => i);
  wat.line(`(local.set $ix0 (i32.sub (i32.mul ${get("ox")} ${get("SW")}) ${get("PL")}))`);
  wat.line(`(local.set $col0 (i32.add (i32.mul ${get("ix0")} ${get("pix")}) ${get("cb")}))`);
  wat.line(groups.map((g) => `(local.set $a${g} ${get(bias(path, g))})`).join(" "));
  for (const checked of [false, true]) {
    if (!checked) {
      wat.open(
        `(if (i32.and (i32.ge_s ${get("ox")} ${get("lo")}) (i32.lt_s ${get("ox")} ${get("hi")}))`,
      );
      wat.open(`(then`);
    } else {
      wat.open(`(else`);
      for (let kx = 0; kx < 3; kx++) {
        wat.line(
          `(local.set $k${kx} (i32.lt_u (i32.add ${get("ix0")} (i32.const ${kx})) ${get("W")}))`,
        );
      }
      wat.line(";; From lo on, a column past the input adds 0·w (see above).");
      wat.line(`(local.set $right (i32.ge_s ${get("ox")} ${get("lo")}))`);
    }
    for (let r = 0; r < 3; r++) {
      wat.open(`(if ${get(`yok${r}`)} (then`);
      wat.line(`(local.set $q (i32.add ${get(`row${r}`)} ${get("col0")}))`);
      if (!path.filterInLocals) setFilterRow(wat, r);
      for (let kx = 0; kx < 3; kx++) {
        if (kx) wat.line(`(local.set $q (i32.add ${get("q")} ${get("pix")}))`);
        const taps = (input: (g: number) => string) =>
          groups.map((g) => multiplyAdd(`a${g}`, input(g), filter(path, g, r, kx)));
        const inside = taps((g) => load(get("q"), 16 * g));
        if (!checked) {
          inside.forEach((t) => wat.line(t));
          continue;
        }
        wat.open(`(if ${get(`k${kx}`)}`);
        wat.open(`(then`);
        inside.forEach((t) => wat.line(t));
        wat.close(")");
        wat.open(`(else (if ${get("right")} (then`);
        taps(() => "(v128.const f32x4 0 0 0 0)").forEach((t) => wat.line(t));
        wat.close("))))", 2);
      }
      wat.close("))");
    }
    if (checked) wat.close("))", 2);
    else wat.close(")");
  }
  wat.line(
    `(local.set $q (i32.add ${get("obase")} (i32.add (i32.mul ${get("ox")} ${get("pix")}) ${get("cb")})))`,
  );
  for (const g of groups) store(wat, epilogue, get("q"), 16 * g, `a${g}`);
}

/** The outputs of [0, left) and [mid, OW), one at a time. */
function borderOutputs(wat: Wat, path: Path, epilogue: Epilogue, name: string, mid: string) {
  wat.line(`(local.set $ox (i32.const 0))`);
  wat.open(`(block $${name}_done (loop $${name}`);
  wat.line(`(if (i32.eq ${get("ox")} ${get("left")}) (then (local.set $ox ${get(mid)})))`);
  wat.line(`(br_if $${name}_done (i32.ge_s ${get("ox")} ${get("OW")}))`);
  oneOutput(wat, path, epilogue);
  wat.line(`(local.set $ox (i32.add ${get("ox")} (i32.const 1)))`);
  wat.close(`(br $${name})))`);
}

/** A group of four's outputs from lo to mid along the row, path.outputs at a time. */
function runsAlongRow(wat: Wat, path: Path, epilogue: Epilogue, name: string, mid: string) {
  const at = (pixel: string, base: string) =>
    `(i32.add ${get(base)} (i32.add (i32.mul ${get(pixel)} ${get("pix")}) ${get("cb")}))`;
  wat.open(`(if (i32.lt_s ${get("lo")} ${get(mid)}) (then`);
  wat.line(`(local.set $ip ${at("ix_lo", "row0")})`);
  wat.line(`(local.set $op ${at("lo", "obase")})`);
  wat.line(`(local.set $end ${at(mid, "obase")})`);
  const strides = (rowChecks: boolean) => {
    wat.open(`(if (i32.eq ${get("SW")} (i32.const 1))`);
    for (const s of [1, 2]) {
      const label = `$${name}_s${s}${rowChecks ? "" : "_in"}`;
      wat.open(s === 1 ? `(then (loop ${label}` : `(else (loop ${label}`);
      blockAlongRow(wat, path, s, epilogue, rowChecks);
      const n = path.outputs;
      wat.line(
        `(local.set $ip (i32.add ${get("ip")} ${get(`in${n}`)})) (local.set $op (i32.add ${get("op")} ${get(`pix${n}`)}))`,
      );
      wat.close(`(br_if ${label} (i32.lt_u ${get("op")} ${get("end")}))))`);
    }
    wat.close(")");
  };
  strides(true);
  wat.close("))");
}

/**
 * The body twice: without row checks for output rows whose three input rows lie inside the
 * input, with them for the others.
 */
function withAndWithoutRowChecks(wat: Wat, body: (rowChecks: boolean) => void): void {
  wat.ifElse(
    get("rows_inside"),
    () => body(false),
    () => body(true),
  );
}

/** $b0..$b3: the biases of the line at $cb. */
function loadLineBiases(wat: Wat): void {
  const at = "(i32.add (local.get $bias) (local.get $cb))";
  wat.line([0, 1, 2, 3].map((g) => `(local.set $b${g} ${load(at, 16 * g)})`).join(" "));
}

/**
 * Lines [0, lend), inside the input's width: pairs of outputs, pixel by pixel; with rows = 2,
 * this output row's and the next one's at once, at stride 2, every input row inside.
 */
function linePairs(wat: Wat, rows: 1 | 2 = 1): void {
  const pixels = (rowChecks: boolean, s: number) => {
    const label = `$pairs${rows === 2 ? "2" : ""}_s${s}${rowChecks ? "" : "_in"}`;
    wat.open(`(loop ${label}`);
    wat.line(`(local.set $cb (i32.const 0))`);
    wat.open(`(loop ${label}_lines`);
    loadLineBiases(wat);
    wat.line(`(local.set $wl (i32.add (local.get $w) (local.get $cb)))`);
    wat.line(
      `(local.set $ip (i32.add (local.get $ipx) (local.get $cb))) (local.set $op (i32.add (local.get $opx) (local.get $cb)))`,
    );
    linePair(wat, rows, s, rowChecks);
    wat.close(
      `(br_if ${label}_lines (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 64))) (local.get $lend))))`,
    );
    wat.line(
      `(local.set $ipx (i32.add (local.get $ipx) (local.get $in2))) (local.set $opx (i32.add (local.get $opx) (local.get $pix2)))`,
    );
    wat.close(`(br_if ${label} (i32.lt_u (local.get $opx) (local.get $end))))`);
  };
  const strides = (rowChecks: boolean) =>
    wat.ifElse(
      `(i32.eq ${get("SW")} (i32.const 1))`,
      () => pixels(rowChecks, 1),
      () => pixels(rowChecks, 2),
    );
  wat.open(
    `(if (i32.and (i32.lt_s (local.get $lo) (local.get $mid2)) (i32.ne (local.get $lend) (i32.const 0)))`,
  );
  wat.open(`(then`);
  wat.line(
    `(local.set $ipx (i32.add (local.get $row0) (i32.mul (local.get $ix_lo) (local.get $pix))))`,
  );
  wat.line(
    `(local.set $opx (i32.add (local.get $obase) (i32.mul (local.get $lo) (local.get $pix))))`,
  );
  wat.line(
    `(local.set $end (i32.add (local.get $obase) (i32.mul (local.get $mid2) (local.get $pix))))`,
  );
  if (rows === 2) pixels(false, 2);
  else withAndWithoutRowChecks(wat, strides);
  wat.close("))", 2);
}

/** Lines [0, lend) again: the outputs at the borders, line by line. */
function lineByLine(wat: Wat): void {
  wat.line(`(local.set $cb (i32.const 0))`);
  wat.open(`(block $lines_done (loop $lines`);
  wat.line(`(br_if $lines_done (i32.ge_u (local.get $cb) (local.get $lend)))`);
  loadLineBiases(wat);
  wat.line(`(local.set $wl (i32.add (local.get $w) (local.get $cb)))`);
  borderOutputs(wat, LINE, "clamp", "line_edges", "mid2");
  wat.line(`(local.set $cb (i32.add (local.get $cb) (i32.const 64)))`);
  wat.close(`(br $lines)))`);
}

/** $lanes: how many of the four channels at $cb there are, fewer than four only in the last. */
const SET_LANES = `(local.set $lanes (select (i32.const 4) (i32.shr_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 2))
  (i32.ge_u (i32.sub (local.get $pix) (local.get $cb)) (i32.const 16))))`;

/** The channels left, four at a time, along the row. */
function quads(wat: Wat): void {
  wat.open(`(block $quads_done (loop $quads`);
  wat.line(`(br_if $quads_done (i32.ge_u (local.get $cb) (local.get $pix)))`);
  wat.line(`(local.set $wq (i32.add (local.get $w) (local.get $cb)))`);
  for (let k = 0; k < 9; k++) {
    if (k) wat.line(`(local.set $wq (i32.add (local.get $wq) (local.get $tap)))`);
    wat.line(`(local.set $w${k} (v128.load (local.get $wq)))`);
  }
  wat.line(`(local.set $b (v128.load (i32.add (local.get $bias) (local.get $cb))))
${SET_LANES}
(local.set $fast (i32.and (i32.and (local.get $clamp) (i32.eq (local.get $lanes) (i32.const 4)))
  (i32.eqz (v128.any_true (i32x4.eq (local.get $b) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))))`);
  // $fast: a clamp, four lanes, and no -0 in the bias (see the file's header).
  const group = (epilogue: Epilogue, suffix: string) => {
    runsAlongRow(wat, QUAD, epilogue, `quad_runs${suffix}`, "mid4");
    borderOutputs(wat, QUAD, epilogue, `quad_edges${suffix}`, "mid4");
  };
  wat.ifElse(
    get("fast"),
    () => group("clamp", ""),
    () =>
      wat.ifElse(
        get("deferred"),
        () => group("raw", "_raw"),
        () => group("call", "_act"),
      ),
  );
  wat.line(`(local.set $cb (i32.add (local.get $cb) (i32.const 16)))`);
  wat.close(`(br $quads)))`);
}

/**
 * Other strides, or dilation along the width: every output alone, every channel, four at a
 * time, unchecked inside the input and tap by tap at its border.
 */
function everyOutputAlone(wat: Wat): void {
  const taps: { input: string; weight: string; check: string }[] = [];
  for (let r = 0; r < 3; r++) {
    for (let kx = 0; kx < 3; kx++) {
      const k = 3 * r + kx;
      const column =
        kx === 0 ? get("col0") : `(i32.add ${get("col0")} ${get(kx === 1 ? "dxb" : "dxb2")})`;
      const weight =
        k === 0
          ? get("wq")
          : k === 1
            ? `(i32.add ${get("wq")} ${get("tap")})`
            : `(i32.add ${get("wq")} (i32.mul ${get("tap")} (i32.const ${k})))`;
      taps.push({
        input: `(v128.load (i32.add ${get(`row${r}`)} ${column}))`,
        weight: `(v128.load ${weight})`,
        check: `(i32.and ${get(`yok${r}`)} ${get(`k${kx}`)})`,
      });
    }
  }
  wat.line(`(local.set $ox (i32.const 0))`);
  wat.open(`(block $x_done (loop $x_loop`);
  wat.line(`(br_if $x_done (i32.ge_u (local.get $ox) (local.get $OW)))`);
  wat.line(`(local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $SW)) (local.get $PL)))`);
  wat.line(`(local.set $inside (i32.and (local.get $rows_inside)
  (i32.and (i32.ge_s (local.get $ox) (local.get $lo)) (i32.lt_s (local.get $ox) (local.get $hi)))))`);
  for (let kx = 0; kx < 3; kx++) {
    wat.line(
      `(local.set $k${kx} (i32.lt_u (i32.add (local.get $ix0) (i32.mul (local.get $DW) (i32.const ${kx}))) (local.get $W)))`,
    );
  }
  wat.line(`(local.set $cb (i32.const 0))`);
  wat.open(`(loop $single_c`);
  wat.line(`(local.set $wq (i32.add (local.get $w) (local.get $cb)))
(local.set $col0 (i32.add (i32.mul (local.get $ix0) (local.get $pix)) (local.get $cb)))
(local.set $a0 (v128.load (i32.add (local.get $bias) (local.get $cb))))`);
  const sum = (tap: (typeof taps)[number]) => multiplyAdd("a0", tap.input, tap.weight);
  wat.line(
    [
      "(if (local.get $inside)",
      "  (then",
      ...taps.map((tap) => `    ${sum(tap)}`),
      "  )",
      "  (else",
      ...taps.flatMap((tap) => [`    (if ${tap.check}`, `      (then ${sum(tap)}))`]),
      "  ))",
    ].join("\n"),
  );
  wat.line(`${SET_LANES}
(local.set $fast (i32.and (local.get $clamp) (i32.eq (local.get $lanes) (i32.const 4))))
(local.set $op (i32.add (local.get $obase) (local.get $cb)))
(if (local.get $fast)
  (then (v128.store (local.get $op) (f32x4.min (f32x4.max (local.get $a0) (local.get $lo_v)) (local.get $hi_v))))
  (else (call $store_activated (local.get $op) (local.get $a0) (local.get $lanes) (local.get $act) (local.get $slope))))`);
  wat.close(
    `(br_if $single_c (i32.lt_u (local.tee $cb (i32.add (local.get $cb) (i32.const 16))) (local.get $pix))))`,
  );
  wat.line(`(local.set $obase (i32.add (local.get $obase) (local.get $pix)))`);
  wat.line(`(local.set $ox (i32.add (local.get $ox) (i32.const 1)))`);
}

/** The kernel's comment block, from the separator line that starts it. */
const COMMENT = `;; ---------------------------------------------------------------------------------------
;; depthwise3x3: \`depthwise\` for 3x3 filters. Each output is a chain of nine dependent adds
;; (the bias, then the taps row by row, the order every backend and thread split keeps bit
;; for bit), so speed comes from many chains in flight and few instructions per product. At
;; stride 1 or 2 (taps one pixel apart) channels go sixteen at a time, a 64-byte line of each
;; pixel, used whole while it is in the L1 cache:
;; - inside the input's width, two outputs at a time, pixel by pixel through all their lines:
;;   per line eight channels at a time (four accumulators live), filter column by filter
;;   column, each filter vector loaded once for both outputs; input and output stream in
;;   order. At stride 2, where two output rows' inputs lie inside, both rows at once (eight
;;   accumulators): they share an input row, and a filter vector feeds four outputs (not where
;;   C is a multiple of 512, whose pixels 2 KB apart put a block's inputs in two L1 sets);
;; - outputs whose window crosses the left or right border, and an odd one, one at a time,
;;   checking each column.
;; The channels left go four at a time along the row, four outputs at a time, the nine filter
;; vectors in locals. A filter row in the padding is skipped whole.
;; TurboFan puts a basic block's loads first and its arithmetic after them, which for a row
;; of taps needs more than x64's 16 vector registers; a never-taken branch (pix is never
;; negative) after every filter column, or two (after every filter vector in the two-row
;; blocks), ends the block so that each column's products are done before the next column is
;; loaded.
;; relu, relu6 and none store as pmin/pmax, one instruction each where V8 spends seven or
;; eight on min/max for their NaN and -0 rules. A NaN stays a NaN either way, and pmax(-0, 0)
;; is -0 where max gives 0, but an accumulator is -0 only if its bias is (x + y is -0 only
;; for -0 + -0): so these paths take only lines, and groups of four, whose bias has no -0.
;; Past the right border a column adds 0·w rather than nothing, as this kernel always has
;; (it turns a sum of -0 into 0), so that the results keep their bits. (In the relaxed
;; build a fused multiply-add can round a product too small for a float to -0, which relu
;; then keeps.) A call of $activate would cost more than the taps, since V8 spills the live
;; vectors around it: leaky relu, hardsigmoid, hardswish, sigmoid, silu and tanh (the deferred
;; activations) therefore store the sums as they are and go through $activate_all over each
;; output row afterwards (the same function on the same values: the same bits); they take
;; every whole line, stored through pmax/pmin against -inf and inf, which keep every bit, and
;; the channels left four at a time as they are. Other strides, and dilation along the width, take one output at a time,
;; every channel, unchecked inside the input and tap by tap at its border: relu, relu6 and
;; none of four channels as a clamp to [$lo_v, $hi_v] with f32x4.min/max, every other
;; activation and a tail of channels through $store_activated.
;; Generated by tools/gen-depthwise3x3.ts: do not edit it by hand; change the tool, run it.`;

const SIGNATURE = `(param $x i32) (param $w i32) (param $bias i32) (param $out i32)
(param $N i32) (param $H i32) (param $W i32) (param $C i32) (param $OH i32) (param $OW i32)
(param $SH i32) (param $SW i32) (param $DH i32) (param $DW i32)
(param $PT i32) (param $PL i32) (param $act i32) (param $slope f32)
(param $oy0 i32) (param $oy1 i32)
(local $n i32) (local $oy i32) (local $ox i32) (local $iy0 i32) (local $ix0 i32) (local $ix_lo i32)
(local $rows_inside i32) (local $inside i32) (local $lo i32) (local $hi i32) (local $left i32) (local $mid2 i32) (local $mid4 i32)
(local $lanes i32) (local $fast i32) (local $lend i32) (local $quad i32) (local $deferred i32)
(local $pix i32) (local $pix2 i32) (local $pix4 i32) (local $in2 i32) (local $in4 i32)
(local $rowb i32) (local $dyb i32) (local $dyb2 i32) (local $dxb i32) (local $dxb2 i32)
(local $tap i32) (local $tap2 i32) (local $tap3 i32) (local $tap6 i32)
(local $cb i32) (local $ip i32) (local $op i32) (local $ipx i32) (local $opx i32) (local $q i32) (local $q1 i32) (local $end i32)
(local $wq i32) (local $wl i32) (local $wr i32) (local $obase i32) (local $plane i32) (local $col0 i32)
(local $yok0 i32) (local $yok1 i32) (local $yok2 i32) (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $right i32)
(local $row0 i32) (local $row1 i32) (local $row2 i32)
(local $qb i32) (local $qb1 i32) (local $rows2b i32) (local $orowb i32) (local $pairs_done i32) (local $two_rows i32)`;

/** Strides, byte steps, the clamp, the columns inside the input, and lend, once per call. */
const SETUP = `(local.set $clamp (i32.le_u (local.get $act) (i32.const 2)))
;; hardswish too, here: its pass over the row costs less than the four-channel path it would
;; take otherwise (MobileNetV3-Large's hardswish 3x3 steps 1.06x to 1.18x faster).
(local.set $deferred (i32.or (call $is_deferred (local.get $act)) (i32.eq (local.get $act) (i32.const 5))))
(local.set $lo_v (select (v128.const f32x4 0 0 0 0) (v128.const f32x4 -inf -inf -inf -inf) (i32.ge_u (local.get $act) (i32.const 1))))
(local.set $hi_v (select (v128.const f32x4 6 6 6 6) (v128.const f32x4 inf inf inf inf) (i32.eq (local.get $act) (i32.const 2))))
(local.set $pix (i32.shl (local.get $C) (i32.const 2)))
(local.set $pix2 (i32.shl (local.get $pix) (i32.const 1)))
(local.set $pix4 (i32.shl (local.get $pix) (i32.const 2)))
(local.set $in2 (i32.mul (local.get $SW) (local.get $pix2)))
(local.set $in4 (i32.mul (local.get $SW) (local.get $pix4)))
(local.set $rowb (i32.mul (local.get $W) (local.get $pix)))
(local.set $dyb (i32.mul (local.get $DH) (local.get $rowb)))
(local.set $dyb2 (i32.shl (local.get $dyb) (i32.const 1)))
(local.set $dxb (i32.mul (local.get $DW) (local.get $pix)))
(local.set $rows2b (i32.mul (local.get $SH) (local.get $rowb)))
(local.set $orowb (i32.mul (local.get $OW) (local.get $pix)))
;; Two output rows' pairs at a time at stride 2, where they share an input row; not where C is
;; a multiple of 512, whose 25 input lines of a block would fall in two L1 sets.
(local.set $two_rows (i32.and (i32.and (i32.eq (local.get $SH) (i32.const 2)) (i32.eq (local.get $SW) (i32.const 2)))
  (i32.ne (i32.and (local.get $C) (i32.const 511)) (i32.const 0))))
(local.set $dxb2 (i32.shl (local.get $dxb) (i32.const 1)))
(local.set $tap (i32.shl (i32.and (i32.add (local.get $C) (i32.const 3)) (i32.const -4)) (i32.const 2)))
(local.set $tap2 (i32.shl (local.get $tap) (i32.const 1)))
(local.set $tap3 (i32.add (local.get $tap2) (local.get $tap)))
(local.set $tap6 (i32.shl (local.get $tap3) (i32.const 1)))
(local.set $quad (i32.and (i32.le_u (i32.sub (local.get $SW) (i32.const 1)) (i32.const 1)) (i32.eq (local.get $DW) (i32.const 1))))
;; Output columns whose window lies inside the input: lo <= ox < hi, in runs of two from lo to
;; mid2 or of four to mid4; left is where the columns before lo end.
(local.set $lo (i32.div_s (i32.add (local.get $PL) (i32.sub (local.get $SW) (i32.const 1))) (local.get $SW)))
(local.set $hi (i32.sub (i32.add (local.get $W) (local.get $PL)) (i32.add (i32.shl (local.get $DW) (i32.const 1)) (i32.const 1))))
(local.set $hi (select (i32.add (i32.div_s (local.get $hi) (local.get $SW)) (i32.const 1)) (i32.const 0)
  (i32.ge_s (local.get $hi) (i32.const 0))))
(if (i32.gt_s (local.get $hi) (local.get $OW)) (then (local.set $hi (local.get $OW))))
(local.set $left (select (local.get $lo) (local.get $OW) (i32.lt_s (local.get $lo) (local.get $OW))))
(local.set $ix_lo (i32.sub (i32.mul (local.get $lo) (local.get $SW)) (local.get $PL)))
(local.set $mid2 (local.get $lo)) (local.set $mid4 (local.get $lo))
(if (i32.gt_s (local.get $hi) (local.get $lo))
  (then
    (local.set $mid2 (i32.add (local.get $lo) (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const -2))))
    (local.set $mid4 (i32.add (local.get $lo) (i32.and (i32.sub (local.get $hi) (local.get $lo)) (i32.const -4))))))
;; Channels [0, lend) go in lines of sixteen: for a clamp, whole lines up to the first whose
;; bias has a -0 (see above); for the deferred activations every whole line, its sums stored
;; through a clamp to ±inf, which keeps every bit (pmax(x, -inf) and pmin(x, inf) are x, a -0
;; or a NaN too), before the row goes through activate.
(local.set $lend (select (i32.and (local.get $pix) (i32.const -64)) (i32.const 0) (local.get $deferred)))
(if (local.get $deferred)
  (then
    (local.set $lo_v (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $hi_v (v128.const f32x4 inf inf inf inf))))
(if (local.get $clamp)
  (then
    (block $lend_done (loop $lend_loop
      (br_if $lend_done (i32.gt_u (i32.add (local.get $lend) (i32.const 64)) (local.get $pix)))
      (local.set $q (i32.add (local.get $bias) (local.get $lend)))
      (br_if $lend_done
        (v128.any_true
          (v128.or
            (v128.or
              (i32x4.eq (v128.load (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
              (i32x4.eq (v128.load offset=16 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
            (v128.or
              (i32x4.eq (v128.load offset=32 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
              (i32x4.eq (v128.load offset=48 (local.get $q)) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))))
      (local.set $lend (i32.add (local.get $lend) (i32.const 64)))
      (br $lend_loop)))))`;

/** An output row's input rows, which of them lie inside the input, and its first output. */
const ROW_SETUP = `(br_if $oy_done (i32.ge_u (local.get $oy) (local.get $oy1)))
(local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $SH)) (local.get $PT)))
(local.set $rows_inside
  (i32.and (i32.ge_s (local.get $iy0) (i32.const 0))
    (i32.lt_s (i32.add (local.get $iy0) (i32.shl (local.get $DH) (i32.const 1))) (local.get $H))))
(local.set $yok0 (i32.lt_u (local.get $iy0) (local.get $H)))
(local.set $yok1 (i32.lt_u (i32.add (local.get $iy0) (local.get $DH)) (local.get $H)))
(local.set $yok2 (i32.lt_u (i32.add (local.get $iy0) (i32.shl (local.get $DH) (i32.const 1))) (local.get $H)))
(local.set $row0 (i32.add (local.get $plane) (i32.mul (local.get $iy0) (local.get $rowb))))
(local.set $row1 (i32.add (local.get $row0) (local.get $dyb)))
(local.set $row2 (i32.add (local.get $row1) (local.get $dyb)))
(local.set $obase
  (i32.add (local.get $out)
    (i32.mul (i32.mul (i32.add (i32.mul (local.get $n) (local.get $OH)) (local.get $oy)) (local.get $OW)) (local.get $pix))))`;

/** The text of depthwise3x3 in kernels.wat: its comment block and its function. */
export function depthwise3x3Wat(): string {
  const wat = new Wat(2); // inside (module
  wat.line(COMMENT);
  wat.open(`(func (export "depthwise3x3")`);
  wat.line(SIGNATURE);
  const vectors = (names: string[]) => names.map((n) => `(local $${n} v128)`).join(" ");
  const taps = Array.from({ length: 9 }, (_, k) => k);
  wat.line(vectors(taps.map((k) => `w${k}`)));
  wat.line(vectors(["b0", "b1", "b2", "b3", "b", "v"]));
  wat.line(vectors(Array.from({ length: 8 }, (_, k) => `a${k}`)));
  wat.line(`(local $clamp i32) (local $lo_v v128) (local $hi_v v128)`);
  wat.line(SETUP);
  wat.line(`(local.set $n (i32.const 0))`);
  wat.open(`(block $n_done (loop $n_loop`);
  wat.line(`(br_if $n_done (i32.ge_u (local.get $n) (local.get $N)))
(local.set $plane (i32.add (local.get $x) (i32.mul (i32.mul (local.get $n) (local.get $H)) (local.get $rowb))))
(local.set $oy (local.get $oy0))`);
  wat.open(`(block $oy_done (loop $oy_loop`);
  wat.line(ROW_SETUP);
  wat.open(`(if (local.get $quad)`);
  wat.open(`(then`);
  wat.line(`;; Lines [0, lend), inside the input's width: pairs of outputs, pixel by pixel.`);
  wat.line(
    `;; Done with the row before, or both rows at once where the next row's inputs lie inside.`,
  );
  wat.open(`(if ${get("pairs_done")}`);
  wat.line(`(then (local.set $pairs_done (i32.const 0)))`);
  wat.open(`(else`);
  wat.open(`(if (i32.and (i32.and ${get("two_rows")} ${get("rows_inside")})`);
  wat.line(`(i32.and (i32.lt_u (i32.add ${get("oy")} (i32.const 1)) ${get("oy1")})`);
  wat.line(
    `  (i32.lt_s (i32.add (i32.add ${get("iy0")} ${get("SH")}) (i32.shl ${get("DH")} (i32.const 1))) ${get("H")})))`,
  );
  wat.open(`(then`);
  linePairs(wat, 2);
  wat.close(`(local.set $pairs_done (i32.const 1)))`);
  wat.open(`(else`);
  linePairs(wat);
  wat.close(`))))`, 4);
  wat.line(`;; Lines [0, lend) again: the outputs at the borders, one at a time.`);
  lineByLine(wat);
  wat.line(`;; The channels left, four at a time.`);
  quads(wat);
  wat.line(`;; The deferred activations over the row's outputs, stored as they were (see above).`);
  wat.line(
    `(if ${get("deferred")} (then (call $activate_all ${get("obase")} ${get("obase")} (i32.mul ${get("OW")} ${get("C")}) ${get("act")} ${get("slope")})))`,
  );
  wat.close(`)`);
  wat.open(`(else`);
  wat.line(`;; Other strides, or dilation along the width: every output alone, every channel.`);
  everyOutputAlone(wat);
  // Closes everyOutputAlone's loop, then the else and the if.
  wat.close(`(br $x_loop)))))`, 3);
  wat.line(`(local.set $oy (i32.add (local.get $oy) (i32.const 1)))`);
  wat.close(`(br $oy_loop)))`);
  wat.line(`(local.set $n (i32.add (local.get $n) (i32.const 1)))`);
  wat.close(`(br $n_loop)))`, 2);
  wat.line(`)`);
  return wat.lines.join("\n") + "\n";
}

/**
 * Where depthwise3x3 lies in kernels.wat: from the separator line of its comment block to the
 * line before the next top-level separator or function.
 */
export function depthwise3x3Span(kernels: string): { start: number; end: number } {
  const func = kernels.indexOf('\n  (func (export "depthwise3x3")');
  const comment = kernels.lastIndexOf("\n  ;; depthwise3x3:", func);
  const separator = "\n  ;; ------";
  const start = kernels.lastIndexOf(separator, comment);
  const next = /\n {2}(;; -{6}|\(func )/g;
  next.lastIndex = func + 1;
  const after = next.exec(kernels);
  if (func < 0 || comment < 0 || start < 0 || !after) {
    throw new Error(`${KERNELS_PATH}: cannot find depthwise3x3's comment block and function`);
  }
  return { start: start + 1, end: after.index + 1 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = depthwise3x3Wat();
  if (process.argv.includes("--print")) {
    process.stdout.write(text);
    process.exit(0);
  }
  // Read just before writing: other functions of kernels.wat are edited by hand meanwhile.
  const kernels = readFileSync(KERNELS_PATH, "utf8");
  const { start, end } = depthwise3x3Span(kernels);
  const current = kernels.slice(start, end);
  if (process.argv.includes("--check")) {
    if (current !== text) {
      console.error(
        `${KERNELS_PATH}: depthwise3x3 is out of date: run npx tsx tools/gen-depthwise3x3.ts`,
      );
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileSync(KERNELS_PATH, kernels.slice(0, start) + text + kernels.slice(end));
    console.log(`wrote depthwise3x3 into ${KERNELS_PATH}`);
  } else {
    console.log(`${KERNELS_PATH}: depthwise3x3 is up to date`);
  }
}
