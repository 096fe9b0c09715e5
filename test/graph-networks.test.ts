import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOverrides } from "../src/check/overrides.js";
import { checkFile } from "../src/check/program.js";
import { summarize } from "../src/cost/summarize.js";

/*
 * The graph networks' parameters and multiply-adds against torchvision 0.14's own models (and
 * the authors' GhostNet), counted by tools/torchvision_counts.py with PyTorch: trainable
 * parameters, and multiply-adds of every Conv2d and Linear from forward hooks.
 */

interface Count {
  network: string;
  resolution: number;
  params: number;
  macs: number;
}

const counts = (
  JSON.parse(readFileSync("test/fixtures/graph_network_counts.json", "utf8")) as {
    networks: Count[];
  }
).networks;

/** Where each of torchvision's names lives in examples/, with the parameters it takes. */
function dsnetNetwork(name: string): { file: string; network: string; set: string[] } {
  const shuffle = /^shufflenet_v2_x(\d)_(\d)$/.exec(name);
  if (shuffle) {
    return {
      file: "examples/shufflenet_v2.dsnet",
      network: "shufflenet_v2",
      set: [`width=${shuffle[1]}.${shuffle[2]}`],
    };
  }
  const ghost = /^ghostnet_([\d.]+)$/.exec(name);
  if (ghost)
    return { file: "examples/ghostnet.dsnet", network: "ghostnet", set: [`width=${ghost[1]}`] };
  const mnasnet = /^mnasnet(\d)_(\d+)$/.exec(name);
  if (mnasnet) {
    return {
      file: "examples/mnasnet.dsnet",
      network: "mnasnet",
      set: [`alpha=${mnasnet[1]}.${mnasnet[2]}`],
    };
  }
  if (name.startsWith("efficientnet_b"))
    return { file: "examples/efficientnet.dsnet", network: name, set: [] };
  if (name.startsWith("mobilenet_v3_"))
    return { file: "examples/mobilenet_v3.dsnet", network: name, set: [] };
  throw new Error(`no dsnet network for ${name}`);
}

describe("graph networks count as torchvision counts", () => {
  it("covers every network of the issue", () => {
    const names = new Set(counts.map((c) => c.network));
    for (const name of [
      "mobilenet_v3_large",
      "mobilenet_v3_small",
      "efficientnet_b0",
      "efficientnet_b7",
      "shufflenet_v2_x0_5",
      "shufflenet_v2_x2_0",
      "ghostnet_1.0",
      "mnasnet1_0",
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  for (const count of counts) {
    it(`${count.network} at ${count.resolution}: ${count.params} parameters, ${count.macs} MACs`, () => {
      const { file, network, set } = dsnetNetwork(count.network);
      const overrides = parseOverrides([...set, `res=${count.resolution}`]);
      if (!overrides.ok) throw new Error(overrides.message);
      const result = checkFile(file, { network, overrides: overrides.overrides });
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const { totals } = summarize(result.networks[0]);
      expect([totals.trainableParams, totals.macs]).toEqual([count.params, count.macs]);
    });
  }

  it("finds MobileNetV3's separable pairs through the squeeze-and-excitation gates", () => {
    const result = checkFile("examples/mobilenet_v3.dsnet", { network: "mobilenet_v3_large" });
    const { pairs } = summarize(result.networks[0]).separable;
    // Every one of the 15 blocks has a depthwise layer followed by its projection; 8 are gated.
    expect(pairs.length).toBe(15);
    expect(pairs.filter((p) => p.gate !== undefined).length).toBe(8);
  });
});
