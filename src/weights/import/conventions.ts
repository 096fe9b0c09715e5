import type { ConvLayer, Layer, Network } from "../../check/network.js";
import { describePadding } from "../../check/padding.js";
import {
  catalogue,
  formatMessage,
  type DiagnosticKind,
  type MessageArgs,
} from "../../diagnostics/catalogue.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import {
  float32Text,
  padsAt,
  padText,
  strideDilationText,
  type SourceWindow,
} from "../../import/layer-graph.js";
import type { Mapping } from "./match.js";
import type { SourceLayer } from "./tensor.js";

/** PyTorch's eps, dsnet's default: what `bn` without eps= means. */
const DEFAULT_EPS = 1e-5;

/**
 * What the model file says and the .dsnet contradicts, one warning per layer at the line that
 * wrote it, with what to write instead: a batch norm's eps (Keras's 1e-3 against dsnet's
 * 1e-5), a convolution's padding (TF's SAME is `same_upper`, a ZeroPadding2D before it is
 * explicit pads) compared at the size the .dsnet runs it, its stride and dilation. Tensors of
 * the same shapes import either way; these are the differences that would give a wrong answer
 * without one. A bare state_dict says none of this, and gets no warnings.
 */
export function conventionWarnings(mapping: Mapping, network: Network): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const row of mapping.rows) {
    const source = row.source?.layer;
    if (row.status !== "imported" || !source || !row.target) continue;
    const layer = network.layers[row.target.layer];
    if (source.eps !== undefined && layer.op === "bn") {
      if (Math.fround(source.eps) !== Math.fround(layer.eps)) {
        const fix =
          Math.fround(source.eps) === Math.fround(DEFAULT_EPS)
            ? "bn"
            : `bn eps=${float32Text(source.eps)}`;
        warnings.push(
          warning(
            "importedEps",
            layer,
            { source: source.name, eps: float32Text(source.eps), layerEps: float32Text(layer.eps) },
            `write \`${fix}\``,
          ),
        );
      }
    }
    if (source.window && (layer.op === "conv" || layer.op === "dw" || layer.op === "pw")) {
      const found = windowWarning(source, source.window, layer, network);
      if (found) warnings.push(found);
    }
  }
  return warnings;
}

function windowWarning(
  source: SourceLayer,
  window: SourceWindow,
  layer: ConvLayer,
  network: Network,
): Diagnostic | undefined {
  const same = (a: number[], b: number[]) => a[0] === b[0] && a[1] === b[1];
  if (!same(window.stride, layer.stride) || !same(window.dilation, layer.dilation)) {
    const pair = (v: number[]) => (v[0] === v[1] ? String(v[0]) : `[${v.join(", ")}]`);
    // What differs from the layer, written as dsnet writes it.
    const fix = strideDilationText(window.stride, window.dilation, layer.stride, layer.dilation);
    return warning(
      "importedStride",
      layer,
      {
        source: source.name,
        stride: pair(window.stride),
        dilation: pair(window.dilation),
        layerStride: pair(layer.stride),
        layerDilation: pair(layer.dilation),
      },
      `write \`${fix.trim()}\` on this layer`,
    );
  }
  const [h, w] = network.layers[layer.inputs[0]].shape;
  const pads = padsAt(window, h, w);
  const { top, bottom, left, right } = layer.padding;
  if (same(pads, [top, bottom]) && same(pads.slice(2), [left, right])) return undefined;
  const text = padText(pads, [h, w], window, "same").trim() || "pad=same";
  const explicit = (p: number[]) =>
    describePadding({ top: p[0], bottom: p[1], left: p[2], right: p[3] });
  const before = window.before.some((p) => p > 0)
    ? `${explicit(window.before)} of zeros first, then `
    : "";
  const rule =
    window.padding === "same_upper"
      ? "TF's SAME: the odd pixel at the end"
      : window.padding === "valid"
        ? "VALID"
        : `explicit pads ${explicit(window.padding)}`;
  return warning(
    "importedPadding",
    layer,
    {
      source: source.name,
      size: `${h}x${w}`,
      pads: explicit(pads),
      rule: before + rule,
      layerPads: explicit([top, bottom, left, right]),
    },
    `write \`${text}\` on this layer`,
  );
}

function warning<K extends DiagnosticKind>(
  kind: K,
  layer: Layer,
  args: MessageArgs<K>,
  help: string,
): Diagnostic {
  return {
    code: catalogue[kind].code,
    severity: "warning",
    message: formatMessage(kind, args),
    span: layer.origin.span,
    related: [],
    expansion: layer.origin.expansion,
    help,
  };
}
