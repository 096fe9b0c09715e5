/*
 * node:path for the page: the POSIX functions the checker uses to resolve imports
 * (src/check/program.ts). The page's files live in a virtual root, "/".
 */

export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/** `path` without "." and ".." parts and repeated slashes, as an absolute path. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

export function resolve(...paths: string[]): string {
  let path = "";
  for (const p of paths) path = isAbsolute(p) ? p : `${path}/${p}`;
  return normalize(path);
}

export function dirname(path: string): string {
  const at = normalize(path).lastIndexOf("/");
  return at <= 0 ? "/" : normalize(path).slice(0, at);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

export function join(...paths: string[]): string {
  return normalize(paths.join("/")).slice(isAbsolute(paths[0] ?? "") ? 0 : 1);
}
