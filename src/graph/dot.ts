import { oneLine } from "../backends/comment.js";
import { scaled, type Box, type Cluster, type Picture } from "./model.js";
import { colors, heatColor, needsLightText } from "./svg.js";

/*
 * A picture as Graphviz dot: the same boxes, frames (as `cluster_` subgraphs), edge labels and
 * marks as the SVG, for `dot -Tpdf` or any tool that reads dot. Graphviz lays it out itself.
 */

/** A dot string: quoted, with quotes and backslashes escaped and lines as `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function attributes(attrs: Record<string, string | number | undefined>): string {
  const parts = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "number" ? v : quote(v!)}`);
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

export function renderDot(picture: Picture): string {
  const { network } = picture;
  const inside = new Map<Cluster | undefined, Box[]>();
  for (const box of picture.boxes) {
    const list = inside.get(box.parent);
    if (list) list.push(box);
    else inside.set(box.parent, [box]);
  }
  const open = new Set(picture.openClusters);
  const frame = (cluster: Cluster, indent: string): string[] => [
    `${indent}subgraph ${quote(`cluster_${cluster.name}`)} {`,
    `${indent}  graph${attributes({
      label: [cluster.name, ...cluster.detail].join(" · "),
      tooltip: `${cluster.layers.length} layers, ${scaled(cluster.params)} params, ${scaled(cluster.macs)} MACs`,
      fillcolor: colors.frames[(cluster.level - 1) % colors.frames.length],
    })};`,
    ...(inside.get(cluster) ?? []).map((box) => `${indent}  ${node(box)}`),
    ...cluster.children.filter((c) => open.has(c)).flatMap((c) => frame(c, `${indent}  `)),
    `${indent}}`,
  ];
  const font = "DejaVu Sans Mono";
  return [
    `// ${oneLine(picture.heading)}`,
    `// drawn by dsnet graph from ${oneLine(network.file)}`,
    `digraph ${quote(network.name)} {`,
    `  graph${attributes({ rankdir: "TB", fontname: font, fontsize: 10, labeljust: "l", style: "rounded,filled", color: colors.stroke, nodesep: 0.25, ranksep: 0.3 })};`,
    `  node${attributes({ shape: "box", style: "rounded,filled", fontname: font, fontsize: 10, color: colors.stroke, fillcolor: "#ffffff" })};`,
    `  edge${attributes({ fontname: font, fontsize: 9, color: colors.edge, fontcolor: colors.faint, arrowsize: 0.6 })};`,
    ...(inside.get(undefined) ?? []).map((box) => `  ${node(box)}`),
    ...picture.clusters.filter((c) => open.has(c)).flatMap((c) => frame(c, "  ")),
    ...picture.edges.map(
      (e) =>
        `  ${e.from.id} -> ${e.to.id}${attributes({
          label: e.shape,
          style: e.shortcut ? "dashed" : undefined,
          color: e.shortcut ? colors.shortcut : undefined,
        })};`,
    ),
    `}`,
    "",
  ].join("\n");
}

function node(box: Box): string {
  const fill = box.heat === undefined ? undefined : heatColor(box.heat);
  const common = {
    label: [box.title, ...box.lines].join("\n"),
    tooltip: box.tooltip,
    fillcolor: fill,
    fontcolor: needsLightText(box) ? "#ffffff" : undefined,
  };
  if (box.kind === "cluster") return `${box.id}${attributes({ ...common, peripheries: 2 })};`;
  return `${box.id}${attributes({
    ...common,
    shape: box.join ? "ellipse" : undefined,
    fillcolor: box.join ? colors.join : fill,
    color: box.residual ? colors.shortcut : box.separable ? colors.separable : undefined,
    penwidth: box.separable ? 2 : undefined,
  })};`;
}
