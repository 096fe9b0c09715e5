import type { Layer, Network } from "../check/network.js";
import { describeValue, firstLine } from "../check/values.js";
import { summarize, type LayerCost, type SeparablePair } from "../cost/summarize.js";
import { formatCount, formatShape } from "../ir/types.js";
import type { RelatedLocation } from "../diagnostics/diagnostic.js";

/*
 * What a picture of a network shows, before any layout: the clusters (blocks, repeat iterations,
 * residuals and joins, found from the layers' dotted names), the boxes drawn (a layer, or a
 * collapsed cluster with its totals), the edges between boxes with the shapes they carry, and
 * the heat of each box. The SVG and the dot writer both draw this.
 */

export interface GraphPictureOptions {
  /**
   * How many levels of clusters are drawn open; clusters deeper than that are drawn as one box
   * with their totals. `0` draws every top-level block as one box. Default: every level.
   */
  depth?: number;
  /** Clusters drawn as one box whatever the depth, by name (`bottleneck2`, `stage3.repeat1.0`). */
  collapse?: string[];
}

export interface Cluster {
  /** The dotted prefix its layers' names share (`bottleneck2.1`). */
  name: string;
  /** Other names it answers to: a cluster that held only this one is merged into it. */
  aliases: string[];
  /** What made it, outermost first: `bottleneck(24, t=6, n=2, s=2)`, `repeat i = 1 (of 2)`, `residual`. */
  detail: string[];
  /** 1 for a top-level cluster. */
  level: number;
  parent: Cluster | undefined;
  children: Cluster[];
  /** Every layer inside it, at any depth, in execution order. */
  layers: Layer[];
  macs: number;
  params: number;
}

export type Box = LayerBox | ClusterBox;

interface BoxBase {
  /** A key unique in the picture (`n12`, `c3`), safe in XML and dot. */
  id: string;
  /** The cluster drawn around it, if any. */
  parent: Cluster | undefined;
  /** First line, the one that says what it is. */
  title: string;
  /** Further lines: the shape and the cost. */
  lines: string[];
  /** Longer text for a tooltip. */
  tooltip: string;
  macs: number;
  /** 0..1 on the picture's heat scale; undefined for a box without multiply-adds. */
  heat: number | undefined;
}

export interface LayerBox extends BoxBase {
  kind: "layer";
  layer: Layer;
  /** The shape of a join: add, mul and concat meet their branches in a pill. */
  join: boolean;
  /** An add whose one input comes from outside its cluster: the end of a residual. */
  residual: boolean;
  /** The separable pair it belongs to, as its depthwise or its pointwise layer. */
  separable: { pair: SeparablePair; role: "depthwise" | "pointwise" } | undefined;
}

export interface ClusterBox extends BoxBase {
  kind: "cluster";
  cluster: Cluster;
}

export interface Edge {
  from: Box;
  to: Box;
  /** The shape of the value it carries. */
  shape: string;
  /** Into a join from outside the join's cluster: a residual's shortcut, a gate's input. */
  shortcut: boolean;
}

export interface Picture {
  network: Network;
  /** One line: the network, its parameters and its totals. */
  heading: string;
  /** Top-level clusters, in execution order. */
  clusters: Cluster[];
  /** Clusters drawn open (as a frame around their boxes), outermost first. */
  openClusters: Cluster[];
  boxes: Box[];
  edges: Edge[];
  separable: SeparablePair[];
  /** The heat scale's ends: the smallest and largest multiply-adds of a box. */
  heatRange: [number, number] | undefined;
}

