import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { lex } from "../src/syntax/lexer.js";

/*
 * The VS Code extension (editors/vscode) builds, type-checks and packs into a .vsix with vsce,
 * offline; the .vsix (a zip) holds the manifest, the grammar generated from the parser, the
 * language configuration and the bundled client that starts `dsnet lsp --stdio`.
 */

const root = "editors/vscode";
const manifest = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
const vsixPath = `${root}/dist/dsnet-${manifest.version}.vsix`;

describe("the VS Code extension", () => {
  it("type-checks", () => {
    const run = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", root], {
      encoding: "utf8",
    });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("packs a .vsix with the manifest, grammar, language configuration and bundled client", () => {
    const run = spawnSync(process.execPath, [`${root}/build.mjs`, "--package"], {
      encoding: "utf8",
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const files = unzipSync(readFileSync(vsixPath));
    const names = Object.keys(files).sort();
    expect(names).toEqual([
      "[Content_Types].xml",
      "extension.vsixmanifest",
      "extension/LICENSE.txt",
      "extension/dist/dsnet.tmLanguage.json",
      "extension/dist/extension.js",
      "extension/language-configuration.json",
      "extension/package.json",
      "extension/readme.md",
    ]);
    const text = (name: string) => strFromU8(files[name]);

    const packed = JSON.parse(text("extension/package.json"));
    expect(packed.main).toBe("./dist/extension.js");
    expect(packed.contributes.languages).toEqual([
      expect.objectContaining({ id: "dsnet", extensions: [".dsnet"] }),
    ]);
    const [grammar] = packed.contributes.grammars;
    expect(grammar).toMatchObject({ language: "dsnet", scopeName: "source.dsnet" });
    // The grammar is the one `npm run build` generates, copied in unchanged.
    const packedGrammar = text(`extension/${grammar.path.replace(/^\.\//, "")}`);
    expect(packedGrammar).toBe(readFileSync("grammar/dsnet.tmLanguage.json", "utf8"));
    expect(JSON.parse(packedGrammar).scopeName).toBe("source.dsnet");
    expect(packed.contributes.configuration.properties["dsnet.path"].default).toBe("dsnet");
    expect(text("extension.vsixmanifest")).toContain('Id="dsnet"');

    const client = text("extension/dist/extension.js");
    // vscode is the editor's; vscode-languageclient is bundled in.
    expect(client).toContain('require("vscode")');
    expect(client).not.toMatch(/require\("vscode-languageclient/);
    expect(client).toContain("StreamMessageReader");
    expect(client).toMatch(/args:\["lsp"\]/);
    expect(client).toContain("dsnet.path");
  });

  it("declares the comments and brackets dsnet's lexer knows", () => {
    const config = JSON.parse(readFileSync(`${root}/language-configuration.json`, "utf8"));
    const comment = config.comments.lineComment as string;
    const lexed = lex(`${comment} a comment\ninput 8x8x3`);
    expect(lexed.comments.map((t) => t.image)).toEqual([`${comment} a comment`]);
    const brackets = (config.brackets as string[][]).flat().join("");
    const tokens = lex(brackets).tokens.map((t) => t.image);
    expect(tokens).toEqual([..."{}[]()"]);
  });
});
