import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  mkdirSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Network } from "../check/network.js";
import { FileError } from "./errors.js";
import { normalize, pixelBudget, readImage, resizeBilinear, type ResizeMode } from "./image.js";
import { initialWeights } from "./init.js";
import { readNpy } from "./npy.js";
import { readRawFloat32 } from "./raw.js";
import { matchTensors, readSafetensors } from "./safetensors.js";
import { expectedTensors } from "./tensors.js";

/** The most bytes Node reads into one buffer, and so the largest file dsnet reads. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/**
 * The most bytes of a file of names dsnet reads (`--labels`, `--map`): a million names of 64
 * bytes, far more than any network has classes or tensors.
 */
export const MAX_NAMES_FILE_BYTES = 64 * 2 ** 20;

/**
 * The most bytes read from a path that is not a regular file (a pipe, `/dev/stdin`, a device),
 * whose size is known only at its end: `/dev/zero` has none, and took all the memory there was.
 */
const MAX_STREAM_BYTES = 2 ** 28;

/**
 * Reads a file, turning a missing or unreadable file into a FileError that names it; so is one
 * of more than `maxBytes` (a pipe or a device: more than 256 MiB), refused before it is read.
 */
export function readBytes(path: string, what: string, maxBytes = MAX_FILE_BYTES): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isFile() && stat.size > maxBytes) {
      throw new FileError(
        `cannot read the ${what} ${path}: it is ${stat.size} bytes, more than the ${maxBytes} dsnet reads`,
      );
    }
    if (stat.isFile() || stat.isDirectory()) return readFileSync(path);
    return readStream(path, what, Math.min(maxBytes, MAX_STREAM_BYTES));
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(cannotRead(path, what, e));
  }
}

/** A pipe's or device's bytes to its end, or a FileError past `maxBytes`. */
function readStream(path: string, what: string, maxBytes: number): Uint8Array {
  const fd = openSync(path, "r");
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = new Uint8Array(Math.min(2 ** 20, maxBytes + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) {
        throw new FileError(
          `cannot read the ${what} ${path}: it is not a regular file, and it holds more than the ${maxBytes} bytes dsnet reads from one (does it end?)`,
        );
      }
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks);
}

/**
 * Why `path` is not a file this process can read, or undefined when it is one: the message
 * every file a command reads gives (`cannot read the input x.npy: it is a directory`), as
 * `readBytes` does.
 */
export function whyUnreadable(path: string, what: string): string | undefined {
  let stat;
  try {
    stat = statSync(path);
    accessSync(path, constants.R_OK);
  } catch (e) {
    return cannotRead(path, what, e);
  }
  if (stat.isFile()) return undefined;
  const reason = stat.isDirectory() ? "it is a directory" : "it is not a regular file";
  return `cannot read the ${what} ${path}: ${reason}`;
}

function cannotRead(path: string, what: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === "ENOENT" || code === "ENOTDIR" ? "no such file" : reasonOf(e);
  return `cannot read the ${what} ${path}: ${reason}`;
}

/** Writes a file, turning a failure (no such folder, a directory in the way) into a FileError. */
export function writeBytes(path: string, data: string | Uint8Array, what: string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new FileError(`cannot write the ${what} ${path}: ${reasonOf(e)}`);
  }
}

/** A file to write whole: where, what, and how messages name it. */
export interface WholeFile {
  path: string;
  data: string | Uint8Array;
  what: string;
}

/**
 * Writes files whole or not at all: each to a temporary file beside it, and only when every one
 * is written are they renamed over their paths. A failure midway leaves no half-written file
 * and no changed one; a path that is a folder is refused before anything is written. A symbolic
 * link is written through (the file it names is replaced, not the link), and a path that is not a
 * regular file (`/dev/null`, `/dev/stdout`, a named pipe) is written to as it is, never replaced.
 */
