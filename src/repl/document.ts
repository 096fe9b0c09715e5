import type { Diagnostic, RelatedLocation } from "../diagnostics/diagnostic.js";
import { lineStartIndex, Source, type Span } from "../syntax/source.js";

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
 * Lines shared by a document and the documents made from it, append-only: a session's undo
 * states hold how many of them are theirs, not a copy. Appending to a document that is not the
 * newest one made from these lines forgets the lines after it, as `extendNetwork` forgets the
 * layers of an extension that was dropped or undone: the session keeps only the documents of
 * its current state and the undo states before it, each a prefix of the next.
 */
class SharedLines {
  readonly lines: DocumentLine[] = [];
  /** Where each line starts in the document's text, and after the last one, its end. */
  readonly starts: number[] = [0];

  push(line: DocumentLine): void {
    this.lines.push(line);
    this.starts.push(this.starts[this.starts.length - 1] + line.text.length + 1);
  }

  truncate(length: number): void {
    this.lines.length = length;
    this.starts.length = length + 1;
  }
}

/**
 * The program a session has built, held as a real .dsnet file: the checker sees `text`, with the
 * path `path` (imports resolve from it). Each line remembers where it was written, so a
 * diagnostic found in the document is shown at the line the user typed or loaded. Immutable:
 * every change makes a new document, which is what `:undo` goes back to. A document is the first
 * `sharedLength` of its shared lines, then lines of its own (`tail`: from the current network's
 * closing brace on), so an entry costs what it adds, not what the document holds.
 */
export class SessionDocument {
  /** The length of `text`, without building it. */
  readonly textLength: number;

  private constructor(
    readonly path: string,
    private readonly shared: SharedLines,
    private readonly sharedLength: number,
    private readonly tail: readonly DocumentLine[],
  ) {
    let length = shared.starts[sharedLength];
    for (const line of tail) length += line.text.length + 1;
    this.textLength = length;
  }

  static empty(path: string): SessionDocument {
    return new SessionDocument(path, new SharedLines(), 0, []);
  }

  static fromFile(path: string, text: string): SessionDocument {
    const file = new Source(path, text);
    const shared = new SharedLines();
    let offset = 0;
    const lines = text.split("\n");
    if (text.endsWith("\n")) lines.pop();
    for (const line of lines) {
      shared.push({ text: line, file, offset });
      offset += line.length + 1;
    }
    return new SessionDocument(path, shared, shared.lines.length, []);
  }

  get lineCount(): number {
    return this.sharedLength + this.tail.length;
  }

  /** The document's text, built afresh (documents do not keep it: undo states would each hold one). */
  get text(): string {
    let text = "";
    for (let i = 0; i < this.lineCount; i++) text += this.line(i).text + "\n";
    return text;
  }

  /** The 1-based number of a line of the document (searched from the end, where entries go). */
  lineNumber(line: DocumentLine): number {
    for (let i = this.lineCount - 1; i >= 0; i--) if (this.line(i) === line) return i + 1;
    return 0;
  }

  /** Whether nothing but spaces and line breaks follows the document offset `at`. */
  onlySpaceAfter(at: number): boolean {
    const { index, column } = this.locate(at + 1);
    if (
      this.line(index)
        .text.slice(column - 1)
        .trim() !== ""
    )
      return false;
    for (let i = index + 1; i < this.lineCount; i++) {
      if (this.line(i).text.trim() !== "") return false;
    }
    return true;
  }

  append(entry: readonly DocumentLine[]): SessionDocument {
    return this.derive(this.lineCount, entry, []);
  }

  /**
   * The entry on lines of its own just before the `}` at offset `brace`; the line holding the
   * brace is split when something comes before it (`network n { input 8x8x3 }`).
   */
  insertBefore(brace: number, entry: readonly DocumentLine[]): SessionDocument {
    const { index, column } = this.locate(brace);
    const line = this.line(index);
    const before = line.text.slice(0, column - 1);
    const after: DocumentLine[] = [];
    for (let i = index + 1; i < this.lineCount; i++) after.push(this.line(i));
    if (before.trim() === "") return this.derive(index, entry, [line, ...after]);
    const head = { ...line, text: before };
    const rest = { ...line, text: line.text.slice(column - 1), offset: line.offset + column - 1 };
    return this.derive(index, [head, ...entry], [rest, ...after]);
  }

  /**
   * This document's first `keep` lines, then `added`, then `tail`: the first two in shared lines,
   * this document's own unless `keep` cuts into them (then a copy of those kept).
   */
  private derive(
    keep: number,
    added: readonly DocumentLine[],
    tail: readonly DocumentLine[],
  ): SessionDocument {
    let shared = this.shared;
    if (keep < this.sharedLength) {
      shared = new SharedLines();
      for (let i = 0; i < keep; i++) shared.push(this.shared.lines[i]);
    } else {
      shared.truncate(this.sharedLength);
      for (let i = this.sharedLength; i < keep; i++) shared.push(this.tail[i - this.sharedLength]);
    }
    for (const line of added) shared.push(line);
    return new SessionDocument(this.path, shared, shared.lines.length, tail);
  }

  private line(index: number): DocumentLine {
    return index < this.sharedLength
      ? this.shared.lines[index]
      : this.tail[index - this.sharedLength];
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
    if (this.lineCount === 0) return span;
    const start = this.locate(span.start);
    const line = this.line(start.index);
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
    const found = line >= 1 && line <= this.lineCount ? this.line(line - 1) : undefined;
    return found && { source: found.file ?? transcript, offset: found.offset };
  }

  /** The line holding a document offset (0-based) and the 1-based column; clamps to the end. */
  private locate(offset: number): { index: number; column: number } {
    if (this.lineCount === 0) return { index: 0, column: 1 };
    const { starts } = this.shared;
    let index: number;
    let start: number;
    if (this.sharedLength > 0 && offset < starts[this.sharedLength]) {
      index = lineStartIndex(starts, offset, this.sharedLength);
      start = starts[index];
    } else {
      index = this.sharedLength;
      start = starts[this.sharedLength];
      while (index < this.lineCount - 1 && offset > start + this.line(index).text.length) {
        start += this.line(index).text.length + 1;
        index++;
      }
      if (index === this.lineCount) {
        // No tail: the offset is at or past the end of the last shared line.
        index--;
        start = starts[index];
      }
    }
    const length = this.line(index).text.length;
    return { index, column: Math.max(0, Math.min(offset - start, length)) + 1 };
  }
}
