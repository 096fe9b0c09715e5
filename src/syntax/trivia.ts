import type { IToken } from "chevrotain";
import type * as A from "./ast.js";

/**
 * Attaches comments and blank lines to the statements and declarations they belong to, so the
 * formatter can print them back. A comment goes to the item below it; a comment on the same line
 * after an item (and before the next one) is that item's trailing comment; comments after the
 * last item of a body are the body's end comments. A comment in the middle of a statement
 * (between arguments written over several lines) moves above the statement: moved, never lost.
 * Blank lines between comments are kept as "" entries.
 */
export function attachTrivia(program: A.Program, comments: IToken[], text: string): void {
  const queue = new CommentQueue(comments);
  const blank = (from: number, to: number) => /\n[ \t\r]*\n/.test(text.slice(from, to));
  const lines = (taken: IToken[], from: number) => {
    const out: string[] = [];
    let previous = from;
    for (const c of taken) {
      if (blank(previous, c.startOffset)) out.push("");
      out.push(c.image.trimEnd());
      previous = c.startOffset + c.image.length;
    }
    return { out, end: previous };
  };

  const attachList = (items: ListItem[], from: number, to: number) => {
    let previousEnd = from;
    items.forEach((item, index) => {
      const leading = queue.takeBefore(item.span.start);
      const firstStart = leading.length > 0 ? leading[0].startOffset : item.span.start;
      item.trivia.blankLineBefore = index > 0 && blank(previousEnd, firstStart);
      const { out, end } = lines(leading, firstStart);
      if (leading.length > 0 && blank(end, item.span.start)) out.push("");
      item.trivia.leadingComments = out;
      for (const body of nestedBodies(item)) {
        const inside = queue.takeBefore(body.span.start);
        item.trivia.leadingComments.push(...inside.map((c) => c.image.trimEnd()));
        attachList(body.statements, body.span.start + 1, body.span.end);
        const last = body.statements[body.statements.length - 1];
        body.endComments = lines(
          queue.takeBefore(body.span.end - 1),
          last ? last.span.end : body.span.start + 1,
        ).out;
        if (!last) body.endComments = body.endComments.filter((c) => c !== "");
      }
      const stray = queue.takeBefore(item.span.end);
      item.trivia.leadingComments.push(...stray.map((c) => c.image.trimEnd()));
      const next = queue.peek();
      const nextItemStart = items[index + 1]?.span.start ?? to;
      if (
        next &&
        next.startOffset < nextItemStart &&
        !text.slice(item.span.end, next.startOffset).includes("\n")
      ) {
        item.trivia.trailingComment = queue.take()!.image.trimEnd();
      } else {
        delete item.trivia.trailingComment;
      }
      previousEnd = item.span.end;
    });
  };

  attachList(program.items, 0, text.length);
  const last = program.items[program.items.length - 1];
  const end = lines(queue.takeBefore(text.length + 1), last ? last.span.end : 0).out;
  // With no item above, blank lines before the first comment mean nothing; between comments, they stay.
  program.endComments = last ? end : end.slice(end.findIndex((c) => c !== ""));
}

type ListItem = A.TopLevelItem | A.Statement;

/** The bodies an item holds: a block's or network's, a pipeline's stages'. */
export function nestedBodies(item: ListItem): A.Body[] {
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

/** The bodies a stage holds, an `else if`'s included (a call holds none: its block is elsewhere). */
export function stageBodies(stage: A.Stage): A.Body[] {
  switch (stage.kind) {
    case "repeat":
      return [stage.body];
    case "residual":
      return stage.shortcut ? [stage.body, stage.shortcut] : [stage.body];
    case "join":
      return stage.branches;
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
