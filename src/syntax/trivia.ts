import type { IToken } from "chevrotain";
import type * as A from "./ast.js";

/**
 * Attaches comments and blank lines to the statements and declarations they belong to, so the
 * formatter can print them back. A comment goes to the item below it; a comment on the same line
 * after an item is that item's trailing comment; comments after the last item of a body are the
 * body's end comments. A comment in the middle of a statement (between arguments written over
 * several lines) moves above the statement: moved, never lost.
 */
export function attachTrivia(program: A.Program, comments: IToken[], text: string): void {
  const queue = new CommentQueue(comments);
  attachList(program.items, queue, text, 0, text.length);
  program.endComments = queue.takeBefore(text.length + 1).map((c) => c.image.trimEnd());
}

type ListItem = A.TopLevelItem | A.Statement;

function attachList(
  items: ListItem[],
  queue: CommentQueue,
  text: string,
  from: number,
  to: number,
): void {
  let previousEnd = from;
  for (const item of items) {
    const leading = queue.takeBefore(item.span.start);
    const firstStart = leading.length > 0 ? leading[0].startOffset : item.span.start;
    item.trivia.blankLineBefore =
      previousEnd > from && /\n[ \t\r]*\n/.test(text.slice(previousEnd, firstStart));
    item.trivia.leadingComments = leading.map((c) => c.image.trimEnd());
    for (const body of nestedBodies(item)) {
      body.endComments = [];
      const inside = queue.takeBefore(body.span.start);
      item.trivia.leadingComments.push(...inside.map((c) => c.image.trimEnd()));
      attachList(body.statements, queue, text, body.span.start + 1, body.span.end);
      body.endComments = queue.takeBefore(body.span.end - 1).map((c) => c.image.trimEnd());
    }
    const stray = queue.takeBefore(item.span.end);
    item.trivia.leadingComments.push(...stray.map((c) => c.image.trimEnd()));
    const next = queue.peek();
    if (next && next.startOffset < to && !text.slice(item.span.end, next.startOffset).includes("\n")) {
      item.trivia.trailingComment = queue.take()!.image.trimEnd();
    } else {
      delete item.trivia.trailingComment;
    }
    previousEnd = item.span.end;
  }
}

function nestedBodies(item: ListItem): A.Body[] {
  switch (item.kind) {
    case "block":
    case "network":
      return [item.body];
    case "pipeline":
      return item.stages.flatMap(stageBodies);
    default:
      return [];
  }
}

function stageBodies(stage: A.Stage): A.Body[] {
  switch (stage.kind) {
    case "repeat":
      return [stage.body];
    case "residual":
      return stage.shortcut ? [stage.body, stage.shortcut] : [stage.body];
    case "if":
      if (!stage.else) return [stage.then];
      return [stage.then, ...("kind" in stage.else ? stageBodies(stage.else) : [stage.else])];
    case "call":
      return [];
  }
}

class CommentQueue {
  private index = 0;
  constructor(private comments: IToken[]) {}

  peek(): IToken | undefined {
    return this.comments[this.index];
  }

  take(): IToken | undefined {
    return this.comments[this.index++];
  }

  /** Removes and returns every comment that starts before `offset`. */
  takeBefore(offset: number): IToken[] {
    const taken: IToken[] = [];
    while (this.index < this.comments.length && this.comments[this.index].startOffset < offset) {
      taken.push(this.comments[this.index++]);
    }
    return taken;
  }
}
