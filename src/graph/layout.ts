import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";
import type { Box, Cluster, Edge, Picture } from "./model.js";

/*
 * Places a picture's boxes, frames and edges with dagre (layered layout, top to bottom, clusters
 * as compound nodes). Text is measured in a monospaced font, where every character is 0.6 em
 * wide, so the boxes fit their text in any renderer without a text-measuring DOM.
 */

export const font = {
  family: "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace",
  title: 11,
  line: 9.5,
  edge: 9,
  cluster: 10,
};

const charWidth = 0.6;
const padX = 8;
const padY = 5;
const lineGap = 3;
/** How far an edge's label sits to the right of the edge. */
const labelOffset = 4;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedBox extends Rect {
  box: Box;
}

export interface PlacedEdge {
  edge: Edge;
  points: { x: number; y: number }[];
  label: Rect;
}

export interface PlacedCluster extends Rect {
  cluster: Cluster;
}

export interface Layout {
  width: number;
  height: number;
  boxes: PlacedBox[];
  edges: PlacedEdge[];
  /** Outermost first, so that inner frames are drawn over outer ones. */
  clusters: PlacedCluster[];
}

export function textWidth(text: string, size: number): number {
  return [...text].length * size * charWidth;
}

/**
 * A box's lines of text: the title (bold) and its other lines. A box with one other line that is
 * short (a batch norm's shape) puts it on the title's line, which keeps long chains compact.
 */
export function boxText(box: Box): { inline: string | undefined; lines: string[] } {
  return box.lines.length === 1 && box.macs === 0
    ? { inline: box.lines[0], lines: [] }
    : { inline: undefined, lines: box.lines };
}

/** Space between the title and a line put on its line. */
export const inlineGap = 6;

export function boxSize(box: Box): { width: number; height: number } {
  const { inline, lines } = boxText(box);
  const titleWidth =
    textWidth(box.title, font.title) + (inline ? inlineGap + textWidth(inline, font.line) : 0);
  const width = Math.max(titleWidth, ...lines.map((l) => textWidth(l, font.line)));
  const height = font.title + lines.length * (font.line + lineGap);
  return { width: Math.ceil(width + 2 * padX), height: Math.ceil(height + 2 * padY) };
}

/** Baselines of a box's title and its other lines, from its top. */
export function baselines(box: Box): number[] {
  const first = padY + font.title * 0.85;
  return [first, ...boxText(box).lines.map((_, i) => first + (i + 1) * (font.line + lineGap))];
}

export function layoutPicture(picture: Picture): Layout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({
    compound: true,
    multigraph: true,
  });
  // With edge labels dagre halves ranksep and puts each label on a rank of its own; nested
  // frames' tops are then ranksep / 2 apart, room for one line of caption.
  g.setGraph({ rankdir: "TB", nodesep: 20, ranksep: 28, edgesep: 10, marginx: 8, marginy: 8 });
  const clusterKey = new Map<Cluster, string>();
  picture.openClusters.forEach((cluster, i) => {
    const key = `k${i}`;
    clusterKey.set(cluster, key);
    g.setNode(key, { width: 0, height: 0 });
    if (cluster.parent) g.setParent(key, clusterKey.get(cluster.parent)!);
  });
  for (const box of picture.boxes) {
    g.setNode(box.id, boxSize(box));
    if (box.parent) g.setParent(box.id, clusterKey.get(box.parent)!);
  }
  picture.edges.forEach((edge, i) => {
    const width = textWidth(edge.shape, font.edge) + 4;
    const label: EdgeLabel = {
      width,
      height: font.edge + 2,
      labelpos: "r",
      labeloffset: labelOffset,
    };
    g.setEdge(edge.from.id, edge.to.id, label, `e${i}`);
  });
  dagre.layout(g);

  const rect = (key: string): Rect => {
    const n = g.node(key);
    return { x: n.x! - n.width / 2, y: n.y! - n.height / 2, width: n.width, height: n.height };
  };
  const boxes = picture.boxes.map((box) => ({ box, ...rect(box.id) }));
  const clusters = picture.openClusters.map((cluster) => ({
    cluster,
    ...rect(clusterKey.get(cluster)!),
  }));
  const edges = picture.edges.map((edge, i) => {
    const e = g.edge(edge.from.id, edge.to.id, `e${i}`);
    // dagre's label box includes the offset on its left.
    const w = e.width ?? 0;
    const h = e.height ?? 0;
    return {
      edge,
      points: (e.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })),
      label: { x: e.x! - w / 2 + labelOffset, y: e.y! - h / 2, width: w - labelOffset, height: h },
    };
  });
  const { width, height } = g.graph();
  return { width: width ?? 0, height: height ?? 0, boxes, edges, clusters };
}
