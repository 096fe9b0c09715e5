import fc from "fast-check";
import type { Network } from "../src/check/network.js";
import { initialWeights, Random } from "../src/weights/init.js";
import { checkSources } from "./helpers.js";

/*
 * Random small networks for property tests of the backends: dsnet source text over odd sizes,
 * channel counts that are not multiples of 4 or 8, strides, dilations, every padding mode,
 * depth multipliers, residuals with and without projections, every activation, the graph
 * operations: squeeze-and-excitation gates (mul), concatenated branches, channel splits, slices
 * and shuffles, and the input's scaling (`normalize`, in both forms, one value or one per channel).
 */

const activation = fc.constantFrom(
  "relu",
  "relu6",
  "leaky_relu 0.1",
  "sigmoid",
  "tanh",
  "silu",
  "hardswish",
  "hardsigmoid",
);
const pad = fc.constantFrom("same", "same_upper", "valid", "pad=1", "pad=[0, 1, 1, 0]");
const channels = fc.integer({ min: 1, max: 13 });
const kernel = fc.constantFrom("1x1", "3x3", "2x2", "3x1", "5x5");
const stride = fc.constantFrom("s1", "s1", "s2");
const dilation = fc.constantFrom("", "", "d2");

/** A branch of a join that keeps the height and width ("" continues with the value itself). */
const branch = fc.oneof(
  fc.constant(""),
  channels.map((c) => `pw ${c}`),
  fc.constant("dw 3x3"),
  fc.constant("dw 3x3 -> bn -> relu"),
  channels.map((c) => `conv 3x3 ${c} same`),
  fc.constant("maxpool 3x3 s1 pad=1"),
);
const branches = (bodies: string[]) => bodies.map((b) => (b ? `{\n  ${b}\n}` : "{\n}")).join(" ");

/** The graph operations; `@c` is a name `networkSource` makes unique per layer. */
const graphLayer: fc.Arbitrary<string> = fc.oneof(
  fc
    .constantFrom("sigmoid", "hardsigmoid")
    .map((a) => `let @c = in.c\nmul {\n  gap -> pw @c -> ${a}\n}`),
  fc.constant("mul {\n  dw 3x3 -> sigmoid\n}"),
  fc.array(branch, { minLength: 1, maxLength: 3 }).map((bs) => `concat ${branches(bs)}`),
  branch.map((b) => `concat split=2 {\n} ${branches([b])}`),
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), branch)
    .map(([a, b]) => `concat split=[${a}, in.c - ${a}] ${branches([b, "dw 3x3"])}`),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }))
    .map(([start, trim]) => `slice ${start} in.c${trim ? ` - ${trim}` : ""}`),
  fc.constantFrom(2, 3).map((g) => `shuffle ${g}`),
  fc.tuple(channels, fc.constantFrom(2, 3)).map(([c, g]) => `pw ${c * g}\nshuffle ${g}`),
);

const layer: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(channels, kernel, stride, pad, fc.boolean())
    .map(([c, k, s, p, bias]) => `conv ${k} ${c} ${s} ${p}${bias ? " bias=true" : ""}`),
  fc
    .tuple(kernel, stride, dilation, pad, fc.constantFrom(1, 1, 2))
    .map(([k, s, d, p, mult]) => `dw ${k} ${s} ${d} ${p}${mult > 1 ? ` mult=${mult}` : ""}`),
  fc.tuple(channels, fc.boolean()).map(([c, bias]) => `pw ${c}${bias ? " bias=true" : ""}`),
  fc.tuple(channels, stride).map(([c, s]) => `sep ${c} 3x3 ${s}`),
  fc.tuple(channels, fc.constantFrom(2, 3)).map(([c, g]) => `conv 3x3 ${c * g} groups=${g}`),
  fc.constant("bn"),
  fc.constant("bn -> relu"),
  activation,
  fc
    .tuple(
      fc.constantFrom("maxpool", "avgpool"),
      fc.constantFrom("2x2", "3x3"),
      fc.constantFrom("", "s1", "s2"),
      fc.constantFrom("", "pad=1", "same", "same_upper"),
    )
    .map(([op, k, s, p]) => `${op} ${k} ${s} ${p}`),
  fc.tuple(kernel, activation).map(([k, a]) => `residual {\n  dw ${k} -> bn -> ${a}\n  pw in.c\n}`),
  fc
    .tuple(channels, stride)
    .map(
      ([c, s]) =>
        `residual {\n  conv 3x3 ${c} ${s} -> bn -> relu\n} shortcut {\n  conv 1x1 ${c} ${s}\n}`,
    ),
  fc.constant("dropout 0.3"),
  fc.constant("normalize scale=-0.5 shift=0.25"),
  { arbitrary: graphLayer, weight: 2 },
);

/** What may come right after `input`: nothing, or a scaling of `c` channels. */
const scaling = (c: number) =>
  fc.constantFrom(
    [],
    [],
    ["normalize scale=2 shift=-1"],
    ["normalize mean=0.5 std=0.25"],
    [
      `normalize mean=[${Array.from({ length: c }, (_, i) => 0.1 * i).join(", ")}] std=[${Array.from({ length: c }, (_, i) => 0.5 + 0.25 * i).join(", ")}]`,
    ],
  );

const head = fc.constantFrom(
  "",
  "gap",
  "gap -> fc 7",
  "flatten -> fc 5 -> softmax",
  "gmp -> fc 3 bias=false",
  "softmax",
);

/** Sometimes a label, sometimes one that looks like a name dsnet would give (then it must clash cleanly). */
const labelled = fc
  .tuple(layer, fc.option(fc.constantFrom("a", "mid", "conv1", "dw1", "pw2", "relu1"), { freq: 4 }))
  .map(([text, label]) =>
    label && !text.startsWith("residual") && !text.startsWith("let") ? `${label}: ${text}` : text,
  );

/** Source text of a small random network (not every one checks: see `randomNetwork`). */
export const networkSource = fc
  .integer({ min: 1, max: 9 })
  .chain((c) =>
    fc.tuple(
      fc.integer({ min: 1, max: 11 }),
      fc.integer({ min: 1, max: 11 }),
      fc.constant(c),
      scaling(c),
      fc.array(labelled, { minLength: 1, maxLength: 6 }),
      head,
    ),
  )
  .map(
    ([h, w, c, first, layers, tail]) =>
      [
        `input ${h}x${w}x${c}`,
        ...first,
        ...layers.map((l, i) => l.replaceAll("@c", `c${i}`)),
        tail,
      ].join("\n") + "\n",
  );

/** A random network that checks, with seeded weights and input: shrinks to small failures. */
export const randomNetwork = fc
  .tuple(networkSource, fc.integer({ min: 0, max: 1000 }), fc.constantFrom(1, 1, 2))
  .map(([source, seed, batch]) => {
    const result = checkSources(source);
    const network = result.networks[0] as Network | undefined;
    return { source, seed, batch, network };
  })
  .filter((r) => r.network !== undefined)
  .map(({ source, seed, batch, network }) => {
    const weights = initialWeights(network!, seed).map((t) => t.data);
    const random = new Random(seed + 1);
    const [h, w, c] = network!.input;
    const input = Float32Array.from({ length: batch * h * w * c }, () => random.uniform(-1, 1));
    return { source, network: network!, weights, input, batch };
  });
