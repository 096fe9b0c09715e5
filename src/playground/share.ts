import { deflateSync, inflateSync, strFromU8, strToU8 } from "fflate";

/*
 * The page's state in the URL's fragment, so a link shows what its author saw: the source,
 * deflated and in base64url, and the network chosen when the file has several.
 * `#src=<base64url>&net=<name>`. The fragment never reaches the server.
 */

export interface SharedState {
  source: string;
  network?: string;
}

export function encodeState(state: SharedState): string {
  const params = new URLSearchParams({ src: toBase64Url(deflateSync(strToU8(state.source))) });
  if (state.network) params.set("net", state.network);
  return `#${params}`;
}

/** The state in a fragment, or undefined when it holds none (or one that does not decode). */
export function decodeState(hash: string): SharedState | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const src = params.get("src");
  if (!src) return undefined;
  try {
    const source = strFromU8(inflateSync(fromBase64Url(src)));
    return { source, network: params.get("net") ?? undefined };
  } catch {
    return undefined;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
