import { FileError } from "../errors.js";
import { formatShape, shorten } from "../elements.js";
import type { TensorSpec } from "../tensors.js";
import type { ImportSource, SourceTensor } from "./source.js";

/** One line of the mapping: a file's tensor and the network's tensor it becomes. */
export interface MappingRow {
  source?: SourceTensor;
  target?: TensorSpec;
  /** imported: source → target; left out: a file's tensor with no place; initial: a target filled with initial weights. */
  status: "imported" | "left out" | "initial";
}

export interface Mapping {
  /** The order of the file's tensors that matched (`state_dict order`, ...). */
  order: string;
  /** In the network's order, with the file's left-out tensors where they fell. */
  rows: MappingRow[];
  /** The `num_batches_tracked` tensors, which dsnet has no use for. */
  skipped: string[];
}

export interface MatchOptions {
  /** Explicit pairs, file name → dsnet name, or → null to leave a file's tensor out. */
  renames?: Map<string, string | null>;
  /** Load what matches, leave the rest out and fill the network's missing tensors. */
  partial?: boolean;
}

/** The most differences one error lists. */
const LISTED = 3;

/** The roles PyTorch names a tensor with, which must agree with dsnet's where the file has one. */
const ROLES = new Set(["weight", "bias", "running_mean", "running_var"]);

/**
 * Pairs a file's tensors with the network's expected tensors by structure: in order, one for
 * one, every shape equal (and the role, `weight`, `bias`, ..., where the file's name ends in
 * one), after the explicit `renames`, whose shapes must agree but whose roles are the user's
 * word; `num_batches_tracked` is skipped. The orders tried are the names' where every name is
 * a dsnet name after one prefix (see nameOrder), then the source's; the first that matches
 * completely wins. Without `partial` any difference is a FileError listing the first ones;
 * with it, the longest run of agreeing pairs in order is loaded (an alignment, so a
 * classifier of another width or a missing head leaves out only those tensors) and the rest
 * is listed as left out or initial.
 */
export function matchSource(
  source: ImportSource,
  expected: readonly TensorSpec[],
  options: MatchOptions = {},
): Mapping {
  const skipped = source.orders[0].tensors
    .filter((t) => t.name.endsWith("num_batches_tracked"))
    .map((t) => t.name);
  const fileOrders = source.orders.map((o) => ({
    name: o.name,
    tensors: o.tensors.filter((t) => !t.name.endsWith("num_batches_tracked")),
  }));
  const pinned = pinnedPairs(fileOrders[0].tensors, expected, source.prefix, options.renames);
  const free = (tensors: SourceTensor[]) => tensors.filter((t) => !pinned.sources.has(t.name));
  const targets = expected.filter((s) => !pinned.targets.has(s.name));
  const orders = [...nameOrder(free(fileOrders[0].tensors), targets), ...fileOrders];
  // a pair the user wrote is loaded or refused, never left out by --partial
  const mismatch = pinned.pairs.find(([s, t]) => !sameShape(s, t));
  if (mismatch) throw new FileError(`--map pairs ${differs(mismatch[0], mismatch[1])}`);

  if (!options.partial) {
    let first: string[] | undefined;
    for (const order of orders) {
      const sources = free(order.tensors);
      const problems = positionalProblems(sources, targets);
      if (problems.length === 0) {
        const pairs = new Map(sources.map((s, i) => [targets[i].name, s]));
        for (const [s, t] of pinned.pairs) pairs.set(t.name, s);
        const rows: MappingRow[] = expected.map((t) => ({
          source: pairs.get(t.name),
          target: t,
          status: "imported",
        }));
        for (const s of pinned.leftOut) rows.push({ source: s, status: "left out" });
        return { order: order.name, rows, skipped };
      }
      first ??= problems;
    }
    const more = first!.length > LISTED ? `; and ${first!.length - LISTED} more` : "";
    throw new FileError(
      `it does not match the network (${expected.length} tensors expected, ${fileOrders[0].tensors.length} in the file` +
        (skipped.length ? ` besides ${skipped.length} num_batches_tracked` : "") +
        `): ${first!.slice(0, LISTED).join("; ")}${more}. Pair tensors by name with --map FILE, or load what matches with --partial`,
    );
  }

  let best: { order: string; pairs: number[][]; sources: SourceTensor[] } | undefined;
  for (const order of orders) {
    const sources = free(order.tensors);
    const pairs = align(sources, targets);
    if (!best || pairs.length > best.pairs.length) best = { order: order.name, pairs, sources };
    if (pairs.length === Math.min(sources.length, targets.length)) break;
  }
  const { pairs, sources } = best!;
  const rows: MappingRow[] = [];
  let s = 0;
  let t = 0;
  for (const [i, j] of [...pairs, [sources.length, targets.length]]) {
    for (; s < i; s++) rows.push({ source: sources[s], status: "left out" });
    for (; t < j; t++) rows.push({ target: targets[t], status: "initial" });
    if (i < sources.length)
      rows.push({ source: sources[s++], target: targets[t++], status: "imported" });
  }
  for (const [source, target] of pinned.pairs) rows.push({ source, target, status: "imported" });
  for (const source of pinned.leftOut) rows.push({ source, status: "left out" });
  return { order: best!.order, rows, skipped };
}

/** The role the source gives a tensor, or its name ends in; undefined when neither says. */
function roleOf(source: SourceTensor): string | undefined {
  if (source.role) return source.role;
  const role = source.name.slice(source.name.lastIndexOf(".") + 1);
  return ROLES.has(role) ? role : undefined;
}

function sameRole(source: SourceTensor, target: TensorSpec): boolean {
  const role = roleOf(source);
  return role === undefined || role === target.role;
}

