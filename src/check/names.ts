import type * as A from "../syntax/ast.js";

/**
 * Names layers by their place in the structure: `conv1`, `sep2.dw`, `bottleneck2.1.pw1`. Each
 * body counts its stages by kind; a label replaces the counted name. A body with a single stage
 * gives that stage its own name rather than adding a level (`repeat1.0` rather than
 * `repeat1.0.separable1`), which keeps the names of nested blocks short.
 */
export class NameScope {
  private counters = new Map<string, number>();
  constructor(
    readonly prefix: string,
    private sole?: string,
  ) {}

  next(kind: string, label: A.Name | undefined): string {
    if (label) return this.prefix + label.text;
    if (this.sole !== undefined) return this.sole;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    // `relu6_1` rather than `relu61`.
    return `${this.prefix}${kind}${/[0-9]$/.test(kind) ? "_" : ""}${n}`;
  }

  child(name: string, statements: A.Statement[]): NameScope {
    const stages = statements.flatMap((s) => (s.kind === "pipeline" ? s.stages : []));
    const sole = stages.length === 1 && stages[0].kind !== "if" ? name : undefined;
    return new NameScope(`${name}.`, sole);
  }
}
