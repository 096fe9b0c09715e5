import { formatScaled, ratioText } from "../cost/render.js";
import type { Summary } from "../cost/summarize.js";
import { formatCount, formatShape } from "../ir/types.js";

/*
 * The summary as HTML: the table `dsnet summary` prints (src/cost/render.ts), one row per layer
 * with a bar for its multiply-adds against the largest layer's, then the totals and the
 * depthwise-separable pairs against the standard convolutions they replace.
 */

type Child = Node | string;

/** An element with text or element children; text is never parsed as HTML. */
export function element(tag: string, attributes: Record<string, string>, ...children: Child[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function table(headers: string[], rows: Child[][], numeric: boolean[]): HTMLTableElement {
  const cell = (tag: string, content: Child, i: number) =>
    element(tag, numeric[i] ? { class: "number" } : {}, content);
  return element(
    "table",
    {},
    element("thead", {}, element("tr", {}, ...headers.map((h, i) => cell("th", h, i)))),
    element(
      "tbody",
      {},
      ...rows.map((r) => element("tr", {}, ...r.map((c, i) => cell("td", c, i)))),
    ),
  ) as HTMLTableElement;
}

/** A bar for a layer's multiply-adds against the largest layer's; none for a layer without. */
function shareBar(macs: number, largest: number): Child {
  if (macs === 0) return "";
  const share = (100 * macs) / largest;
  return element(
    "div",
    { class: "share", title: `${share.toFixed(1)}% of the largest layer` },
    element("span", { style: `width: ${share.toFixed(1)}%` }),
  );
}

export function summaryView(summary: Summary): HTMLElement {
  const t = summary.totals;
  const largest = Math.max(...summary.layers.map((l) => l.macs));
  const totals = element(
    "dl",
    { class: "totals" },
    element("dt", {}, "Parameters"),
    element(
      "dd",
      {},
      `${formatCount(t.params)} (${formatCount(t.nonTrainableParams)} non-trainable)`,
    ),
    element("dt", {}, "Multiply-adds"),
    element("dd", {}, `${formatCount(t.macs)} (${formatScaled(t.macs)})`),
  );
  const layers = table(
    ["Layer", "Op", "Output", "Params", "MACs", ""],
    summary.layers.map((l) => [
      l.name,
      l.op,
      formatShape(l.output),
      formatCount(l.params),
      formatCount(l.macs),
      shareBar(l.macs, largest),
    ]),
    [false, false, false, true, true, false],
  );
  layers.classList.add("layers");
  const view = element("div", { class: "summary" }, totals, layers);

  const sep = summary.separable;
  if (sep.pairs.length > 0) {
    view.append(
      element(
        "h3",
        {},
        `Depthwise-separable pairs (${sep.pairs.length}) against standard KxK convolutions`,
      ),
      table(
        ["Pair", "K", "M→N", "dw + pw MACs", "Standard MACs", "Ratio"],
        sep.pairs.map((p) => [
          `${p.depthwise} + ${p.pointwise}`,
          `${p.kernel[0]}x${p.kernel[1]}`,
          `${p.inChannels}→${p.outChannels}`,
          formatCount(p.depthwiseMacs + p.pointwiseMacs),
          formatCount(p.standardMacs),
          ratioText(p.ratio, p.outChannels, p.kernel, p.multiplier),
        ]),
        [false, false, false, true, true, false],
      ),
      element(
        "p",
        { class: "note" },
        `As standard convolutions the pairs would take ${(sep.standardMacs / sep.macs).toFixed(2)}x the multiply-adds; ` +
          `the whole network ${formatScaled(sep.networkAsStandard.macs)} MACs instead of ${formatScaled(t.macs)}.`,
      ),
    );
  }
  return view;
}