export function buildPicture(network: Network, options: GraphPictureOptions = {}): Picture {
  const summary = summarize(network);
  const clusters = findClusters(network.layers, summary.layers);
  const all = flatten(clusters);
  const collapse = new Set(options.collapse ?? []);
  const depth = options.depth ?? Infinity;
  const isCollapsed = (c: Cluster) =>
    c.level > depth || collapse.has(c.name) || c.aliases.some((a) => collapse.has(a));

  // The box each layer is drawn in: its own, or its outermost collapsed cluster's.
  const clusterOf = innermostClusters(network.layers, all);
  const boxOf = new Map<number, Box>();
  const boxes: Box[] = [];
  const clusterBoxes = new Map<Cluster, ClusterBox>();
  const pairs = new Map<string, LayerBox["separable"]>();
  for (const pair of summary.separable.pairs) {
    pairs.set(pair.depthwise, { pair, role: "depthwise" });
    pairs.set(pair.pointwise, { pair, role: "pointwise" });
  }
  for (const layer of network.layers) {
    const chain = ancestry(clusterOf.get(layer.id));
    const collapsedAt = chain.findIndex(isCollapsed);
    if (collapsedAt >= 0) {
      const cluster = chain[collapsedAt];
      let box = clusterBoxes.get(cluster);
      if (!box) {
        box = clusterBox(cluster, chain[collapsedAt - 1], network);
        clusterBoxes.set(cluster, box);
        boxes.push(box);
      }
      boxOf.set(layer.id, box);
    } else {
      const box = layerBox(layer, summary.layers[layer.id], chain.at(-1), pairs.get(layer.name));
      boxOf.set(layer.id, box);
      boxes.push(box);
    }
  }

  const edges: Edge[] = [];
  const seen = new Set<string>();
  for (const layer of network.layers) {
    const to = boxOf.get(layer.id)!;
    for (const input of layer.inputs) {
      const from = boxOf.get(input)!;
      const key = `${from.id} ${to.id}`;
      if (from === to || seen.has(key)) continue;
      seen.add(key);
      const shortcut =
        to.kind === "layer" && to.join && !insideOf(clusterOf.get(input), clusterOf.get(layer.id));
      edges.push({ from, to, shape: formatShape(network.layers[input].shape), shortcut });
    }
  }
  for (const box of boxes) if (box.kind === "layer") box.residual = isResidual(box, edges);

  const costs = boxes.map((b) => b.macs).filter((m) => m > 0);
  const heatRange: Picture["heatRange"] =
    costs.length > 0 ? [Math.min(...costs), Math.max(...costs)] : undefined;
  for (const box of boxes) box.heat = heatOf(box.macs, heatRange);

  const params = Object.entries(network.params)
    .map(([k, v]) => `${k}=${describeValue(v)}`)
    .join(", ");
  const heading =
    `${network.name}${params ? ` (${params})` : ""} · ${network.layers.length} layers · ` +
    `${scaled(summary.totals.params)} params · ${scaled(summary.totals.macs)} MACs`;
  const openClusters = all.filter((c) => !ancestry(c).some(isCollapsed));
  return {
    network,
    heading,
    clusters,
    openClusters,
    boxes,
    edges,
    separable: summary.separable.pairs,
    heatRange,
  };
}

/** 300774272 -> "300.8M", 864 -> "864". */
export function scaled(n: number): string {
  const units: [number, string][] = [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [scale, unit] of units) {
    if (n >= scale) return `${(n / scale).toPrecision(3).replace(/\.0+$/, "")}${unit}`;
  }
  return String(n);
}

function heatOf(macs: number, range: Picture["heatRange"]): number | undefined {
  if (macs <= 0 || !range) return undefined;
  const [lo, hi] = range;
  // Multiply-adds span four orders of magnitude in one network: a log scale shows them all.
  return hi === lo ? 1 : Math.log(macs / lo) / Math.log(hi / lo);
}

/**
 * The clusters of a network: every dotted prefix shared by two or more layers. A cluster that
 * holds nothing but one other cluster (a block whose body is a single repeat of one iteration)
 * is merged into it.
 */
function findClusters(layers: Layer[], costs: readonly LayerCost[]): Cluster[] {
  const byName = new Map<string, Layer[]>();
  for (const layer of layers) {
    const parts = layer.name.split(".");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join(".");
      const members = byName.get(prefix);
      if (members) members.push(layer);
      else byName.set(prefix, [layer]);
    }
  }
  const roots: Cluster[] = [];
  const made = new Map<string, Cluster>();
  for (const [name, members] of byName) {
    if (members.length < 2) continue;
    const parentName = [...made.keys()].filter((n) => name.startsWith(`${n}.`)).at(-1);
    const parent = parentName === undefined ? undefined : made.get(parentName);
    const cluster: Cluster = {
      name,
      aliases: [],
      detail: [],
      level: parent ? parent.level + 1 : 1,
      parent,
      children: [],
      layers: members,
      macs: members.reduce((sum, l) => sum + costs[l.id].macs, 0),
      params: members.reduce((sum, l) => sum + costs[l.id].params, 0),
    };
    made.set(name, cluster);
    (parent ? parent.children : roots).push(cluster);
  }
  const merged = roots.map(mergeSoleChildren);
  for (const cluster of flatten(merged)) cluster.detail = describe(cluster);
  return merged;
}

