import { unzipSync } from "fflate";
import { FileError } from "../errors.js";
import { shorten } from "../elements.js";

/** The most bytes one entry may declare: no weights entry dsnet can hold is larger. */
const MAX_ENTRY_BYTES = 2 ** 31;

/**
 * The most deflate can expand: 258 bytes from one bit pattern of at least 2 bits, about 1032:1.
 * An entry declaring more than this times its compressed size is lying.
 */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The entries of a zip archive that `wanted` picks, by name. Before anything is allocated each
 * picked entry's declared size is checked: no more than MAX_ENTRY_BYTES, a stored entry no
 * larger than the archive, a deflated one no larger than deflate could make it; and each is
 * inflated into a buffer of its declared size and no further, so a lying entry cannot grow
 * past it. A size that comes out different from the declared one is an error too.
 */
export function readZipEntries(
  bytes: Uint8Array,
  wanted: (name: string) => boolean,
): Map<string, Uint8Array> {
  checkCentralDirectory(bytes);
  const declared = new Map<string, number>();
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: ({ name, size, originalSize, compression }) => {
        if (!wanted(name)) return false;
        const what = `the zip entry ${shorten(name)}`;
        if (compression !== 0 && compression !== 8) {
          throw new FileError(
            `${what} uses compression method ${compression}; dsnet reads stored and deflated entries`,
          );
        }
        const possible =
          compression === 0
            ? Math.min(size, bytes.byteLength)
            : Math.min(MAX_ENTRY_BYTES, size * MAX_DEFLATE_RATIO + 1024);
        if (originalSize > MAX_ENTRY_BYTES || originalSize > possible || size > bytes.byteLength) {
          throw new FileError(
            `${what} declares ${originalSize} bytes from ${size} in an archive of ${bytes.byteLength}, which cannot be true; refusing to inflate it`,
          );
        }
        if (declared.has(name)) throw new FileError(`${what} appears twice in the archive`);
        declared.set(name, originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(`it is not a readable zip archive (${(e as Error).message})`);
  }
  const entries = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    if (data.byteLength !== declared.get(name)) {
      throw new FileError(
        `the zip entry ${shorten(name)} declares ${declared.get(name)} bytes but holds ${data.byteLength}: the archive is truncated or damaged`,
      );
    }
    entries.set(name, data);
  }
  return entries;
}

/** Bytes of a central directory header with empty name, extra field and comment. */
const CENTRAL_HEADER_BYTES = 46;

/**
 * Refuses an end-of-central-directory record whose entry count or directory extent cannot fit
 * in the archive: fflate walks as many entries as the record claims, reading past the data
 * without complaint, so a lying count of millions costs seconds (found by `npm run fuzz`).
 */
function checkCentralDirectory(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => (at + 4 <= bytes.byteLength ? view.getUint32(at, true) : -1);
  // The record is 22 bytes plus a comment of at most 65,535, at the end of the archive.
  let end = bytes.byteLength - 22;
  while (end >= 0 && bytes.byteLength - end <= 65557 && u32(end) !== 0x06054b50) end--;
  if (end < 0 || bytes.byteLength - end > 65557) return; // fflate says it is not a zip
  let count = view.getUint16(end + 10, true);
  let size = u32(end + 12);
  let offset = u32(end + 16);
  const locator = end - 20;
  if (locator >= 0 && u32(locator) === 0x07064b50) {
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.byteLength || u32(record) !== 0x06064b50) {
      throw new FileError("its zip64 directory record lies outside the archive");
    }
    count = Number(view.getBigUint64(record + 32, true));
    size = Number(view.getBigUint64(record + 40, true));
    offset = Number(view.getBigUint64(record + 48, true));
  }
  if (count * CENTRAL_HEADER_BYTES > bytes.byteLength || offset + size > bytes.byteLength) {
    throw new FileError(
      `its zip directory claims ${count} entries in ${size} bytes at ${offset}, more than the ${bytes.byteLength} bytes of the archive hold`,
    );
  }
}
