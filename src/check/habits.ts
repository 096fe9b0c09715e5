import type { Span } from "../syntax/source.js";
import { reportIn, type EvalContext } from "./evaluate.js";
import type { Shape } from "./network.js";
import type { Located } from "./values.js";

/*
 * Programs that check but are probably not what was meant: written in another framework's
 * order or notation (PyTorch's `Conv2d(in, out, k)`, `C x H x W`). Each is a warning that says
 * what dsnet read and what was likely intended.
 */

type Reporting = Pick<EvalContext, "reporter" | "expansion">;

/**
 * `conv 3 32 s2` is 3 output channels with a 32x32 kernel: PyTorch's `Conv2d(3, 32, ...)`
 * written in dsnet. A kernel written as one number above 7 is rare enough to ask about.
 */
export function warnConvOrder(call: string, args: ReadonlyMap<string, Located>, ctx: Reporting) {
  const kernel = args.get("kernel");
  const out = args.get("out");
  if (!kernel || !out || !/^[0-9]+$/.test(kernel.text) || Number(kernel.text) <= 7) return;
  const k = Number(kernel.text);
  reportIn(
    ctx,
    "convArgumentOrder",
    kernel.span,
    { call, out: out.text, kernel: k },
    {
      help: `dsnet takes the output channels and a kernel written \`KxK\`; the input channels come from the input. For Conv2d(${out.text}, ${k}, kernel_size=3), write \`conv 3x3 ${k}\``,
    },
  );
}

/** `dw 3*3` is a 9x9 kernel: `*` multiplies, `x` writes a size. */
export function warnKernelProduct(args: ReadonlyMap<string, Located>, ctx: Reporting) {
  const kernel = args.get("kernel");
  const product = kernel && /^([0-9]+)\s*\*\s*([0-9]+)$/.exec(kernel.text);
  if (!kernel || !product || typeof kernel.value !== "number") return;
  reportIn(
    ctx,
    "kernelProduct",
    kernel.span,
    { text: kernel.text, value: kernel.value },
    { help: `a ${product[1]} by ${product[2]} kernel is written \`${product[1]}x${product[2]}\`` },
  );
}

/** `input 3x224x224`: PyTorch's channels-first order, read as 3 pixels high. */
export function warnChannelsFirst(shape: Shape, span: Span, ctx: Reporting) {
  const [h, w, c] = shape;
  if (h > 4 || w < 8 || c < 8) return;
  reportIn(
    ctx,
    "inputChannelsFirst",
    span,
    { shape: shape.join("x"), h, w, c },
    { help: `PyTorch writes channels first; for ${h} channels, write \`input ${w}x${c}x${h}\`` },
  );
}
