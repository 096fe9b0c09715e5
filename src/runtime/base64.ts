/*
 * Base64 decoding, for the kernels and the embedded weights of generated modules.
 */

/** Bytes from base64, without relying on atob or Buffer (the runtime runs anywhere). */
export function decodeBase64(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lookup = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) lookup[alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/[^A-Za-z0-9+/]/g, "");
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let j = 0;
  for (let i = 0; i + 1 < clean.length; i += 4) {
    const a = lookup[clean.charCodeAt(i)]!;
    const b = lookup[clean.charCodeAt(i + 1)]!;
    const c = i + 2 < clean.length ? lookup[clean.charCodeAt(i + 2)]! : 0;
    const d = i + 3 < clean.length ? lookup[clean.charCodeAt(i + 3)]! : 0;
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    if (j < bytes.length) bytes[j++] = (triple >> 16) & 255;
    if (j < bytes.length) bytes[j++] = (triple >> 8) & 255;
    if (j < bytes.length) bytes[j++] = triple & 255;
  }
  return bytes;
}
