import "./style.css";
import type { EditorView } from "@codemirror/view";
import { describeOutput } from "../backends/output.js";
import { countSeverities } from "../diagnostics/reporter.js";
import { formatScaled } from "../cost/render.js";
import { graphSvg } from "../graph/index.js";
import { formatCount, formatShape } from "../ir/types.js";
import { replCodegen } from "../repl/codegen.js";
import { analyze, EDITOR_FILE, type Analysis } from "./analyze.js";
import { createEditor, showDiagnostics } from "./editor.js";
import { examples } from "./examples.js";
import {
  describeAdapter,
  imageInput,
  randomInput,
  runNetwork,
  webGpuAdapter,
  type Backend,
  type RunResult,
} from "./run.js";
import { decodeState, encodeState } from "./share.js";
import { element, summaryView } from "./summary-view.js";

/*
 * The page: the editor on the left; on the right the network's shape and cost, and tabs for
 * the summary, the graph, running it, and the TypeScript and WGSL dsnet generates for it.
 * Everything runs here: the page talks to no server after it has loaded.
 */

const DEFAULT_SOURCE = `# A small depthwise-separable classifier. Edit it: the shapes, the cost, the graph and the
# generated code follow as you type. "Run" runs it with random weights, on WebGPU where the
# browser has it and on the CPU (WebAssembly) otherwise.
input 32x32x3
conv 3x3 16 s2 -> bn -> relu6
dw 3x3 -> bn -> relu6
pw 32 -> bn -> relu6
dw 3x3 s2 -> bn -> relu6
pw 64 -> bn -> relu6
gap
fc 10
softmax
`;

/** What scripts (and the tests) can read: the latest analysis and run. */
export interface PlaygroundHandle {
  analysis: Analysis;
  lastRun?: RunResult & { input: Float32Array };
}

declare global {
  interface Window {
    dsnetPlayground: PlaygroundHandle;
  }
}

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const shared = decodeState(location.hash);
let chosen = shared?.network;
let analysis = analyze(shared?.source ?? DEFAULT_SOURCE, chosen);
window.dsnetPlayground = { analysis };

const tabs = ["summary", "graph", "run", "ts", "wgsl"] as const;
type Tab = (typeof tabs)[number];
let tab: Tab = "summary";

let pending: ReturnType<typeof setTimeout> | undefined;
const editor: EditorView = createEditor(byId("editor"), shared?.source ?? DEFAULT_SOURCE, {
  onChange(text) {
    clearTimeout(pending);
    pending = setTimeout(() => refresh(text), 150);
  },
  blocks: () => analysis.blocks,
});

function refresh(text = editor.state.doc.toString()) {
  analysis = analyze(text, chosen);
  window.dsnetPlayground.analysis = analysis;
  history.replaceState(null, "", encodeState({ source: text, network: chosen }));
  showDiagnostics(editor, analysis.diagnostics, EDITOR_FILE);
  showStatus();
  showDiagnosticList();
  showNetworkChoice();
  showTab();
}

function showStatus() {
  const status = byId("status");
  const { network, summary, diagnostics } = analysis;
  // A DS5003 counts the errors it stands for, as `dsnet check` counts them.
  const { errors } = countSeverities(diagnostics);
  status.classList.toggle("failed", !network);
  if (!network || !summary) {
    status.textContent = errors ? `${errors} error${errors === 1 ? "" : "s"}` : "no network";
    return;
  }
  const output = network.layers[network.output].shape;
  status.replaceChildren(
    element("strong", {}, network.name),
    " ",
    element("span", { id: "shape" }, `${formatShape(network.input)} → ${formatShape(output)}`),
    element(
      "span",
      { class: "cost" },
      `${formatCount(summary.totals.params)} params · ${formatScaled(summary.totals.macs)} MACs`,
    ),
  );
}

function showDiagnosticList() {
  const list = byId("diagnostics");
  list.replaceChildren(
    ...analysis.diagnostics.map((d) => {
      const at = d.span.source.position(d.span.start);
      const item = element(
        "li",
        { class: d.severity, "data-code": d.code },
        element("span", { class: "where" }, `${d.span.source.path}:${at.line}:${at.column}`),
        element("span", { class: "code" }, `${d.severity} ${d.code}`),
        element("span", { class: "message" }, d.message),
        ...(d.help ? [element("span", { class: "help" }, `help: ${d.help}`)] : []),
      );
      if (d.span.source.path === EDITOR_FILE) {
        item.addEventListener("click", () => {
          editor.dispatch({
            selection: { anchor: Math.min(d.span.start, editor.state.doc.length) },
          });
          editor.focus();
        });
      }
      return item;
    }),
  );
}

function showNetworkChoice() {
  const select = byId<HTMLSelectElement>("network");
  const names = analysis.networks;
  byId("network-choice").hidden = names.length < 2;
  if (
    select.options.length !== names.length ||
    names.some((n, i) => select.options[i].value !== n)
  ) {
    select.replaceChildren(...names.map((n) => element("option", { value: n }, n)));
  }
  if (analysis.network) select.value = analysis.network.name;
}

/** The generated code of the tab on show, made when the tab is opened. */
let codeVersion = 0;

