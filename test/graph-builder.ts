import {
  NO_ACTIVATION,
  type Activation,
  type Graph,
  type Node,
  type Shape,
  type Tensor,
} from "../src/ir/graph.js";
import { Random } from "../src/weights/init.js";

/** A node before the builder gives it its output and layer name. */
type Unplaced<N> = N extends Node ? Omit<N, "output" | "layers"> : never;

/**
 * Builds an IR graph node by node, for tests of operations the source language may not reach
 * directly; each method returns the value it writes. Convolutions get seeded random weights,
 * listed in `Graph.tensors` as lowering would, so generated modules can embed them.
 */
export class GraphBuilder {
  readonly values: Shape[];
  readonly nodes: Node[];
  private tensors: Tensor[] = [];
  private random: Random;

  constructor(input: Shape, seed = 1) {
    this.values = [input];
    this.nodes = [{ op: "input", inputs: [], output: 0, layers: ["input"] }];
    this.random = new Random(seed);
  }

  mul(a: number, b: number): number {
    return this.add({ op: "mul", inputs: [a, b] }, this.values[a]);
  }

  concat(...inputs: number[]): number {
    const [h, w] = this.values[inputs[0]];
    const c = inputs.reduce((sum, v) => sum + this.values[v][2], 0);
    return this.add({ op: "concat", inputs }, [h, w, c]);
  }

  /** Channels [start, start + channels). */
  slice(x: number, start: number, channels: number): number {
    const [h, w] = this.values[x];
    return this.add({ op: "slice", inputs: [x], start }, [h, w, channels]);
  }

  shuffle(x: number, groups: number): number {
    return this.add({ op: "shuffle", inputs: [x], groups }, this.values[x]);
  }

  activation(x: number, activation: Activation): number {
    return this.add({ op: "activation", inputs: [x], activation }, this.values[x]);
  }

  globalAvgPool(x: number): number {
    return this.add({ op: "globalavgpool", inputs: [x] }, [1, 1, this.values[x][2]]);
  }

  /**
   * A k×k convolution with bias at stride s, padded as `same` would be; depthwise when `dw`,
   * else `out` channels (default the input's).
   */
  conv(
    x: number,
    options: { out?: number; k?: number; s?: number; dw?: boolean; act?: Activation },
  ): number {
    const [h, w, c] = this.values[x];
    const { k = 1, s = 1, dw = false, act = NO_ACTIVATION } = options;
    const out = dw ? c : (options.out ?? c);
    const groups = dw ? c : 1;
    const before = (k - 1) >> 1;
    const padding = { top: before, bottom: k - 1 - before, left: before, right: k - 1 - before };
    const weight = this.tensor([out, c / groups, k, k]);
    const bias = this.tensor([out]);
    const size = (n: number) => Math.floor((n - 1) / s) + 1;
    return this.add(
      {
        op: "conv",
        inputs: [x],
        role: dw ? "dw" : k === 1 && s === 1 ? "pw" : "conv",
        inChannels: c,
        outChannels: out,
        kernel: [k, k],
        stride: [s, s],
        dilation: [1, 1],
        padding,
        groups,
        weight: this.tensors[weight].data,
        bias: this.tensors[bias].data,
        activation: act,
        tensors: { weight, bias, folded: [] },
      },
      [size(h), size(w), out],
    );
  }

  graph(output: number): Graph {
    return {
      name: "graph_ops",
      source: { file: "test/graph-builder.ts", params: [], lines: {} },
      values: this.values,
      nodes: this.nodes,
      input: 0,
      output,
      tensors: this.tensors,
    };
  }

  private add(node: Unplaced<Node>, shape: Shape): number {
    const output = this.values.length;
    this.values.push(shape);
    this.nodes.push({ ...node, output, layers: [`${node.op}${output}`] } as Node);
    return output;
  }

  private tensor(shape: number[]): number {
    const length = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length }, () => this.random.uniform(-0.5, 0.5));
    this.tensors.push({ name: `t${this.tensors.length}`, shape, data });
    return this.tensors.length - 1;
  }
}
