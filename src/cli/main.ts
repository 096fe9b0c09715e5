import { Command, CommanderError, Option } from "commander";
import { checkCommand, fmtCommand, layersCommand, summaryCommand } from "./commands.js";
import { replCodegen } from "../repl/codegen.js";
import { startRepl } from "../repl/repl.js";
import { compileCommand, type CompileOptions } from "./compile.js";
import { BackendUnavailableError } from "../backends/index.js";
import { FileError } from "../weights/errors.js";
import {
  COLOR_CHOICES,
  colorFor,
  EXIT_DIAGNOSTICS,
  EXIT_INTERNAL,
  EXIT_OUTPUT_CLOSED,
  EXIT_USAGE,
  OutputClosedError,
  UsageError,
  type CliIO,
  type ColorChoice,
  withProgress,
} from "./io.js";
import { requireFile } from "./load.js";
import type { GraphOptions } from "./graph.js";
import { weightsImportCommand, type ImportOptions } from "./import.js";
import {
  benchCommand,
  runCommand,
  weightsInitCommand,
  weightsListCommand,
  type BenchOptions,
  type RunOptions,
} from "./run.js";

// bin/dsnet.js reads the environment with autoColor and writes standard output with
// writeStandardOutput.
export { autoColor, EXIT_OUTPUT_CLOSED, writeStandardOutput } from "./io.js";

const VERSION = "0.1.0";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Runs the command line. Returns the exit code rather than exiting, so tests can drive the CLI
 * in process. Never throws for a user's mistake: usage errors print `dsnet: ...` and give 2.
 */