function mergeSoleChildren(cluster: Cluster): Cluster {
  cluster.children = cluster.children.map(mergeSoleChildren);
  const [only] = cluster.children;
  if (cluster.children.length !== 1 || only.layers.length !== cluster.layers.length) return cluster;
  only.aliases.unshift(cluster.name, ...cluster.aliases);
  only.parent = cluster.parent;
  relevel(only, cluster.level);
  return only;
}

function relevel(cluster: Cluster, level: number): void {
  cluster.level = level;
  for (const child of cluster.children) relevel(child, level + 1);
}

function flatten(clusters: Cluster[]): Cluster[] {
  return clusters.flatMap((c) => [c, ...flatten(c.children)]);
}

/** The cluster and those around it, outermost first. */
function ancestry(cluster: Cluster | undefined): Cluster[] {
  const chain: Cluster[] = [];
  for (let c = cluster; c; c = c.parent) chain.unshift(c);
  return chain;
}

function insideOf(inner: Cluster | undefined, outer: Cluster | undefined): boolean {
  return outer === undefined || ancestry(inner).includes(outer);
}

function innermostClusters(layers: Layer[], clusters: Cluster[]): Map<number, Cluster> {
  const found = new Map<number, Cluster>();
  // Outermost first, so an inner cluster overwrites the one around it.
  for (const cluster of clusters) for (const layer of cluster.layers) found.set(layer.id, cluster);
  return found;
}

/**
 * What a cluster is: the block calls and repeat iterations all its layers were expanded from
 * that its parent's layers do not all share, and the join that ends it.
 */
function describe(cluster: Cluster): string[] {
  const own = commonExpansion(cluster.layers);
  const around = cluster.parent ? commonExpansion(cluster.parent.layers) : [];
  const detail = own.slice(around.length).map(describeExpansion);
  const join = cluster.layers.find(
    (l) =>
      l.name === `${cluster.name}.${l.op}` &&
      (l.op === "add" || l.op === "mul" || l.op === "concat"),
  );
  if (join) {
    const inside = join.inputs.every((i) => cluster.layers.some((l) => l.id === i));
    detail.push(join.op === "add" && !inside ? "residual" : `${join.op} of ${join.inputs.length}`);
  }
  return detail;
}

/** The expansion notes every layer shares, outermost first. */
function commonExpansion(layers: Layer[]): RelatedLocation[] {
  const lists = layers.map((l) => [...l.origin.expansion].reverse());
  const first = lists[0] ?? [];
  let n = 0;
  while (n < first.length && lists.every((list) => sameNote(list[n], first[n]))) n++;
  return first.slice(0, n);
}

function sameNote(a: RelatedLocation | undefined, b: RelatedLocation): boolean {
  return (
    a !== undefined &&
    a.message === b.message &&
    a.span.source === b.span.source &&
    a.span.start === b.span.start
  );
}

/** `bottleneck(24, t=6, n=2, s=2)` for a block call, `repeat i = 1 (of 2)` for an iteration. */
function describeExpansion(note: RelatedLocation): string {
  const iteration = /^in (repeat .*)$/.exec(note.message);
  return iteration ? iteration[1] : firstLine(note.span);
}

