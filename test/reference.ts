import type { Activation, Graph } from "../src/ir/graph.js";

/**
 * A deliberately plain float64 interpreter of the IR, written from the definitions and sharing
 * no code with the backends: the independent reference that property tests hold the CPU plan
 * (and through it every other backend) to. Slow, obvious loops; NHWC.
 */
export function referenceForward(graph: Graph, input: Float32Array, batch: number): Float64Array {
  const values: (Float64Array | undefined)[] = [];
  values[graph.input] = Float64Array.from(input);
  const size = (v: number) => graph.values[v][0] * graph.values[v][1] * graph.values[v][2];
  for (const node of graph.nodes) {
    if (node.op === "input") continue;
    const x = values[node.inputs[0]]!;
    const [h, w, c] = graph.values[node.inputs[0]];
    const [oh, ow, oc] = graph.values[node.output];
    const y = new Float64Array(batch * size(node.output));
    const yAt = (n: number, i: number, j: number, k: number) => ((n * oh + i) * ow + j) * oc + k;
    const xAt = (n: number, i: number, j: number, k: number) => ((n * h + i) * w + j) * c + k;
    switch (node.op) {
      case "conv": {
        const [kh, kw] = node.kernel;
        const cig = node.inChannels / node.groups;
        const cog = node.outChannels / node.groups;
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let o = 0; o < oc; o++) {
                const g = Math.floor(o / cog);
                let acc = node.bias ? node.bias[o] : 0;
                for (let ky = 0; ky < kh; ky++)
                  for (let kx = 0; kx < kw; kx++) {
                    const iy = i * node.stride[0] - node.padding.top + ky * node.dilation[0];
                    const ix = j * node.stride[1] - node.padding.left + kx * node.dilation[1];
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    for (let ci = 0; ci < cig; ci++) {
                      acc +=
                        x[xAt(n, iy, ix, g * cig + ci)] *
                        node.weight[((o * cig + ci) * kh + ky) * kw + kx];
                    }
                  }
                y[yAt(n, i, j, o)] = activate(acc, node.activation);
              }
        break;
      }
      case "batchnorm":
        for (let p = 0; p < y.length; p++) {
          const k = p % c;
          const v =
            ((x[p] - node.mean[k]) / Math.sqrt(node.variance[k] + node.eps)) * node.gamma[k] +
            node.beta[k];
          y[p] = activate(v, node.activation);
        }
        break;
      case "affine":
        for (let p = 0; p < y.length; p++)
          y[p] = activate(x[p] * node.scale[p % c] + node.shift[p % c], node.activation);
        break;
      case "activation":
        for (let p = 0; p < y.length; p++) y[p] = activate(x[p], node.activation);
        break;
      case "add": {
        const b = values[node.inputs[1]]!;
        for (let p = 0; p < y.length; p++) y[p] = activate(x[p] + b[p], node.activation);
        break;
      }
      case "mul": {
        // b has x's shape, or is 1x1xC: one factor per sample and channel.
        const b = values[node.inputs[1]]!;
        const [bh, bw] = graph.values[node.inputs[1]];
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let k = 0; k < oc; k++) {
                const factor = bh * bw === 1 ? b[n * oc + k] : b[yAt(n, i, j, k)];
                y[yAt(n, i, j, k)] = x[yAt(n, i, j, k)] * factor;
              }
        break;
      }
      case "concat": {
        let first = 0;
        for (const v of node.inputs) {
          const part = values[v]!;
          const pc = graph.values[v][2];
          for (let n = 0; n < batch; n++)
            for (let i = 0; i < oh; i++)
              for (let j = 0; j < ow; j++)
                for (let k = 0; k < pc; k++)
                  y[yAt(n, i, j, first + k)] = part[((n * oh + i) * ow + j) * pc + k];
          first += pc;
        }
        break;
      }
      case "slice":
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let k = 0; k < oc; k++) y[yAt(n, i, j, k)] = x[xAt(n, i, j, node.start + k)];
        break;
      case "shuffle": {
        // PyTorch: x.view(N, g, C/g, H, W).transpose(1, 2).reshape(N, C, H, W), so output
        // channel k = a·g + b (a < C/g, b < g) is input channel b·(C/g) + a.
        const g = node.groups;
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let k = 0; k < oc; k++) {
                const a = Math.floor(k / g);
                const bb = k % g;
                y[yAt(n, i, j, k)] = x[xAt(n, i, j, bb * (c / g) + a)];
              }
        break;
      }
      case "maxpool":
      case "avgpool":
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++)
              for (let k = 0; k < oc; k++) {
                let best = -Infinity;
                let sum = 0;
                let count = 0;
                for (let ky = 0; ky < node.kernel[0]; ky++)
                  for (let kx = 0; kx < node.kernel[1]; kx++) {
                    const iy = i * node.stride[0] - node.padding.top + ky;
                    const ix = j * node.stride[1] - node.padding.left + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    const v = x[xAt(n, iy, ix, k)];
                    best = Math.max(best, v);
                    sum += v;
                    count++;
                  }
                y[yAt(n, i, j, k)] = node.op === "maxpool" ? best : sum / count;
              }
        break;
      case "globalavgpool":
      case "globalmaxpool":
        for (let n = 0; n < batch; n++)
          for (let k = 0; k < c; k++) {
            let best = -Infinity;
            let sum = 0;
            for (let p = 0; p < h * w; p++) {
              best = Math.max(best, x[(n * h * w + p) * c + k]);
              sum += x[(n * h * w + p) * c + k];
            }
            y[n * c + k] = node.op === "globalmaxpool" ? best : sum / (h * w);
          }
        break;
      case "fc":
        for (let n = 0; n < batch; n++)
          for (let o = 0; o < node.outFeatures; o++) {
            let acc = node.bias ? node.bias[o] : 0;
            for (let i = 0; i < node.inFeatures; i++)
              acc += x[n * node.inFeatures + i] * node.weight[o * node.inFeatures + i];
            y[n * node.outFeatures + o] = activate(acc, node.activation);
          }
        break;
      case "flatten":
        for (let n = 0; n < batch; n++)
          for (let i = 0; i < h; i++)
            for (let j = 0; j < w; j++)
              for (let k = 0; k < c; k++)
                y[n * h * w * c + (k * h + i) * w + j] = x[xAt(n, i, j, k)];
        break;
      case "softmax":
        for (let p = 0; p < y.length / c; p++) {
          let max = -Infinity;
          for (let k = 0; k < c; k++) max = Math.max(max, x[p * c + k]);
          let sum = 0;
          for (let k = 0; k < c; k++) sum += Math.exp(x[p * c + k] - max);
          for (let k = 0; k < c; k++) y[p * c + k] = Math.exp(x[p * c + k] - max) / sum;
        }
        break;
      case "identity":
        y.set(x);
        break;
    }
    values[node.output] = y;
  }
  return values[graph.output]!;
}

function activate(v: number, a: Activation): number {
  switch (a.kind) {
    case "none":
      return v;
    case "relu":
      return Math.max(v, 0);
    case "relu6":
      return Math.min(Math.max(v, 0), 6);
    case "leaky_relu":
      return v >= 0 ? v : a.slope * v;
    case "sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "tanh":
      return Math.tanh(v);
    case "silu":
      return v / (1 + Math.exp(-v));
    case "hardsigmoid":
      return Math.min(Math.max(v + 3, 0), 6) / 6;
    case "hardswish":
      return (v * Math.min(Math.max(v + 3, 0), 6)) / 6;
  }
}
