import { statSync } from "node:fs";
import { basename, extname } from "node:path";
import {
  describeModulePlan,
  generateDeclarations,
  generateModule,
} from "../backends/ts/generate.js";
import { MAX_BATCH } from "../backends/errors.js";
import { compileWgsl, writeWgslProgram } from "../backends/wgsl/index.js";
import { compileGraph, type GraphTarget } from "../compile.js";
import { printGraph } from "../ir/print.js";
import { debugTrace } from "./debug.js";
import { initialWeights } from "../weights/init.js";
import { isSpecialPath, loadWeights, writeWhole, type WholeFile } from "../weights/load.js";
import {
  EXIT_DIAGNOSTICS,
  EXIT_OK,
  positiveInt,
  STANDARD_OUTPUT,
  UsageError,
  writeOutput,
  type CliIO,
} from "./io.js";
import { loadNetwork, sourceName, type NetworkSelection } from "./load.js";
import { NO_WEIGHTS_NOTE } from "./run.js";
import { checkOnnxOptions, writeOnnx, type OnnxCliOptions } from "./onnx.js";

export interface CompileOptions extends NetworkSelection, OnnxCliOptions {
  target?: string;
  output?: string;
  weights?: string;
  weightsFile?: boolean;
  js?: boolean;
  kernels?: string;
  verbose?: boolean;
  batch?: string;
  emit?: string;
}

export const TARGETS = ["ts", "wgsl", "onnx"] as const;

/** `--kernels`: the WebAssembly SIMD kernels, or plain TypeScript loops (for --target ts). */
export const KERNELS = ["wasm", "js"] as const;

/**
 * `dsnet compile FILE --target ts -o model.ts`: a standalone module for the network.
 * `dsnet compile FILE --target wgsl -o DIR`: one shader per step, a WebGPU host and the weights.
 * `dsnet compile FILE --target onnx -o model.onnx`: an ONNX model (src/cli/onnx.ts).
 */
