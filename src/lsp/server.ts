import {
  CodeActionKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type InitializeResult,
  type InlayHint,
  type Location,
  type Position,
  type TextEdit,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileSystemHost, type Host } from "../check/program.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { parse } from "../syntax/parse.js";
import { printProgram } from "../syntax/printer.js";
import { analyse, type Analysis } from "./analysis.js";
import { completionsAt } from "./completion.js";
import {
  fileUri,
  locationOf,
  pathOfUri,
  rangeOf,
  toLspDiagnostic,
  type DiagnosticData,
  type Uris,
} from "./convert.js";
import { hoverAt } from "./hover.js";
import { shapeHints } from "./inlay-hints.js";
import { definitionAt, referencesAt, type Target } from "./navigation.js";
import { documentSymbols, semanticTokens, tokenModifiers, tokenTypes } from "./symbols.js";

/** How long a document rests after a keystroke before it is checked and its diagnostics sent. */
const CHECK_DELAY_MS = 50;

/**
 * dsnet's language server on `connection`: diagnostics as the documents change, hover, inlay
 * hints, completion, definitions and references, formatting, symbols, semantic tokens and quick
 * fixes, all from one check per document version (src/lsp/analysis.ts). Open documents are read
 * from memory, so an import of an unsaved file sees what the editor shows; a document that
 * imports a changed one is checked again. No request can take the server down: a failure is
 * logged to the client and answered with nothing.
 */
