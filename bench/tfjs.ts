/**
 * The peers for the CPU benchmark: the same optimised IR graph (batch norm folded, activations
 * fused, the same weights) run with TensorFlow.js ops on @tensorflow/tfjs-backend-cpu and on
 * @tensorflow/tfjs-backend-wasm.
 */
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { isDepthwise, type Activation, type Graph } from "../src/ir/graph.js";

/** TensorFlow.js on `cpu` (plain JavaScript) or `wasm` (WebAssembly SIMD, one thread). */
export async function useTfjs(backend: "cpu" | "wasm"): Promise<void> {
  if (backend === "wasm") {
    const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
    setWasmPaths(join(dist, "/"));
    setThreadsCount(1);
  }
  await tf.setBackend(backend);
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
      const depthwise = isDepthwise(node);
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
              // tf.fused takes one padding for all sides; other padding goes in front as tf.pad.
              const { top, bottom, left, right } = node.padding;
              const symmetric = top === bottom && top === left && top === right;
              const padded = symmetric
                ? x
                : tf.pad(x, [
                    [0, 0],
                    [top, bottom],
                    [left, right],
                    [0, 0],
                  ]);
              const pad = symmetric ? top : 0;
              // The fused ops, as TensorFlow.js' own converter emits them: bias and activation
              // in the convolution (XNNPACK fuses them on the wasm backend).
              const fused = {
                x: padded,
                filter: p.filter as tf.Tensor4D,
                strides: node.stride,
                pad,
                dataFormat: "NHWC" as const,
                dilations: node.dilation,
                bias: p.bias,
                activation: fusedActivation(node.activation),
              };
              y = p.depthwise ? tf.fused.depthwiseConv2d(fused) : tf.fused.conv2d(fused);
              // Activations tf.fused has no name for (hard swish, SiLU, ...) come after it.
              if (fused.activation === "linear") y = activate(y, node.activation);
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
            case "mul":
              // A 1x1xC gate broadcasts over the pixels, as tf.mul does.
              y = tf.mul(x, values[node.inputs[1]]);
              break;
            case "concat":
              y = tf.concat(
                node.inputs.map((v) => values[v]),
                3,
              );
              break;
            case "slice": {
              const [h, w, c] = graph.values[node.output];
              y = tf.slice(x, [0, 0, 0, node.start], [batch, h, w, c]);
              break;
            }
            case "shuffle": {
              const [h, w, c] = graph.values[node.output];
              const g = node.groups;
              y = tf.reshape(tf.transpose(tf.reshape(x, [batch * h * w, g, c / g]), [0, 2, 1]), [
                batch,
                h,
                w,
                c,
              ]);
              break;
            }
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

function fusedActivation(a: Activation): "linear" | "relu" | "relu6" {
  return a.kind === "relu" || a.kind === "relu6" ? a.kind : "linear";
}

function activate<T extends tf.Tensor>(x: T, a: Activation): T {
  switch (a.kind) {
    case "none":
      return x;
    case "relu":
      return tf.relu(x);
    case "relu6":
      return tf.relu6(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "silu":
      return tf.mul(x, tf.sigmoid(x));
    case "hardsigmoid":
      return tf.div(tf.relu6(tf.add(x, 3)), 6);
    case "hardswish":
      return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
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
