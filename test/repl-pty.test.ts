import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The REPL in a real pseudo-terminal: tmux runs it, `send-keys` types, `capture-pane` reads the
 * screen. This is what checks prompts and tab completion as a user sees them. Without tmux the
 * test is skipped (and reported as skipped), except on CI, where it fails.
 */

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const onCi = process.env.CI === "true";

/** A tmux server of its own, so the test neither sees nor disturbs the user's sessions. */
const socket = `dsnet-repl-test-${process.pid}`;
const target = "repl";

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
}

function screen(): string {
  return tmux("capture-pane", "-p", "-t", target);
}

/** Polls until `ready` holds; fails after `timeoutMs` with what `describe` says of the state. */
async function poll(
  ready: () => boolean,
  what: string,
  describe: () => string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; ${describe()}`);
}

/** Waits until the screen satisfies `ready`, and returns it. */
async function waitFor(ready: (screen: string) => boolean, what: string): Promise<string> {
  let last = "";
  await poll(
    () => ready((last = screen())),
    what,
    () => `the screen was:\n${last}`,
  );
  return last;
}

/** The last line with something on it: where the prompt and the typed text are. */
function lastLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/** Types text (literally), then waits until it shows after the prompt before going on. */
async function type(text: string) {
  tmux("send-keys", "-t", target, "-l", text);
  await waitFor((s) => lastLine(s).endsWith(text.trimEnd()), `"${text}" to echo`);
}

async function press(key: string) {
  tmux("send-keys", "-t", target, key);
}

/** Presses Enter and waits for the next prompt (typed lines are never empty, so it is new). */
async function enter(prompt: string) {
  await press("Enter");
  return waitFor((s) => lastLine(s) === prompt.trimEnd(), `the prompt "${prompt}"`);
}

describe("the REPL in a terminal", () => {
  afterAll(() => {
    if (hasTmux) spawnSync("tmux", ["-L", socket, "kill-server"]);
  });

  it.skipIf(!hasTmux && !onCi)(
    "shows prompts, the continuation prompt of an open block, and completes names",
    async () => {
      if (!hasTmux)
        throw new Error("tmux is not installed, and CI=true: install it (apt-get install tmux)");
      const history = join(mkdtempSync(join(tmpdir(), "dsnet-pty-")), "history");
      const root = resolve(import.meta.dirname, "..");
      tmux(
        "new-session",
        "-d",
        "-s",
        target,
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        root,
        "-e",
        `DSNET_HISTORY=${history}`,
        "-e",
        "NO_COLOR=1",
        `${JSON.stringify(process.execPath)} bin/dsnet.js repl`,
      );
      await waitFor((s) => lastLine(s) === "dsnet>", "the first prompt");

      await type("input 56x56x128");
      let s = await enter("dsnet> ");
      expect(s).toContain("56x56x128  +0 MACs, +0 params");

      // A block over several lines: the prompt shows how many brackets are open.
      await type("block depthwise_sep(c) {");
      await enter("....1> ");
      await type("  residual {");
      await enter("....2> ");
      await type("    dw 3x3 -> bn -> relu -> pw c -> bn");
      await enter("....2> ");
      await type("  }");
      await enter("....1> ");
      await type("}");
      s = await enter("dsnet> ");
      expect(s).toContain("block depthwise_sep(c)");

      // Tab completes a block name, then the common part of two layer names; a second Tab lists them.
      await type("dep");
      await press("Tab");
      await waitFor((t) => lastLine(t) === "dsnet> depthwise_sep", "the block name completed");
      await type("(128) -> rel");
      await press("Tab");
      await waitFor((t) => lastLine(t).endsWith("-> relu"), "`rel` completed to `relu`");
      await press("Tab");
      await waitFor((t) => /relu\s+relu6/.test(t), "the list of candidates");
      await type("6");
      s = await enter("dsnet> ");
      expect(s).toContain("depthwise_sep1.dw1 + depthwise_sep1.pw1 is separable");
      expect(s).toContain("56x56x128  +");

      // Commands complete too.
      await type(":summ");
      await press("Tab");
      await waitFor((t) => lastLine(t) === "dsnet> :summary", "the command completed");
      s = await enter("dsnet> ");
      expect(s).toContain("Total MACs:");

      await type(":quit");
      await press("Enter");
      const saved = () => (existsSync(history) ? readFileSync(history, "utf8") : "");
      await poll(
        () => saved().includes(":quit"),
        "the history file",
        () => `it held:\n${saved()}`,
      );
      expect(readFileSync(history, "utf8")).toContain("block depthwise_sep(c) {\n  residual {\n");
    },
  );
});
