import { existsSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { temporaryFolder } from "../bench/revision.js";

/** The listeners `temporaryFolder` added for `signal` (none after its folder is removed). */
function added(signal: NodeJS.Signals, before: readonly unknown[]): NodeJS.SignalsListener[] {
  return process.listeners(signal).filter((l) => !before.includes(l)) as NodeJS.SignalsListener[];
}

describe("bench kinds --before's temporary tree", () => {
  it("is removed by remove(), which takes its signal handlers away", () => {
    const [int, term] = [process.listeners("SIGINT"), process.listeners("SIGTERM")];
    const folder = temporaryFolder("dsnet-test-");
    expect(existsSync(folder.dir)).toBe(true);
    expect([added("SIGINT", int).length, added("SIGTERM", term).length]).toEqual([1, 1]);
    folder.remove();
    expect(existsSync(folder.dir)).toBe(false);
    expect([added("SIGINT", int), added("SIGTERM", term)]).toEqual([[], []]);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("is removed on %s, and the process exits with %i", (signal, code) => {
    const before = process.listeners(signal);
    const folder = temporaryFolder("dsnet-test-");
    const [onSignal] = added(signal, before);
    // The handler as Node would call it, with exit stubbed: this test's process goes on.
    const exit = vi.spyOn(process, "exit").mockImplementation((() => {}) as typeof process.exit);
    try {
      onSignal!(signal);
      expect(exit).toHaveBeenCalledWith(code);
    } finally {
      exit.mockRestore();
    }
    expect(existsSync(folder.dir)).toBe(false);
    expect(added(signal, before)).toEqual([]);
  });
});
