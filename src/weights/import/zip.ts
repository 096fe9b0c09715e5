import { unzipSync } from "fflate";
import { FileError } from "../errors.js";
import { shorten } from "../elements.js";

/** The most bytes one entry may declare: no weights entry dsnet can hold is larger. */
export const MAX_ENTRY_BYTES = 2 ** 31;

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
