import type { OnnxOptions } from "../backends/onnx/export.js";
import { ONNX_OPSETS } from "../backends/onnx/opsets.js";
import type { Graph } from "../ir/graph.js";
import { writeWhole } from "../weights/load.js";
import type { Trace } from "../compile.js";
import { digits, EXIT_OK, UsageError, type CliIO } from "./io.js";

/** The options of `dsnet compile` for --target onnx alone, as commander gives them. */
export interface OnnxCliOptions {
  target?: string;
  layout?: string;
  opset?: string;
  foldBn?: boolean;
}

const LAYOUTS = ["nchw", "nhwc"] as const;

/**
 * The ONNX options as the backend takes them, all but the batch (compileCommand reads `--batch`
 * for every target), or a usage error, before anything is loaded.
 */
export function checkOnnxOptions(options: OnnxCliOptions): Omit<OnnxOptions, "batch"> {
  const { min, max } = ONNX_OPSETS;
  if (options.target !== "onnx") {
    const given = [
      options.layout !== undefined && "--layout",
      options.opset !== undefined && "--opset",
      options.foldBn && "--fold-bn",
    ].filter(Boolean);
    if (given.length > 0) throw new UsageError(`${given.join(", ")}: for --target onnx only`);
    return {};
  }
  const layout = options.layout;
  if (layout !== undefined && !isLayout(layout)) {
    throw new UsageError(`--layout takes nchw or nhwc, not ${layout}`);
  }
  const opset = options.opset === undefined ? undefined : digits(options.opset);
  if (opset !== undefined && !(opset >= min && opset <= max)) {
    throw new UsageError(
      `--opset takes ${min} to ${max}, not ${options.opset}` +
        (opset < min
          ? ` (dsnet needs opset ${min} at least: Softmax over one axis, Clip and Slice bounds as inputs)`
          : ""),
    );
  }
  return { layout, opset, foldBatchNorm: options.foldBn };
}

function isLayout(text: string): text is (typeof LAYOUTS)[number] {
  return (LAYOUTS as readonly string[]).includes(text);
}

/**
 * `dsnet compile FILE --target onnx -o model.onnx`: writes the model made with `onnx` (the
 * options checkOnnxOptions and `--batch` gave); `verbose` lists it.
 */
export async function writeOnnx(
  graph: Graph,
  onnx: OnnxOptions,
  to: { output: string; verbose?: boolean },
  io: CliIO,
  trace?: Trace,
): Promise<number> {
  // Loaded only here: the other commands need neither protobufjs nor onnx.proto.
  const { describeOnnxModel, exportOnnx } = await import("../backends/onnx/index.js");
  const model = exportOnnx(graph, onnx);
  trace?.(3, "ONNX nodes", () => describeOnnxModel(model));
  writeWhole({ path: to.output, data: model.bytes, what: "ONNX model" });
  if (to.verbose) io.stderr(describeOnnxModel(model));
  io.stderr(`wrote ${to.output} (${(model.bytes.length / 1024).toFixed(0)} KiB)\n`);
  return EXIT_OK;
}
