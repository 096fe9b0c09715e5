import { commands, window, workspace, type ExtensionContext } from "vscode";
import {
  LanguageClient,
  TransportKind,
  type Executable,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

/*
 * The client half of dsnet's editor support: it starts `dsnet lsp --stdio` (the command named
 * by the `dsnet.path` setting) for .dsnet files, and restarts it when that setting changes.
 * Everything else (diagnostics, hovers, completion, formatting) comes from the server.
 */

let client: LanguageClient | undefined;

function serverCommand(): string {
  return workspace.getConfiguration("dsnet").get<string>("path")?.trim() || "dsnet";
}

async function start(): Promise<void> {
  const command = serverCommand();
  // `transport: stdio` makes the client add `--stdio`: `dsnet lsp --stdio`.
  const executable: Executable = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
    // A `dsnet` installed by npm on Windows is `dsnet.cmd`, which only a shell runs.
    options: { shell: process.platform === "win32" },
  };
  const server: ServerOptions = { run: executable, debug: executable };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dsnet" },
      { scheme: "untitled", language: "dsnet" },
    ],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.dsnet") },
  };
  client = new LanguageClient("dsnet", "dsnet language server", server, options);
  try {
    await client.start();
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    void window.showErrorMessage(
      `dsnet: cannot start the language server \`${command} lsp --stdio\` (${reason}). ` +
        "Put dsnet on PATH (npm link in a clone of dsnet) or set dsnet.path to its bin/dsnet.js.",
    );
  }
}

async function restart(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch(() => undefined);
  await start();
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    commands.registerCommand("dsnet.restartServer", restart),
    workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("dsnet.path")) void restart();
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