export function writeWhole(...files: WholeFile[]): void {
  const targets = files.map(({ path, what }) => {
    // A process's own streams (`/dev/stdout` redirected to a file is a regular file) are written
    // where they point: a rename would replace the file the shell opened, and lose what else
    // it writes there.
    if (STREAM_PATH.test(path)) return { path, special: true, mode: undefined };
    let stat;
    try {
      stat = statSync(path);
    } catch {
      // Nothing there yet (the usual case), or a symbolic link to nothing yet: write where
      // it points.
      return { path: danglingTarget(path) ?? path, special: false, mode: undefined };
    }
    if (stat.isDirectory())
      throw new FileError(`cannot write the ${what} ${path}: it is a directory`);
    // A device or pipe is written as named (its real path may be `pipe:[…]`). A file replaced
    // keeps its permissions (a private 0600 file stays private); a hard link to it does not
    // follow, as with any editor that saves by rename.
    return stat.isFile()
      ? { path: realpathSync(path), special: false, mode: stat.mode & 0o7777 }
      : { path, special: true, mode: undefined };
  });
  const temporary = targets.map(({ path, special }) =>
    special ? undefined : join(dirname(path), `.${basename(path)}.${process.pid}.tmp`),
  );
  const write = (path: string, i: number) => {
    const { data, what } = files[i];
    try {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      // The stream itself, at its offset (the shell's `>` file keeps its other writes).
      const stream = STREAM_PATH.exec(path);
      if (stream) writeAll(streamDescriptor(stream[0]), bytes);
      else writeInChunks(path, bytes);
    } catch (e) {
      throw new FileError(`cannot write the ${what} ${files[i].path}: ${reasonOf(e)}`);
    }
  };
  try {
    temporary.forEach((t, i) => {
      if (t === undefined) return;
      write(t, i);
      const mode = targets[i].mode;
      if (mode !== undefined) chmodSync(t, mode);
    });
    targets.forEach(({ path, special }, i) => special && write(path, i));
    temporary.forEach((t, i) => {
      if (t === undefined) return;
      try {
        renameSync(t, targets[i].path);
      } catch (e) {
        throw new FileError(`cannot write the ${files[i].what} ${files[i].path}: ${reasonOf(e)}`);
      }
    });
  } finally {
    for (const t of temporary) if (t !== undefined) rmSync(t, { force: true });
  }
}

/** The process's own streams, which writeWhole writes in place. */
const STREAM_PATH = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/;

/** A stream, device or pipe (not a file, nor nothing yet): written as it is (writeWhole). */
export function isSpecialPath(path: string): boolean {
  if (STREAM_PATH.test(path)) return true;
  try {
    const stat = statSync(path);
    return !stat.isFile() && !stat.isDirectory();
  } catch {
    return false;
  }
}

/** Where a symbolic link to a file not there yet points, or undefined for any other path. */
function danglingTarget(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return resolve(dirname(path), readlinkSync(path));
  } catch {
    return undefined;
  }
}

/** Bytes per write: writeFileSync refuses a buffer past 2 GiB, which a safetensors file may be. */
const WRITE_CHUNK = 2 ** 30;

