import { layerSpecs } from "../check/layers.js";
import { formatShape } from "../check/network.js";
import { formatCount } from "../ir/types.js";
import { blockSignature } from "../repl/feedback.js";
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";
import type { Span } from "../syntax/source.js";
import type { Analysis } from "./analysis.js";
import type { Instance } from "./instances.js";
import { contains, sameSpan, type Declaration } from "./names.js";

/** Instances listed one by one in a hover; a block called 17 times adds the rest up. */
const MAX_ROWS = 8;

export interface HoverText {
  markdown: string;
  span: Span;
}

/**
 * What the cursor is on, as markdown: a name or `in.*` with the values it took; a layer call
 * with each of its layers' shape, parameters and MACs; a block call with its totals and the
 * separable saving; a block or network with its signature and totals.
 */
export function hoverAt(analysis: Analysis, offset: number): HoverText | undefined {
  return (
    nameHover(analysis, offset) ??
    callHover(analysis, offset) ??
    compoundHover(analysis, offset) ??
    declarationHover(analysis, offset)
  );
}

function nameHover(analysis: Analysis, offset: number): HoverText | undefined {
  const { names } = analysis;
  const use = names.uses.find((u) => contains(u.span, offset));
  const declared = names.declarations.find(
    (d) =>
      (d.kind === "parameter" || d.kind === "let" || d.kind === "index") &&
      contains(d.span, offset),
  );
  const observed = analysis.valuesAt(offset);
  const span = use?.span ?? declared?.span ?? observed?.span;
  if (!span) return undefined;
  const declaration = use?.declaration ?? declared;
  const title = declaration
    ? `${describeDeclaration(declaration, analysis)}`
    : use
      ? `\`${use.name}\``
      : `\`${analysis.source.text.slice(span.start, span.end)}\``;
  const lines = [title];
  if (observed && sameSpan(observed.span, span)) {
    const values = observed.values.map((v) => `\`${v}\``).join(", ") + (observed.more ? ", …" : "");
    lines.push(observed.values.length === 1 ? `= ${values}` : `takes ${values}`);
  } else if (use && !declaration) {
    lines.push("not declared here");
  }
  return { markdown: lines.join("\n\n"), span };
}

function describeDeclaration(d: Declaration, analysis: Analysis): string {
  switch (d.kind) {
    case "parameter": {
      const owner = analysis.program.items.find(
        (i): i is A.BlockDecl | A.NetworkDecl =>
          (i.kind === "block" || i.kind === "network") &&
          i.params.some((p) => sameSpan(p.name.span, d.span)),
      );
      const where = owner ? ` of ${owner.kind} \`${owner.name.text}\`` : "";
      const fallback = d.default ? ` (default \`${printExpr(d.default)}\`)` : "";
      return `parameter \`${d.name}\`${where}${fallback}`;
    }
    case "let":
      return `\`let ${d.name}\``;
    case "index":
      return `repeat index \`${d.name}\``;
    default:
      return `${d.kind} \`${d.name}\``;
  }
}

function callHover(analysis: Analysis, offset: number): HoverText | undefined {
  let call: A.Call | undefined;
  for (const c of analysis.names.calls) {
    if (!contains(c.span, offset)) continue;
    if (!call || c.span.end - c.span.start < call.span.end - call.span.start) call = c;
  }
  if (!call) return undefined;
  const spec = layerSpecs[call.callee.text];
  const block = spec ? undefined : analysis.result.program.blocks.get(call.callee.text);
  if (!spec && !block) return undefined;
  const instances = analysis.instancesOf(call.span);
  const lines = [
    spec ? `**${spec.name}**: ${spec.summary}` : `block \`${blockSignature(block!)}\``,
  ];
  if (instances.length === 0) {
    lines.push(noShapes(analysis));
  } else if (spec) {
    lines.push(layerTable(analysis, instances));
  } else {
    lines.push(...instances.slice(0, MAX_ROWS).map((i) => blockTotals(analysis, i)));
    if (instances.length > MAX_ROWS) lines.push(`… and ${instances.length - MAX_ROWS} more calls`);
  }
  return { markdown: lines.join("\n\n"), span: call.span };
}