function sameShape(source: SourceTensor, target: TensorSpec): boolean {
  return (
    source.shape.length === target.shape.length &&
    source.shape.every((d, i) => d === target.shape[i])
  );
}

function agrees(source: SourceTensor, target: TensorSpec): boolean {
  return sameRole(source, target) && sameShape(source, target);
}

/** The pair in words, with why it is refused where the shapes do not already say. */
function differs(source: SourceTensor, target: TensorSpec): string {
  const pair = `${shorten(source.name)} ${formatShape(source.shape)} with ${target.name} ${formatShape(target.shape)}`;
  if (!sameShape(source, target) || sameRole(source, target)) return pair;
  return `${pair}: the roles differ (${roleOf(source)}, ${target.role})`;
}

/**
 * The file's tensors in the network's order, where each is named as a dsnet tensor after one
 * prefix (`model.bn1.bias` is `bn1.bias`) and the network has no others: names settle what
 * the file's order may not (a module registered before one that runs earlier). None otherwise.
 */
function nameOrder(
  sources: SourceTensor[],
  targets: readonly TensorSpec[],
): { name: string; tensors: SourceTensor[] }[] {
  if (sources.length === 0 || sources.length !== targets.length) return [];
  const byName = new Map(sources.map((s) => [s.name, s]));
  const first = sources[0].name;
  for (const target of targets) {
    const prefix = first.slice(0, first.length - target.name.length);
    if (!first.endsWith(target.name) || (prefix !== "" && !prefix.endsWith("."))) continue;
    const tensors = targets.map((t) => byName.get(prefix + t.name));
    if (tensors.every((t): t is SourceTensor => t !== undefined)) {
      return [{ name: prefix ? `name order (without ${prefix})` : "name order", tensors }];
    }
  }
  return [];
}

function positionalProblems(sources: SourceTensor[], targets: readonly TensorSpec[]): string[] {
  const problems: string[] = [];
  const n = Math.min(sources.length, targets.length);
  for (let i = 0; i < n; i++) {
    if (!agrees(sources[i], targets[i]))
      problems.push(`tensor ${i + 1} pairs ${differs(sources[i], targets[i])}`);
  }
  const names = (xs: string[]) =>
    xs.slice(0, LISTED).map(shorten).join(", ") + (xs.length > LISTED ? ", ..." : "");
  if (sources.length > n) {
    problems.push(
      `the file has ${sources.length - n} more (${names(sources.slice(n).map((s) => s.name))})`,
    );
  }
  if (targets.length > n) {
    problems.push(
      `the network expects ${targets.length - n} more (${names(targets.slice(n).map((t) => t.name))})`,
    );
  }
  return problems;
}

/**
 * The longest list of agreeing (source, target) index pairs that keeps both orders: a
 * longest common subsequence under `agrees`, preferring the earliest pairs.
 */
function align(sources: SourceTensor[], targets: readonly TensorSpec[]): number[][] {
  const n = sources.length;
  const m = targets.length;
  // lengths[i][j]: the longest alignment of sources[i..] with targets[j..]
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i][j] = agrees(sources[i], targets[j])
        ? lengths[i + 1][j + 1] + 1
        : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const pairs: number[][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (agrees(sources[i], targets[j]) && lengths[i][j] === lengths[i + 1][j + 1] + 1) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

/** The --map pairs, checked: every file name present, every dsnet name expected, none twice. */
function pinnedPairs(
  sources: SourceTensor[],
  expected: readonly TensorSpec[],
  prefix: string,
  renames: Map<string, string | null> | undefined,
) {
  const pairs: [SourceTensor, TensorSpec][] = [];
  const leftOut: SourceTensor[] = [];
  const sourceNames = new Set<string>();
  const targets = new Set<string>();
  const byName = new Map(sources.map((s) => [s.name, s]));
  const specs = new Map(expected.map((s) => [s.name, s]));
  for (const [from, to] of renames ?? []) {
    const name =
      prefix && from.startsWith(prefix) && !byName.has(from) ? from.slice(prefix.length) : from;
    const source = byName.get(name);
    if (!source) throw new FileError(`--map names ${shorten(from)}, which is not in the file`);
    sourceNames.add(name);
    if (to === null) {
      leftOut.push(source);
      continue;
    }
    const target = specs.get(to);
    if (!target)
      throw new FileError(
        `--map names ${shorten(to)}, which the network does not have (see dsnet weights list)`,
      );
    if (targets.has(to)) throw new FileError(`--map gives ${shorten(to)} twice`);
    targets.add(to);
    pairs.push([source, target]);
  }
  return { pairs, leftOut, sources: sourceNames, targets };
}

/** The mapping as a table: file name, dsnet name, shape, and what happened when not imported. */
export function formatMapping(mapping: Mapping): string {
  const cells = mapping.rows.map((r) => [
    r.source?.name ?? "-",
    r.target?.name ?? "-",
    formatShape(r.source?.shape ?? r.target!.shape),
    r.status === "imported" ? "" : r.status === "left out" ? "left out" : "initial weights",
  ]);
  const header = ["file", "dsnet", "shape", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const imported = mapping.rows.filter((r) => r.status === "imported").length;
  const notes = [
    `${imported} tensors imported in ${mapping.order}`,
    ...(mapping.skipped.length ? [`${mapping.skipped.length} num_batches_tracked skipped`] : []),
    ...countOf(mapping, "left out", "left out of the file"),
    ...countOf(mapping, "initial", "filled with initial weights"),
  ];
  return [line(header), ...cells.map(line), notes.join(", ")].join("\n") + "\n";
}

function countOf(mapping: Mapping, status: MappingRow["status"], words: string): string[] {
  const n = mapping.rows.filter((r) => r.status === status).length;
  return n ? [`${n} ${words}`] : [];
}
