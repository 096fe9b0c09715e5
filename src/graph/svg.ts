import { scaled, type Box, type Cluster, type Picture } from "./model.js";
import {
  baselines,
  boxText,
  font,
  inlineGap,
  layoutPicture,
  textWidth,
  type Layout,
  type PlacedBox,
  type PlacedCluster,
  type PlacedEdge,
  type Rect,
} from "./layout.js";

/*
 * A picture as a standalone SVG document: no scripts, no external fonts or styles, every text
 * escaped. Each layer is a `<g class="layer">` and each open cluster a `<g class="cluster">`,
 * with data- attributes (name, op, shape, multiply-adds) and a `<title>` tooltip, so a page that
 * shows the picture can find them.
 */

export const colors = {
  ink: "#1f2328",
  faint: "#57606a",
  edge: "#6e7781",
  stroke: "#8c959f",
  shortcut: "#8250df",
  join: "#f3eefc",
  separable: "#0a7d6e",
  frames: ["#f6f8fa", "#eef2f6", "#e6ebf1", "#dde4ec"],
};

/** Yellow to dark red, as ColorBrewer's YlOrRd: the heat of a box by its multiply-adds. */
const heatStops = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"];

export function heatColor(t: number): string {
  const at = Math.min(Math.max(t, 0), 1) * (heatStops.length - 1);
  const i = Math.min(Math.floor(at), heatStops.length - 2);
  const [a, b] = [hex(heatStops[i]), hex(heatStops[i + 1])];
  const mix = a.map((v, k) => Math.round(v + (b[k] - v) * (at - i)));
  return `#${mix.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** The hot end of the scale is dark enough to want white text. */
export function needsLightText(box: Box): boolean {
  return box.heat !== undefined && box.heat > 0.62;
}

function hex(color: string): number[] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

const headingHeight = 58;

export function renderSvg(picture: Picture): string {
  const layout = layoutPicture(picture);
  const legend = legendItems(picture);
  const captions = placeCaptions(layout);
  const width = Math.ceil(
    Math.max(
      layout.width,
      textWidth(picture.heading, 12) + 16,
      legend.width + 16,
      ...captions.map((c) => c.width + 8),
    ),
  );
  const height = Math.ceil(layout.height + headingHeight);
  const { network } = picture;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font.family)}" ` +
      `data-network="${escapeXml(network.name)}">`,
    `<title>${escapeXml(picture.heading)}</title>`,
    `<desc>${escapeXml(`drawn by dsnet graph from ${network.file}`)}</desc>`,
    defs(),
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="18" font-size="12" font-weight="bold" fill="${colors.ink}">${escapeXml(picture.heading)}</text>`,
    legend.svg,
    `<g class="graph" transform="translate(0 ${headingHeight})">`,
    ...layout.clusters.map(clusterSvg),
    ...layout.edges.map(edgeSvg),
    ...separableBrackets(layout.boxes),
    ...layout.boxes.map(boxSvg),
    // Over the edges that enter the frames, on a halo of the frame's colour.
    ...captions.map(captionSvg),
    `</g>`,
    `</svg>`,
    "",
  ].join("\n");
}

function defs(): string {
  const marker = (id: string, color: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
    `orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="${color}"/></marker>`;
  const stops = heatStops
    .map((c, i) => `<stop offset="${n((i / (heatStops.length - 1)) * 100)}%" stop-color="${c}"/>`)
    .join("");
  return [
    `<defs>`,
    marker("arrow", colors.edge),
    marker("arrow-shortcut", colors.shortcut),
    `<linearGradient id="heat">${stops}</linearGradient>`,
    `</defs>`,
  ].join("\n");
}

/** The heat bar with its ends, and a sample of each mark, in one row under the heading. */
function legendItems(picture: Picture): { svg: string; width: number } {
  const parts: string[] = [];
  const y = 30;
  let x = 8;
  const label = (text: string) => {
    parts.push(
      `<text x="${n(x)}" y="${y + 10}" font-size="${font.line}" fill="${colors.faint}">${escapeXml(text)}</text>`,
    );
    x += textWidth(text, font.line) + 8;
  };
  if (picture.heatRange) {
    label(`MACs ${scaled(picture.heatRange[0])}`);
    parts.push(
      `<rect x="${n(x)}" y="${y}" width="120" height="12" fill="url(#heat)" stroke="${colors.stroke}" stroke-width="0.5"/>`,
    );
    x += 128;
    label(`${scaled(picture.heatRange[1])} (log scale)`);
    x += 8;
  }
  if (picture.separable.length > 0) {
    parts.push(
      `<rect x="${n(x)}" y="${y}" width="18" height="12" rx="2" fill="#ffffff" stroke="${colors.separable}" stroke-width="2"/>`,
    );
    x += 24;
    label("separable dw → pw");
  }
  if (picture.edges.some((e) => e.shortcut)) {
    parts.push(
      `<path d="M${n(x)},${y + 6} h24" stroke="${colors.shortcut}" stroke-width="1.5" stroke-dasharray="4 3" marker-end="url(#arrow-shortcut)"/>`,
    );
    x += 32;
    label("shortcut into a join");
  }
  if (picture.boxes.some((b) => b.kind === "cluster")) {
    parts.push(stackRect(x, y, 18, 12, "#ffffff"));
    x += 26;
    label("collapsed block");
  }
  return { svg: `<g class="legend">\n${parts.join("\n")}\n</g>`, width: x };
}

function frameColor(cluster: Cluster): string {
  return colors.frames[(cluster.level - 1) % colors.frames.length];
}

/** Inside another frame a frame is named relative to it: `concat1` in `bottleneck2.add1`. */
function caption(cluster: Cluster): string {
  const name = cluster.parent ? cluster.name.slice(cluster.parent.name.length + 1) : cluster.name;
  return [name, ...cluster.detail].join(" · ");
}

function clusterSvg({ cluster, x, y, width, height }: PlacedCluster): string {
  const totals = `${cluster.layers.length} layers, ${scaled(cluster.params)} params, ${scaled(cluster.macs)} MACs`;
  return [
    `<g class="cluster" data-cluster="${escapeXml(cluster.name)}" data-layers="${cluster.layers.length}" ` +
      `data-macs="${cluster.macs}" data-params="${cluster.params}">`,
    `<title>${escapeXml([cluster.name, ...cluster.detail, totals].join("\n"))}</title>`,
    `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="6" ` +
      `fill="${frameColor(cluster)}" stroke="${colors.stroke}" stroke-width="0.75"/>`,
    `</g>`,
  ].join("\n");
}

/**
 * Where each frame's caption goes and what it says: its name and what made it, running past the
 * frame's right side where nothing else is drawn there, cut short where something is (the
 * tooltip has all of it).
 */
function placeCaptions(layout: Layout): { placed: PlacedCluster; text: string; width: number }[] {
  const others: Rect[] = [...layout.boxes, ...layout.edges.map((e) => e.label)];
  return layout.clusters.map((placed) => {
    const text = caption(placed.cluster);
    const top: Rect = { x: placed.x + 5, y: placed.y, width: 0, height: font.cluster + 3 };
    const fits = (chars: number) => {
      const rect = { ...top, width: chars * font.cluster * 0.6 };
      return ![...others, ...layout.clusters.filter((c) => !related(c, placed)).map(frameTop)].some(
        (r) => overlaps(rect, r),
      );
    };
    const chars = [...text];
    let room = chars.length;
    const inside = Math.max(4, Math.floor((placed.width - 10) / (font.cluster * 0.6)));
    if (!fits(room)) room = inside;
    const shown = chars.length > room ? `${chars.slice(0, room - 1).join("")}…` : text;
    return { placed, text: shown, width: top.x + textWidth(shown, font.cluster) };
  });
}

function frameTop(c: PlacedCluster): Rect {
  return { x: c.x, y: c.y, width: c.width, height: font.cluster + 3 };
}

/** One frame inside the other. */
function related(a: PlacedCluster, b: PlacedCluster): boolean {
  const inside = (inner: Cluster, outer: Cluster) => {
    for (let c: Cluster | undefined = inner; c; c = c.parent) if (c === outer) return true;
    return false;
  };
  return inside(a.cluster, b.cluster) || inside(b.cluster, a.cluster);
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function captionSvg({ placed, text }: { placed: PlacedCluster; text: string }): string {
  const fill = frameColor(placed.cluster);
  return (
    `<text class="caption" x="${n(placed.x + 5)}" y="${n(placed.y + font.cluster + 1)}" font-size="${font.cluster}" ` +
    `fill="${colors.faint}" stroke="${fill}" stroke-width="3" paint-order="stroke">${escapeXml(text)}</text>`
  );
}

/** A smooth path through dagre's points (a uniform B-spline, as d3's curveBasis draws). */
function basisPath(points: { x: number; y: number }[]): string {
  if (points.length < 3)
    return points.map((p, i) => `${i ? "L" : "M"}${n(p.x)},${n(p.y)}`).join(" ");
  const parts = [`M${n(points[0].x)},${n(points[0].y)}`];
  const [p0, p1] = points;
  parts.push(`L${n((5 * p0.x + p1.x) / 6)},${n((5 * p0.y + p1.y) / 6)}`);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const c = points[i + 1] ?? b;
    parts.push(
      `C${n((2 * a.x + b.x) / 3)},${n((2 * a.y + b.y) / 3)} ${n((a.x + 2 * b.x) / 3)},${n((a.y + 2 * b.y) / 3)} ` +
        `${n((a.x + 4 * b.x + c.x) / 6)},${n((a.y + 4 * b.y + c.y) / 6)}`,
    );
  }
  const last = points[points.length - 1];
  parts.push(`L${n(last.x)},${n(last.y)}`);
  return parts.join(" ");
}

function edgeSvg({ edge, points, label }: PlacedEdge): string {
  const color = edge.shortcut ? colors.shortcut : colors.edge;
  const dash = edge.shortcut ? ` stroke-dasharray="4 3"` : "";
  const marker = edge.shortcut ? "arrow-shortcut" : "arrow";
  return [
    `<g class="edge${edge.shortcut ? " shortcut" : ""}" data-from="${edge.from.id}" data-to="${edge.to.id}" data-shape="${edge.shape}">`,
    `<path d="${basisPath(points)}" fill="none" stroke="${color}" stroke-width="${edge.shortcut ? 1.5 : 1}"${dash} marker-end="url(#${marker})"/>`,
    `<text class="edge-label" x="${n(label.x)}" y="${n(label.y + label.height - 2)}" ` +
      `font-size="${font.edge}" fill="${colors.faint}">${escapeXml(edge.shape)}</text>`,
    `</g>`,
  ].join("\n");
}

/** A bracket on the left of each separable pair drawn as two boxes: dw to pw. */
function separableBrackets(boxes: PlacedBox[]): string[] {
  const byName = new Map<string, PlacedBox>();
  for (const placed of boxes)
    if (placed.box.kind === "layer") byName.set(placed.box.layer.name, placed);
  const out: string[] = [];
  for (const placed of boxes) {
    const { box } = placed;
    if (box.kind !== "layer" || box.separable?.role !== "depthwise") continue;
    const pw = byName.get(box.separable.pair.pointwise);
    if (!pw) continue;
    const x = Math.min(placed.x, pw.x) - 5;
    const top = placed.y + placed.height / 2;
    const bottom = pw.y + pw.height / 2;
    out.push(
      `<path class="separable" d="M${n(placed.x)},${n(top)} H${n(x)} V${n(bottom)} H${n(pw.x)}" ` +
        `fill="none" stroke="${colors.separable}" stroke-width="1.5"/>`,
    );
  }
  return out;
}

function stackRect(x: number, y: number, width: number, height: number, fill: string): string {
  return (
    `<rect x="${n(x + 3)}" y="${n(y + 3)}" width="${n(width)}" height="${n(height)}" rx="3" fill="${fill}" stroke="${colors.stroke}"/>` +
    `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="3" fill="${fill}" stroke="${colors.stroke}"/>`
  );
}

function boxSvg(placed: PlacedBox): string {
  const { box, x, y, width, height } = placed;
  const fill = box.heat === undefined ? "#ffffff" : heatColor(box.heat);
  const dark = needsLightText(box);
  const ink = dark ? "#ffffff" : colors.ink;
  const faint = dark ? "#fff3e0" : colors.faint;
  const shape = boxShape(box, x, y, width, height, fill);
  const [titleY, ...lineYs] = baselines(box).map((b) => y + b);
  const cx = n(x + width / 2);
  const { inline, lines } = boxText(box);
  const after = inline
    ? `<tspan dx="${inlineGap}" font-size="${font.line}" font-weight="normal" fill="${faint}">${escapeXml(inline)}</tspan>`
    : "";
  return [
    `<g ${boxAttributes(box)}>`,
    `<title>${escapeXml(box.tooltip)}</title>`,
    shape,
    `<text x="${cx}" y="${n(titleY)}" font-size="${font.title}" font-weight="bold" text-anchor="middle" fill="${ink}">${escapeXml(box.title)}${after}</text>`,
    ...lines.map(
      (line, i) =>
        `<text x="${cx}" y="${n(lineYs[i])}" font-size="${font.line}" text-anchor="middle" fill="${faint}">${escapeXml(line)}</text>`,
    ),
    `</g>`,
  ].join("\n");
}

function boxAttributes(box: Box): string {
  const common = `data-macs="${box.macs}"`;
  if (box.kind === "cluster") {
    return `class="layer collapsed" data-cluster="${escapeXml(box.cluster.name)}" data-layers="${box.cluster.layers.length}" ${common}`;
  }
  const classes = [
    "layer",
    box.join && "join",
    box.residual && "residual",
    box.separable && "separable",
  ];
  return (
    `class="${classes.filter(Boolean).join(" ")}" data-name="${escapeXml(box.layer.name)}" ` +
    `data-op="${box.layer.op}" data-shape="${box.layer.shape.join("x")}" ${common}`
  );
}

function boxShape(
  box: Box,
  x: number,
  y: number,
  width: number,
  height: number,
  fill: string,
): string {
  if (box.kind === "cluster") return stackRect(x - 2, y - 2, width, height, fill);
  if (box.join) {
    const stroke = box.residual ? colors.shortcut : colors.stroke;
    return `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="${n(height / 2)}" fill="${colors.join}" stroke="${stroke}" stroke-width="1.25"/>`;
  }
  const stroke = box.separable ? colors.separable : colors.stroke;
  const strokeWidth = box.separable ? 2 : 1;
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"/>`;
}
