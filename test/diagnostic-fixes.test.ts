import { describe, expect, it } from "vitest";
import { parseOverrides } from "../src/check/overrides.js";
import { diagnosticToJson, type Diagnostic } from "../src/diagnostics/diagnostic.js";
import { checkSources } from "./helpers.js";

interface Case {
  name: string;
  source: string;
  /** `--set` values, for a mistake made on the command line. */
  set?: string[];
  code: string;
  /** The text at the diagnostic's span, which each fix replaces. */
  at: string;
  fixes: { title: string; newText: string }[];
}

const net = (body: string) => `network n(width = 16) {\n  input 8x8x16\n${body}\n}\n`;
const change = (to: string) => [{ title: `Change to \`${to}\``, newText: to }];

const cases: Case[] = [
  {
    name: "unknown layer, close to a built-in one",
    source: net("  pw 16 -> rleu"),
    code: "DS2001",
    at: "rleu",
    fixes: change("relu"),
  },
  {
    name: "unknown argument of a built-in layer",
    source: net("  dw 3x3 strid=2"),
    code: "DS2006",
    at: "strid",
    fixes: change("stride"),
  },
  {
    name: "unknown argument of a block",
    source: "block widen(channels) {\n  pw channels -> relu\n}\n" + net("  widen(chanels=32)"),
    code: "DS2006",
    at: "chanels",
    fixes: change("channels"),
  },
  {
    name: "unknown name in an expression",
    source: net("  pw widht"),
    code: "DS2010",
    at: "widht",
    fixes: change("width"),
  },
  {
    name: "unknown function",
    source: net("  pw itn(width / 2)"),
    code: "DS2011",
    at: "itn",
    fixes: change("int"),
  },
  {
    name: "`=` in a condition",
    source: "block b(s) {\n  if s = 1 {\n    dw 3x3\n  }\n}\n" + net("  b(1)"),
    code: "DS1002",
    at: "=",
    fixes: change("=="),
  },
  {
    name: "depthwise layer that shrinks the map, at its pad value",
    source: net("  dw 3x3 pad=0"),
    code: "DS4101",
    at: "0",
    fixes: [{ title: "Pad with `same` (keeps the size)", newText: "same" }],
  },
  {
    name: "depthwise layer that shrinks the map, padding given by position",
    source: net("  dw 3x3 valid"),
    code: "DS4101",
    at: "valid",
    fixes: [{ title: "Pad with `same` (keeps the size)", newText: "same" }],
  },
  {
    name: "fractional channel count",
    source: net("  pw width * 0.47"),
    code: "DS4003",
    at: "width * 0.47",
    fixes: [
      { title: "Round with `int(width * 0.47)`", newText: "int(width * 0.47)" },
      {
        title: "Round with `make_divisible(width * 0.47, 8)`",
        newText: "make_divisible(width * 0.47, 8)",
      },
    ],
  },
  {
    name: "unknown layer with no close name: help, no fix",
    source: net("  zzqqxx 16"),
    code: "DS2001",
    at: "zzqqxx",
    fixes: [],
  },
  {
    // The help names the parameter meant, but the span is the network's name, not the typo.
    name: "unknown --set parameter: reported at the network, no fix",
    source: net("  pw 16"),
    set: ["wdth=8"],
    code: "DS6001",
    at: "n",
    fixes: [],
  },
];

function check(source: string, set: string[] = []) {
  const parsed = parseOverrides(set);
  if (!parsed.ok) throw new Error(parsed.message);
  return checkSources(source, {}, { overrides: parsed.overrides }).diagnostics;
}

const textAt = (d: Diagnostic) => d.span.source.text.slice(d.span.start, d.span.end);

describe("quick fixes carried by diagnostics", () => {
  it.each(cases)("$name → $code", (c) => {
    const diagnostics = check(c.source, c.set);
    const found = diagnostics.find((d) => d.code === c.code);
    expect(found, JSON.stringify(diagnostics.map((d) => d.message))).toBeDefined();
    const d = found!;
    expect(textAt(d)).toBe(c.at);
    expect(d.fixes ?? []).toEqual(c.fixes);
  });

  // Each fix replaces the diagnostic's span and nothing else: applied, the problem is gone.
  it.each(cases.filter((c) => c.fixes.length > 0))("$name: every fix clears it", (c) => {
    const d = check(c.source, c.set).find((d) => d.code === c.code)!;
    for (const fix of d.fixes!) {
      const fixed = c.source.slice(0, d.span.start) + fix.newText + c.source.slice(d.span.end);
      const after = check(fixed, c.set);
      expect(
        after.filter((a) => a.severity === "error" || a.code === c.code),
        fixed,
      ).toEqual([]);
    }
  });

  it("are in the JSON of `dsnet check --json`, last, and absent when there are none", () => {
    const [typo] = check(net("  pw widht")).map(diagnosticToJson);
    expect(Object.keys(typo).at(-1)).toBe("fixes");
    expect(typo.fixes).toEqual(change("width"));
    const [none] = check(net("  zzqqxx 16")).map(diagnosticToJson);
    expect(JSON.parse(JSON.stringify(none))).not.toHaveProperty("fixes");
  });
});
