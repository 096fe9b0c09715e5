/*
 * A generated module carries only the parts of the runtime its network calls: a module with a
 * function it never uses fails `tsc --noUnusedLocals`, and is longer to read. The runtime's text
 * (src/runtime, joined by tools/build-runtime.ts and formatted by prettier) is cut into its
 * top-level declarations, each with the comment above it; a declaration is kept when the
 * network's code or a kept declaration names it.
 *
 * The cut relies on the runtime's formatting: a declaration starts at the first column with a
 * keyword, and every other line of it is indented or starts with a closing bracket.
 */

/** One top-level piece of the runtime's text, in order. */
export interface RuntimePiece {
  /** Its lines, with the comment above it and without the blank lines after it. */
  text: string;
  /** The names it declares: none for a section's heading comment. */
  names: string[];
  /** A blank line follows it in the runtime. */
  blankAfter: boolean;
}

const DECLARATION =
  /^(?:(?:async\s+)?function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/;

/** The runtime's text cut into its headings (section comments) and declarations. */
export function runtimePieces(runtime: string): RuntimePiece[] {
  const pieces: RuntimePiece[] = [];
  let comment: string[] = [];
  let current: RuntimePiece | undefined;
  const lines = runtime.replace(/\n+$/, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") {
      // A comment with a blank line after it heads a section rather than a declaration.
      if (comment.length > 0)
        pieces.push({ text: comment.join("\n"), names: [], blankAfter: true });
      else if (current) current.blankAfter = true;
      comment = [];
      continue;
    }
    if (/^\/[*/]/.test(line)) {
      let end = i;
      if (line.startsWith("/*")) while (!lines[end]!.includes("*/")) end++;
      comment.push(...lines.slice(i, end + 1));
      i = end;
      current = undefined;
      continue;
    }
    const name = DECLARATION.exec(line)?.[1];
    if (name !== undefined) {
      current = { text: [...comment, line].join("\n"), names: [name], blankAfter: false };
      pieces.push(current);
      comment = [];
    } else if (current && /^[\s)\]}]/.test(line)) {
      // A blank line inside a declaration is part of it.
      current.text += `${current.blankAfter ? "\n" : ""}\n${line}`;
      current.blankAfter = false;
    } else {
      throw new Error(`internal: a top-level line of the runtime that dsnet cannot place: ${line}`);
    }
  }
  if (comment.length > 0) pieces.push({ text: comment.join("\n"), names: [], blankAfter: false });
  return pieces;
}

/**
 * The runtime's text with only what `code` needs: the declarations it names and, in turn, those
 * they name; a section's heading is kept with the first kept declaration under it, and the
 * runtime's own heading (the first, with no declaration before the next) always.
 */
export function runtimeFor(runtime: string, code: string): string {
  const pieces = runtimePieces(runtime);
  const declared = new Map<string, RuntimePiece>();
  for (const piece of pieces) for (const name of piece.names) declared.set(name, piece);
  const kept = new Set<RuntimePiece>();
  const visit = (text: string) => {
    for (const word of identifiers(text)) {
      const piece = declared.get(word);
      if (piece && !kept.has(piece)) {
        kept.add(piece);
        visit(piece.text);
      }
    }
  };
  visit(code);
  const out: RuntimePiece[] = [];
  pieces.forEach((piece, i) => {
    if (piece.names.length > 0) {
      if (kept.has(piece)) out.push(piece);
      return;
    }
    const next = pieces[i + 1];
    if (i === 0 && next && next.names.length === 0) out.push(piece);
    else if (sectionOf(pieces, i).some((p) => kept.has(p))) out.push(piece);
  });
  return out
    .map((p, i) => p.text + (i === out.length - 1 ? "\n" : p.blankAfter ? "\n\n" : "\n"))
    .join("");
}

/** The declarations under the heading at `i`, up to the next heading. */
function sectionOf(pieces: RuntimePiece[], i: number): RuntimePiece[] {
  const section: RuntimePiece[] = [];
  for (let j = i + 1; j < pieces.length && pieces[j]!.names.length > 0; j++)
    section.push(pieces[j]!);
  return section;
}

/** The names code uses outside its comments and quoted strings, properties (`.add`) aside. */
function identifiers(code: string): Set<string> {
  const bare = code.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g,
    " ",
  );
  const names = new Set<string>();
  for (const [, dot, name] of bare.matchAll(/(\.{1,3})?([A-Za-z_$][\w$]*)/g)) {
    if (dot !== ".") names.add(name!);
  }
  return names;
}
