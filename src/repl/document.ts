import type { Diagnostic, RelatedLocation } from "../diagnostics/diagnostic.js";
import { Source, type Span } from "../syntax/source.js";

/** The pseudo-path of what was typed in a session; its line N is the Nth line typed. */
export const REPL_PATH = "<repl>";

/**
 * One line of a session's document and where it was written: read from a file by `:load`, or
 * typed in the session (then `offset` is in the transcript of everything typed).
 */
export interface DocumentLine {
  readonly text: string;
  /** The file the line was read from; undefined for a typed line. */
  readonly file?: Source;
  /** Where `text` starts in the file or the transcript. */
  readonly offset: number;
}

/**
 * Every line typed in a session, commands and rejected lines included, so that `<repl>:LINE:COL`
 * counts lines the way the user (or the script piped in) sees them.
 */
export class Transcript {
  private text = "";
  private cached: Source | undefined;

  /** Records a line; returns where it starts. */
  add(line: string): number {
    const offset = this.text.length;
    this.text += line + "\n";
    this.cached = undefined;
    return offset;
  }

  get source(): Source {
    this.cached ??= new Source(REPL_PATH, this.text);
    return this.cached;
  }
}

/**
 * The program a session has built, held as a real .dsnet file: the checker sees `text`, with the
 * path `path` (imports resolve from it). Each line remembers where it was written, so a
 * diagnostic found in the document is shown at the line the user typed or loaded. Immutable:
 * every change makes a new document, which is what `:undo` goes back to.
 */
export class SessionDocument {
  readonly text: string;

  constructor(
    readonly path: string,
    readonly lines: readonly DocumentLine[],
  ) {
    this.text = lines.map((line) => line.text + "\n").join("");
  }

  static fromFile(path: string, text: string): SessionDocument {
    const file = new Source(path, text);
    const lines: DocumentLine[] = [];
    let offset = 0;
    for (const line of text.split("\n")) {
      lines.push({ text: line, file, offset });
      offset += line.length + 1;
    }
    if (text.endsWith("\n")) lines.pop();
    return new SessionDocument(path, lines);
  }

  append(entry: readonly DocumentLine[]): SessionDocument {
    return new SessionDocument(this.path, [...this.lines, ...entry]);
  }

  /**
   * The entry on lines of its own just before the `}` at offset `brace`; the line holding the
   * brace is split when something comes before it (`network n { input 8x8x3 }`).
   */
  insertBefore(brace: number, entry: readonly DocumentLine[]): SessionDocument {
    const { index, column } = this.locate(brace);
    const line = this.lines[index];
    const before = line.text.slice(0, column - 1);
    if (before.trim() === "") {
      return new SessionDocument(this.path, [
        ...this.lines.slice(0, index),
        ...entry,
        ...this.lines.slice(index),
      ]);
    }
    const head = { ...line, text: before };
    const tail = { ...line, text: line.text.slice(column - 1), offset: line.offset + column - 1 };
    return new SessionDocument(this.path, [
      ...this.lines.slice(0, index),
      head,
      ...entry,
      tail,
      ...this.lines.slice(index + 1),
    ]);
  }

  /**
   * The diagnostic as the user should see it: spans in the document (whose source is `document`)
   * moved to where their lines were typed or loaded, and "(line N)" in the message, which counts
   * document lines, counted the same way.
   */
  relocate(d: Diagnostic, document: Source, transcript: Source): Diagnostic {
    const move = (span: Span): Span =>
      span.source === document ? this.relocateSpan(span, transcript) : span;
    const note = (r: RelatedLocation): RelatedLocation => ({ ...r, span: move(r.span) });
    const span = move(d.span);
    const message = d.message.replace(/\(line (\d+)\)/g, (text, line: string) => {
      const origin = this.lineOrigin(Number(line), transcript);
      if (!origin) return text;
      const at = origin.source.position(origin.offset).line;
      return origin.source === span.source ? `(line ${at})` : `(${origin.source.path}:${at})`;
    });
    return {
      ...d,
      message,
      span,
      related: d.related.map(note),
      expansion: d.expansion.map(note),
    };
  }

  private relocateSpan(span: Span, transcript: Source): Span {
    if (this.lines.length === 0) return span;
    const start = this.locate(span.start);
    const line = this.lines[start.index];
    const source = line.file ?? transcript;
    const offset = line.offset + start.column - 1;
    // A span that runs onto later lines is shown to the end of its first, as the renderer does.
    const length =
      this.locate(span.end).index === start.index
        ? span.end - span.start
        : line.text.length - (start.column - 1);
    return { source, start: offset, end: offset + Math.max(0, length) };
  }

  private lineOrigin(line: number, transcript: Source) {
    const found = this.lines[line - 1];
    return found && { source: found.file ?? transcript, offset: found.offset };
  }

  /** The line holding a document offset (0-based) and the 1-based column; clamps to the end. */
  private locate(offset: number): { index: number; column: number } {
    let start = 0;
    for (let index = 0; index < this.lines.length; index++) {
      const length = this.lines[index].text.length;
      if (offset <= start + length || index === this.lines.length - 1) {
        return { index, column: Math.max(0, Math.min(offset - start, length)) + 1 };
      }
      start += length + 1;
    }
    return { index: 0, column: 1 };
  }
}
