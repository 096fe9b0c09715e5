/**
 * An entry that extends the network costs what it adds, up to the parser's token cap: the REPL
 * checks it from where the network stood rather than checking the whole document again, which
 * took 1.4 s an entry at 45,000 tokens. Counted in whole checks, not timed.
 */
import { describe, expect, it } from "vitest";
import { catalogue } from "../src/diagnostics/catalogue.js";
import { ReplSession } from "../src/repl/session.js";
import { lex } from "../src/syntax/lexer.js";
import { syntaxLimits } from "../src/syntax/parse.js";

describe("a session at the token cap", () => {
  it("checks the whole document once, until an entry would pass the cap", async () => {
    const stages = ["dw 3x3 -> pw 32", "bn", "pw 32 -> relu"];
    const session = new ReplSession();
    expect((await session.handleLine("input 56x56x32")).failed).toBe(false);
    const before = session.wholeChecks;
    let line = 1;
    let last = await session.handleLine(stages[0]);
    while (!last.failed && session.wholeChecks === before) {
      last = await session.handleLine(stages[line++ % stages.length]);
    }

    expect(last.messages).toContain(catalogue.tooManyTokens.code);
    // Every entry before the rejected one extended the network; the rejected one was checked whole.
    expect(session.wholeChecks - before).toBe(1);
    const tokens = lex(session.text).tokens.length;
    expect(tokens).toBeGreaterThan(syntaxLimits.tokens - 5);
    expect(tokens).toBeLessThanOrEqual(syntaxLimits.tokens);
    expect(line).toBeGreaterThan(11_000);
  }, 60_000);
});

describe("a session of lets that nothing reads", () => {
  // The REPL leaves their warnings (DS4102) out of its checks, so they never reach the checker's
  // cap of MAX_DIAGNOSTICS (DS5003) and every entry extends the network.
  const script = (n: number, read: boolean) =>
    Array.from({ length: n }, (_, k) =>
      k === 0 ? "input 56x56x32" : k % 2 ? `let c${k} = 32` : read ? `pw c${k - 1}` : "pw 32",
    );

  it("extends the network on every line, past the cap", async () => {
    const session = new ReplSession();
    for (const line of script(1000, false)) await session.handleLine(line);
    expect(session.failures).toBe(0);
    expect(session.wholeChecks).toBe(1);
  }, 60_000);

  it("extends the network on every line when each let is read", async () => {
    const session = new ReplSession();
    for (const line of script(2000, true)) await session.handleLine(line);
    expect(session.failures).toBe(0);
    expect(session.wholeChecks).toBe(1);
  }, 60_000);
});
