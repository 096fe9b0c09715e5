import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { checkText } from "../src/check/program.js";
import type { Network } from "../src/check/network.js";
import { summarize } from "../src/cost/summarize.js";
import { graphDot, graphSvg } from "../src/graph/index.js";
import { expectGolden } from "./golden.js";
import { cli, exampleNetwork } from "./helpers.js";

/*
 * `dsnet graph`: the SVG is read back as XML and checked against the network it draws (a box
 * per layer, edges with the shapes they carry, frames, marks and heat), rendered to PNG by
 * rsvg-convert (librsvg, from .ci/run) and compared, for a small network, with golden files
 * that were checked by eye. Without rsvg-convert the rendering test is skipped, except on CI.
 */

const hasRsvg = spawnSync("rsvg-convert", ["--version"]).status === 0;
const onCi = process.env.CI === "true";

const tmp = mkdtempSync(join(tmpdir(), "dsnet-graph-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&([a-z]+);/g, (whole, name: string) => {
    if (!(name in entities)) throw new Error(`unknown entity ${whole}`);
    return entities[name];
  });
}

/**
 * A strict reader for the XML dsnet writes (elements, attributes, text, an XML declaration):
 * throws on a tag that does not close, an unquoted attribute, a bare `&` or `<`, or more than
 * one root. Enough to hold the SVG to well-formedness and to query it.
 */