export async function runCli(argv: string[], given: CliIO): Promise<number> {
  let code = 0;
  // --color decides before a command runs; the caller's io stays as it was.
  const io = withProgress(given);
  const program = new Command("dsnet")
    .description("A compiler for depthwise-separable convolutional networks")
    .version(VERSION)
    .addOption(
      new Option(
        "--color <when>",
        "colour diagnostics: auto (a terminal; FORCE_COLOR and NO_COLOR honoured), always or never",
      )
        .choices(COLOR_CHOICES)
        .default("auto"),
    )
    .hook("preAction", () => {
      io.color = colorFor(program.opts<{ color: ColorChoice }>().color, given.color);
    })
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text.replace(/^error: /, "dsnet: ")),
    })
    .showHelpAfterError("(run dsnet --help for usage)");

  const setOption = () =>
    new Option("--set <name=value>", "override a network parameter (repeatable)")
      .argParser(collect)
      .default([]);

  program
    .command("check")
    .description("check files for errors; exit 0 when clean, 1 with errors, 2 on usage errors")
    .argument("<file...>", ".dsnet files")
    .option("--json", "print diagnostics as JSON")
    .action((files: string[], options: { json?: boolean }) => {
      code = checkCommand(files, options, io);
    });

  program
    .command("summary")
    .description(
      "print each layer's output shape, parameters and multiply-adds, with separable savings",
    )
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network to summarise (needed when the file has several)")
    .addOption(setOption())
    .option("--depth <n>", "collapse blocks and repeats: one row per name of up to N parts")
    .option("--json", "print one JSON object")
    .action(
      (
        file: string,
        options: { network?: string; set: string[]; json?: boolean; depth?: string },
      ) => {
        code = summaryCommand(file, options, io);
      },
    );

  program
    .command("fmt")
    .description(
      "format files canonically: print one, rewrite with --write, or list unformatted files with --check",
    )
    .argument("<file...>", ".dsnet files")
    .addOption(
      new Option("--check", "exit 1 and list the files that are not formatted").conflicts("write"),
    )
    .option("--write", "rewrite the files in place")
    .action((files: string[], options: { check?: boolean; write?: boolean }) => {
      code = fmtCommand(files, options, io);
    });

  const weights = program.command("weights").description("list, make or import weight files");
  weights
    .command("list")
    .description("print every weight tensor's name and shape (PyTorch layout) in layer order")
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .option("--json", "print an array of { name, shape }")
    .action((file: string, options: { network?: string; set: string[]; json?: boolean }) => {
      code = weightsListCommand(file, options, io);
    });
  weights
    .command("init")
    .description(
      "write deterministic initial weights (He normal, non-trivial batch norm) as safetensors",
    )
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .requiredOption("-o, --output <file>", "the .safetensors file to write")
    .option("--seed <n>", "random seed", "0")
    .action(
      (
        file: string,
        options: { network?: string; set: string[]; output: string; seed: string },
      ) => {
        code = weightsInitCommand(file, options, io);
      },
    );

  weights
    .command("import")
    .description(
      "import a PyTorch checkpoint (.pt/.pth), a safetensors file of any naming or a TF.js model.json: tensors paired with the network's by structure, in order, every shape checked; prints the mapping, and warns where the model's eps or padding disagree with the .dsnet",
    )
    .argument("<source>", "the weights to import: .pth, .pt, .safetensors or a TF.js model.json")
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .option("-o, --output <file>", "the .safetensors file to write, under dsnet's names")
    .option("--dry-run", "print the mapping table only; write nothing")
    .option("--map <file>", 'explicit pairs: JSON {"file name": "dsnet name"} or two names a line')
    .option(
      "--partial",
      "load what matches, list what is left out, fill the rest with initial weights",
    )
    .action((source: string, file: string, options: ImportOptions) => {
      code = weightsImportCommand(source, file, options, io);
    });

  program
    .command("run")
    .description("run a forward pass: print the output's shape, range and top classes, or write it")
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .option("--weights <file>", "safetensors weights (default: deterministic initial weights)")
    .option("--input <file>", "input: .npy (HWC or NHWC), raw float32 .bin, .png or .jpg")
    .option(
      "--output <file>",
      "write the output as .npy (NHWC) or raw float32 .bin (- for .npy on standard output) instead of printing it",
    )
    .option("--top <k>", "how many top entries to print per sample (default 5)")
    .option("--threads <n>", "cpu and ts: threads to run on (default: the cores, at most 4)")
    .option(
      "--backend <name>",
      "cpu, ts (the generated module) or webgpu (the WGSL shaders, on Dawn)",
      "cpu",
    )
    .option("--mean <r,g,b>", "subtract from image pixels (scaled to 0..1)")
    .option("--std <r,g,b>", "then divide image pixels by")
    .option(
      "--resize <mode>",
      "how an image of another size is resized: half-pixel (PyTorch, Pillow), align-corners, or asymmetric (TF.js's resizeBilinear default)",
      "half-pixel",
    )
    .option("--labels <file>", "class names, one a line, printed with the top entries")
    .option(
      "--json",
      "print the output as JSON: the top entries of each sample (and --all); not with --output",
    )
    .option("--all", "with --json: every value of the output too")
    .action(async (file: string, options: RunOptions) => {
      code = await runCommand(file, options, io);
    });

  program
    .command("bench")
    .description("time forward passes (plan built once; warm-up, then the median)")
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .option(
      "--backend <name>",
      "cpu, ts (the generated module) or webgpu (the WGSL shaders, on Dawn)",
      "cpu",
    )
    .option("--runs <n>", "timed passes", "30")
    .option("--warmup <n>", "untimed passes first (0 for none)", "5")
    .option("--batch <n>", "samples per pass", "1")
    .option("--threads <n>", "cpu and ts: threads to run on (default: the cores, at most 4)")
    .option("--weights <file>", "safetensors weights (default: deterministic initial weights)")
    .option("--json", "print { backend, medianMs, minMs, runs, gflops, ... }")
    .action(async (file: string, options: BenchOptions) => {
      code = await benchCommand(file, options, io);
    });

  program
    .command("compile")
    .description(
      "generate code: --target ts, a standalone TypeScript (or --js JavaScript) module; --target wgsl, compute shaders and a WebGPU host; --target onnx, an ONNX model",
    )
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network (needed when the file has several)")
    .addOption(setOption())
    .option("--target <target>", "ts, wgsl or onnx")
    .option(
      "-o, --output <path>",
      "the module (ts), the directory (wgsl) or the .onnx file to write",
    )
    .option(
      "--weights <file>",
      "safetensors weights to embed (default: deterministic initial weights)",
    )
    .option("--weights-file", "embed no weights: the module takes a safetensors file at load time")
    .option(
      "--js",
      "plain ES module JavaScript instead of TypeScript (ts: the module and its .d.ts; wgsl: host.js and host.d.ts)",
    )
    .option(
      "--kernels <kernels>",
      "ts: wasm (default), the WebAssembly SIMD kernels; js, every step as plain TypeScript loops, no WebAssembly (Hermes, strict CSP pages)",
    )
    .option(
      "--batch <n>",
      "wgsl: samples per pass, baked into the shaders (default 1); onnx: a fixed batch dimension (default symbolic N)",
    )
    .option("--layout <layout>", "onnx: the input and output layout, nchw (default) or nhwc")
    .option("--opset <n>", "onnx: the ONNX opset, 13 to 21 (default 17)")
    .option(
      "--fold-bn",
      "onnx: batch norms folded into the convolutions before them (default: Conv then BatchNormalization, as written)",
    )
    .option(
      "--verbose",
      "print the plan: one line per step, with the kernel it runs (onnx: one line per node)",
    )
    .option(
      "--emit <what>",
      "ir: print the optimised IR graph as text instead (for --target's passes; -o to write it)",
    )
    .action(async (file: string, options: CompileOptions) => {
      code = await compileCommand(file, options, io);
    });

  program
    .command("import")
    .description(
      "write a .dsnet network and its weights (NET.safetensors beside it) from an ONNX model or a TF.js model.json",
    )
    .argument("<model>", "the model: .onnx, or a TF.js model.json (graph or layers model)")
    .option("-o, --output <file>", "the .dsnet file to write")
    .action(async (model: string, options: { output?: string }) => {
      // Loaded only here: the other commands need neither protobufjs nor onnx.proto.
      const { importModelCommand } = await import("./import-model.js");
      code = importModelCommand(model, options, io);
    });

  program
    .command("repl")
    .description(
      "build a network line by line: each entry prints its output shape and cost (:help inside)",
    )
    .argument("[file]", ".dsnet file to start from")
    .action(async (file: string | undefined) => {
      if (file !== undefined) requireFile(file);
      code = await startRepl({ file, codegen: replCodegen });
    });

  program
    .command("layers")
    .description("list the built-in layers and their parameters")
    .option("--json", "print an array of { name, summary, params }")
    .action((options: { json?: boolean }) => {
      code = layersCommand(options, io);
    });

  program
    .command("lsp")
    .description("run the language server for editors (JSON-RPC over standard input and output)")
    .option("--stdio", "talk over standard input and output (the only transport, and the default)")
    .action(async () => {
      const { lspCommand } = await import("./lsp.js");
      code = await lspCommand(io);
    });

  program
    .command("graph")
    .description("draw a network as SVG (or Graphviz dot): layers, shapes, blocks and cost")
    .argument("<file>", ".dsnet file")
    .option("--network <name>", "the network to draw (needed when the file has several)")
    .addOption(setOption())
    .option("-o, --output <file>", "where to write the picture (default: standard output)")
    .addOption(new Option("--format <format>", "picture format").choices(["svg", "dot"]))
    .option("--depth <n>", "draw blocks nested deeper than N levels as one box with their totals")
    .addOption(
      new Option("--collapse <block>", "draw this block as one box (repeatable)")
        .argParser(collect)
        .default([]),
    )
    .action(async (file: string, options: GraphOptions) => {
      const { graphCommand } = await import("./graph.js");
      code = await graphCommand(file, options, io);
    });

  program
    .command("playground")
    .description("serve the browser playground on 127.0.0.1 (editor, summary, graph, run)")
    .option("--port <n>", "port to listen on (default: any free port)")
    .action(async (options: { port?: string }) => {
      const { playgroundCommand } = await import("./playground.js");
      code = await playgroundCommand(options, io);
    });

  program
    .command("explain")
    .description("explain a diagnostic code at length, with an example (dsnet explain DS4006)")
    .argument("<code>", "a diagnostic code such as DS4006")
    .action(async (diagnosticCode: string) => {
      const { explainCommand } = await import("./explain.js");
      code = explainCommand(diagnosticCode, io);
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    io.progress("");
    return code;
  } catch (e) {
    if (e instanceof OutputClosedError) return EXIT_OUTPUT_CLOSED;
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.stderr(`dsnet: ${e.message}\n`);
      return EXIT_USAGE;
    }
    // A file that cannot be read or written, or a backend that cannot run here.
    if (e instanceof FileError || e instanceof BackendUnavailableError) {
      io.stderr(`dsnet: ${e.message}\n`);
      return EXIT_DIAGNOSTICS;
    }
    // Anything else is a bug in dsnet: say so, briefly, and keep the stack for DSNET_DEBUG.
    const error = e instanceof Error ? e : new Error(String(e));
    io.stderr(
      `dsnet: internal error: ${error.message}\n` +
        (process.env.DSNET_DEBUG
          ? `${error.stack}\n`
          : "(set DSNET_DEBUG=1 to see where; please report it)\n"),
    );
    return EXIT_INTERNAL;
  }
}
