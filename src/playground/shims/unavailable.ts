/*
 * node:fs, node:os, node:url, node:zlib and pngjs for the page. The library modules the page bundles import
 * them for work the page never asks for (reading files from disk, loading a generated module
 * from a temporary file, decoding a PNG file); the page checks text in memory through a Host
 * and decodes images with the browser's own decoder.
 */

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser playground`);
}

export const existsSync = (): boolean => false;
export const statSync = (): never => unavailable("statSync");
export const readFileSync = (): never => unavailable("readFileSync");
export const writeFileSync = (): never => unavailable("writeFileSync");
export const mkdtempSync = (): never => unavailable("mkdtempSync");
export const readdirSync = (): never => unavailable("readdirSync");
export const rmSync = (): never => unavailable("rmSync");
export const tmpdir = (): never => unavailable("tmpdir");
export const pathToFileURL = (): never => unavailable("pathToFileURL");
export const inflateSync = (): never => unavailable("inflateSync");
export const PNG = { sync: { read: (): never => unavailable("pngjs") } };
