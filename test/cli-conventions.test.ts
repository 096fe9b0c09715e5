import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { freemem, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { autoColor, OutputClosedError, type CliIO } from "../src/cli/io.js";
import { vulkanDriverManifests } from "../src/backends/wgsl/runner.js";
import { writeWhole } from "../src/weights/load.js";

/** Runs the CLI in process with a fake terminal (or pipe) and standard input. */
async function dsnet(
  argv: string[],
  options: { stdin?: string; isTTY?: boolean; color?: boolean } = {},
) {
  let stdout = "";
  let stderr = "";
  let stdinReads = 0;
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutBytes: (b) => (stdout += Buffer.from(b).toString("latin1")),
    readStdin: () => {
      stdinReads++;
      if (options.stdin === undefined) throw new Error("the test gave no standard input");
      return options.stdin;
    },
    color: options.color ?? false,
    isTTY: options.isTTY ?? false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, stdinReads };
}

/** The built binary, as a user's shell runs it: every stream a pipe. */
function binary(argv: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // The test runner's own colour settings must not leak into the child.
  for (const name of ["FORCE_COLOR", "NO_COLOR"])
    if (!(name in (options.env ?? {}))) delete env[name];
  const r = spawnSync(process.execPath, ["bin/dsnet.js", ...argv], {
    input: options.input ?? "",
    encoding: "utf8",
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The built binary with a reader that takes the first chunk of standard output and closes the
 * pipe, as `| head -c 10` does.
 */
function binaryReadToFirstChunk(argv: string[]) {
  const child = spawn(process.execPath, ["bin/dsnet.js", ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let read = 0;
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  child.stdout.once("data", (chunk: Buffer) => {
    read = chunk.length;
    child.stdout.destroy();
  });
  return new Promise<{ code: number | null; stderr: string; read: number }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, read }));
  });
}

const TYPO = "input 8x8x3\nconv 3x3 4 -> widht\n";
const TINY = "input 8x8x3\ndw 3x3 -> pw 8 -> relu\n";
const ESC = "\x1b[";