export async function compileCommand(
  file: string,
  options: CompileOptions,
  io: CliIO,
): Promise<number> {
  if (options.emit !== undefined) return emitCommand(file, options, io);
  const target = options.target as (typeof TARGETS)[number] | undefined;
  if (!target || !TARGETS.includes(target)) {
    throw new UsageError(
      `compile needs --target (${TARGETS.join(", ")})${target ? `, not ${target}` : ""}`,
    );
  }
  if (!options.output) throw new UsageError("compile needs -o FILE");
  // A folder for wgsl: a file in the way is refused when it is made, and left as it is.
  if (target !== "wgsl") refuseSourceAsOutput(file, options.output);
  if (options.output === STANDARD_OUTPUT && target !== "ts") {
    throw new UsageError(
      target === "wgsl"
        ? "-o - writes one file to standard output; --target wgsl writes several (shaders, host.ts, weights.bin): give -o DIR"
        : "-o -: --target onnx writes its model to a file: give -o model.onnx",
    );
  }
  const onnx = checkOnnxOptions(options);
  if (target === "onnx" && (options.js || options.weightsFile)) {
    // Only the flags given are named.
    const reasons = [
      options.js && "--js writes a JavaScript module, not an ONNX model",
      options.weightsFile && "--weights-file is for --target ts (an ONNX model holds its weights)",
    ];
    throw new UsageError(reasons.filter(Boolean).join("; "));
  }
  if (target === "wgsl" && options.weightsFile) {
    throw new UsageError(
      "--weights-file is for --target ts; the WGSL host takes weights.bin when it is created",
    );
  }
  if (target === "ts") checkModuleName(options);
  const kernels = options.kernels ?? "wasm";
  if (!(KERNELS as readonly string[]).includes(kernels)) {
    throw new UsageError(`--kernels takes ${KERNELS.join(" or ")}, not ${kernels}`);
  }
  if (kernels === "js" && target !== "ts") {
    throw new UsageError(
      `--kernels js is for --target ts (plain TypeScript loops); --target ${target} has its own code`,
    );
  }
  if (target === "ts" && options.batch !== undefined) {
    throw new UsageError(
      "--batch is for --target wgsl and onnx; a TypeScript module takes its batch size in createModel",
    );
  }
  // Without --batch, WGSL bakes in 1 and ONNX writes a symbolic batch dimension.
  const batch = positiveInt(options.batch, "--batch", undefined, MAX_BATCH);
  if (options.weightsFile && options.weights) {
    throw new UsageError(
      "--weights embeds weights and --weights-file takes them at load time: give one or the other",
    );
  }
  io.progress?.(`checking ${sourceName(file)}`);
  const loaded = networkAndWeights(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const { network, weights } = loaded;
  if (!options.weights && !options.weightsFile) io.stderr(NO_WEIGHTS_NOTE);
  const trace = debugTrace(io);
  io.progress?.(`lowering ${network.name} for ${target}`);
  const graph = compileGraph(network, weights, { target: graphTarget(target), trace });
  io.progress?.(
    `generating ${target === "onnx" ? "the ONNX model" : target === "wgsl" ? "the shaders" : "the module"}`,
  );
  if (target === "onnx") {
    const to = { output: options.output!, verbose: options.verbose };
    return writeOnnx(graph, { ...onnx, batch }, to, io, trace);
  }
  if (target === "wgsl") {
    const program = compileWgsl(graph, {
      batch: batch ?? 1,
      sourceFile: sourceName(file),
      javascript: options.js,
    });
    trace?.(3, "WGSL steps", () => program.plan.join("\n") + "\n");
    trace?.(4, "WGSL shaders", () =>
      program.steps.map((s) => `// ---- ${s.name}.wgsl\n${s.code}`).join("\n"),
    );
    const written = writeWgslProgram(program, options.output!);
    if (options.verbose) io.stderr(program.plan.join("\n") + "\n");
    io.stderr(`wrote ${written.length} files to ${options.output}\n`);
    return EXIT_OK;
  }
  const origin = options.weights
    ? `from ${basename(options.weights)}`
    : "NOT TRAINED: dsnet's deterministic initial weights, seed 0 (pass --weights W.safetensors)";
  trace?.(3, "CPU steps", () => describeModulePlan(graph));
  const text = await generateModule({
    graph,
    weightsOrigin: origin,
    weightsFile: options.weightsFile,
    javascript: options.js,
    sourcePath: sourceName(file),
    command: commandLine(file, options),
    kernels: kernels as (typeof KERNELS)[number],
  });
  trace?.(4, "generated module", () => text);
  if (options.output === STANDARD_OUTPUT) writeOutput(io, options.output, text, "module");
  else {
    // TypeScript projects importing the JavaScript find its types beside it: both or neither.
    const files: WholeFile[] = [{ path: options.output!, data: text, what: "module" }];
    // No .d.ts beside a device or a stream (`-o /dev/null`): it would be made in /dev.
    if (options.js && !isSpecialPath(options.output!)) {
      const declarations = generateDeclarations({
        graph,
        weightsOrigin: origin,
        weightsFile: options.weightsFile,
        sourcePath: sourceName(file),
      });
      files.push({
        path: declarationsPath(options.output!),
        data: declarations,
        what: "declarations",
      });
    }
    writeWhole(...files);
  }
  if (options.verbose) io.stderr(describeModulePlan(graph));
  const written =
    options.output === STANDARD_OUTPUT ? "the module to standard output" : options.output;
  io.stderr(`wrote ${written} (${(text.length / 1024).toFixed(0)} KiB)\n`);
  if (options.js && options.output !== STANDARD_OUTPUT && !isSpecialPath(options.output!)) {
    io.stderr(`wrote ${declarationsPath(options.output!)}\n`);
  }
  return EXIT_OK;
}

/**
 * The output's name says what it holds: `-o model.js` (or .mjs) means JavaScript, as `--js`
 * does, and is taken so; `--js -o model.ts` is refused rather than JavaScript in a .ts file, and
 * `-o model.cjs` (or .cts) rather than an ES module where CommonJS is expected.
 */
function checkModuleName(options: CompileOptions): void {
  const extension = extname(options.output!).toLowerCase();
  if (extension === ".cjs" || extension === ".cts") {
    throw new UsageError(
      `the module is an ES module, and ${options.output} is named as CommonJS, which Node would not load: name it .${extension === ".cjs" ? "js or .mjs" : "ts or .mts"}`,
    );
  }
  if (extension === ".js" || extension === ".mjs") options.js = true;
  else if (options.js && (extension === ".ts" || extension === ".mts")) {
    throw new UsageError(
      `--js writes JavaScript, but ${options.output} is named as TypeScript: name it .js, or leave out --js`,
    );
  }
}

/** model.js -> model.d.ts, model.mjs -> model.d.mts (what TypeScript looks for beside each). */
function declarationsPath(output: string): string {
  const extension = extname(output);
  const stem = extension ? output.slice(0, -extension.length) : output;
  return extension.toLowerCase() === ".mjs" ? `${stem}.d.mts` : `${stem}.d.ts`;
}

/** The checked network and its weights (--weights, or dsnet's initial ones); undefined on errors. */
function networkAndWeights(file: string, options: CompileOptions, io: CliIO) {
  const loaded = loadNetwork(file, options, io);
  if (!loaded) return undefined;
  const network = loaded.network;
  const weights = options.weights
    ? loadWeights(network, options.weights)
    : initialWeights(network).map((t) => t.data);
  return { network, weights };
}

/** `dsnet compile FILE --emit ir [--target T] [-o FILE]`: the graph a backend would receive. */
function emitCommand(file: string, options: CompileOptions, io: CliIO): number {
  if (options.emit !== "ir") throw new UsageError(`--emit takes ir, not ${options.emit}`);
  const target = options.target ?? "ts";
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(`unknown target ${target} (targets: ${TARGETS.join(", ")})`);
  }
  // A backend takes the batch after the graph: the IR's shapes are one sample's.
  if (options.batch !== undefined) {
    throw new UsageError(
      "--batch is for compiling with --target wgsl or onnx; --emit ir prints one sample's shapes, whatever the batch",
    );
  }
  // The options that shape what a backend writes, which the IR is before: named, not ignored.
  const ignored = [
    options.js && "--js",
    options.weightsFile && "--weights-file",
    options.kernels !== undefined && "--kernels",
    options.layout !== undefined && "--layout",
    options.opset !== undefined && "--opset",
    options.foldBn && "--fold-bn",
    options.verbose && "--verbose",
  ].filter((o): o is string => typeof o === "string");
  if (ignored.length > 0) {
    throw new UsageError(
      `${ignored.join(", ")}: for what compile writes; --emit ir prints the graph a backend starts from`,
    );
  }
  if (options.output) refuseSourceAsOutput(file, options.output);
  const loaded = networkAndWeights(file, options, io);
  if (!loaded) return EXIT_DIAGNOSTICS;
  const graph = compileGraph(loaded.network, loaded.weights, {
    target: graphTarget(target as (typeof TARGETS)[number]),
    trace: debugTrace(io),
  });
  const text = printGraph(graph, `for ${target}`);
  if (options.output && options.output !== "-") {
    writeWhole({ path: options.output, data: text, what: "IR" });
    io.stderr(`wrote ${options.output}\n`);
  } else {
    io.stdout(text);
  }
  return EXIT_OK;
}

