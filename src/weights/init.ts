import type { Network } from "../check/network.js";
import { expectedTensors, type TensorSpec } from "./tensors.js";

/**
 * Deterministic weights for a network, from a seed: He-normal convolution and fully connected
 * weights (std √(2 / fan_in)), small normal biases, and batch norm with non-trivial statistics
 * (γ in [0.5, 1.5], β ~ N(0, 0.2), running mean ~ N(0, 0.5), running variance in [0.5, 2]), so
 * that a test through batch norm tests something.
 */
export function initialWeights(
  network: Network,
  seed = 0,
): { spec: TensorSpec; data: Float32Array }[] {
  const random = new Random(seed);
  return expectedTensors(network).map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const layer = network.layers[spec.layer];
    const isBatchNorm = layer.op === "bn";
    for (let i = 0; i < size; i++) {
      if (isBatchNorm) {
        data[i] =
          spec.role === "weight"
            ? random.uniform(0.5, 1.5)
            : spec.role === "bias"
              ? random.normal(0, 0.2)
              : spec.role === "running_mean"
                ? random.normal(0, 0.5)
                : random.uniform(0.5, 2);
      } else if (spec.role === "weight") {
        const fanIn = size / spec.shape[0];
        data[i] = random.normal(0, Math.sqrt(2 / fanIn));
      } else {
        data[i] = random.normal(0, 0.1);
      }
    }
    return { spec, data };
  });
}

/** A small seeded generator (mulberry32) with Box–Muller normals: same seed, same weights. */
export class Random {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  normal(mean: number, std: number): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return mean + std * value;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }
}
