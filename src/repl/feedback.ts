import { formatShape, type Layer, type Network } from "../check/network.js";
import { describeValue } from "../check/values.js";
import { formatCount } from "../ir/types.js";
import { summarize, type SeparablePair, type Summary } from "../cost/summarize.js";
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";

/** Rows shown for one entry; a block call or a whole network can add hundreds of layers. */
const MAX_ROWS = 12;
/** Separable pairs listed one by one; more are added up in one line. */
const MAX_PAIRS = 3;

/**
 * What an entry added to the network: one row per new layer with its shape and cost, the
 * depthwise-separable pairs it completed against the standard convolutions they replace, then
 * the new output shape with the added and total cost. Nothing for an entry that added no layer
 * (a `let`, a comment). `summary` is of the network, or of its end from `recentLayers`; `totals`
 * are the whole network's.
 */
export function describeAddition(
  addedLayers: readonly Layer[],
  summary: Summary,
  totals: { macs: number; params: number },
): string {
  const added = new Set(addedLayers.map((l) => l.name));
  if (added.size === 0) return "";
  const costs = summary.layers.filter((l) => added.has(l.name) && l.op !== "input");
  const lines = alignColumns(
    costs
      .slice(0, MAX_ROWS)
      .map((c) => [
        c.name,
        c.op,
        formatShape(c.output),
        `${formatCount(c.macs)} MACs`,
        `${formatCount(c.params)} params`,
      ]),
    [false, false, false, true, true],
  ).map((row) => `  ${row}`);
  if (costs.length > MAX_ROWS) {
    lines.push(
      `  ... and ${plural(costs.length - MAX_ROWS, "more layer")} (:summary lists them all)`,
    );
  }
  const pairs = summary.separable.pairs.filter((p) => added.has(p.pointwise));
  if (pairs.length <= MAX_PAIRS) {
    for (const p of pairs) {
      lines.push(
        `  ${p.depthwise} + ${p.pointwise} is separable: ${saving(pairMacs(p), p.standardMacs, `a standard ${p.kernel[0]}x${p.kernel[1]} conv`)}`,
      );
    }
  } else {
    const macs = pairs.reduce((a, p) => a + pairMacs(p), 0);
    const standard = pairs.reduce((a, p) => a + p.standardMacs, 0);
    lines.push(`  ${pairs.length} separable pairs: ${saving(macs, standard, "standard convs")}`);
  }
  const macs = costs.reduce((a, c) => a + c.macs, 0);
  const params = costs.reduce((a, c) => a + c.params, 0);
  lines.push(
    `${formatShape(summary.output)}  +${formatCount(macs)} MACs, +${formatCount(params)} params  (network: ${formatCount(totals.macs)} MACs, ${formatCount(totals.params)} params)`,
  );
  return lines.join("\n") + "\n";
}

/**
 * One line for a whole network: `name (params): input -> output, N layers after the input, MACs,
 * params`. It counts the rows of `:summary` but the input's (a residual's `add` is one): the
 * layers a user wrote, with the joins they imply. `dsnet graph`'s title counts the input too.
 */
export function describeNetwork(network: Network): string {
  const summary = summarize(network);
  const layers = network.layers.filter((l) => l.op !== "input").length;
  return `${networkTitle(network)}: ${formatShape(summary.input)} -> ${formatShape(summary.output)}, ${plural(layers, "layer")} after the input, ${formatCount(summary.totals.macs)} MACs, ${formatCount(summary.totals.params)} params\n`;
}

/** `mobilenet_v1 (alpha=1, res=224)`, or the bare name for a network without parameters. */
function networkTitle(network: Network): string {
  const params = describeParams(network.params);
  return params ? `${network.name} (${params})` : network.name;
}

export function describeParams(params: Network["params"]): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${describeValue(v)}`)
    .join(", ");
}

/** `separable(out, stride = 1)`, as the block is declared. */
export function blockSignature(block: A.BlockDecl): string {
  const params = block.params.map((p) =>
    p.default ? `${p.name.text} = ${printExpr(p.default)}` : p.name.text,
  );
  return `${block.name.text}(${params.join(", ")})`;
}

/**
 * The layers `after` has beyond `before`. Entries only append to the current network and layer
 * names count up from the start, so the layers both share are a common prefix.
 */
export function addedLayers(before: Network | undefined, after: Network): Layer[] {
  if (!before || before.name !== after.name) return after.layers;
  let shared = 0;
  while (
    shared < before.layers.length &&
    shared < after.layers.length &&
    before.layers[shared].name === after.layers[shared].name &&
    formatShape(before.layers[shared].shape) === formatShape(after.layers[shared].shape)
  ) {
    shared++;
  }
  return after.layers.slice(shared);
}

/** Ops a separable pair's chain cannot pass (the cost model's chains are element-wise layers and gates). */
const pairEnds = new Set<Layer["op"]>(["conv", "dw", "pw", "fc", "input"]);

/**
 * The network's layers from `from` on, and those before that a separable pair ending at one of
 * them can start at, as a network of their own: enough for `describeAddition` to summarize
 * without summarizing the whole network. Ids shift down; whatever is read from earlier layers
 * is read from a stand-in input layer.
 */
export function recentLayers(network: Network, from: number): Network {
  const { layers } = network;
  let start = from;
  for (let i = from; i < layers.length; i++) {
    if (layers[i].op !== "pw") continue;
    let current = layers[layers[i].inputs[0]];
    while (!pairEnds.has(current.op) && (current.inputs.length === 1 || current.op === "mul")) {
      current = layers[current.inputs[0]];
    }
    start = Math.min(start, current.id);
  }
  const shift = (id: number) => (id < start ? 0 : id - start + 1);
  const before: Layer = {
    op: "input",
    id: 0,
    name: "(earlier layers)",
    inputs: [],
    shape: [1, 1, 1],
    origin: layers[0].origin,
  };
  const recent = layers
    .slice(start)
    .map((l) => ({ ...l, id: shift(l.id), inputs: l.inputs.map(shift) }) as Layer);
  return {
    ...network,
    input: before.shape,
    layers: [before, ...recent],
    output: shift(network.output),
  };
}

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function pairMacs(p: SeparablePair): number {
  return p.depthwiseMacs + p.pointwiseMacs;
}

function saving(macs: number, standard: number, what: string): string {
  return `${formatCount(macs)} MACs, ${(standard / macs).toFixed(2)}x fewer than ${what} (${formatCount(standard)})`;
}

function alignColumns(rows: string[][], rightAlign: boolean[]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((cells) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
