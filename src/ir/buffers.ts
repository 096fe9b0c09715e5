import { valueSize, type Graph } from "./graph.js";

/**
 * Where each value lives in one activation arena, by liveness: a value occupies its range from
 * the node that writes it to the last node that reads it, and values whose lifetimes do not
 * overlap share memory. Offsets and sizes are in float32 elements, each buffer aligned to 4
 * elements (16 bytes) or more (the CPU backends ask for 64-byte cache lines).
 *
 * The plan is made for one sample. The CPU backends run a batch sample by sample through it;
 * the WebGPU backend scales it: for N samples every offset and size is N times the one here,
 * which keeps buffers disjoint and aligned. Backends whose kernels load whole vectors past the
 * end of a buffer need only keep that much slack after the arena (the CPU backends keep a
 * 64-byte line): inside it, such a load reads a neighbour's data and discards it.
 */
export interface BufferPlan {
  /** Offset of each value in the arena, by value id; -1 for values no node writes. */
  offsets: number[];
  /** Elements per value, by value id. */
  sizes: number[];
  /** Elements in the arena: the planned peak. */
  arenaElements: number;
  /** What giving every value its own buffer would take. */
  naiveElements: number;
}

/**
 * Plans one sample's buffers (see BufferPlan for a batch). Each buffer starts on a multiple of
 * `align` elements (at least 4, 16 bytes).
 */
export function planBuffers(graph: Graph, align = 4): BufferPlan {
  const count = graph.values.length;
  const produced = new Array<boolean>(count).fill(false);
  const first = new Array<number>(count).fill(-1);
  const last = new Array<number>(count).fill(-1);
  graph.nodes.forEach((node, i) => {
    produced[node.output] = true;
    first[node.output] = i;
    last[node.output] = Math.max(last[node.output], i);
    for (const v of node.inputs) last[v] = Math.max(last[v], i);
  });
  // The output must survive the whole pass.
  last[graph.output] = graph.nodes.length;
  const sizes = graph.values.map((_, v) => (produced[v] ? valueSize(graph, v) : 0));
  const footprint = (v: number) => Math.ceil(sizes[v] / align) * align;

  const order = [...sizes.keys()]
    .filter((v) => produced[v])
    .sort((a, b) => footprint(b) - footprint(a) || a - b);
  const offsets = new Array<number>(count).fill(-1);
  const placed: number[] = [];
  let arena = 0;
  for (const v of order) {
    // The lowest offset that fits between buffers alive at the same time (greedy by size).
    const overlapping = placed
      .filter((u) => first[u] <= last[v] && first[v] <= last[u])
      .sort((a, b) => offsets[a] - offsets[b]);
    let offset = 0;
    for (const u of overlapping) {
      if (offsets[u] - offset >= footprint(v)) break;
      offset = Math.max(offset, offsets[u] + footprint(u));
    }
    offsets[v] = offset;
    placed.push(v);
    arena = Math.max(arena, offset + footprint(v));
  }
  const naive = order.reduce((a, v) => a + footprint(v), 0);
  return { offsets, sizes, arenaElements: arena, naiveElements: naive };
}
