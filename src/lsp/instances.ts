import type { Layer, Network } from "../check/network.js";
import type { Span } from "../syntax/source.js";

/**
 * The layers one piece of source made in one expansion: a call in a network makes one instance,
 * a call in a block one per call of the block (and per repeat iteration around it).
 */
export interface Instance {
  network: Network;
  /** In execution order; the last one's output is the instance's output. */
  layers: Layer[];
}

/** A place in a layer's origin: where it was written (depth 0) or a call or repeat around it. */
interface Place {
  start: number;
  end: number;
  network: Network;
  layer: Layer;
  depth: number;
}

/**
 * Finds the instances of a span of one file among the checked networks' layers. A layer belongs
 * to the span when it was written inside it or expanded from a call or repeat written there;
 * layers whose expansion outside the span is the same are one instance. The places are sorted
 * once, so each question costs the layers it finds, not the whole network.
 */
export class LayerIndex {
  private places: Place[] = [];

  constructor(path: string, networks: readonly Network[]) {
    for (const network of networks) {
      for (const layer of network.layers) {
        [layer.origin, ...layer.origin.expansion].forEach((at, depth) => {
          if (at.span.source.path !== path) return;
          this.places.push({ start: at.span.start, end: at.span.end, network, layer, depth });
        });
      }
    }
    this.places.sort((a, b) => a.start - b.start);
  }

  instancesOf(span: Span): Instance[] {
    // The outermost place of each layer inside the span: a repeat inside it is one instance,
    // not one per iteration.
    const outermost = new Map<Layer, Place>();
    for (let i = this.firstAtOrAfter(span.start); i < this.places.length; i++) {
      const place = this.places[i];
      if (place.start > span.end) break;
      if (place.end > span.end) continue;
      const known = outermost.get(place.layer);
      if (!known || place.depth > known.depth) outermost.set(place.layer, place);
    }
    const found = new Map<string, Instance>();
    const ordered = [...outermost.values()].sort(
      (a, b) => a.network.name.localeCompare(b.network.name) || a.layer.id - b.layer.id,
    );
    for (const { network, layer, depth } of ordered) {
      const key =
        network.name +
        layer.origin.expansion
          .slice(depth)
          .map((r) => `|${r.span.start}:${r.span.end}:${r.message}`)
          .join("");
      let instance = found.get(key);
      if (!instance) found.set(key, (instance = { network, layers: [] }));
      instance.layers.push(layer);
    }
    return [...found.values()];
  }

  private firstAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.places.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.places[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
