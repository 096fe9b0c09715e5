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
    /**
     * A residual or join owning the body also names its own layer after `sole`
     * (`residual1.add`): a residual or join that is the body's only stage would make a layer of
     * the same name, so it is counted instead (`residual1.residual1.add`).
     */
    private soleJoined = false,
  ) {}

  /** A scope that counts on from this one's counts; this one is left as it is. */
  copy(): NameScope {
    const copy = new NameScope(this.prefix, this.sole, this.soleJoined);
    for (const [kind, n] of this.counters) copy.counters.set(kind, n);
    return copy;
  }

  next(kind: string, label: A.Name | undefined): string {
    if (label) return this.prefix + label.text;
    if (this.sole !== undefined && !(this.soleJoined && joinKinds.has(kind))) return this.sole;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return this.prefix + countedName(kind, n);
  }

  /**
   * The names inside a stage called `name`. `joined`: the stage makes a join layer of its own
   * under `name` (a residual's body, a join's one branch). A block call that took this scope's
   * sole name passes the flag on, since its body's layers are named as if written here.
   */
  child(name: string, statements: A.Statement[], joined = false): NameScope {
    const stages = statements.flatMap((s) => (s.kind === "pipeline" ? s.stages : []));
    const sole = stages.length === 1 && stages[0].kind !== "if" ? name : undefined;
    const inherited = this.soleJoined && name === this.sole;
    return new NameScope(`${name}.`, sole, joined || inherited);
  }
}

/** The nth unlabelled stage of a kind: `relu6_1` rather than `relu61`. */
export function countedName(kind: string, n: number): string {
  return `${kind}${/[0-9]$/.test(kind) ? "_" : ""}${n}`;
}

/** Stages that make a layer named after themselves: `residual1.add`, `concat1.concat`. */
const joinKinds = new Set(["residual", "concat", "add", "mul"]);
