import { formatCount, formatShape } from "../ir/types.js";
import { describeValue } from "../check/values.js";
import { groupLayers, type Summary } from "./summarize.js";

/** 568740352 -> "568.74 M". */
export function formatScaled(n: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [scale, unit] of units) if (n >= scale) return `${(n / scale).toFixed(2)} ${unit}`;
  return String(n);
}

/** 1605632 -> "1.61 MB", 32768 -> "32.8 kB", 512 -> "512 B" (SI units, as torchinfo's MB). */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export interface RenderOptions {
  /**
   * Collapse layers to this many parts of their names (`groupLayers`): depth 1 is one row per
   * top-level layer, block call and repeat. Default: every layer.
   */
  depth?: number;
}

/**
 * The summary as a table in the manner of Keras' `model.summary()` and torchinfo: one row per
 * layer (or per block, to a depth) with its output shape and size, parameters and
 * multiply-adds, and what a join joins; the totals and memory; then the depthwise-separable
 * pairs against the standard convolutions they replace.
 */
export function renderSummary(summary: Summary, options: RenderOptions = {}): string {
  const params = Object.entries(summary.params)
    .map(([k, v]) => `${k}=${describeValue(v)}`)
    .join(", ");
  const lines: string[] = [];
  lines.push(`Network ${summary.network}${params ? ` (${params})` : ""} from ${summary.file}`);
  lines.push(`Input ${formatShape(summary.input)}, output ${formatShape(summary.output)}`);
  lines.push("");
  const rows =
    options.depth === undefined
      ? summary.layers.map((l) => ({ ...l, layers: 1 }))
      : groupLayers(summary, options.depth);
  const cells = rows.map((l) => [
    l.name,
    l.op ?? `${l.layers} layers`,
    formatShape(l.output),
    formatBytes(l.outputBytes),
    l.params ? formatCount(l.params) : "0",
    l.macs ? formatCount(l.macs) : "0",
    l.joins ?? "",
  ]);
  const headers = ["Layer", "Op", "Output", "Memory", "Params", "MACs", "Joins"];
  // The Joins column only where something joins.
  const columns = cells.some((c) => c[6]) ? 7 : 6;
  lines.push(
    ...table(
      headers.slice(0, columns),
      cells.map((c) => c.slice(0, columns)),
      [false, false, false, true, true, true, false],
    ),
  );
  const t = summary.totals;
  lines.push("");
  lines.push(`Total params:         ${formatCount(t.params)}`);
  lines.push(`  trainable:          ${formatCount(t.trainableParams)}`);
  lines.push(
    `  non-trainable:      ${formatCount(t.nonTrainableParams)} (batch-norm running statistics)`,
  );
  lines.push(`Total MACs:           ${formatCount(t.macs)} (${formatScaled(t.macs)})`);
  const m = summary.memory;
  lines.push("");
  lines.push("Memory, one sample in float32 (1 MB = 10^6 bytes):");
  lines.push(`  input:              ${formatBytes(m.inputBytes)}`);
  lines.push(`  parameters:         ${formatBytes(m.paramBytes)}`);
  lines.push(
    `  activations:        ${formatBytes(m.activationBytes)} (every layer's output, as torchinfo's forward pass size)`,
  );
  lines.push(
    `  peak activations:   ${formatBytes(m.peakActivationBytes)} (the most held at once, layer by layer, each freed after its last reader)`,
  );
  lines.push(
    `  estimated total:    ${formatBytes(m.totalBytes)} (input + parameters + activations)`,
  );

  const sep = summary.separable;
  if (sep.pairs.length > 0) {
    lines.push("");
    lines.push(
      `Depthwise-separable pairs (${sep.pairs.length}), against one standard KxK convolution from M to N channels:`,
    );
    const pairRows = sep.pairs.map((p) => [
      `${p.depthwise} + ${p.pointwise}${p.gate ? ` (gated by ${p.gate})` : ""}`,
      `${p.kernel[0]}x${p.kernel[1]}`,
      `${p.inChannels}→${p.outChannels}`,
      `${p.output[0]}x${p.output[1]}`,
      formatCount(p.depthwiseMacs),
      formatCount(p.pointwiseMacs),
      formatCount(p.standardMacs),
      ratioText(p.ratio, p.outChannels, p.kernel, p.multiplier),
    ]);
    lines.push(
      ...table(
        ["Pair", "K", "M→N", "Out", "dw MACs", "pw MACs", "Standard MACs", "Ratio"],
        pairRows,
        [false, false, false, false, true, true, true, false],
      ),
    );
    lines.push("");
    lines.push(
      `Separable pairs:      ${formatCount(sep.macs)} MACs, ${formatCount(sep.params)} params`,
    );
    lines.push(
      `As standard convs:    ${formatCount(sep.standardMacs)} MACs, ${formatCount(sep.standardParams)} params (${(sep.standardMacs / sep.macs).toFixed(2)}x the MACs)`,
    );
    lines.push(
      `Whole network with every pair as a standard conv: ${formatCount(sep.networkAsStandard.macs)} MACs (${formatScaled(sep.networkAsStandard.macs)}), ${formatCount(sep.networkAsStandard.params)} trainable params`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * "0.1189 = 1/128 + 1/9" where the ratio is that identity (a multiplier of 1, both layers at
 * one resolution); otherwise the plain ratio (a pointwise layer with a stride of its own, say).
 */
export function ratioText(
  ratio: number,
  n: number,
  k: [number, number],
  multiplier: number,
): string {
  const identity = 1 / n + 1 / (k[0] * k[1]);
  if (multiplier !== 1 || Math.abs(ratio - identity) > 1e-9 * identity) return ratio.toFixed(4);
  return `${ratio.toFixed(4)} = 1/${n} + 1/${k[0] * k[1]}`;
}

function table(headers: string[], rows: string[][], rightAlign: boolean[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = "-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [format(headers), rule, ...rows.map(format), rule];
}
