import { formatShape } from "../check/network.js";
import type { Analysis } from "./analysis.js";

/** Shapes listed at the end of a line of a block called with many; the rest are counted. */
const MAX_SHAPES = 4;

export interface ShapeHint {
  /** The offset just after the pipeline. */
  offset: number;
  label: string;
}

/**
 * The output shape at the end of each pipeline between the offsets `from` and `to`, as the REPL
 * prints it after a line: `→ 112x112x32`. A line in a block shows each distinct shape its calls
 * give it (`→ 56x56x24 | 28x28x32`).
 */
export function shapeHints(analysis: Analysis, from: number, to: number): ShapeHint[] {
  const hints: ShapeHint[] = [];
  for (const pipeline of analysis.names.pipelines) {
    const { start, end } = pipeline.span;
    if (end < from || start > to) continue;
    const shapes: string[] = [];
    for (const instance of analysis.instancesOf(pipeline.span)) {
      const shape = formatShape(instance.layers[instance.layers.length - 1].shape);
      if (!shapes.includes(shape)) shapes.push(shape);
    }
    if (shapes.length === 0) continue;
    const more = shapes.length > MAX_SHAPES ? ` | … ${shapes.length - MAX_SHAPES} more` : "";
    hints.push({ offset: end, label: `→ ${shapes.slice(0, MAX_SHAPES).join(" | ")}${more}` });
  }
  return hints.sort((a, b) => a.offset - b.offset);
}