/** Writes `bytes` to `path` (created or truncated), a chunk at a time. */
function writeInChunks(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    writeAll(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes all of `bytes` to the file descriptor `fd`, a chunk at a time. Node makes a pipe
 * non-blocking once process.stdout or process.stderr is opened on it, so a full pipe (EAGAIN)
 * waits for its reader to take some; any other failure is thrown as it comes.
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.byteLength;) {
    try {
      at += writeSync(fd, bytes, at, Math.min(WRITE_CHUNK, bytes.byteLength - at));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The file descriptor a STREAM_PATH names: 1, 2, or its number. */
function streamDescriptor(path: string): number {
  if (path === "/dev/stdout") return 1;
  if (path === "/dev/stderr") return 2;
  return Number(path.slice(path.lastIndexOf("/") + 1));
}

/** Makes a folder (and its parents), turning a failure into a FileError. */
export function makeFolder(path: string, what: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new FileError(`cannot make the ${what} ${path}: ${reasonOf(e)}`);
  }
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: "no such folder",
    EEXIST: "a file is in the way",
    EISDIR: "it is a directory",
    ENOTDIR: "a file is in the way",
    EACCES: "permission denied",
    EROFS: "read-only file system",
    ENOSPC: "no space left",
  };
  return (code && reasons[code]) ?? String((e as Error).message);
}

/**
 * A network's weights from a safetensors file, in `expectedTensors` order, or deterministic
 * ones from `initialWeights` when no file is given. Problems are FileErrors naming the file.
 */
export function loadWeights(network: Network, path: string | undefined, seed = 0): Float32Array[] {
  if (path === undefined) return initialWeights(network, seed).map((t) => t.data);
  try {
    return matchTensors(readSafetensors(readBytes(path, "weights file")), expectedTensors(network));
  } catch (e) {
    if (e instanceof FileError && !e.message.startsWith("cannot read")) {
      throw new FileError(`${path}: ${e.message}`);
    }
    throw e;
  }
}

export interface InputOptions {
  /** Per-channel mean subtracted from PNG pixels (after scaling to 0..1). */
  mean?: number[];
  /** Per-channel standard deviation PNG pixels are divided by. */
  std?: number[];
  /** How an image of another size is resized to the input's (half-pixel centres by default). */
  resize?: ResizeMode;
}

/** The input files loadInput reads, by extension. */
const INPUT_TYPES = [".npy", ".png", ".jpg", ".jpeg", ".bin", ".f32", ".raw"];

/**
 * A network input from a file: `.npy` (H x W x C or N x H x W x C, any float or integer type),
 * raw float32 (`.bin`, `.f32`, `.raw`: a whole number of H·W·C samples) or an image, `.png` or
 * `.jpg` (resized to H x W, scaled to 0..1, then normalised with mean and std). Any other
 * extension is refused. Returns the data and the batch.
 */
export function loadInput(
  network: Network,
  path: string,
  options: InputOptions = {},
): { data: Float32Array; batch: number } {
  const [h, w, c] = network.input;
  const sample = h * w * c;
  const extension = extname(path).toLowerCase();
  // A directory or a missing file says so before its name's extension is judged.
  const unreadable = whyUnreadable(path, "input");
  if (unreadable) throw new FileError(unreadable);
  if (!INPUT_TYPES.includes(extension)) {
    throw new FileError(
      `${path}: dsnet does not know this kind of input (${extension || "no extension"}); inputs are .npy, .png, .jpg or raw float32 (.bin)`,
    );
  }
  const bytes = readBytes(path, "input");
  try {
    if (extension === ".npy") {
      const array = readNpy(bytes);
      const shape = array.shape;
      const matches =
        (shape.length === 3 && shape[0] === h && shape[1] === w && shape[2] === c) ||
        (shape.length === 4 && shape[0] >= 1 && shape[1] === h && shape[2] === w && shape[3] === c);
      if (!matches) {
        throw new FileError(
          `the input is [${shape.join(", ")}], but the network takes [${h}, ${w}, ${c}] (HWC) or [N, ${h}, ${w}, ${c}] (NHWC)`,
        );
      }
      return { data: array.data, batch: shape.length === 4 ? shape[0] : 1 };
    }
    if (extension === ".png" || extension === ".jpg" || extension === ".jpeg") {
      if (c !== 3) throw new FileError(`an image gives 3 channels, but the network takes ${c}`);
      const image = readImage(bytes, pixelBudget(h * w));
      const resized =
        image.height === h && image.width === w
          ? image.data
          : resizeBilinear(image.data, image.height, image.width, 3, h, w, options.resize);
      const mean = options.mean ?? [0, 0, 0];
      const std = options.std ?? [1, 1, 1];
      if (mean.length !== 3 || std.length !== 3)
        throw new FileError("--mean and --std take 3 values, one per channel");
      return { data: normalize(resized, 3, mean, std), batch: 1 };
    }
    if (bytes.byteLength % (sample * 4) !== 0 || bytes.byteLength === 0) {
      throw new FileError(
        `${bytes.byteLength} bytes is not a whole number of ${h}x${w}x${c} float32 samples (${sample * 4} bytes each)`,
      );
    }
    const batch = bytes.byteLength / (sample * 4);
    return { data: readRawFloat32(bytes, batch * sample), batch };
  } catch (e) {
    if (e instanceof FileError) throw new FileError(`${path}: ${e.message}`);
    throw e;
  }
}
