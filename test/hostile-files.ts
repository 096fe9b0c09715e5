import { crc32 } from "node:zlib";
import { zipSync } from "fflate";

/*
 * Files made byte by byte for the hostile-input tests: pickles, PyTorch checkpoints (zips) and
 * PNGs, each small enough to build in a test and easy to break in one place.
 */

/** Pickle bytes from opcodes and their arguments (protocol 2). */
export class Pickle {
  private parts: number[] = [0x80, 2];
  op(code: string | number, ...bytes: number[]): this {
    this.parts.push(typeof code === "string" ? code.charCodeAt(0) : code, ...bytes);
    return this;
  }
  raw(text: string): this {
    for (const b of new TextEncoder().encode(text)) this.parts.push(b);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.op("X", ...u32(b.length), ...b);
  }
  global(module: string, name: string): this {
    return this.op("c").raw(`${module}\n${name}\n`);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op("K", n);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.op("J", ...u32(n >>> 0));
    const bytes: number[] = [];
    let v = BigInt(n);
    for (let i = 0; i < 8; i++, v >>= 8n) bytes.push(Number(v & 0xffn));
    return this.op(0x8a, 8, ...bytes);
  }
  tuple(items: number[]): this {
    this.op("(");
    for (const x of items) this.int(x);
    return this.op("t");
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export interface TensorSpecForPickle {
  storage?: string;
  count?: number;
  offset?: number;
  size?: number[];
  stride?: number[];
}

/** A state_dict {"w": tensor} as torch.save writes it, with each part replaceable. */
export function statePickle(t: TensorSpecForPickle = {}): Uint8Array {
  return new Pickle()
    .global("collections", "OrderedDict")
    .op(")")
    .op("R")
    .op("(")
    .str("w")
    .global("torch._utils", "_rebuild_tensor_v2")
    .op("(")
    .op("(")
    .str("storage")
    .global("torch", t.storage ?? "FloatStorage")
    .str("0")
    .str("cpu")
    .int(t.count ?? 6)
    .op("t")
    .op("Q")
    .int(t.offset ?? 0)
    .tuple(t.size ?? [3, 2, 1, 1])
    .tuple(t.stride ?? [2, 1, 1, 1])
    .op(0x89)
    .global("collections", "OrderedDict")
    .op(")")
    .op("R")
    .op("t")
    .op("R")
    .op("u")
    .op(".")
    .bytes();
}

/** A torch.save zip of `pickle` and storage 0 (six floats unless given). */
export function checkpoint(pickle = statePickle(), storage = new Uint8Array(24)): Uint8Array {
  return zipSync(
    {
      "archive/data.pkl": pickle,
      "archive/data/0": storage,
      "archive/version": new TextEncoder().encode("3\n"),
    },
    { level: 0 },
  );
}

/** The zip with entry `name`'s uncompressed size in the central directory set to `size`. */
export function declaring(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = 0; at + 46 < out.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    if (new TextDecoder().decode(out.subarray(at + 46, at + 46 + length)) === name) {
      view.setUint32(at + 24, size, true);
      return out;
    }
  }
  throw new Error(`no entry ${name}`);
}

/** A PNG made chunk by chunk: 8-bit RGB, the image data as given (zlib or not). */
export function png(width: number, height: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    out.set(data, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      chunk("IHDR", header),
      chunk("IDAT", idat),
      chunk("IEND", new Uint8Array()),
    ]),
  );
}

/** The filtered rows of a width × height RGB image: a 0 filter byte, then samples `sample`. */
export function rows(width: number, height: number, sample = 0): Uint8Array {
  const stride = 1 + 3 * width;
  const out = new Uint8Array(height * stride);
  // Black rows stay untouched: pages never written are not resident, and a child process forked
  // from this one (test/hostile-rss.test.ts) counts the resident ones in its peak RSS.
  if (sample === 0) return out;
  out.fill(sample);
  for (let y = 0; y < height; y++) out[y * stride] = 0;
  return out;
}

const segment = (marker: number, body: number[]) => {
  const length = body.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...body]);
};

/**
 * A `size`×`size` grey progressive JPEG (every pixel 128) of `scans` AC scans, each an
 * end-of-band run of 32,766 blocks (all of them up to 1448×1448, 181×181 blocks): 13 bytes a
 * scan, each making jpeg-js walk every block.
 */
export function progressiveJpeg(scans: number, size = 1448): Uint8Array {
  const side = [size >> 8, size & 0xff];
  const zeros = (n: number) => new Array<number>(n).fill(0);
  const parts = [
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    segment(0xc2, [8, ...side, ...side, 1, 1, 0x11, 0]),
    // DC table 0 and AC table 0, one 1-bit code each: DC category 0, EOBRUN of 2^14 + 14 bits
    segment(0xc4, [0x00, 1, ...zeros(15), 0, 0x10, 1, ...zeros(15), 0xe0]),
  ];
  const scan = Buffer.concat([segment(0xda, [1, 1, 0x00, 1, 63, 0]), Buffer.from([0x7f, 0xff, 0])]);
  for (let i = 0; i < scans; i++) parts.push(scan);
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}
