import type { Network } from "../src/check/network.js";
import { parseOverrides } from "../src/check/overrides.js";
import { checkFile } from "../src/check/program.js";
import { compileGraph } from "../src/compile.js";
import type { Graph } from "../src/ir/graph.js";
import { initialWeights } from "../src/weights/init.js";

/** The graph the ONNX backend receives: the CPU target's, with dsnet's initial weights. */
export function onnxGraph(network: Network): Graph {
  return compileGraph(
    network,
    initialWeights(network).map((t) => t.data),
    { target: "cpu" },
  );
}

/** A network of a file (the first when `network` is not given), with `--set` parameters. */
export function onnxNetwork(file: string, network: string | undefined, set: string[]): Network {
  const overrides = parseOverrides(set);
  if (!overrides.ok) throw new Error(overrides.message);
  const name = network ?? checkFile(file).program.entryNetworks[0];
  const result = checkFile(file, { network: name, overrides: overrides.overrides });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => d.message).join("; ")}`);
  return result.networks[0];
}

/**
 * Every operation the ONNX backend writes that the example networks leave out: dilated and
 * grouped convolutions, leaky ReLU, tanh, a gate from a global max pool, padded max and average
 * pools, a batch norm with nothing to fold into (an affine node), softmax over a map's channels,
 * flatten, fc with a batch norm folded in, an add of [N, C] values and a convolution after them.
 */
export const ONNX_OP_PROGRAM = `input 12x12x6
conv 3x3 8 d2 bias=true -> leaky_relu 0.1
conv 3x3 8 groups=2 s2 -> bn -> tanh
residual {
  dw 3x3 -> bn -> sigmoid
  pw 8 -> bn
}
mul {
  gmp -> sigmoid
}
maxpool 3x3 s2 pad=1
bn -> relu6
avgpool 3x3 s1 pad=1
softmax
flatten
fc 16 -> bn -> silu
residual {
  fc 16 bias=false -> hardswish
}
pw 12 -> hardsigmoid
flatten
`;
