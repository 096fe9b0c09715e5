import { describe, expect, it } from "vitest";
import { checkText } from "../src/check/program.js";
import { FileError } from "../src/weights/errors.js";
import { matchSource, type MatchOptions } from "../src/weights/import/match.js";
import type { ImportSource, SourceTensor } from "../src/weights/import/tensor.js";
import { expectedTensors } from "../src/weights/tensors.js";

/** pw1.weight [8, 8, 1, 1], bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var [8]. */
const expected = expectedTensors(checkText("input 4x4x8\npw 8 -> bn\n", "net.dsnet").networks[0]);

const BN = ["weight", "bias", "running_mean", "running_var"];

function tensor(name: string): SourceTensor {
  const shape = name.endsWith("conv.weight") || name.endsWith("pw1.weight") ? [8, 8, 1, 1] : [8];
  return { name, shape, dtype: "F32", data: new Float32Array(shape.reduce((a, b) => a * b)) };
}

/** A checkpoint of `names` in that state_dict order. */
function checkpoint(...names: string[]): ImportSource {
  const tensors = names.map(tensor);
  return {
    kind: "a PyTorch checkpoint",
    orders: [{ name: "state_dict order", tensors }],
    prefix: "",
  };
}

/** The pairs a match made, `file name → dsnet name`, and the order it names. */
function pairs(source: ImportSource, options: MatchOptions = {}) {
  const mapping = matchSource(source, expected, options);
  return {
    order: mapping.order,
    imported: mapping.rows
      .filter((r) => r.status === "imported")
      .map((r) => `${r.source!.name} → ${r.target!.name}`),
  };
}

function failure(source: ImportSource, options: MatchOptions = {}): string {
  try {
    matchSource(source, expected, options);
  } catch (e) {
    if (e instanceof FileError) return e.message;
    throw e;
  }
  throw new Error("it matched");
}

describe("matchSource: the order a match is made in", () => {
  it.each([
    {
      name: "the file's order, roles agreeing",
      source: checkpoint("conv.weight", ...BN.map((r) => `norm.${r}`)),
      order: "state_dict order",
      first: ["conv.weight → pw1.weight", "norm.weight → bn1.weight", "norm.bias → bn1.bias"],
    },
    {
      name: "dsnet's names after a prefix, in another order",
      source: checkpoint(
        "m.bn1.bias",
        "m.bn1.weight",
        "m.pw1.weight",
        "m.bn1.running_var",
        "m.bn1.running_mean",
      ),
      order: "name order (without m.)",
      first: ["m.pw1.weight → pw1.weight", "m.bn1.weight → bn1.weight", "m.bn1.bias → bn1.bias"],
    },
    {
      name: "dsnet's own names, in another order",
      source: checkpoint(
        "bn1.bias",
        "bn1.weight",
        "pw1.weight",
        "bn1.running_mean",
        "bn1.running_var",
      ),
      order: "name order",
      first: ["pw1.weight → pw1.weight", "bn1.weight → bn1.weight", "bn1.bias → bn1.bias"],
    },
    {
      name: "a prefix that is not whole components is not one",
      source: checkpoint("xpw1.weight", ...BN.map((r) => `xbn1.${r}`)),
      order: "state_dict order",
      first: ["xpw1.weight → pw1.weight", "xbn1.weight → bn1.weight", "xbn1.bias → bn1.bias"],
    },
  ])("$name", ({ source, order, first }) => {
    const got = pairs(source);
    expect(got.order).toBe(order);
    expect(got.imported.slice(0, 3)).toEqual(first);
    expect(got.imported).toHaveLength(5);
  });
});

describe("matchSource: why a pair is refused", () => {
  it.each([
    {
      name: "roles that differ in order, where names do not settle it",
      source: checkpoint(
        "conv.weight",
        "norm.bias",
        "norm.weight",
        "norm.running_mean",
        "norm.running_var",
      ),
      options: {},
      message:
        "tensor 2 pairs norm.bias [8] with bn1.weight [8]: the roles differ (bias, weight); tensor 3 pairs norm.weight [8] with bn1.bias [8]: the roles differ (weight, bias)",
    },
    {
      name: "dsnet's names with a shape that differs",
      source: {
        ...checkpoint(),
        orders: [
          {
            name: "state_dict order",
            tensors: [
              { ...tensor("pw1.weight"), shape: [4, 8, 1, 1] },
              ...BN.map((r) => tensor(`bn1.${r}`)),
            ],
          },
        ],
      },
      options: {},
      message: "tensor 1 pairs pw1.weight [4, 8, 1, 1] with pw1.weight [8, 8, 1, 1]",
    },
    {
      name: "a --map pair whose shapes differ",
      source: checkpoint("conv.weight", ...BN.map((r) => `norm.${r}`)),
      options: { renames: new Map([["conv.weight", "bn1.weight"]]) },
      message: "--map pairs conv.weight [8, 8, 1, 1] with bn1.weight [8]",
    },
    {
      name: "a --map pair whose shapes differ, with --partial too",
      source: checkpoint("conv.weight", ...BN.map((r) => `norm.${r}`)),
      options: { renames: new Map([["conv.weight", "bn1.weight"]]), partial: true },
      message: "--map pairs conv.weight [8, 8, 1, 1] with bn1.weight [8]",
    },
  ])("$name", ({ source, options, message }) => {
    expect(failure(source, options)).toContain(message);
  });
});

describe("matchSource: a --map pair the user wrote wins over roles where shapes agree", () => {
  const source = checkpoint("model.conv.weight", ...BN.map((r) => `model.layer1.${r}`));
  const renames = new Map([
    ["model.layer1.weight", "bn1.bias"],
    ["model.layer1.bias", "bn1.weight"],
  ]);
  it.each([false, true])("--partial %s", (partial) => {
    const got = pairs(source, { renames, partial });
    expect(got.imported).toEqual(
      expect.arrayContaining([
        "model.layer1.weight → bn1.bias",
        "model.layer1.bias → bn1.weight",
        "model.conv.weight → pw1.weight",
        "model.layer1.running_mean → bn1.running_mean",
        "model.layer1.running_var → bn1.running_var",
      ]),
    );
    expect(got.imported).toHaveLength(5);
  });
});
