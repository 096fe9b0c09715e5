import { autocompletion, type CompletionContext } from "@codemirror/autocomplete";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { basicSetup } from "codemirror";
import type { BlockDecl } from "../syntax/ast.js";
import { layerSpecs } from "../check/layers.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { complete } from "../repl/complete.js";
import { dsnetLanguage } from "./language.js";

/*
 * The editor: CodeMirror 6 with dsnet's highlighting, the REPL's completion (layer names,
 * block names, parameter names), and the checker's diagnostics as lint markers.
 */

const highlighting = HighlightStyle.define([
  { tag: tags.keyword, color: "#8a3ffc", fontWeight: "600" },
  { tag: tags.function(tags.variableName), color: "#0f62fe" },
  { tag: tags.number, color: "#b45309" },
  { tag: tags.string, color: "#15803d" },
  { tag: tags.atom, color: "#be185d" },
  { tag: tags.attributeName, color: "#b45309" },
  { tag: tags.lineComment, color: "#6b7280", fontStyle: "italic" },
  { tag: tags.operator, color: "#0e7490" },
  { tag: tags.invalid, color: "#dc2626", textDecoration: "underline wavy" },
]);

export function createEditor(
  parent: HTMLElement,
  text: string,
  options: { onChange: (text: string) => void; blocks: () => ReadonlyMap<string, BlockDecl> },
): EditorView {
  const completions = (context: CompletionContext) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const [candidates, word] = complete(before, {
      commands: [],
      blocks: options.blocks(),
      networks: [],
      parameters: [],
    });
    if (candidates.length === 0 || (word === "" && !context.explicit)) return null;
    return {
      from: context.pos - word.length,
      options: candidates.map((label) => ({
        label,
        type: label.endsWith("=") ? "property" : layerSpecs[label] ? "function" : "keyword",
        detail: layerSpecs[label]?.summary,
      })),
    };
  };
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        dsnetLanguage,
        syntaxHighlighting(highlighting),
        autocompletion({ override: [completions] }),
        lintGutter(),
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
}

/** Shows the diagnostics that lie in the editor's file as lint markers. */
export function showDiagnostics(view: EditorView, diagnostics: Diagnostic[], file: string): void {
  const length = view.state.doc.length;
  const markers: LintDiagnostic[] = diagnostics
    .filter((d) => d.span.source.path === file && d.span.source.text === view.state.doc.toString())
    .map((d) => {
      const from = Math.min(d.span.start, length);
      return {
        from,
        to: Math.min(Math.max(d.span.end, from), length),
        severity: d.severity,
        source: d.code,
        message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
      };
    });
  view.dispatch(setDiagnostics(view.state, markers));
}