function showTab() {
  for (const t of tabs) {
    byId(`tab-${t}`).setAttribute("aria-selected", String(t === tab));
    byId(`panel-${t}`).hidden = t !== tab;
  }
  const { network, summary } = analysis;
  const empty = (text: string) => element("p", { class: "empty" }, text);
  if (tab === "summary") {
    byId("panel-summary").replaceChildren(
      summary ? summaryView(summary) : empty("Fix the errors to see the summary."),
    );
  } else if (tab === "graph") {
    byId("panel-graph").replaceChildren(
      network ? graphView(graphSvg(network)) : empty("Fix the errors to see the graph."),
    );
  } else if (tab === "ts" || tab === "wgsl") {
    const panel = byId(`panel-${tab}`);
    const version = ++codeVersion;
    if (!network) {
      panel.replaceChildren(empty("Fix the errors to see the generated code."));
      return;
    }
    panel.replaceChildren(empty("Generating…"));
    const generate = (tab === "ts" ? replCodegen.typescript : replCodegen.wgsl)!;
    generate(network).then(
      (code) => {
        if (version === codeVersion) panel.replaceChildren(element("pre", { class: "code" }, code));
      },
      (e: Error) => {
        if (version === codeVersion)
          panel.replaceChildren(empty(`Could not generate: ${e.message}`));
      },
    );
  }
}

/** `dsnet graph`'s picture, parsed as SVG (its scripts, if it had any, would not run). */
function graphView(svg: string): Node {
  const picture = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
  return element("div", { class: "graph" }, document.importNode(picture, true));
}

for (const t of tabs) {
  byId(`tab-${t}`).addEventListener("click", () => {
    tab = t;
    showTab();
  });
}

byId<HTMLSelectElement>("network").addEventListener("change", (e) => {
  chosen = (e.target as HTMLSelectElement).value;
  refresh();
});

const exampleMenu = byId<HTMLSelectElement>("examples");
exampleMenu.append(
  ...Object.keys(examples).map((name) => element("option", { value: name }, name)),
);
exampleMenu.addEventListener("change", () => {
  const text = examples[exampleMenu.value];
  if (text === undefined) return;
  chosen = undefined;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
  exampleMenu.value = "";
});

byId("share").addEventListener("click", async () => {
  const button = byId("share");
  await navigator.clipboard?.writeText(location.href).catch(() => undefined);
  button.textContent = "Link copied";
  setTimeout(() => (button.textContent = "Copy link"), 1500);
});

/* Run. */

const backendMenu = byId<HTMLSelectElement>("backend");
webGpuAdapter().then((adapter) => {
  const auto = backendMenu.querySelector<HTMLOptionElement>('option[value="auto"]')!;
  auto.textContent = adapter
    ? `Auto: WebGPU (${describeAdapter(adapter)})`
    : "Auto: CPU (no WebGPU adapter)";
  backendMenu.querySelector<HTMLOptionElement>('option[value="webgpu"]')!.disabled = !adapter;
});

const inputKind = byId<HTMLSelectElement>("input-kind");
inputKind.addEventListener("change", () => {
  byId("input-seed-field").hidden = inputKind.value !== "random";
  byId("input-image-field").hidden = inputKind.value !== "image";
});

byId("run").addEventListener("click", async () => {
  const result = byId("run-result");
  const network = analysis.network;
  if (!network) {
    result.replaceChildren(element("p", { class: "error" }, "Fix the errors first."));
    return;
  }
  const button = byId<HTMLButtonElement>("run");
  button.disabled = true;
  result.replaceChildren(element("p", { class: "empty" }, "Running…"));
  try {
    const file = byId<HTMLInputElement>("input-image").files?.[0];
    let input: Float32Array;
    if (inputKind.value === "image") {
      if (!file) throw new Error("choose an image first");
      input = await imageInput(file, network);
    } else {
      input = randomInput(network, Number(byId<HTMLInputElement>("input-seed").value));
    }
    const choice = backendMenu.value;
    const backend: Backend =
      choice === "auto" ? ((await webGpuAdapter()) ? "webgpu" : "cpu") : (choice as Backend);
    const seed = Number(byId<HTMLInputElement>("weights-seed").value);
    const run = await runNetwork(network, input, { backend, seed });
    window.dsnetPlayground.lastRun = { ...run, input };
    result.replaceChildren(...runView(run));
  } catch (e) {
    result.replaceChildren(element("p", { class: "error" }, (e as Error).message));
  } finally {
    button.disabled = false;
  }
});

function runView(run: RunResult): Node[] {
  const view: Node[] = [
    element(
      "p",
      { class: "ran", "data-backend": run.backend },
      element("strong", {}, run.device),
      ` · built in ${run.buildMs.toFixed(0)} ms, forward pass ${run.forwardMs.toFixed(1)} ms`,
    ),
    element("pre", { class: "output" }, describeOutput(run.output, 1, run.shape, 5)),
  ];
  // A vector (a classifier's scores, say) is drawn as bars.
  const [h, w, c] = run.shape;
  if (h === 1 && w === 1 && c <= 64) {
    const largest = Math.max(...run.output.map(Math.abs), 1e-12);
    view.push(
      element(
        "div",
        { class: "bars" },
        ...[...run.output].map((v, i) =>
          element("span", {
            title: `${i}: ${v}`,
            style: `--value: ${((100 * Math.abs(v)) / largest).toFixed(1)}%`,
            class: v < 0 ? "negative" : "",
          }),
        ),
      ),
    );
  }
  return view;
}

refresh();
