import type { ConvNode } from "../../ir/graph.js";
import { packDepthwise, padBias } from "../../runtime/runtime.js";
import { vec4s } from "./kernels/common.js";

/* Weights in the layouts the WGSL kernels read: vec4-aligned, zero-padded. */

/** Weights as one buffer of vec4s, each tensor starting on a vec4. */
export class WeightPacker {
  private chunks: Float32Array[] = [];
  private vec4s = 0;

  /** Adds a tensor (a multiple of 4 floats long) and returns its offset in vec4s. */
  add(data: Float32Array): number {
    const at = this.vec4s;
    this.chunks.push(data);
    this.vec4s += data.length / 4;
    return at;
  }

  finish(): ArrayBuffer {
    const all = new Float32Array(this.vec4s * 4);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all.buffer;
  }
}

/**
 * A vector (a bias, a scale) padded with zeros to a whole number of vec4s; the runtime's
 * padBias, which the CPU kernels use the same way.
 */
export function padVec4(data: Float32Array | null, length: number): Float32Array {
  return padBias(data, length, 4);
}

/** Depthwise filters [c][1][kh][kw] as [kh][kw][c padded to vec4s]: the CPU kernels' layout. */
export function packDepthwiseFilters(node: ConvNode): Float32Array {
  return packDepthwise(node.weight, node.outChannels, node.kernel[0], node.kernel[1]);
}

/** B of a matrix product as [k padded to vec4s][n padded to vec4s], zero in the padding. */
export function packMatrix(
  k: number,
  n: number,
  at: (k: number, n: number) => number,
): Float32Array {
  const rows = vec4s(k) * 4;
  const stride = vec4s(n) * 4;
  const out = new Float32Array(rows * stride);
  for (let i = 0; i < k; i++) for (let o = 0; o < n; o++) out[i * stride + o] = at(i, o);
  return out;
}
