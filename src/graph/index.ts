import type { Network } from "../check/network.js";
import { renderDot } from "./dot.js";
import { buildPicture, type GraphPictureOptions } from "./model.js";
import { renderSvg } from "./svg.js";

export type { GraphPictureOptions } from "./model.js";

/** A checked network as a standalone SVG document, laid out by dagre. */
export function graphSvg(network: Network, options: GraphPictureOptions = {}): string {
  return renderSvg(buildPicture(network, options));
}

/** A checked network as Graphviz dot, with the same boxes, clusters and marks as the SVG. */
export function graphDot(network: Network, options: GraphPictureOptions = {}): string {
  return renderDot(buildPicture(network, options));
}
