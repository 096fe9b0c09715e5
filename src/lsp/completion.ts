import {
  CompletionItemKind,
  InsertTextFormat,
  type CompletionItem,
} from "vscode-languageserver/node.js";
import { layerSpecs, type LayerSpec } from "../check/layers.js";
import type { ParamSpec } from "../check/parameters.js";
import { blockSignature } from "../repl/feedback.js";
import type * as A from "../syntax/ast.js";
import { printExpr } from "../syntax/printer.js";
import type { Analysis } from "./analysis.js";
import { visibleAt, type Declaration } from "./names.js";

/** Stages that are not calls; the joins start with a keyword too. */
const stageKeywords = ["repeat", "residual", "if", "concat", "add", "mul"];
/** Words that start a statement or declaration. */
const lineKeywords = ["input", "let", "block", "network", "import"];

/** `in.c`, `in.h`, `in.w`: the shape flowing into the current layer. */
const shapeFields = { c: "channels", h: "height", w: "width" };

const snippets: { label: string; detail: string; body: string; lineStart?: boolean }[] = [
  {
    label: "network",
    detail: "a network with its input",
    body: "network ${1:name} {\n\tinput ${2:224}x${3:224}x${4:3}\n\t$0\n}",
    lineStart: true,
  },
  {
    label: "block",
    detail: "a block with parameters",
    body: "block ${1:name}(${2:out}, ${3:stride} = 1) {\n\t$0\n}",
    lineStart: true,
  },
  { label: "repeat", detail: "repeat n as i { ... }", body: "repeat ${1:n} as ${2:i} {\n\t$0\n}" },
  {
    label: "residual",
    detail: "residual if ... { ... }",
    body: "residual if ${1:in.c == out} {\n\t$0\n}",
  },
  {
    label: "separable",
    detail: "dw 3x3 -> bn -> relu6, pw -> bn -> relu6",
    body: "dw 3x3 s=${1:1} -> bn -> relu6\npw ${2:64} -> bn -> relu6",
  },
];

/**
 * What can be written at `offset`: at the start of a stage, layers, blocks in scope, keywords
 * and snippets; after a layer or block name, its named arguments with their defaults and the
 * names in scope; after `name=`, the values that parameter takes.
 */
export function completionsAt(analysis: Analysis, text: string, offset: number): CompletionItem[] {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  if (/#|"/.test(prefix)) return []; // in a comment or an import's path
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(prefix)?.[0] ?? "";
  const before = prefix.slice(0, prefix.length - word.length);
  const blocks = analysis.result.program.blocks;
  if (/\bin\.$/.test(before)) {
    return Object.entries(shapeFields).map(([field, what]) => ({
      label: field,
      kind: CompletionItemKind.Field,
      detail: `the ${what} flowing into this layer`,
    }));
  }
  if (/(^|->|[{;]|[A-Za-z0-9_]:)\s*$/.test(before)) {
    const items: CompletionItem[] = [
      ...Object.values(layerSpecs).map(layerItem),
      ...[...blocks.values()].map(blockItem),
      ...stageKeywords.map((k) => ({ label: k, kind: CompletionItemKind.Keyword })),
    ];
    const atLineStart = before.trim() === "";
    if (atLineStart) {
      items.push(...lineKeywords.map((k) => ({ label: k, kind: CompletionItemKind.Keyword })));
    }
    for (const s of snippets) {
      if (s.lineStart && !atLineStart) continue;
      items.push({
        label: s.label,
        kind: CompletionItemKind.Snippet,
        detail: s.detail,
        insertText: s.body,
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: `~${s.label}`,
      });
    }
    return items;
  }
  // The stage being written: what follows the last `->`, `{` or `;`, maybe after a label.
  const stage = before.split(/->|[{;]/).pop()!;
  const callee = /^\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*)/.exec(stage)?.[1];
  const params = parametersOf(callee, blocks);
  const assigned = /([A-Za-z_][A-Za-z0-9_]*)\s*=\s*$/.exec(before)?.[1];
  const names = visibleAt(analysis.names, offset).map(nameItem);
  const inputShape = Object.entries(shapeFields).map(([field, what]) => ({
    label: `in.${field}`,
    kind: CompletionItemKind.Field,
    detail: `the ${what} flowing into this layer`,
  }));
  if (assigned !== undefined) {
    const param = params.find((p) => p.name === assigned);
    const values =
      param?.type === "pad"
        ? ["same", "same_upper", "valid"]
        : param?.type === "bool"
          ? ["true", "false"]
          : [];
    return [
      ...values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember })),
      ...names,
      ...inputShape,
    ];
  }
  return [
    ...params.map((p) => ({
      label: `${p.name}=`,
      kind: CompletionItemKind.Property,
      detail: p.default !== undefined ? `default ${p.default}` : "required",
      documentation: p.doc,
    })),
    ...names,
    ...inputShape,
  ];
}

/** The parameters of a layer or block, as a layer's table gives them. */
function parametersOf(
  callee: string | undefined,
  blocks: ReadonlyMap<string, A.BlockDecl>,
): readonly Pick<ParamSpec, "name" | "type" | "default" | "doc">[] {
  if (callee === undefined) return [];
  const spec = layerSpecs[callee];
  if (spec) return spec.params;
  const block = blocks.get(callee);
  return (
    block?.params.map((p) => ({
      name: p.name.text,
      type: "number" as const,
      ...(p.default ? { default: printExpr(p.default) } : {}),
      doc: `parameter of block \`${block.name.text}\``,
    })) ?? []
  );
}

function layerItem(spec: LayerSpec): CompletionItem {
  const params = spec.params.map(
    (p) =>
      `- \`${p.name}\`${p.default !== undefined ? ` = ${p.default}` : p.required ? " (required)" : ""}: ${p.doc}`,
  );
  return {
    label: spec.name,
    kind: CompletionItemKind.Function,
    detail: spec.summary,
    ...(params.length > 0 ? { documentation: { kind: "markdown", value: params.join("\n") } } : {}),
  };
}

function blockItem(block: A.BlockDecl): CompletionItem {
  return {
    label: block.name.text,
    kind: CompletionItemKind.Module,
    detail: `block ${blockSignature(block)}`,
  };
}

function nameItem(d: Declaration): CompletionItem {
  const kind = d.kind === "parameter" ? "parameter" : d.kind === "index" ? "repeat index" : "let";
  return { label: d.name, kind: CompletionItemKind.Variable, detail: kind };
}
