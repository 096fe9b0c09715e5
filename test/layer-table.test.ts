import { describe, expect, it } from "vitest";
import { layerSpecs } from "../src/check/layers.js";
import { checkSources } from "./helpers.js";

/** The parameter table in src/check/layers.ts is what binding, defaults and help all read. */
describe("built-in layer parameters", () => {
  const params = Object.values(layerSpecs).flatMap((spec) =>
    spec.params.map((p) => [spec.name, p.name, p] as const),
  );

  it.each(params.filter(([, , p]) => p.default !== undefined))(
    "%s %s: its default reads as its type",
    (layer, _name, _param) => {
      const spec = layerSpecs[layer];
      // The required arguments, so the call checks with every other parameter defaulted.
      const required = spec.params
        .filter((p) => p.required)
        .map((p) => (p.type === "pair" ? "3x3" : "8"));
      // fc wants a flat input.
      const before = layer === "fc" ? "gap -> " : "";
      const source = `input 16x16x8\n${before}${[layer, ...required].join(" ")}\n`;
      expect(checkSources(source).diagnostics).toEqual([]);
    },
  );

  it("defaults may name earlier parameters: a pool's stride is its kernel", () => {
    const [pool] = checkSources("input 12x12x4\nmaxpool 3x3\n").networks[0].layers.slice(1);
    expect(pool).toMatchObject({ op: "maxpool", kernel: [3, 3], stride: [3, 3] });
  });

  it("a required parameter has no default", () => {
    expect(params.filter(([, , p]) => p.required && p.default !== undefined)).toEqual([]);
  });
});
