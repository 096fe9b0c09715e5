/**
 * A backend that cannot run a network here: no WebGPU adapter, or more memory than the backend
 * can address. The message says why and, where there is something to do, what.
 */
export class BackendUnavailableError extends Error {}

const GIB = 2 ** 30;

/**
 * The most samples one pass takes: a larger batch cannot fit in the 4 GiB a backend addresses
 * even at one float a sample, and a fixed ONNX batch dimension beyond it is a mistake.
 */
export const MAX_BATCH = 2 ** 30;

/** Throws unless `batch` is a whole number from 1 to MAX_BATCH. */
export function checkBatch(batch: number): void {
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BATCH) {
    throw new RangeError(`batch must be a whole number from 1 to ${MAX_BATCH}, got ${batch}`);
  }
}

/** Throws when `bytes` exceed what a backend can address (4 GiB for WebAssembly and WGSL). */
export function checkAddressable(bytes: number, what: string, batch: number): void {
  const limit = 2 ** 32 - 2 ** 16;
  if (bytes <= limit) return;
  throw new BackendUnavailableError(
    `${what} need${what.endsWith("s") ? "" : "s"} ${(bytes / GIB).toFixed(1)} GiB at batch ${batch}, more than the 4 GiB this backend can address` +
      (batch > 1 ? "; use a smaller --batch" : ""),
  );
}
