import { formatShape } from "../ir/types.js";

/** Shape, range and the top-K entries of each sample. */
export function describeOutput(
  output: Float32Array,
  batch: number,
  shape: [number, number, number],
  top: number,
  labels?: readonly string[],
): string {
  let min = Infinity;
  let max = -Infinity;
  for (const v of output) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const lines = [`output ${batch} x ${formatShape(shape)}, min ${format(min)}, max ${format(max)}`];
  const per = output.length / batch;
  for (let n = 0; n < batch; n++) {
    const sample = output.subarray(n * per, (n + 1) * per);
    const order = [...sample.keys()].sort((a, b) => sample[b] - sample[a]).slice(0, top);
    lines.push(
      `sample ${n}: top ${order.length}: ${order.map((i) => `${i}${labels ? ` ${labels[i]}` : ""} (${format(sample[i])})`).join(", ")}`,
    );
  }
  return lines.join("\n") + "\n";
}

function format(v: number): string {
  return Number(v.toPrecision(5)).toString();
}