function parseXml(text: string): Element {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, "");
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const root: Element = { name: "#document", attrs: {}, children: [], text: "" };
  const stack = [root];
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) throw new Error(`not well-formed XML at ${JSON.stringify(body.slice(at, at + 40))}`);
    at = token.lastIndex;
    const [, close, open, attrText, selfClosing, chars] = m;
    const top = stack[stack.length - 1];
    if (chars !== undefined) {
      if (/&(?![a-z]+;)/.test(chars)) throw new Error(`a bare & in ${JSON.stringify(chars)}`);
      top.text += unescape(chars);
    } else if (close !== undefined) {
      if (close !== top.name) throw new Error(`</${close}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1] in attrs) throw new Error(`attribute ${a[1]} twice`);
        attrs[a[1]] = unescape(a[2]);
      }
      const element: Element = { name: open, attrs, children: [], text: "" };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== "") throw new Error("not one root element");
  return elements[0];
}

function all(element: Element, test: (e: Element) => boolean): Element[] {
  return [...(test(element) ? [element] : []), ...element.children.flatMap((c) => all(c, test))];
}

function withClass(root: Element, name: string): Element[] {
  return all(root, (e) => (e.attrs.class ?? "").split(" ").includes(name));
}

function textOf(element: Element): string {
  return element.text + element.children.map(textOf).join("");
}

const smallFile = "test/golden/graph/small.dsnet";
const small = exampleNetwork(smallFile);

function edgeCount(network: Network): number {
  return network.layers.reduce((n, l) => n + new Set(l.inputs).size, 0);
}

describe("graphSvg", () => {
  it("draws a standalone SVG: one box per layer with its op and shape, edges labelled with shapes", () => {
    const svg = parseXml(graphSvg(small));
    expect(svg.name).toBe("svg");
    expect(svg.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(Number(svg.attrs.width)).toBeGreaterThan(100);
    expect(all(svg, (e) => e.name === "script" || e.name === "image")).toEqual([]);

    const boxes = withClass(svg, "layer");
    expect(boxes.map((b) => b.attrs["data-name"])).toEqual(small.layers.map((l) => l.name));
    for (const [i, box] of boxes.entries()) {
      const layer = small.layers[i];
      expect(box.attrs["data-shape"]).toBe(layer.shape.join("x"));
      expect(textOf(box)).toContain(layer.op);
      expect(textOf(box)).toContain(layer.shape.join("x"));
    }

    const edges = withClass(svg, "edge");
    expect(edges).toHaveLength(edgeCount(small));
    const idOf = new Map(small.layers.map((l) => [`n${l.id}`, l]));
    for (const edge of edges) {
      const from = idOf.get(edge.attrs["data-from"])!;
      const label = withClass(edge, "edge-label")[0];
      expect(label.text).toBe(from.shape.join("x"));
      expect(idOf.get(edge.attrs["data-to"])!.inputs).toContain(from.id);
    }
  });

  it("frames blocks and repeats, named from the layers' paths, with their totals", () => {
    const svg = parseXml(graphSvg(small));
    const frames = new Map(withClass(svg, "cluster").map((c) => [c.attrs["data-cluster"], c]));
    expect([...frames.keys()]).toEqual(["repeat1", "repeat1.0", "repeat1.1", "residual1", "mul1"]);
    expect(frames.get("repeat1")!.attrs["data-layers"]).toBe("12");
    const macs = summarize(small).layers.filter((l) => l.name.startsWith("repeat1.0."));
    expect(Number(frames.get("repeat1.0")!.attrs["data-macs"])).toBe(
      macs.reduce((n, l) => n + l.macs, 0),
    );
    const captions = withClass(svg, "caption").map((c) => c.text);
    expect(captions).toContain("0 · repeat iteration 0 (of 2) · separable(16)");
    expect(captions).toContain("residual1 · residual");
  });

  it("marks separable pairs, residual joins and shortcuts, and shades boxes by MACs", () => {
    const svg = parseXml(graphSvg(small));
    const byName = new Map(withClass(svg, "layer").map((b) => [b.attrs["data-name"], b]));
    const pairs = summarize(small).separable.pairs;
    expect(pairs).toHaveLength(3);
    for (const pair of pairs) {
      expect(byName.get(pair.depthwise)!.attrs.class).toContain("separable");
      expect(byName.get(pair.pointwise)!.attrs.class).toContain("separable");
    }
    expect(withClass(svg, "separable").filter((e) => e.name === "path")).toHaveLength(3);
    expect(byName.get("residual1.add")!.attrs.class).toBe("layer join residual");
    // The gate multiplies the value from before the branch: a join, not a residual.
    expect(byName.get("mul1.mul")!.attrs.class).toBe("layer join");
    const shortcuts = withClass(svg, "shortcut").map((e) => [
      e.attrs["data-from"],
      e.attrs["data-to"],
    ]);
    const id = (name: string) => `n${small.layers.find((l) => l.name === name)!.id}`;
    expect(shortcuts).toEqual([
      [id("repeat1.1.relu2"), id("residual1.add")],
      [id("residual1.add"), id("mul1.mul")],
    ]);

    const fill = (name: string) => all(byName.get(name)!, (e) => e.name === "rect")[0].attrs.fill;
    // conv1 has the most multiply-adds: the hot end of the scale; bn has none: white.
    expect(fill("conv1")).toBe("#bd0026");
    expect(fill("bn1")).toBe("#ffffff");
    expect(fill("mul1.pw1")).toBe("#ffffcc");
    expect(textOf(svg)).toContain("MACs 64");
  });

  it("draws blocks deeper than --depth as one box with their totals", () => {
    const svg = parseXml(graphSvg(small, { depth: 0 }));
    const collapsed = withClass(svg, "collapsed");
    expect(collapsed.map((c) => c.attrs["data-cluster"])).toEqual(["repeat1", "residual1", "mul1"]);
    expect(collapsed.map((c) => c.attrs["data-layers"])).toEqual(["12", "7", "6"]);
    expect(withClass(svg, "cluster")).toEqual([]);
    const boxes = withClass(svg, "layer");
    const macs = boxes.reduce((n, b) => n + Number(b.attrs["data-macs"]), 0);
    expect(macs).toBe(summarize(small).totals.macs);
    // input, conv1, bn1, relu1, the three blocks, gap1, fc1; one edge between each.
    expect(boxes).toHaveLength(9);
    expect(withClass(svg, "edge").map((e) => e.attrs["data-shape"])).toEqual([
      "32x32x3",
      "16x16x16",
      "16x16x16",
      "16x16x16",
      "16x16x16",
      "16x16x16",
      "16x16x16",
      "1x1x16",
    ]);

    const one = parseXml(graphSvg(small, { collapse: ["repeat1.1"] }));
    expect(withClass(one, "collapsed").map((c) => c.attrs["data-cluster"])).toEqual(["repeat1.1"]);
    expect(withClass(one, "layer")).toHaveLength(small.layers.length - 6 + 1);
  });

  it("escapes what it quotes from the source", () => {
    const text = "network main() {\n  input 8x8x3\n  conv 3x3 8\n}\n";
    const result = checkText(text, `${tmp}/a&b<c>"d".dsnet`);
    const svg = graphSvg(result.networks[0]);
    const desc = all(parseXml(svg), (e) => e.name === "desc")[0];
    expect(desc.text).toBe(`drawn by dsnet graph from ${tmp}/a&b<c>"d".dsnet`);
    expect(graphDot(result.networks[0])).toContain(`a&b<c>\\"d\\".dsnet`);
  });

  it("matches the golden SVG and dot of a small network", () => {
    expectGolden("test/golden/graph/small.svg", graphSvg(small));
    expectGolden("test/golden/graph/small.dot", graphDot(small));
  });
});

describe("graphDot", () => {
  it("writes a digraph with a cluster subgraph per frame and a labelled edge per input", () => {
    const dot = graphDot(small);
    expect(dot).toMatch(/^\/\/ small \(classes=10\)/);
    expect(dot).toContain('digraph "small" {');
    expect([...dot.matchAll(/subgraph "cluster_([^"]+)"/g)].map((m) => m[1])).toEqual([
      "repeat1",
      "repeat1.0",
      "repeat1.1",
      "residual1",
      "mul1",
    ]);
    const edges = [...dot.matchAll(/^\s*(n\d+) -> (n\d+) \[label="([^"]+)"/gm)];
    expect(edges).toHaveLength(edgeCount(small));
    expect(edges[0].slice(1)).toEqual(["n0", "n1", "32x32x3"]);
    expect(dot.match(/style="dashed"/g)).toHaveLength(2);
    expect(dot.split("{").length).toBe(dot.split("}").length);
  });
});

describe("dsnet graph", () => {
  it("writes MobileNetV2 as SVG, which rsvg-convert renders to a PNG with something on it", async (ctx) => {
    const out = join(tmp, "v2.svg");
    const r = await cli("graph", "examples/mobilenet_v2.dsnet", "-o", out);
    expect(r).toMatchObject({ code: 0, stderr: `wrote ${out}\n` });
    const network = exampleNetwork("examples/mobilenet_v2.dsnet");
    const svg = parseXml(readFileSync(out, "utf8"));
    expect(withClass(svg, "layer")).toHaveLength(network.layers.length);
    expect(withClass(svg, "edge-label")).toHaveLength(edgeCount(network));
    expect(withClass(svg, "residual")).toHaveLength(10);
    expect(withClass(svg, "separable").filter((e) => e.name === "path")).toHaveLength(17);

    if (!hasRsvg) {
      if (onCi) throw new Error("rsvg-convert is missing (librsvg2-bin); .ci/run installs it");
      ctx.skip();
    }
    const png = join(tmp, "v2.png");
    const run = spawnSync("rsvg-convert", ["--format", "png", "-o", png, out], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const image = PNG.sync.read(readFileSync(png));
    expect(image.width).toBe(Number(svg.attrs.width));
    expect(image.height).toBeGreaterThan(5000);
    const colours = new Set<number>();
    let ink = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      const [r, g, b] = image.data.subarray(i, i + 3);
      colours.add((r << 16) | (g << 8) | b);
      if (r + g + b < 600) ink++;
    }
    // Text, heat colours and frames: many colours, and a fair share of the pixels not white.
    expect(colours.size).toBeGreaterThan(200);
    expect(ink / (image.width * image.height)).toBeGreaterThan(0.02);
  });

  it("writes dot with --format dot, or for an output file ending in .dot", async () => {
    const r = await cli("graph", smallFile, "--format", "dot");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(graphDot(small));
    const out = join(tmp, "small.dot");
    expect((await cli("graph", smallFile, "-o", out, "--depth", "2")).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(graphDot(small, { depth: 1 }));
  });

  it("keeps a file name with a line break on its comment line in dot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dsnet-dot-name-"));
    const file = join(dir, "a\n}\ndigraph x {\n.dsnet");
    writeFileSync(file, readFileSync(smallFile, "utf8"));
    try {
      const r = await cli("graph", file, "--format", "dot");
      expect(r.code).toBe(0);
      const lines = r.stdout.split("\n");
      expect(lines[1]).toMatch(/^\/\/ drawn by dsnet graph from .*a\\u000a}\\u000adigraph x/);
      expect(lines.filter((l) => l.startsWith("digraph"))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes --set, and refuses a bad --depth or an unknown --collapse", async () => {
    const r = await cli("graph", smallFile, "--set", "classes=3");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('data-name="fc1" data-op="fc" data-shape="1x1x3"');
    const depth = await cli("graph", smallFile, "--depth", "0");
    expect(depth).toMatchObject({
      code: 2,
      stderr: "dsnet: --depth takes a whole number of at least 1, got 0\n",
    });
    const png = await cli("graph", smallFile, "-o", join(tmp, "small.png"));
    expect(png.code).toBe(2);
    expect(png.stderr).toMatch(
      /^dsnet: -o .*small\.png: an SVG picture is written to a \.svg file/,
    );
    expect(existsSync(join(tmp, "small.png"))).toBe(false);
    const collapse = await cli("graph", smallFile, "--collapse", "repeat9");
    expect(collapse).toMatchObject({
      code: 2,
      stderr: `dsnet: --collapse: no block named repeat9 in ${smallFile}\n`,
    });
  });

  it.each(["mobilenet_v3", "efficientnet", "shufflenet_v2", "ghostnet"])(
    "draws the graph network %s with every layer and join",
    (name) => {
      const network = exampleNetwork(`examples/${name}.dsnet`);
      const svg = parseXml(graphSvg(network));
      expect(withClass(svg, "layer")).toHaveLength(network.layers.length);
      expect(withClass(svg, "edge")).toHaveLength(edgeCount(network));
      const joins = network.layers.filter((l) => ["add", "mul", "concat"].includes(l.op));
      expect(withClass(svg, "join")).toHaveLength(joins.length);
      expect(joins.length).toBeGreaterThan(0);
    },
  );
});
