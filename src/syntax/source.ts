/** A source file held in memory, with the line table needed to turn offsets into positions. */
export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    /** The path as the user gave it (or a pseudo-path such as `<repl>`); used in messages. */
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a UTF-16 offset; offsets past the end clamp to the end. */
  position(offset: number): Position {
    const starts = this.starts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const index = lineStartIndex(starts, clamped, starts.length);
    return { offset: clamped, line: index + 1, column: clamped - starts[index] + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1] ?? this.text.length;
    const next = starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }

  get lineCount(): number {
    return this.starts().length;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) {
        if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/**
 * The index of the last of the first `count` line starts (ascending, the first 0) at or before
 * `offset`: the line holding it.
 */
export function lineStartIndex(starts: readonly number[], offset: number, count: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export interface Position {
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** A half-open range [start, end) of offsets in one source file. */
export interface Span {
  source: Source;
  start: number;
  end: number;
}

export function spanOf(source: Source, start: number, end: number): Span {
  return { source, start, end };
}

/** The smallest span covering both; both must be in the same file. */
export function joinSpans(a: Span, b: Span): Span {
  return { source: a.source, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
