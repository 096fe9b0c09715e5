import { ONNX_OPSETS } from "../backends/onnx/opsets.js";
import type { Graph } from "../ir/graph.js";
import { writeBytes } from "../weights/load.js";
import type { Trace } from "../compile.js";
import { digits, EXIT_OK, UsageError, type CliIO } from "./io.js";

/** The options of `dsnet compile --target onnx`, as commander gives them. */
export interface OnnxCliOptions {
  target?: string;
  output?: string;
  layout?: string;
  opset?: string;
  foldBn?: boolean;
  batch?: string;
  verbose?: boolean;
}

const LAYOUTS = ["nchw", "nhwc"] as const;

/** Usage errors for the ONNX options, before anything is loaded. */
export function checkOnnxOptions(options: OnnxCliOptions): void {
  const { min, max } = ONNX_OPSETS;
  if (options.target !== "onnx") {
    const given = [
      options.layout !== undefined && "--layout",
      options.opset !== undefined && "--opset",
      options.foldBn && "--fold-bn",
    ].filter(Boolean);
    if (given.length > 0) throw new UsageError(`${given.join(", ")}: for --target onnx only`);
    return;
  }
  if (options.layout !== undefined && !(LAYOUTS as readonly string[]).includes(options.layout)) {
    throw new UsageError(`--layout takes nchw or nhwc, not ${options.layout}`);
  }
  if (options.opset !== undefined) {
    const opset = digits(options.opset);
    if (!(opset >= min && opset <= max)) {
      throw new UsageError(
        `--opset takes ${min} to ${max}, not ${options.opset}` +
          (opset < min
            ? ` (dsnet needs opset ${min} at least: Softmax over one axis, Clip and Slice bounds as inputs)`
            : ""),
      );
    }
  }
}

/** `dsnet compile FILE --target onnx -o model.onnx`: writes the model; `--verbose` lists it. */
export async function writeOnnx(
  graph: Graph,
  options: OnnxCliOptions,
  io: CliIO,
  trace?: Trace,
): Promise<number> {
  // Loaded only here: the other commands need neither protobufjs nor onnx.proto.
  const { describeOnnxModel, exportOnnx } = await import("../backends/onnx/index.js");
  const model = exportOnnx(graph, {
    opset: options.opset === undefined ? undefined : Number(options.opset),
    layout: options.layout as (typeof LAYOUTS)[number] | undefined,
    batch: options.batch === undefined ? undefined : Number(options.batch),
    foldBatchNorm: options.foldBn,
  });
  trace?.(3, "ONNX nodes", () => describeOnnxModel(model));
  writeBytes(options.output!, model.bytes, "ONNX model");
  if (options.verbose) io.stderr(describeOnnxModel(model));
  io.stderr(`wrote ${options.output} (${(model.bytes.length / 1024).toFixed(0)} KiB)\n`);
  return EXIT_OK;
}
