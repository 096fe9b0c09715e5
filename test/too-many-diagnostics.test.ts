/**
 * DS5003, the diagnostic that counts what the cap of MAX_DIAGNOSTICS dropped: an error when any
 * dropped diagnostic was one, a warning when all were warnings, so warnings alone never fail.
 * Rows as in diagnostics.test.ts, with the severity: unread `let`s (DS4102) are warnings, and
 * are reported in the order they are written, so the last one kept is the 100th `let`. Past the
 * cap an error takes the place of the last warning kept: warnings never hide what fails a run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  diagnosticToJson,
  type Diagnostic,
  type SeverityCounts,
} from "../src/diagnostics/diagnostic.js";
import { countSeverities, MAX_DIAGNOSTICS } from "../src/diagnostics/reporter.js";
import { ReplSession } from "../src/repl/session.js";
import { checkSources, cli } from "./helpers.js";

/** `input 8x8x3`, then `count` `let`s that nothing reads, from line 2. */
const unreadLets = (count: number) =>
  "input 8x8x3\n" + Array.from({ length: count }, (_, k) => `let u${k} = 8\n`).join("");

interface Case {
  name: string;
  source: string;
  code: string;
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
  /** What the DS5003 stands for: the diagnostics the cap dropped. */
  dropped: SeverityCounts;
  /** A code that must be among the diagnostics kept. */
  kept?: string;
}

const cases: Case[] = [
  {
    name: "101 unread lets",
    source: unreadLets(101),
    code: "DS5003",
    line: 101,
    column: 5,
    severity: "warning",
    message: "too many problems: 1 more warning not shown",
    dropped: { errors: 0, warnings: 1 },
  },
  {
    // The checker finishes the file's declarations, then the networks: a count carried over
    // from the first reporter to the second is kept, not counted as one diagnostic.
    name: "105 unread lets",
    source: unreadLets(105),
    code: "DS5003",
    line: 101,
    column: 5,
    severity: "warning",
    message: "too many problems: 5 more warnings not shown",
    dropped: { errors: 0, warnings: 5 },
  },
  {
    // The error takes the last warning's place: it is shown, and the DS5003 after it counts
    // the warning.
    name: "100 unread lets, then an unknown layer",
    source: unreadLets(100) + "foo\n",
    code: "DS5003",
    line: 102,
    column: 1,
    severity: "warning",
    message: "too many problems: 1 more warning not shown",
    dropped: { errors: 0, warnings: 1 },
    kept: "DS2001",
  },
  {
    name: "101 unread lets, then an unknown layer",
    source: unreadLets(101) + "foo\n",
    code: "DS5003",
    line: 103,
    column: 1,
    severity: "warning",
    message: "too many problems: 2 more warnings not shown",
    dropped: { errors: 0, warnings: 2 },
    kept: "DS2001",
  },
  {
    // Two, so that a DS5003 counted as one error (its own severity) would be told apart.
    name: "102 unknown layers",
    source: "input 8x8x3\n" + "foo\n".repeat(102),
    code: "DS5003",
    line: 101,
    column: 1,
    severity: "error",
    message: "too many problems: 2 more errors not shown",
    dropped: { errors: 2, warnings: 0 },
  },
];

describe("DS5003, past the cap on diagnostics", () => {
  it.each(cases)("$name → $code ($severity) at $line:$column", (c) => {
    const diagnostics = checkSources(c.source).diagnostics.map(diagnosticToJson);
    expect(diagnostics.length).toBe(MAX_DIAGNOSTICS + 1);
    const last = diagnostics[diagnostics.length - 1];
    expect(last).toMatchObject({
      code: c.code,
      line: c.line,
      column: c.column,
      severity: c.severity,
      message: c.message,
      dropped: c.dropped,
    });
    if (c.kept) expect(diagnostics.map((d) => d.code)).toContain(c.kept);
  });

  it.each(cases)("$name: a copy of the $code counts what it stands for", (c) => {
    const tooMany = checkSources(c.source).diagnostics.at(-1)!;
    const copies: Diagnostic[] = [{ ...tooMany }, JSON.parse(JSON.stringify(tooMany))];
    for (const copy of copies) expect(countSeverities([copy])).toEqual(c.dropped);
  });

  const dir = mkdtempSync(join(tmpdir(), "dsnet-ds5003-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lets `dsnet check` pass a file whose only problems are warnings", async () => {
    const warnings = join(dir, "warnings.dsnet");
    const withError = join(dir, "error.dsnet");
    writeFileSync(warnings, unreadLets(101));
    writeFileSync(withError, unreadLets(100) + "foo\n");

    const text = await cli("check", warnings);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("warning DS5003: too many problems: 1 more warning not shown");
    const json = await cli("check", "--json", warnings);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).diagnostics.at(-1)).toMatchObject({
      code: "DS5003",
      severity: "warning",
      dropped: { errors: 0, warnings: 1 },
    });

    const failing = await cli("check", withError);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("error DS2001: unknown layer or block `foo`");
    expect(failing.stderr).toContain("warning DS5003: too many problems: 1 more warning not shown");
    // The count is of every problem, those the DS5003 stands for too.
    expect(failing.stderr).toContain("1 error, 100 warnings");
    expect(text.stderr).toContain("0 errors, 101 warnings");
  });

  it("lets the REPL keep the 101st unread let, without a whole check", async () => {
    const session = new ReplSession();
    for (const line of unreadLets(100).trimEnd().split("\n")) {
      expect((await session.handleLine(line)).failed).toBe(false);
    }
    const checks = session.wholeChecks;
    expect(await session.handleLine("let u100 = 8")).toMatchObject({
      failed: false,
      messages: "",
    });
    expect(session.wholeChecks).toBe(checks);
    // The REPL's checks leave unread `let`s out, so they do not count towards the cap: `pw 0`
    // is told its own error, with no DS5003 for the unread `let`s.
    const rejected = await session.handleLine("pw 0");
    expect(rejected.failed).toBe(true);
    expect(rejected.messages).toMatch(/^<repl>:103:\d+: error DS4003/);
    expect(rejected.messages).not.toContain("DS5003");
  });
});