function layerBox(
  layer: Layer,
  cost: LayerCost,
  parent: Cluster | undefined,
  separable: LayerBox["separable"],
): LayerBox {
  const local = layer.name.slice(parent ? parent.name.length + 1 : 0);
  // Automatic names (`dw1`, `relu6_2`) repeat the op; a label (`cheap_operation`) says more.
  const automatic = new RegExp(`^${layer.op}_?[0-9]*$`).test(local);
  const title = automatic ? describeLayer(layer) : `${local}: ${describeLayer(layer)}`;
  const cost2 =
    cost.macs > 0
      ? [`${formatShape(layer.shape)} · ${scaled(cost.macs)} MACs`]
      : [formatShape(layer.shape)];
  const tooltip = [
    layer.name,
    `${describeLayer(layer)} → ${formatShape(layer.shape)}`,
    `${formatCount(cost.params)} params, ${formatCount(cost.macs)} MACs`,
    ...(separable ? [separableNote(separable)] : []),
    where(layer),
  ].join("\n");
  return {
    kind: "layer",
    id: `n${layer.id}`,
    parent,
    title,
    lines: cost2,
    tooltip,
    macs: cost.macs,
    heat: undefined,
    layer,
    join: layer.op === "add" || layer.op === "mul" || layer.op === "concat",
    residual: false,
    separable,
  };
}

function separableNote({ pair, role }: NonNullable<LayerBox["separable"]>): string {
  const other = role === "depthwise" ? pair.pointwise : pair.depthwise;
  return (
    `separable with ${other}: ${(pair.ratio * 100).toFixed(1)}% of the MACs of one ` +
    `${pair.kernel.join("x")} convolution from ${pair.inChannels} to ${pair.outChannels} channels`
  );
}

function clusterBox(cluster: Cluster, parent: Cluster | undefined, network: Network): ClusterBox {
  const outputs = cluster.layers.filter(
    (l) =>
      l.id === network.output ||
      network.layers.some((o) => o.inputs.includes(l.id) && !cluster.layers.includes(o)),
  );
  const shape = formatShape((outputs.at(-1) ?? cluster.layers.at(-1)!).shape);
  const totals = `${cluster.layers.length} layers · ${scaled(cluster.macs)} MACs`;
  return {
    kind: "cluster",
    id: `c${cluster.layers[0].id}`,
    parent,
    title: cluster.name,
    lines: [...cluster.detail.map((d) => shorten(d, 48)), `${shape} · ${totals}`],
    tooltip: [
      cluster.name,
      ...cluster.detail,
      `${cluster.layers.length} layers, ${formatCount(cluster.params)} params, ${formatCount(cluster.macs)} MACs`,
      where(cluster.layers[0]),
    ].join("\n"),
    macs: cluster.macs,
    heat: undefined,
    cluster,
  };
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** `examples/mobilenet_v2.dsnet:16`: the source line that wrote the layer. */
function where(layer: Layer): string {
  const { span } = layer.origin;
  return `${span.source.path}:${span.source.position(span.start).line}`;
}

/** `dw 3x3 s2`, `maxpool 3x3 s2`, `slice 0..58`: the op and what is not in its output shape. */
export function describeLayer(layer: Layer): string {
  const parts: string[] = [layer.op];
  switch (layer.op) {
    case "conv":
    case "dw":
    case "pw":
      if (layer.op !== "pw" || layer.kernel[0] !== 1 || layer.kernel[1] !== 1)
        parts.push(layer.kernel.join("x"));
      if (layer.stride[0] !== 1 || layer.stride[1] !== 1) parts.push(`s${stride(layer.stride)}`);
      if (layer.dilation[0] !== 1 || layer.dilation[1] !== 1)
        parts.push(`d${stride(layer.dilation)}`);
      if (layer.op === "dw" && layer.outChannels !== layer.inChannels)
        parts.push(`mult=${layer.outChannels / layer.inChannels}`);
      if (layer.op !== "dw" && layer.groups > 1) parts.push(`groups=${layer.groups}`);
      break;
    case "maxpool":
    case "avgpool":
      parts.push(layer.kernel.join("x"));
      if (layer.stride[0] !== 1 || layer.stride[1] !== 1) parts.push(`s${stride(layer.stride)}`);
      break;
    case "leaky_relu":
      parts.push(String(layer.slope));
      break;
    case "dropout":
      parts.push(String(layer.p));
      break;
    case "slice":
      parts.push(`${layer.start}..${layer.start + layer.shape[2]}`);
      break;
    case "shuffle":
      parts.push(String(layer.groups));
      break;
  }
  return parts.join(" ");
}

function stride([a, b]: [number, number]): string {
  return a === b ? String(a) : `${a}x${b}`;
}

function isResidual(box: LayerBox, edges: Edge[]): boolean {
  return box.layer.op === "add" && edges.some((e) => e.to === box && e.shortcut);
}
