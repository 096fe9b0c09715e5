import { catalogue } from "../diagnostics/catalogue.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** A replacement for the diagnostic's own span, offered as a quick fix. */
export interface Fix {
  title: string;
  newText: string;
}

/**
 * The fixes a diagnostic suggests. The checker writes its suggestions into the help text, always
 * in the same words (`did you mean \`stride\`?`, src/check/suggest.ts), at the span of the name
 * to replace; the few others are known by their code.
 */
export function fixesFor(d: Diagnostic): Fix[] {
  const guess = /^did you mean `([^`]+)`\?$/.exec(d.help ?? "");
  if (guess) return [{ title: `Change to \`${guess[1]}\``, newText: guess[1] }];
  // A depthwise layer that loses its border, reported at its `pad=` value.
  if (d.code === catalogue.depthwiseShrinks.code && isPadValue(d)) {
    return [{ title: "Pad with `same` (keeps the size)", newText: "same" }];
  }
  // A channel count that is not whole: `round it, for example \`int(x)\` or \`make_divisible(x, 8)\``.
  if (d.code === catalogue.badChannels.code && d.help?.startsWith("round it")) {
    return [...d.help.matchAll(/`([^`]+)`/g)].map((m) => ({
      title: `Round with \`${m[1]}\``,
      newText: m[1],
    }));
  }
  return [];
}

function isPadValue(d: Diagnostic): boolean {
  const before = d.span.source.text.slice(0, d.span.start);
  return /pad\s*=\s*$/.test(before);
}