export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const uriOfPath = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();

  const openDocument = (path: string) => {
    const uri = uriOfPath.get(path);
    return uri === undefined ? undefined : documents.get(uri);
  };
  const host: Host = {
    readFile: (path) => openDocument(path)?.getText() ?? fileSystemHost.readFile(path),
    notUtf8: (path) => (openDocument(path) ? undefined : fileSystemHost.notUtf8(path)),
  };
  const uris: Uris = { uriOf: (path) => uriOfPath.get(path) ?? fileUri(path) };

  const logFailure = (what: string, e: unknown) =>
    connection.console.error(`dsnet: ${what} failed: ${e instanceof Error ? e.stack : String(e)}`);

  /** The document's analysis for its current text, made now if there is none. */
  const analysisOf = (document: TextDocument): Analysis | undefined => {
    const cached = analyses.get(document.uri);
    if (cached?.version === document.version) return cached;
    try {
      const analysis = analyse(document.getText(), pathOfUri(document.uri), document.version, host);
      analyses.set(document.uri, analysis);
      return analysis;
    } catch (e) {
      logFailure(`checking ${document.uri}`, e);
      return undefined;
    }
  };

  const publish = (uri: string) => {
    timers.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    const analysis = analysisOf(document);
    if (!analysis) return;
    try {
      const diagnostics = analysis.result.diagnostics.flatMap(
        (d) => toLspDiagnostic(d, analysis, uris) ?? [],
      );
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    } catch (e) {
      logFailure(`diagnostics for ${uri}`, e);
    }
  };

  const schedule = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => publish(uri), CHECK_DELAY_MS),
    );
  };

  /** Checks again every open document whose program reads `path` (other than `path` itself). */
  const recheckImporters = (path: string) => {
    for (const [uri, analysis] of analyses) {
      if (analysis.path === path || !analysis.files.includes(path)) continue;
      analyses.delete(uri);
      schedule(uri);
    }
  };

  documents.onDidOpen(({ document }) => {
    uriOfPath.set(pathOfUri(document.uri), document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    schedule(document.uri);
    recheckImporters(pathOfUri(document.uri));
  });
  documents.onDidClose(({ document }) => {
    const path = pathOfUri(document.uri);
    clearTimeout(timers.get(document.uri));
    timers.delete(document.uri);
    analyses.delete(document.uri);
    uriOfPath.delete(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // Importers now read the file from disk.
    recheckImporters(path);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) recheckImporters(pathOfUri(change.uri));
  });

  /** Runs a request's handler on the document's analysis; a failure answers `fallback`. */
  const answer =
    <P extends { textDocument: { uri: string } }, R>(
      what: string,
      fallback: R,
      handler: (analysis: Analysis, document: TextDocument, params: P) => R,
    ) =>
    (params: P): R => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return fallback;
      const analysis = analysisOf(document);
      if (!analysis) return fallback;
      try {
        return handler(analysis, document, params);
      } catch (e) {
        logFailure(`${what} in ${params.textDocument.uri}`, e);
        return fallback;
      }
    };
  const offsetOf = (document: TextDocument, position: Position) => document.offsetAt(position);
  const toLocation = (target: Target): Location =>
    "span" in target
      ? locationOf(target.span, uris)
      : {
          uri: uris.uriOf(target.file),
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [".", "="] },
      definitionProvider: true,
      referencesProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      inlayHintProvider: true,
      semanticTokensProvider: {
        legend: { tokenTypes, tokenModifiers },
        full: true,
      },
    },
    serverInfo: { name: "dsnet" },
  }));

  connection.onHover(
    answer("hover", null, (analysis, document, params) => {
      const hover = hoverAt(analysis, offsetOf(document, params.position));
      return hover
        ? { contents: { kind: "markdown", value: hover.markdown }, range: rangeOf(hover.span) }
        : null;
    }),
  );

  connection.onCompletion(
    answer("completion", [], (analysis, document, params) =>
      completionsAt(analysis, document.getText(), offsetOf(document, params.position)),
    ),
  );

  connection.onDefinition(
    answer("go to definition", null, (analysis, document, params) => {
      const target = definitionAt(analysis, offsetOf(document, params.position));
      return target ? toLocation(target) : null;
    }),
  );

  connection.onReferences(
    answer("find references", [], (analysis, document, params) => {
      const others = documents
        .all()
        .filter((d) => d.uri !== document.uri)
        .flatMap((d) => analysisOf(d) ?? []);
      return referencesAt(
        analysis,
        offsetOf(document, params.position),
        others,
        params.context.includeDeclaration,
      ).map((span) => locationOf(span, uris));
    }),
  );

  connection.onDocumentFormatting(
    answer("formatting", [], (_analysis, document): TextEdit[] => {
      const text = document.getText();
      const parsed = parse(text, pathOfUri(document.uri));
      // Formatting a file with syntax errors would drop what the parser skipped.
      if (hasErrors(parsed.diagnostics)) return [];
      const formatted = (text.startsWith("\uFEFF") ? "\uFEFF" : "") + printProgram(parsed.program);
      if (formatted === text) return [];
      const end = document.positionAt(text.length);
      return [{ range: { start: { line: 0, character: 0 }, end }, newText: formatted }];
    }),
  );

  connection.onDocumentSymbol(
    answer("document symbols", [], (analysis) => documentSymbols(analysis)),
  );

  connection.onCodeAction(
    answer("code actions", [], (_analysis, document, params): CodeAction[] =>
      params.context.diagnostics.flatMap((diagnostic) => {
        const data = diagnostic.data as DiagnosticData | undefined;
        if (diagnostic.source !== "dsnet" || !Array.isArray(data?.fixes)) return [];
        return data.fixes.map((fix, i) => ({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: i === 0,
          edit: {
            changes: { [document.uri]: [{ range: diagnostic.range, newText: fix.newText }] },
          },
        }));
      }),
    ),
  );

  connection.languages.inlayHint.on(
    answer("inlay hints", [], (analysis, document, params): InlayHint[] =>
      shapeHints(
        analysis,
        offsetOf(document, params.range.start),
        offsetOf(document, params.range.end),
      ).map((hint) => ({
        position: document.positionAt(hint.offset),
        label: hint.label,
        paddingLeft: true,
      })),
    ),
  );

  connection.languages.semanticTokens.on(
    answer("semantic tokens", { data: [] }, (analysis) => ({ data: semanticTokens(analysis) })),
  );

  documents.listen(connection);
  connection.listen();
}
