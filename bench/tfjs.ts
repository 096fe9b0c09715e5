/**
 * The peer for the CPU benchmark: the same optimised IR graph (batch norm folded, activations
 * fused, the same weights) run with TensorFlow.js ops on @tensorflow/tfjs-backend-cpu.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { Activation, Graph } from "../src/ir/graph.js";

export async function useTfjsCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

export interface TfjsModel {
  forward(input: Float32Array): Float32Array;
  dispose(): void;
}

/** Builds tfjs weight tensors once; `forward` runs the graph in a tidy scope. */
export function tfjsModel(graph: Graph, batch: number): TfjsModel {
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => (kept.push(t), t);
  const prepared = graph.nodes.map((node) => {
    if (node.op === "conv") {
      const [kh, kw] = node.kernel;
      const cig = node.inChannels / node.groups;
      const cog = node.outChannels / node.groups;
      const depthwise = node.groups === node.inChannels && node.groups > 1;
      // tfjs filters: conv [kh, kw, in, out]; depthwise [kh, kw, in, multiplier].
      const filter = depthwise
        ? keep(
            tf.tensor4d(reorder(node.weight, [node.outChannels, 1, kh, kw], [2, 3, 0, 1]), [
              kh,
              kw,
              node.inChannels,
              cog,
            ]),
          )
        : keep(
            tf.tensor4d(reorder(node.weight, [node.outChannels, cig, kh, kw], [2, 3, 1, 0]), [
              kh,
              kw,
              cig,
              node.outChannels,
            ]),
          );
      const bias = node.bias ? keep(tf.tensor1d(node.bias)) : undefined;
      return { filter, bias, depthwise };
    }
    if (node.op === "fc") {
      const w = keep(tf.transpose(tf.tensor2d(node.weight, [node.outFeatures, node.inFeatures])));
      return {
        filter: w,
        bias: node.bias ? keep(tf.tensor1d(node.bias)) : undefined,
        depthwise: false,
      };
    }
    return undefined;
  });
  const [ih, iw, ic] = graph.values[graph.input];
  return {
    forward(input) {
      return tf.tidy(() => {
        const values: tf.Tensor4D[] = [];
        values[graph.input] = tf.tensor4d(input, [batch, ih, iw, ic]);
        graph.nodes.forEach((node, i) => {
          if (node.op === "input") return;
          const x = values[node.inputs[0]];
          let y: tf.Tensor4D;
          switch (node.op) {
            case "conv": {
              const p = prepared[i]!;
              const pad: [[number, number], [number, number], [number, number], [number, number]] =
                [
                  [0, 0],
                  [node.padding.top, node.padding.bottom],
                  [node.padding.left, node.padding.right],
                  [0, 0],
                ];
              y = p.depthwise
                ? tf.depthwiseConv2d(
                    x,
                    p.filter as tf.Tensor4D,
                    node.stride,
                    pad,
                    "NHWC",
                    node.dilation,
                  )
                : tf.conv2d(x, p.filter as tf.Tensor4D, node.stride, pad, "NHWC", node.dilation);
              if (p.bias) y = tf.add(y, p.bias);
              y = activate(y, node.activation);
              break;
            }
            case "fc": {
              const p = prepared[i]!;
              let z = tf.matMul(tf.reshape(x, [batch, node.inFeatures]), p.filter as tf.Tensor2D);
              if (p.bias) z = tf.add(z, p.bias);
              y = tf.reshape(activate(z, node.activation), [batch, 1, 1, node.outFeatures]);
              break;
            }
            case "add":
              y = activate(tf.add(x, values[node.inputs[1]]), node.activation);
              break;
            case "globalavgpool":
              y = tf.mean(x, [1, 2], true);
              break;
            case "softmax":
              y = tf.softmax(x);
              break;
            case "activation":
              y = activate(x, node.activation);
              break;
            default:
              throw new Error(`the tfjs peer does not implement ${node.op}`);
          }
          values[node.output] = y;
        });
        return values[graph.output].dataSync() as Float32Array;
      });
    },
    dispose() {
      kept.forEach((t) => t.dispose());
    },
  };
}

function activate<T extends tf.Tensor>(x: T, a: Activation): T {
  switch (a.kind) {
    case "none":
      return x;
    case "relu":
      return tf.relu(x);
    case "relu6":
      return tf.relu6(x);
    default:
      throw new Error(`the tfjs peer does not implement ${a.kind}`);
  }
}

/** Transposes a row-major tensor of `shape` by `perm` (output axis i is input axis perm[i]). */
function reorder(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const out = new Float32Array(data.length);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += index[k] * strides[perm[k]];
    out[o] = data[src];
    for (let k = outShape.length - 1; k >= 0; k--) {
      if (++index[k] < outShape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}