/** On the header of a repeat, residual, join or if (`residual if s == 1 {`): what it makes. */
function compoundHover(analysis: Analysis, offset: number): HoverText | undefined {
  const stage = analysis.names.compounds.find(
    (s) => s.span.start <= offset && offset < headerEnd(s),
  );
  if (!stage) return undefined;
  const header = { ...stage.span, end: headerEnd(stage) };
  const instances = analysis.instancesOf(stage.span);
  const title = `\`${analysis.source.text.slice(header.start, header.end).trim()}\``;
  const lines = [title];
  if (instances.length === 0) lines.push(noShapes(analysis));
  lines.push(...instances.slice(0, MAX_ROWS).map((i) => blockTotals(analysis, i)));
  if (instances.length > MAX_ROWS) lines.push(`… and ${instances.length - MAX_ROWS} more`);
  return { markdown: lines.join("\n\n"), span: header };
}

function headerEnd(stage: Exclude<A.Stage, A.Call>): number {
  switch (stage.kind) {
    case "repeat":
    case "residual":
      return stage.body.span.start;
    case "join":
      return stage.branches[0]?.span.start ?? stage.span.end;
    case "if":
      return stage.then.span.start;
  }
}

function noShapes(analysis: Analysis): string {
  return analysis.result.diagnostics.some((d) => d.severity === "error")
    ? "_no shapes: the program has errors_"
    : "_no network uses it_";
}

function layerTable(analysis: Analysis, instances: Instance[]): string {
  const rows = ["| layer | output | params | MACs |", "| --- | --- | ---: | ---: |"];
  const layers = instances.flatMap((i) => i.layers.map((l) => ({ layer: l, network: i.network })));
  for (const { layer, network } of layers.slice(0, MAX_ROWS)) {
    const cost = analysis.summaryOf(network).layers[layer.id];
    rows.push(
      `| \`${layer.name}\` | ${formatShape(layer.shape)} | ${formatCount(cost.params)} | ${formatCount(cost.macs)} |`,
    );
  }
  if (layers.length > MAX_ROWS) rows.push(`| … ${layers.length - MAX_ROWS} more | | | |`);
  return rows.join("\n");
}

/** One instance of a block call or a network: shapes in and out, cost, and separable saving. */
function blockTotals(analysis: Analysis, instance: Instance): string {
  const { network, layers } = instance;
  const summary = analysis.summaryOf(network);
  const first = layers[0];
  const input = first.op === "input" ? first.shape : network.layers[first.inputs[0]].shape;
  const output = layers[layers.length - 1].shape;
  const names = new Set(layers.map((l) => l.name));
  const costs = layers.map((l) => summary.layers[l.id]);
  const macs = costs.reduce((a, c) => a + c.macs, 0);
  const params = costs.reduce((a, c) => a + c.params, 0);
  const lines = [
    `${formatShape(input)} → **${formatShape(output)}** · ${formatCount(layers.filter((l) => l.op !== "input").length)} layers · ${formatCount(macs)} MACs · ${formatCount(params)} params`,
  ];
  const pairs = summary.separable.pairs.filter(
    (p) => names.has(p.depthwise) && names.has(p.pointwise),
  );
  if (pairs.length > 0) {
    const pairMacs = pairs.reduce((a, p) => a + p.depthwiseMacs + p.pointwiseMacs, 0);
    const standard = pairs.reduce((a, p) => a + p.standardMacs, 0);
    lines.push(
      `${pairs.length} separable pair${pairs.length === 1 ? "" : "s"}: ${formatCount(pairMacs)} MACs, ${(standard / pairMacs).toFixed(2)}x fewer than standard convolutions (${formatCount(standard)})`,
    );
  }
  return lines.join("  \n");
}

function declarationHover(analysis: Analysis, offset: number): HoverText | undefined {
  for (const item of analysis.program.items) {
    if (item.kind === "import" && contains(item.span, offset)) {
      return { markdown: `imports \`${item.path}\``, span: item.span };
    }
    if ((item.kind !== "block" && item.kind !== "network") || !contains(item.name.span, offset)) {
      continue;
    }
    const lines = [`${item.kind} \`${blockSignature({ ...item, kind: "block" })}\``];
    if (item.kind === "network") {
      const network = analysis.result.networks.find((n) => n.name === item.name.text);
      if (network) lines.push(blockTotals(analysis, { network, layers: network.layers }));
      else lines.push(noShapes(analysis));
    } else {
      const calls = analysis.names.calls.filter((c) => c.callee.text === item.name.text).length;
      lines.push(`${calls} call${calls === 1 ? "" : "s"} in this file`);
    }
    return { markdown: lines.join("\n\n"), span: item.name.span };
  }
  return undefined;
}
