import type * as A from "../syntax/ast.js";
import { limits } from "./limits.js";

/** The blocks a program declares, by name. */
export type BlockTable = ReadonlyMap<string, A.BlockDecl>;

/**
 * The fewest layers source code expands to when it checks without errors, known without
 * expanding it: what lets the layer limit refuse `repeat 200000 { relu }` (or three nested
 * `repeat 1000`) up front rather than after building a million layers.
 *
 * It is a lower bound, so it never refuses a network that fits: a call of a built-in layer makes
 * at least one layer, a block call what its body makes, a repeat with a literal count that many
 * times its body (a count computed from names or `in` counts as 0 here; the repeat checks it
 * when it is reached), an `if` the smaller branch, a conditional residual its body alone.
 */
export class LayerCount {
  private known = new Map<object, number>();
  // Blocks being counted: recursion is reported (DS2003) before elaboration, but a cycle must
  // not hang this count either.
  private active = new Set<string>();

  constructor(
    private blocks: BlockTable,
    private isBuiltin: (name: string) => boolean,
  ) {}

  statements(statements: readonly A.Statement[]): number {
    let n = 0;
    for (const s of statements) {
      if (s.kind === "pipeline") for (const stage of s.stages) n += this.stage(stage);
    }
    // Counts past the limit are all the same to it; capping keeps them finite (blocks that each
    // call the previous twice double at every level).
    return Math.min(n, limits.layers + 1);
  }

  body(body: A.Body | undefined): number {
    if (!body) return 0;
    let n = this.known.get(body);
    if (n === undefined) {
      n = this.statements(body.statements);
      this.known.set(body, n);
    }
    return n;
  }

  stage(stage: A.Stage): number {
    switch (stage.kind) {
      case "call": {
        if (this.isBuiltin(stage.callee.text)) return 1;
        const block = this.blocks.get(stage.callee.text);
        if (!block || this.active.has(block.name.text)) return 0;
        this.active.add(block.name.text);
        const n = this.body(block.body);
        this.active.delete(block.name.text);
        return n;
      }
      case "repeat": {
        const count = stage.count.kind === "number" ? stage.count.value : 0;
        if (!Number.isInteger(count) || count <= 0) return 0;
        // Counts past the limit are all the same to it; capping keeps them finite.
        return Math.min(count * this.body(stage.body), limits.layers + 1);
      }
      case "residual":
        return stage.condition
          ? this.body(stage.body)
          : this.body(stage.body) + this.body(stage.shortcut) + 1;
      case "join":
        return stage.branches.reduce((n, b) => n + this.body(b), 1);
      case "if": {
        const otherwise = !stage.else
          ? 0
          : "kind" in stage.else
            ? this.stage(stage.else)
            : this.body(stage.else);
        return Math.min(this.body(stage.then), otherwise);
      }
    }
  }
}