describe("standard input: `-` and /dev/stdin", () => {
  it.each(["-", "/dev/stdin"])("check %s names the file <stdin> in diagnostics", async (name) => {
    const r = await dsnet(["check", name], { stdin: TYPO });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("<stdin>:2:15: error DS2001: unknown layer or block `widht`");
  });

  it("summary reads it, and says where the network came from", async () => {
    const r = await dsnet(["summary", "-"], { stdin: TINY });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Network main from <stdin>");
    const json = await dsnet(["summary", "-", "--json"], { stdin: TINY });
    expect(JSON.parse(json.stdout)).toMatchObject({ file: "<stdin>", output: [8, 8, 8] });
  });

  it("resolves imports from the current directory", async () => {
    const stdin = 'import "examples/separable_block.dsnet"\ninput 8x8x3\nseparable(16)\n';
    const r = await dsnet(["summary", "-", "--json"], { stdin });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).output).toEqual([8, 8, 16]);
  });

  it("is read once: `check - -` checks the same text twice", async () => {
    const r = await dsnet(["check", "-", "-"], { stdin: TYPO });
    expect(r.stdinReads).toBe(1);
    expect(r.stderr.match(/<stdin>:2:15/g)).toHaveLength(2);
  });

  it("fmt prints it formatted, and --write refuses it", async () => {
    const r = await dsnet(["fmt", "-"], { stdin: "input   8x8x3\ndw 3x3->pw 8\n" });
    expect(r).toMatchObject({ code: 0, stdout: "input 8x8x3\ndw 3x3 -> pw 8\n" });
    const write = await dsnet(["fmt", "--write", "-"], { stdin: TINY });
    expect(write.code).toBe(2);
    expect(write.stderr).toContain("dsnet: --write rewrites files");
  });

  it("a file named on the command line still has to exist", async () => {
    const r = await dsnet(["check", "no/such.dsnet"]);
    expect(r).toMatchObject({
      code: 2,
      stderr: "dsnet: cannot read the network no/such.dsnet: no such file\n",
    });
  });

  it("check says which file it cannot read and still checks the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-check-"));
    writeFileSync(join(dir, "typo.dsnet"), TYPO);
    const r = await dsnet(["check", join(dir, "typo.dsnet"), "no/such.dsnet", dir]);
    rmSync(dir, { recursive: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "typo.dsnet")}:2:15: error DS2001`);
    expect(r.stderr).toContain("dsnet: cannot read the network no/such.dsnet: no such file\n");
    expect(r.stderr).toContain(`dsnet: cannot read the network ${dir}: it is a directory\n`);
  });

  it("the binary reads a pipe: cat net.dsnet | dsnet check -", () => {
    const r = binary(["check", "-"], { input: TYPO });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("<stdin>:2:15: error DS2001");
    const summary = binary(["summary", "/dev/stdin", "--json"], { input: TINY });
    expect(JSON.parse(summary.stdout).file).toBe("<stdin>");
  });
});

describe("-o - writes standard output where the output is one file", () => {
  it("compile --target ts -o - prints the module and writes no file named -", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-stdout-"));
    const cwd = process.cwd();
    writeFileSync(join(dir, "net.dsnet"), TINY);
    process.chdir(dir);
    try {
      const r = await dsnet(["compile", "net.dsnet", "--target", "ts", "-o", "-"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("export function createModel");
      expect(r.stderr).toMatch(/wrote the module to standard output \(\d+ KiB\)/);
      expect(existsSync("-")).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it("weights init -o - writes the safetensors file, and run --output - the output as .npy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-stdout-"));
    const cwd = process.cwd();
    writeFileSync(join(dir, "net.dsnet"), TINY);
    process.chdir(dir);
    try {
      const init = await dsnet(["weights", "init", "net.dsnet", "-o", "-"]);
      expect(init.code).toBe(0);
      // safetensors: an 8-byte little-endian header length, then the JSON header.
      const header = Buffer.from(init.stdout, "latin1");
      const length = Number(header.readBigUInt64LE(0));
      expect(Object.keys(JSON.parse(header.subarray(8, 8 + length).toString()))).toEqual(
        expect.arrayContaining(["dw1.weight", "pw1.weight"]),
      );
      expect(init.stderr).toBe("wrote 2 tensors to standard output\n");
      writeFileSync("x.npy", Buffer.from(npyHeader([8, 8, 3])));
      const run = await dsnet(["run", "net.dsnet", "--input", "x.npy", "--output", "-"]);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith("\x93NUMPY")).toBe(true);
      expect(run.stdout).toContain("'shape': (1, 8, 8, 8)");
      expect(existsSync("-")).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  // The mapping table of weights import and every other line for people go to stderr.
  const checkpoint = "test/fixtures/checkpoints/mobilenet_v3_small.pth";
  const v3 = ["examples/mobilenet_v3.dsnet", "--network", "mobilenet_v3_small"];
  const v3Set = ["alpha=0.25", "res=32", "classes=10", "reduced_tail=true"].flatMap((a) => [
    "--set",
    a,
  ]);
  it.each([
    ["weights init", ["weights", "init", "NET", "-o"]],
    ["weights import", ["weights", "import", checkpoint, ...v3, ...v3Set, "-o"]],
    ["run --output", ["run", "NET", "--input", "X", "--output"]],
  ])("%s -: standard output holds exactly the bytes -o FILE writes", async (_, args) => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-stdout-"));
    writeFileSync(join(dir, "net.dsnet"), TINY);
    writeFileSync(join(dir, "x.npy"), Buffer.from(npyHeader([8, 8, 3])));
    const argv = args.map((a) =>
      a === "NET" ? join(dir, "net.dsnet") : a === "X" ? join(dir, "x.npy") : a,
    );
    const file = join(dir, "out.npy");
    const toFile = await dsnet([...argv, argv[0] === "run" ? file : join(dir, "out.safetensors")]);
    expect(toFile.code, toFile.stderr).toBe(0);
    const toStdout = await dsnet([...argv, "-"]);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    const written = readFileSync(argv[0] === "run" ? file : join(dir, "out.safetensors"));
    expect(Buffer.from(toStdout.stdout, "latin1").equals(written)).toBe(true);
  });

  it("weights import -o - prints its mapping table on stderr", async () => {
    const r = await dsnet(["weights", "import", checkpoint, ...v3, ...v3Set, "-o", "-"]);
    expect(r.stderr).toMatch(/^file +dsnet +shape\n/);
    expect(r.stderr).toMatch(
      /tensors imported in state_dict order.*\nwrote \d+ tensors to standard output\n$/,
    );
  });

  it.each([
    ["wgsl", "--target wgsl writes several (shaders, host.ts, weights.bin): give -o DIR"],
    ["onnx", "--target onnx writes its model to a file"],
  ])("compile --target %s -o - is refused: %s", async (target, message) => {
    const r = await dsnet(["compile", "-", "--target", target, "-o", "-"], { stdin: TINY });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdinReads).toBe(0);
  });
});

describe("a reader that closes standard output early: no success claimed", () => {
  // Each output is megabytes, far past what a pipe holds, so the reader closes it mid-way.
  it.each([
    [
      "compile --target ts -o - (text)",
      ["compile", "examples/mobilenet_v1.dsnet", "--target", "ts"],
    ],
    ["weights init -o - (bytes)", ["weights", "init", "examples/mobilenet_v1.dsnet"]],
  ])("%s stops at once and exits 141, without a stack trace", async (_, argv) => {
    const r = await binaryReadToFirstChunk([...argv, "-o", "-"]);
    expect(r.read).toBeGreaterThan(0);
    expect(r.code).toBe(141);
    // Nothing after the cut: no "wrote ..." line, no internal error.
    expect(r.stderr).toBe(
      argv[0] === "compile"
        ? "dsnet: no --weights given: using deterministic initial weights (seed 0)\n"
        : "",
    );
  });
});

describe("a reader that closes standard error early", () => {
  it("stops the command with 141 too (DSNET_DEBUG=4 writes megabytes there)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-stderr-closed-"));
    const argv = ["compile", "examples/mobilenet_v1.dsnet", "--target", "ts"];
    const child = spawn(process.execPath, ["bin/dsnet.js", ...argv, "-o", join(dir, "m.ts")], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, DSNET_DEBUG: "4" },
    });
    child.stderr.once("data", () => child.stderr.destroy());
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect(code).toBe(141);
  });
});

describe("every command that writes standard output stops when it is closed", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-closed-"));
  const net = join(dir, "net.dsnet");
  writeFileSync(net, TINY);
  writeFileSync(join(dir, "x.npy"), Buffer.from(npyHeader([8, 8, 3])));
  const input = ["--input", join(dir, "x.npy")];
  it.each([
    ["check", "--json", net],
    ["summary", net],
    ["fmt", net],
    ["layers"],
    ["explain", "DS1004"],
    ["--help"],
    ["weights", "list", net],
    ["weights", "init", net, "-o", "-"],
    ["run", net, ...input],
    ["run", net, ...input, "--output", "-"],
    ["bench", net, "--runs", "1", "--warmup", "0"],
    ["compile", net, "--target", "ts", "-o", "-"],
    ["compile", net, "--emit", "ir"],
    ["graph", net],
  ])("%s %s: exit 141, nothing more said", async (...argv) => {
    let stderr = "";
    const closed = () => {
      throw new OutputClosedError("standard output is closed");
    };
    const io: CliIO = {
      stdout: closed,
      stdoutBytes: closed,
      stderr: (t) => (stderr += t),
      color: false,
    };
    expect(await runCli(argv, io)).toBe(141);
    expect(stderr).not.toMatch(/wrote|internal error/);
  });
});

describe("--batch: a whole number in digits, 1 to 2^30, on every command that takes it", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-batch-"));
  const net = join(dir, "net.dsnet");
  writeFileSync(net, TINY);
  const commands: [string, string[]][] = [
    ["compile --target onnx", ["compile", net, "--target", "onnx", "-o", join(dir, "m.onnx")]],
    ["compile --target wgsl", ["compile", net, "--target", "wgsl", "-o", join(dir, "wgsl")]],
    ["bench", ["bench", net, "--runs", "1", "--warmup", "1"]],
  ];
  const bad = ["0", "-1", "1e3", "0x10", "1.5", " 5", "", "99999999999999999999", "1073741825"];
  it.each(commands.flatMap(([name, argv]) => bad.map((batch) => [name, batch, argv] as const)))(
    "%s --batch=%j is a usage error",
    async (_name, batch, argv) => {
      const r = await dsnet([...argv, `--batch=${batch}`]);
      expect(r).toMatchObject({
        code: 2,
        stderr: `dsnet: --batch takes a whole number from 1 to 1073741824, got ${batch || '""'}\n`,
      });
      expect(existsSync(join(dir, "m.onnx"))).toBe(false);
      expect(existsSync(join(dir, "wgsl"))).toBe(false);
    },
  );

  it.each([
    ["1", 1],
    ["3", 3],
    ["007", 7],
    ["1073741824", 2 ** 30],
  ])("compile --target onnx --batch %s fixes the batch dimension at %d", async (batch, dim) => {
    const out = join(dir, `b${dim}.onnx`);
    const r = await dsnet(["compile", net, "--target", "onnx", "-o", out, "--batch", batch]);
    expect(r.code, r.stderr).toBe(0);
    const { decodeModel } = await import("../src/backends/onnx/proto.js");
    const input = decodeModel(readFileSync(out)).graph.input[0];
    expect(input.type.tensor_type.shape.dim[0]).toEqual({ dim_value: dim });
  });
});

describe("a file to read that is a directory or missing: one dsnet: line, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-unreadable-"));
  const at = (name: string) => join(dir, name);
  writeFileSync(at("net.dsnet"), TINY);
  writeFileSync(at("x.npy"), Buffer.from(npyHeader([8, 8, 3])));
  // Every path the rows read is a folder in one case and nothing at all in the other.
  const rows: [string, string, string[], number][] = [
    ["run --input .npy", "input", ["run", at("net.dsnet"), "--input", "P.npy"], 1],
    ["run --input .png", "input", ["run", at("net.dsnet"), "--input", "P.png"], 1],
    // Not "does not know this kind of input (no extension)": what is wrong comes first.
    ["run --input (no extension)", "input", ["run", at("net.dsnet"), "--input", "P"], 1],
    [
      "run --weights",
      "weights file",
      ["run", at("net.dsnet"), "--input", at("x.npy"), "--weights", "P.safetensors"],
      1,
    ],
    [
      "run --labels",
      "labels file",
      ["run", at("net.dsnet"), "--input", at("x.npy"), "--labels", "P"],
      1,
    ],
    [
      "compile --weights",
      "weights file",
      ["compile", at("net.dsnet"), "--target", "ts", "-o", at("out.ts"), "--weights", "P"],
      1,
    ],
    [
      "weights import SOURCE",
      "weights file",
      ["weights", "import", "P.pth", at("net.dsnet"), "-o", at("out.safetensors")],
      1,
    ],
    [
      "weights import --map",
      "map file",
      [
        "weights",
        "import",
        at("w.safetensors"),
        at("net.dsnet"),
        "--map",
        "P",
        "-o",
        at("out.safetensors"),
      ],
      1,
    ],
    ["import MODEL", "model", ["import", "P", "-o", at("out.dsnet")], 1],
    ["check FILE", "network", ["check", "P.dsnet"], 2],
    ["summary FILE", "network", ["summary", "P.dsnet"], 2],
  ];
  const cases = rows.flatMap(([name, what, argv, code]) =>
    (["it is a directory", "no such file"] as const).map((reason) => ({
      name,
      what,
      argv,
      code,
      reason,
    })),
  );
  it.each(cases)("$name: $reason", async ({ what, argv, code, reason }) => {
    const init = await dsnet(["weights", "init", at("net.dsnet"), "-o", at("w.safetensors")]);
    expect(init.code).toBe(0);
    const path = (name: string) =>
      at(reason === "no such file" ? `missing-${name}` : `dir-${name}`);
    const args = argv.map((a) => (/^P(\.|$)/.test(a) ? path(a) : a));
    const named = args.find((a) => a.startsWith(path("P")))!;
    if (reason === "it is a directory") mkdirSync(named, { recursive: true });
    const r = await dsnet(args);
    expect(r).toMatchObject({
      code,
      stdout: "",
      stderr: `dsnet: cannot read the ${what} ${named}: ${reason}\n`,
    });
    for (const out of ["out.ts", "out.safetensors", "out.dsnet"])
      expect(existsSync(at(out))).toBe(false);
  });
});

describe("a file to read that never ends or is too large: one dsnet: line, little memory", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-endless-"));
  const at = (name: string) => join(dir, name);
  writeFileSync(at("net.dsnet"), TINY);
  writeFileSync(at("x.npy"), Buffer.from(npyHeader([8, 8, 3])));
  const net = at("net.dsnet");
  const w = at("w.safetensors");
  // P is the path read; each row once with /dev/zero, which has no end.
  const rows: [string, string, string[], number][] = [
    [
      "run --weights",
      "weights file",
      ["run", net, "--input", at("x.npy"), "--weights", "P"],
      2 ** 28,
    ],
    ["run --labels", "labels file", ["run", net, "--input", at("x.npy"), "--labels", "P"], 2 ** 26],
    [
      "weights import SOURCE",
      "weights file",
      ["weights", "import", "P", net, "--dry-run"],
      2 ** 28,
    ],
    [
      "weights import --map",
      "map file",
      ["weights", "import", w, net, "--map", "P", "--dry-run"],
      2 ** 26,
    ],
    ["import MODEL", "model", ["import", "P", "-o", at("out.dsnet")], 2 ** 28],
  ];
  it.skipIf(!existsSync("/dev/zero")).each(rows)(
    "%s /dev/zero",
    async (_name, what, argv, limit) => {
      expect((await dsnet(["weights", "init", net, "-o", w])).code).toBe(0);
      const r = await dsnet(argv.map((a) => (a === "P" ? "/dev/zero" : a)));
      expect(r).toMatchObject({
        code: 1,
        stdout: "",
        stderr: `dsnet: cannot read the ${what} /dev/zero: it is not a regular file, and it holds more than the ${limit} bytes dsnet reads from one (does it end?)\n`,
      });
    },
  );

  it("a --labels file past 64 MiB is refused before it is read", async () => {
    const labels = at("labels.txt");
    writeFileSync(labels, Buffer.alloc(2 ** 26 + 1, 0x61));
    const r = await dsnet(["run", net, "--input", at("x.npy"), "--labels", labels]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `dsnet: cannot read the labels file ${labels}: it is ${2 ** 26 + 1} bytes, more than the ${2 ** 26} dsnet reads\n`,
    );
  });

  it("a pipe that ends is read whole", async () => {
    expect((await dsnet(["weights", "init", net, "-o", w])).code).toBe(0);
    const fifo = at("weights.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const writer = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", w, fifo], { stdio: "ignore" });
    const done = new Promise((resolve) => writer.on("close", resolve));
    const r = await dsnet(["run", net, "--input", at("x.npy"), "--weights", fifo]);
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^output 1 x 8x8x8/);
  });
});

describe("outputs are written whole or not at all, through links, never over a device", () => {
  const dir = mkdtempSync(join(tmpdir(), "dsnet-outputs-"));
  const at = (name: string) => join(dir, name);
  writeFileSync(at("net.dsnet"), TINY);
  writeFileSync(at("x.npy"), Buffer.from(npyHeader([8, 8, 3])));
  // Each command with the -o it writes (as OUT.ext), and the file beside it that it writes too.
  const rows: [string, string[], string, string?][] = [
    ["compile --target ts", ["compile", "NET", "--target", "ts", "-o", "OUT"], ".ts"],
    ["compile --target ts --js", ["compile", "NET", "--target", "ts", "-o", "OUT"], ".js", ".d.ts"],
    ["compile --target onnx", ["compile", "NET", "--target", "onnx", "-o", "OUT"], ".onnx"],
    ["compile --emit ir", ["compile", "NET", "--emit", "ir", "-o", "OUT"], ".txt"],
    ["weights init", ["weights", "init", "NET", "-o", "OUT"], ".safetensors"],
    ["weights import", ["weights", "import", "W", "NET", "-o", "OUT"], ".safetensors"],
    ["run --output", ["run", "NET", "--input", "X", "--output", "OUT"], ".npy"],
    ["graph", ["graph", "NET", "-o", "OUT"], ".svg"],
  ];
  const args = (argv: string[], out: string) =>
    argv.map((a) =>
      a === "NET"
        ? at("net.dsnet")
        : a === "X"
          ? at("x.npy")
          : a === "W"
            ? at("w.safetensors")
            : a === "OUT"
              ? out
              : a,
    );
  const init = () => dsnet(["weights", "init", at("net.dsnet"), "-o", at("w.safetensors")]);

  it.each(rows.filter((r) => r[3]))(
    "%s: a folder in the way of the file beside it leaves neither written",
    async (_name, argv, extension, beside) => {
      const out = at(`pair${extension}`);
      mkdirSync(at(`pair${beside}`), { recursive: true });
      const r = await dsnet(args(argv, out));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^dsnet: cannot write the .* it is a directory\n$/m);
      expect(existsSync(out)).toBe(false);
    },
  );

  // Node's writeFileSync refuses more than 2 GiB at once; a safetensors file may be larger.
  it.skipIf(freemem() < 8 * 2 ** 30)("writes a file past 2 GiB whole", () => {
    const path = at("large.bin");
    const data = new Uint8Array(2 ** 31 + 16);
    data[data.length - 1] = 7;
    try {
      writeWhole({ path, data, what: "weights file" });
      expect(statSync(path).size).toBe(data.length);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it("compile --target wgsl: a folder in the way of one file writes none of them", async () => {
    const out = at("wgsl");
    mkdirSync(join(out, "weights.bin"), { recursive: true });
    const r = await dsnet(["compile", at("net.dsnet"), "--target", "wgsl", "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write the output file .*weights\.bin: it is a directory\n$/);
    expect(readdirSync(out)).toEqual(["weights.bin"]);
  });

  it.each(rows)(
    "%s: -o a symbolic link writes the file it names",
    async (name, argv, extension) => {
      expect((await init()).code).toBe(0);
      const target = at(`target-${rows.findIndex((r) => r[0] === name)}${extension}`);
      writeFileSync(target, "old");
      const link = at(`link-${rows.findIndex((r) => r[0] === name)}${extension}`);
      symlinkSync(target, link);
      const r = await dsnet(args(argv, link));
      expect(r.code).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(target, "latin1")).not.toBe("old");
    },
  );

  it.each(rows)("%s: -o a named pipe writes into the pipe", async (name, argv, extension) => {
    expect((await init()).code).toBe(0);
    const fifo = at(`fifo-${rows.findIndex((r) => r[0] === name)}${extension}`);
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    // The reader holds the pipe open, as `-o /dev/stdout` in a pipeline would be.
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    let read = 0;
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.length));
    const done = new Promise((resolve) => reader.on("close", resolve));
    const r = await dsnet(args(argv, fifo));
    const stillPipe = lstatSync(fifo).isFIFO();
    if (!stillPipe) reader.kill(); // replaced: nothing will ever write the pipe
    await done;
    expect(r.code).toBe(0);
    expect(stillPipe).toBe(true);
    expect(read).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("colour: --color, FORCE_COLOR, NO_COLOR", () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: "dumb" }, true, false],
    [{ NO_COLOR: "1" }, true, false],
    // no-color.org: an empty NO_COLOR is not set.
    [{ NO_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "false" }, true, false],
    // As in Node, FORCE_COLOR wins over NO_COLOR.
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, false, true],
  ])("auto with %o, stderr a terminal: %s -> %s", (env, isTTY, expected) => {
    expect(autoColor(env, isTTY)).toBe(expected);
  });

  it("--color always and never override what auto found, before or after the command", async () => {
    const always = await dsnet(["check", "-", "--color", "always"], { stdin: TYPO });
    expect(always.stderr).toContain(`${ESC}1;31merror`);
    const before = await dsnet(["--color", "always", "check", "-"], { stdin: TYPO });
    expect(before.stderr).toBe(always.stderr);
    const never = await dsnet(["check", "-", "--color=never"], { stdin: TYPO, color: true });
    expect(never.stderr).not.toContain(ESC);
    const auto = await dsnet(["check", "-"], { stdin: TYPO, color: true });
    expect(auto.stderr).toContain(ESC);
  });

  it("rejects other values as a usage error", async () => {
    const r = await dsnet(["--color", "sometimes", "check", "-"], { stdin: TYPO });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are auto, always, never");
  });

  it("the binary honours FORCE_COLOR and NO_COLOR on a pipe", () => {
    expect(binary(["check", "-"], { input: TYPO }).stderr).not.toContain(ESC);
    expect(binary(["check", "-"], { input: TYPO, env: { FORCE_COLOR: "1" } }).stderr).toContain(
      ESC,
    );
    const off = binary(["check", "-"], { input: TYPO, env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(off.stderr).toContain(ESC);
    const noColor = binary(["check", "-", "--color", "always"], {
      input: TYPO,
      env: { NO_COLOR: "1" },
    });
    expect(noColor.stderr).toContain(ESC);
    expect(
      binary(["check", "-", "--color", "never"], {
        input: TYPO,
        env: { FORCE_COLOR: "1" },
      }).stderr,
    ).not.toContain(ESC);
  });
});

describe("--json", () => {
  it("layers --json lists every layer with its parameters", async () => {
    const r = await dsnet(["layers", "--json"]);
    const layers = JSON.parse(r.stdout) as {
      name: string;
      params: { name: string; required: boolean; default?: string }[];
    }[];
    const dw = layers.find((l) => l.name === "dw")!;
    expect(dw.params.find((p) => p.name === "kernel")).toMatchObject({ required: true });
    expect(dw.params.find((p) => p.name === "mult")).toHaveProperty("default");
    expect(layers.map((l) => l.name)).toContain("fc");
  });

  it("summary --json --depth holds the collapsed rows and the memory", async () => {
    const r = await dsnet(["summary", "examples/mobilenet_v2.dsnet", "--json", "--depth", "1"]);
    const s = JSON.parse(r.stdout);
    expect(s.depth).toBe(1);
    expect(s.layers).toHaveLength(154);
    const bottleneck2 = s.groups.find((g: { name: string }) => g.name === "bottleneck2");
    expect(bottleneck2).toMatchObject({ layers: 17, output: [56, 56, 24], macs: 54_942_720 });
    expect(s.memory.paramBytes).toBe(3_538_984 * 4);
  });
});

describe("usage errors say what is wrong with what was given", () => {
  const folder = mkdtempSync(join(tmpdir(), "dsnet-usage-"));
  const onnx = ["compile", "-", "--target", "onnx", "-o", join(folder, "m.onnx")];
  const run = ["run", "-", "--input", "x.npy", "--json", "--output"];
  it.each([
    [[...onnx, "--js"], "--js writes a JavaScript module, not an ONNX model"],
    [
      [...onnx, "--weights-file"],
      "--weights-file is for --target ts (an ONNX model holds its weights)",
    ],
    [
      ["import", "m.onnx", "-o", "-"],
      "-o -: import writes two files, the network and its weights, and standard output holds one: give -o NET.dsnet (the weights go to NET.safetensors beside it)",
    ],
    [
      ["import", "m.onnx", "-o", folder],
      `-o ${folder} is a directory: give -o NET.dsnet (the weights go to NET.safetensors beside it)`,
    ],
    [
      ["import", "m.onnx", "-o", "m.txt"],
      "-o m.txt is not a .dsnet file: give -o NET.dsnet (the weights go to NET.safetensors beside it)",
    ],
    [["explain", "DS9999"], 'no diagnostic code "DS9999"; the codes run from DS1001 to DS7003'],
    [
      ["graph", "-", "-o", "g.png"],
      "-o g.png: an SVG picture is written to a .svg file (rsvg-convert makes a PNG from the SVG)",
    ],
    [
      [...run, "o.npy"],
      "--json prints the output as JSON and --output writes it to a file instead: give one or the other",
    ],
    [
      [...run, "-"],
      "--json prints the output as JSON and --output writes it to a file instead: give one or the other",
    ],
    [["bench", "-", "--warmup", "-1"], "--warmup takes a whole number of at least 0, got -1"],
    [
      ["run", "-", "--input", "x.npy", "--output", "o.npy", "--top", "3"],
      "--top chooses what is printed, and --output writes the output to a file instead: give one or the other",
    ],
    [
      ["run", "-", "--input", "x.npy", "--output", "-", "--top", "3", "--labels", "l.txt"],
      "--top and --labels choose what is printed, and --output writes the output to a file instead: give one or the other",
    ],
    [
      ["bench", "-", "--runs", "9007199254740992"],
      "--runs takes a whole number from 1 to 9007199254740991, got 9007199254740992",
    ],
    // Numbers in digits only, as every whole-number option takes them.
    [[...onnx, "--opset", "0x11"], "--opset takes 13 to 21, not 0x11"],
    [[...onnx, "--opset", "1.7e1"], "--opset takes 13 to 21, not 1.7e1"],
    [
      ["weights", "init", "-", "-o", join(folder, "w.safetensors"), "--seed", "1e3"],
      "--seed takes a whole number of at least 0, got 1e3",
    ],
  ])("%j: %s", async (argv, message) => {
    const r = await dsnet(argv, { stdin: TINY });
    expect(r).toMatchObject({ code: 2, stdout: "", stderr: `dsnet: ${message}\n` });
  });

  it("bench --warmup 0 times without warming up", async () => {
    const r = await dsnet(["bench", "-", "--warmup", "0", "--runs", "2", "--json"], {
      stdin: TINY,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ runs: 2 });
  });
});

describe("help says what each command does", () => {
  it.each([
    ["import", "the model: .onnx, or a TF.js model.json (graph or layers model)"],
    ["bench", "untimed passes first (0 for none)"],
    ["run", "not with --output"],
  ])("%s --help: %s", async (command, text) => {
    const r = await dsnet([command, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(text);
  });

  const TWO = "network a {\n  input 8x8x3\n  pw 8\n}\nnetwork b {\n  input 8x8x3\n  pw 4\n}\n";
  const out = mkdtempSync(join(tmpdir(), "dsnet-network-"));
  it.each([
    { command: ["summary"], rest: [] },
    { command: ["weights", "list"], rest: [] },
    { command: ["weights", "init"], rest: ["-o", join(out, "w.safetensors")] },
    { command: ["run"], rest: ["--input", "x.npy"] },
    { command: ["bench"], rest: [] },
    { command: ["compile"], rest: ["--target", "ts", "-o", join(out, "m.ts")] },
    { command: ["graph"], rest: [] },
  ])(
    "$command --help: --network is needed when the file has several, as it is",
    async ({ command, rest }) => {
      const help = await dsnet([...command, "--help"]);
      expect(help.stdout.replace(/\s+/g, " ")).toMatch(
        /--network <name> the network( to \w+)? \(needed when the file has several\)/,
      );
      const r = await dsnet([...command, "-", ...rest], { stdin: TWO });
      expect(r).toMatchObject({
        code: 2,
        stderr: "dsnet: <stdin> declares several networks; choose one with --network (a, b)\n",
      });
    },
  );
});

describe("progress on a terminal, nothing on a pipe", () => {
  const PROGRESS = "\r\x1b[2K";

  it("compile draws a progress line on a terminal and clears it before its last word", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dsnet-progress-")), "net.ts");
    const r = await dsnet(["compile", "-", "--target", "ts", "-o", out], {
      stdin: TINY,
      isTTY: true,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${PROGRESS}dsnet: lowering main for ts`);
    expect(r.stderr).toContain(`${PROGRESS}dsnet: generating the module`);
    // Cleared before the last line, which stands alone.
    expect(r.stderr).toMatch(new RegExp(`\\r\\x1b\\[2Kwrote ${out} \\(\\d+ KiB\\)\\n$`));
    expect(readFileSync(out, "utf8")).toContain("createModel");
  });

  it("compile on a pipe prints no progress", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "dsnet-progress-")), "net.ts");
    const r = await dsnet(["compile", "-", "--target", "ts", "-o", out], { stdin: TINY });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr).not.toContain("lowering");
  });

  it("bench counts its runs on a terminal", async () => {
    const r = await dsnet(["bench", "-", "--runs", "2", "--warmup", "1"], {
      stdin: TINY,
      isTTY: true,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${PROGRESS}dsnet: warm-up 1/1`);
    expect(r.stderr).toContain(`${PROGRESS}dsnet: run 2/2`);
    expect(r.stderr.endsWith(PROGRESS)).toBe(true);
    expect(r.stdout).toMatch(/^main on cpu, batch 1: median/);
  });

  it("the binary, piped, prints results and no progress", () => {
    const r = binary(["bench", "-", "--runs", "2", "--warmup", "1"], { input: TINY });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "dsnet: no --weights given: using deterministic initial weights (seed 0)\n",
    );
    expect(r.stdout).toMatch(/^main on cpu/);
  });
});

describe("WebGPU without a Vulkan driver", () => {
  it("finds driver manifests where the Vulkan loader looks", () => {
    const root = mkdtempSync(join(tmpdir(), "dsnet-vulkan-"));
    const data = join(root, "share");
    mkdirSync(join(data, "vulkan/icd.d"), { recursive: true });
    const env = { HOME: root, XDG_CONFIG_DIRS: join(root, "etc"), XDG_DATA_DIRS: data };
    const withoutSystem = (found: string[]) => found.filter((f) => f.startsWith(root));
    expect(withoutSystem(vulkanDriverManifests(env))).toEqual([]);
    writeFileSync(join(data, "vulkan/icd.d/gpu_icd.json"), "{}");
    expect(withoutSystem(vulkanDriverManifests(env))).toEqual([
      join(data, "vulkan/icd.d/gpu_icd.json"),
    ]);
    // VK_ICD_FILENAMES (and VK_DRIVER_FILES) replace the usual folders.
    expect(vulkanDriverManifests({ ...env, VK_ICD_FILENAMES: join(root, "none.json") })).toEqual(
      [],
    );
    expect(vulkanDriverManifests({ ...env, VK_DRIVER_FILES: join(data, "vulkan/icd.d") })).toEqual([
      join(data, "vulkan/icd.d/gpu_icd.json"),
    ]);
  });

  it("says so in dsnet's words alone, before Dawn prints anything", () => {
    const r = binary(["bench", "-", "--backend", "webgpu", "--runs", "1"], {
      input: TINY,
      env: { VK_ICD_FILENAMES: "/nonexistent/icd.json", VK_DRIVER_FILES: "/nonexistent/icd.json" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("vkCreateInstance");
    expect(r.stderr).toMatch(/^dsnet: no --weights given.*\ndsnet: /);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("dsnet:"));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^dsnet: (no WebGPU adapter: no Vulkan driver|the WebGPU backend needs)/,
    );
  });
});

/** A float32 .npy of zeros of `shape`, written by hand (format version 1.0). */
function npyHeader(shape: number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}), }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + "\n";
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(10 + header.length + count * 4);
  bytes.set([0x93, ...Buffer.from("NUMPY"), 1, 0, header.length & 255, header.length >> 8]);
  bytes.set(Buffer.from(header, "latin1"), 10);
  return bytes;
}

describe("an output written over what is there", () => {
  const source = "input 8x8x3\npw 4\n";

  it("keeps an existing file's permissions (a private file stays private)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-mode-"));
    writeFileSync(join(dir, "s.dsnet"), source);
    const out = join(dir, "private.onnx");
    writeFileSync(out, "old");
    chmodSync(out, 0o600);
    const r = await dsnet(["compile", join(dir, "s.dsnet"), "--target", "onnx", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out).length).toBeGreaterThan(3);
  });

  it("writes through a symbolic link to a file not there yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-dangling-"));
    writeFileSync(join(dir, "s.dsnet"), source);
    mkdirSync(join(dir, "real"));
    symlinkSync(join(dir, "real", "m.ts"), join(dir, "m.ts"));
    const r = await dsnet([
      "compile",
      join(dir, "s.dsnet"),
      "--target",
      "ts",
      "-o",
      join(dir, "m.ts"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, "m.ts")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real", "m.ts"), "utf8")).toContain("createModel");
  });

  it("-o /dev/stdout redirected to a file keeps what the shell writes around it", () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-stdout-file-"));
    writeFileSync(join(dir, "s.dsnet"), source);
    const bin = join(process.cwd(), "bin/dsnet.js");
    const script = `{ echo HEADER; "${process.execPath}" "${bin}" compile s.dsnet --target onnx -o /dev/stdout 2>/dev/null; echo TRAILER; } > out.txt`;
    const r = spawnSync("sh", ["-c", script], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(dir, "out.txt"), "latin1");
    expect(text.startsWith("HEADER\n")).toBe(true);
    expect(text).toContain("dsnet"); // the model's producer
    expect(text.endsWith("TRAILER\n")).toBe(true);
  });
});
