import type { Network } from "../check/network.js";

/** A weight tensor a network expects: its name and its shape in PyTorch's layout. */
export interface TensorSpec {
  name: string;
  shape: number[];
  /** The layer it belongs to. */
  layer: number;
  role: "weight" | "bias" | "running_mean" | "running_var";
}

/**
 * The weight tensors of a network, in layer order, named `<layer name>.<role>`:
 * convolutions `weight` [out, in/groups, kh, kw] (then `bias` [out] when it has one), fully
 * connected `weight` [out, in] and `bias` [out], batch norm `weight`, `bias`, `running_mean`,
 * `running_var` [c] — the layouts and the order of PyTorch's state_dict.
 */
export function expectedTensors(network: Network): TensorSpec[] {
  const specs: TensorSpec[] = [];
  for (const layer of network.layers) {
    const add = (role: TensorSpec["role"], shape: number[]) =>
      specs.push({ name: `${layer.name}.${role}`, shape, layer: layer.id, role });
    switch (layer.op) {
      case "conv":
      case "dw":
      case "pw":
        add("weight", [
          layer.outChannels,
          layer.inChannels / layer.groups,
          layer.kernel[0],
          layer.kernel[1],
        ]);
        if (layer.bias) add("bias", [layer.outChannels]);
        break;
      case "fc":
        add("weight", [layer.outFeatures, layer.inFeatures]);
        if (layer.bias) add("bias", [layer.outFeatures]);
        break;
      case "bn":
        add("weight", [layer.channels]);
        add("bias", [layer.channels]);
        add("running_mean", [layer.channels]);
        add("running_var", [layer.channels]);
        break;
      default:
        break;
    }
  }
  if (new Set(specs.map((s) => s.name)).size !== specs.length) {
    throw new Error("internal: duplicate weight names (the checker reports them as DS2002)");
  }
  return specs;
}