/**
 * `-o` naming the .dsnet file itself (a slip of tab completion) would replace the network with
 * what was compiled from it: refused before anything is read.
 */
function refuseSourceAsOutput(file: string, output: string): void {
  if (output === STANDARD_OUTPUT) return;
  const identity = (path: string) => {
    try {
      const stat = statSync(path);
      return stat.isFile() ? `${stat.dev}:${stat.ino}` : undefined;
    } catch {
      return undefined;
    }
  };
  const source = identity(file);
  if (source !== undefined && source === identity(output)) {
    throw new UsageError(
      `-o ${output} is the network ${file} itself: writing there would replace it; give another path`,
    );
  }
}

/** The ONNX backend takes the CPU target's graph: no fused separable nodes. */
function graphTarget(target: (typeof TARGETS)[number]): GraphTarget {
  return target === "onnx" ? "cpu" : target;
}

/** The command that makes this module again, for its header (arguments quoted where needed). */
function commandLine(file: string, options: CompileOptions): string {
  const quote = (arg: string) =>
    /^[\w./=:+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
  const args = ["dsnet", "compile", file, "--target", "ts"];
  if (options.network !== undefined) args.push("--network", options.network);
  for (const assignment of options.set ?? []) args.push("--set", assignment);
  if (options.weights) args.push("--weights", options.weights);
  if (options.weightsFile) args.push("--weights-file");
  if (options.js) args.push("--js");
  if (options.kernels === "js") args.push("--kernels", "js");
  args.push("-o", options.output!);
  return args.map(quote).join(" ");
}
