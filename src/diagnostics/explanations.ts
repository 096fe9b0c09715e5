/**
 * The long form of every diagnostic code, as `rustc --explain` gives it: what the code means,
 * why it is a problem and how to fix it, with a program that is reported with it. `dsnet
 * explain CODE` prints one, with the code's messages from the catalogue and what dsnet reports
 * for the example; test/explain.test.ts checks that every code has one and that every example
 * really produces its code.
 */
export interface Explanation {
  /** One line: what the code is about. */
  title: string;
  /** Why it is a problem and how to fix it; paragraphs separated by blank lines. */
  text: string;
  /** A program (main.dsnet) that is reported with this code. */
  example: string;
  /** Other files the example imports, by name. */
  files?: Record<string, string>;
  /** `--set` assignments the example is checked with. */
  set?: string[];
  /** The example is checked as a command's file is: a file without a network is an error. */
  requireNetwork?: boolean;
  /** The example as printed, where the real one is too long to read (the limits). */
  shown?: string;
  /**
   * The command that reports the code by comparing the program with another file (a model
   * whose weights are imported): checking the example alone reports nothing, so `explain`
   * shows it without running it and test/weights-import-tfjs.test.ts produces the code.
   */
  reportedBy?: string;
}

export const explanations: Record<string, Explanation> = {
  // --- syntax -------------------------------------------------------------------------------
  DS1001: {
    title: "a character that is not part of the language",
    text: `The lexer found a character that starts no token. Names are ASCII letters, digits and
\`_\`; the operators are those of the tour (\`-> = == != < <= > >= + - * / // % ** ( ) [ ] { } , : ? .\`);
\`#\` starts a comment. A character pasted from a document (a typographic dash, an arrow such as
\`→\`) is the usual cause: retype it. A name with letters beyond ASCII (\`größe\`) is one error
across the whole name, which the parser then reads as a name; so is a number written as another
language writes it (\`0xff\`, \`1_000\`, \`.5\`), with the decimal to write instead. A file saved
in another encoding than UTF-8 (Latin-1, say) is reported once, at its first byte that is not
UTF-8: save it as UTF-8.`,
    example: "input 8x8x3\npw 8 → relu\n",
  },
  DS1002: {
    title: "the text does not follow the grammar",
    text: `The parser expected something else at this point; the message says what it expected and what
it found. The parser recovers, so one run reports several of these; fix the first, since later
ones may follow from it.

An unclosed \`{\` is reported where the parser gave up waiting for its \`}\` (often the next
\`network\` or the end of the file), with a note at the brace that was opened. An \`=\` in a
condition (\`if s = 1\`) is reported once, with the comparison \`==\` it should be.`,
    example: "block b(s = 1) {\n  if s = 1 {\n    relu\n  }\n}\n",
  },
  DS1003: {
    title: "a string without its closing quote",
    text: `Strings (the paths of \`import\`) are written between double quotes on one line. Close the
string before the end of the line.`,
    example: 'import "blocks.dsnet\n',
  },
  DS1004: {
    title: "a reserved word used as a name",
    text: `The keywords of the language cannot name a value, a parameter, a block or a network:
\`network block input import repeat as residual shortcut concat add mul if else let in true false
and or not same same_upper valid x\`. \`x\` is the size operator of \`224 x 224 x 3\` and
\`res x res x 3\`, so \`let x = 16\` cannot be read; neither can a later \`conv 3x3 x\`, whose \`x\`
is read as the operator (dsnet reports only the first). Choose another name.`,
    example: "input 32x32x3\nlet x = 16\nconv 3x3 x s2\n",
  },
  // --- names and declarations ---------------------------------------------------------------
  DS2001: {
    title: "a call of a layer or block that does not exist",
    text: `A stage names a built-in layer (\`dsnet layers\` lists them) or a block declared in this file
or an imported one. dsnet suggests the closest name, and knows other frameworks' names for its
layers: \`dense\` and \`Linear\` are \`fc\`, \`Conv2d\` is \`conv\`, \`BatchNorm2d\` is \`bn\`.

The layers after an unknown one are still checked, for what does not depend on the shape the
unknown layer would have made.`,
    example: "input 8x8x16\nconv2d 3x3 32\n",
  },
  DS2002: {
    title: "two things with one name",
    text: `Blocks and networks share one namespace across every imported file, and each layer of a
network has a unique name, since its weights are named after it (\`conv1.weight\`). A label
(\`stem: conv 3x3 32\`) must differ from the other labels and from the names dsnet gives unlabelled
layers (\`conv1\`, \`bn2\`). Rename one of the two.`,
    example: "block a { relu }\nblock a { relu6 }\n",
  },
  DS2003: {
    title: "a block that calls itself",
    text: `A block's expansion must end, so a block cannot call itself, directly or through other
blocks. For repetition, use \`repeat n { ... }\`.`,
    example: "block a { relu -> a }\n",
  },
  DS2004: {
    title: "an imported file that does not exist",
    text: `\`import "path"\` reads a file relative to the importing file's folder, not to the current
directory. Check the path and its extension.`,
    example: 'import "missing.dsnet"\n',
  },
  DS2005: {
    title: "files that import each other",
    text: `Imports must form a tree: a file cannot import a file that (perhaps through others) imports
it. Move what both files need into a third file that imports neither.`,
    example: 'import "b.dsnet"\n',
    files: { "b.dsnet": 'import "main.dsnet"\n' },
  },
  DS2006: {
    title: "an argument name the layer or block does not have",
    text: `A named argument must be one of the layer's parameters (\`dsnet layers\` lists them) or the
block's. dsnet knows other frameworks' names: \`padding\` is \`pad\`, \`strides\` is \`stride\`,
\`kernel_size\` is \`kernel\`, \`filters\` and \`out_channels\` are \`out\`. \`s2\` and \`d2\` are
short for \`stride=2\` and \`dilation=2\`.`,
    example: "input 32x32x16\ndw 3x3 padding=1\n",
  },
  DS2007: {
    title: "more arguments than the layer or block takes",
    text: `Positional arguments fill the positional parameters in order (a size written \`3x3\` goes to
the kernel, a padding mode to \`pad\`); the others must be named. \`pw 8 16\` gives \`pw\` a
second channel count it has no place for. The input channels are never an argument: they come
from the input.`,
    example: "input 32x32x16\npw 8 16\n",
  },
  DS2008: {
    title: "a required argument is missing",
    text: `A layer's required parameters (a \`pw\`'s output channels, a \`dw\`'s kernel) and a block's
parameters without a default must be given; a network parameter without a default needs
\`--set NAME=VALUE\`.`,
    example: "input 32x32x16\npw\n",
  },
  DS2009: {
    title: "the same argument given twice",
    text: `Each parameter takes one value: \`dw 3x3 s2 stride=2\` gives the stride twice (\`s2\` is
\`stride=2\`). Remove one.`,
    example: "input 32x32x16\ndw 3x3 s2 stride=2\n",
  },
  DS2010: {
    title: "a name that means nothing here",
    text: `A name in an expression is a parameter of the block or network, a \`let\`, or a repeat's
index, defined before it in this body or an enclosing one. \`in\` has the fields \`h\`, \`w\` and
\`c\`.

When the name is a layer or a block (\`dw 3x3 pw 16\`), a \`->\` is probably missing: without it,
\`pw\` and \`16\` are read as arguments of \`dw\`. Write \`dw 3x3 -> pw 16\`, or put the stages on
lines of their own. When the line before ends in an operator or \`=\` (\`let c =\`), the expression
goes on to the next line, and the layer there is read as its value: finish the expression.`,
    example: "input 8x8x3\ndw 3x3 pw 16\n",
  },
  DS2011: {
    title: "a function that does not exist",
    text: `The functions are \`int floor ceil round min max abs make_divisible\`. dsnet suggests the
closest one.`,
    example: "input 32x32x16\npw make_divisable(20, 8)\n",
  },
  DS2012: {
    title: "a block named like a built-in layer",
    text: `A block cannot take the name of a built-in layer, since calls could not tell them apart.
Choose another name.`,
    example: "block relu { relu6 }\n",
  },
  DS2013: {
    title: "a network without an input",
    text: `Every network starts with \`input HxWxC\`: the height, width and channels of the image it
takes, such as \`input 224x224x3\`.`,
    example: "network n {\n}\n",
  },
  DS2014: {
    title: "an input in the wrong place",
    text: `A network has one \`input\`, before its first layer; a block has none (it takes the shape
flowing into its call). Move the \`input\` to the top of the network.`,
    example: "network n {\n  pw 8\n}\n",
  },
  DS2015: {
    title: "a parameter declared twice",
    text: "Each parameter of a block or network has its own name. Rename or remove one.",
    example: "block b(c, c) { pw c }\n",
  },
  DS2016: {
    title: "a `let` that redefines a name",
    text: `A \`let\` names a value once in its body; a second \`let\` of the same name in the same body
is an error (an inner body may define its own). Choose another name.`,
    example: "input 32x32x16\nlet a = 1\nlet a = 2\npw a\n",
  },
  DS2017: {
    title: "a file without a network where one is needed",
    text: `\`summary\`, \`compile\`, \`run\` and the other commands take a network: a file of blocks only
is a library, to be imported. Add \`network NAME { input HxWxC ... }\`, or write the layers after a
top-level \`input\`.`,
    example: "block b { relu }\n",
    requireNetwork: true,
  },
  DS2018: {
    title: "`in` where no shape flows",
    text: `\`in.h\`, \`in.w\` and \`in.c\` are the shape flowing into the layer being written. Before the
network's \`input\`, in the input's own shape and in a network parameter's default, nothing flows
yet. Write the number, or move the \`let\` after the \`input\`.`,
    example: "network n {\n  let width = in.c * 2\n  input 8x8x3\n  pw width\n}\n",
  },
  // --- values and expressions ---------------------------------------------------------------
  DS3001: {
    title: "division by zero",
    text: `\`/\`, \`//\`, \`%\` and \`make_divisible\` need a divisor other than 0. The message names the
expression that is 0; check the parameter it comes from.`,
    example: "input 32x32x16\npw 64 / (2 - 2)\n",
  },
  DS3002: {
    title: "a value of the wrong type",
    text: `Numbers, true/false, sizes (\`3x3\`), lists and padding modes are different types: a channel
count is a number, a condition true or false, an input a size of three numbers. A number used as
a condition must be compared (\`if n != 0\`).`,
    example: "input 32x32x16\nif 1 { relu }\n",
  },
  DS3003: {
    title: "a whole number needed",
    text: `Kernels, repeat counts, groups, padding and channel counts are whole numbers: \`dw 2.5\` has no
meaning. Round with \`int()\`, \`round()\` or \`make_divisible()\` where the value is computed.`,
    example: "input 32x32x16\ndw 2.5\n",
  },
  DS3004: {
    title: "a size or count below 1",
    text: "Input sizes, kernels, depth multipliers and groups are at least 1.",
    example: "input 0x8x3\n",
  },
  DS3005: {
    title: "a number too large to compute with",
    text: `A value that overflows (\`10 ** 400\`) or lies beyond float32's ±3.4e38 cannot be a size or a
weight. Check the expression.`,
    example: "input 32x32x16\npw 10 ** 400\n",
  },
  DS3006: {
    title: "a function called with the wrong number of arguments",
    text: `Each function takes a fixed number of arguments: \`int(x)\`, \`min(a, b, ...)\`,
\`make_divisible(v, divisor = 8, min_value = divisor)\`. The help gives the signature.`,
    example: "input 32x32x16\npw int(1, 2)\n",
  },
  DS3007: {
    title: "a value outside what the argument allows",
    text: `Some arguments have a range of their own: a dropout probability is in [0, 1), eps is not
negative, a split is a count or a list of channel counts, a slice's bounds are channel numbers, a
pooling window is larger than its padding.`,
    example: "input 32x32x16\ndropout 1.5\n",
  },
  // --- shapes -------------------------------------------------------------------------------
  DS4001: {
    title: "a residual whose two paths end with different channels",
    text: `A residual adds its body's output to its input (or its shortcut's output), element by
element, so both must have the same channels. End the body with the input's channel count, give
the residual a \`shortcut { pw N }\` projection, or make it conditional, as MobileNetV2 does:
\`residual if s == 1 and in.c == out { ... }\`.`,
    example: "input 32x32x16\nresidual {\n  pw 32\n}\n",
  },
  DS4002: {
    title: "a layer whose output has no pixels",
    text: `A convolution or pooling window larger than its (padded) input leaves an output of 0 pixels;
the message gives the arithmetic, ⌊(size + padding − extent) / stride⌋ + 1. Use \`pad=same\`, a
smaller window, or fewer downsampling layers before it (or a larger input).`,
    example: "input 4x4x8\nmaxpool 2x2 -> maxpool 2x2 -> maxpool 2x2\n",
  },
  DS4003: {
    title: "a channel count that is not a whole number of at least 1",
    text: `A computed channel count (\`pw 30 * alpha\`) must come out whole and positive: round it with
\`int()\` or \`make_divisible()\`, as MobileNet's width multiplier does.`,
    example: "network n(alpha = 0.75) {\n  input 8x8x3\n  pw 30 * alpha\n}\n",
  },
  DS4004: {
    title: "a stride below 1",
    text: "A stride is the step between windows: 1 or more (`s1`, `s2`, `stride=[2, 1]`).",
    example: "input 32x32x16\ndw 3x3 s0\n",
  },
  DS4005: {
    title: "a dilation below 1",
    text: "A dilation is the spacing between kernel taps: 1 (none) or more (`d2`).",
    example: "input 32x32x16\ndw 3x3 dilation=0\n",
  },
  DS4006: {
    title: "a depthwise layer asked to change the channel count",
    text: `A depthwise convolution filters each input channel on its own, so it outputs in.c × mult
channels; the count written after its kernel is a check of that, not a choice. In a separable
block, the depthwise layer keeps the channels and the pointwise (1x1) layer after it changes
them: write \`dw 3x3 -> bn -> relu -> pw 64\`, or \`mult=\` for a depth multiplier.`,
    example: "input 32x32x16\ndw 3x3 64\n",
  },
  DS4007: {
    title: "a layer given a channel count its input does not have",
    text: `\`bn C\` (and \`normalize\`'s per-channel values) must match the channels flowing in. The
usual cause is a batch norm copied from another layer: write \`bn\` alone, and dsnet sizes it
from its input.`,
    example: "input 32x32x16\npw 64 -> bn 16\n",
  },
  DS4008: {
    title: "fc on a feature map",
    text: `\`fc\` is a fully connected layer on a 1x1xC input. Put \`gap\` (global average pooling) or
\`flatten\` before it, or use \`pw\` for a 1x1 convolution on every pixel.`,
    example: "input 32x32x16\nfc 10\n",
  },
  DS4009: {
    title: "groups that do not divide the channels",
    text: `A grouped convolution splits the input and output channels into \`groups\` equal parts, so
both counts must divide by it.`,
    example: "input 32x32x16\nconv 3x3 24 groups=5\n",
  },
  DS4010: {
    title: "a residual whose two paths end with different sizes",
    text: `A residual adds its body's output to its input, pixel by pixel, so both must have the same
height and width. The help names the layer that changed the size: a stride needs a strided
shortcut (\`shortcut { conv 1x1 C s2 }\`) or stride 1 in the body; a layer that pads less than
\`same\` (\`valid\`, \`pad=0\`) shrinks the map and wants \`pad=same\`.`,
    example: "input 32x32x16\nresidual {\n  dw 3x3 s2\n}\n",
  },
  DS4011: {
    title: "concat of values with different sizes",
    text: `\`concat\` joins its branches along channels, so every branch must end with the same height
and width. Give the branches the same strides and padding.`,
    example: "input 32x32x16\nconcat { } { dw 3x3 s2 }\n",
  },
  DS4012: {
    title: "add of values with different shapes",
    text: `\`add\` sums its branches element by element: every branch must end with the same height,
width and channels.`,
    example: "input 32x32x16\nadd { pw 8 }\n",
  },
  DS4013: {
    title: "mul of values that do not match",
    text: `\`mul\` multiplies two equal shapes, or an HxWxC value by a 1x1xC gate (squeeze-and-excitation):
end the gate with as many channels as the value it scales (\`pw c\` after \`let c = in.c\`).`,
    example: "input 32x32x16\nmul { gap -> pw 8 -> sigmoid }\n",
  },
  DS4014: {
    title: "a split that does not fit the channels",
    text: `\`split=N\` divides the channels into N equal parts, so they must divide by N;
\`split=[a, b, ...]\` must add up to the channel count.`,
    example: "input 32x32x16\npw 60\nconcat split=8 { } { }\n",
  },
  DS4015: {
    title: "the wrong number of branches",
    text: `A split gives one share to each branch, so there is one branch per share (\`{}\` passes its
share through). \`mul\` multiplies two values: the current one by one branch, or two branches.`,
    example: "input 32x32x16\nconcat split=4 { } { }\n",
  },
  DS4016: {
    title: "a slice past the channels",
    text: "`slice START END` keeps channels START to END − 1, within the channels of its input.",
    example: "input 32x32x16\nslice 8 20\n",
  },
  DS4017: {
    title: "a shuffle whose groups do not divide the channels",
    text: "`shuffle G` views the channels as G × C/G and transposes them, so C must divide by G.",
    example: "input 32x32x16\nshuffle 3\n",
  },
  DS4101: {
    title: "a depthwise layer that shrinks the map (warning)",
    text: `A depthwise layer with less padding than \`same\` loses a border of pixels; in a block that
repeats, the map shrinks every time. Separable blocks keep the size with \`pad=same\` (the
default).`,
    example: "input 32x32x16\ndw 3x3 valid\n",
  },
  DS4102: {
    title: "a `let` that nothing reads (warning)",
    text: "A value named and never used is usually a typo in the name that uses it, or dead code.",
    example: "input 32x32x16\nlet squeeze = in.c // 4\npw 8\n",
  },
  DS4103: {
    title: "a convolution written in PyTorch's argument order (warning)",
    text: `PyTorch writes \`Conv2d(in_channels, out_channels, kernel_size)\`; dsnet takes the output
channels and the kernel, and the input channels come from the input. \`conv 3 32 s2\` is
therefore 3 output channels with a 32x32 kernel. For 32 channels from a 3x3 kernel write
\`conv 3x3 32 s2\`; write a large kernel as \`9x9\` to say you mean it.`,
    example: "input 224x224x3\nconv 3 32 s2\n",
  },
  DS4104: {
    title: "a kernel written as a product (warning)",
    text: `\`3*3\` is the number 9, and a kernel written as one number is square: \`dw 3*3\` is a 9x9
kernel. A size is written with \`x\`: \`dw 3x3\`.`,
    example: "input 32x32x16\ndw 3*3\n",
  },
  DS4105: {
    title: "an input written channels first (warning)",
    text: `dsnet's input is height x width x channels (\`input 224x224x3\`). PyTorch writes tensors
channels first (N, C, H, W), so \`input 3x224x224\` is easily written by habit: it is an image 3
pixels high with 224 channels.`,
    example: "input 3x224x224\n",
  },
  // --- limits -------------------------------------------------------------------------------
  DS5001: {
    title: "a tensor or layer beyond the size limit",
    text: `dsnet refuses an activation or a layer's weights of more than 2^28 elements (1 GiB of
float32) and a network of more than 2^30 weights (4 GiB, all a WebAssembly memory holds). Check
the channel counts and the input size.`,
    example: "input 32x32x16\npw 1000000\n",
  },
  DS5002: {
    title: "a network that expands beyond the layer limit",
    text: `Repeats and block calls may expand to at most 100,000 layers and 100,000 repeat iterations,
and blocks nest at most 200 deep; dsnet refuses before expanding, so a runaway repeat ends in
milliseconds. Check the repeat counts.`,
    example: "input 32x32x16\nrepeat 100000000 { relu }\n",
  },
  DS5003: {
    title: "more problems than are shown",
    text: `One run reports at most 100 diagnostics; this last one counts the rest, errors and warnings
apart. An error found past the cap takes the place of the last warning shown, so warnings never
hide an error. It is an error when any of the rest is one, and a warning when they are all
warnings: a file whose only problems are warnings still passes \`dsnet check\`. Fix the first
ones (later ones often follow from them) and check again.`,
    example: "input 8x8x3\n" + "foo\n".repeat(101),
    shown: "input 8x8x3\nfoo\nfoo\n... (101 lines of `foo`)\n",
  },
  DS5004: {
    title: "a file beyond the size limit",
    text: `A source file may hold at most 262,144 characters and 50,000 tokens: dsnet's largest
example has about 1,000 tokens. A larger file is almost certainly not a hand-written network.`,
    example: "relu\n".repeat(25_001),
    shown: "relu\nrelu\n... (25,001 lines: 50,002 tokens)\n",
  },
  DS5005: {
    title: "brackets or expressions nested too deeply",
    text: `Brackets nest at most 100 deep and operator chains at most 500: the parser and the checker
recurse once per level. Name intermediate values with \`let\`.`,
    example: "let a = " + "(".repeat(101) + "1" + ")".repeat(101) + "\n",
    shown: "let a = ((((( ... 101 brackets ... 1 ))))) \n",
  },
  DS5006: {
    title: "an argument beyond what a backend can address",
    text: `Strides, dilations and padded sizes must fit a 32-bit index (at most 2,147,483,647), the
largest a generated kernel can address.`,
    example: "input 32x32x16\ndw 3x3 s4294967297\n",
  },
  DS5007: {
    title: "a name or list beyond the length limit",
    text: "Names hold at most 1,000 characters and lists at most 1,000 items.",
    example: "input 32x32x16\n" + "n".repeat(1001) + "\n",
    shown: "input 32x32x16\nnnnnnnnn... (a name of 1,001 characters)\n",
  },
  // --- command-line overrides ---------------------------------------------------------------
  DS6001: {
    title: "a --set that names no parameter",
    text: `\`--set NAME=VALUE\` changes a parameter of the network chosen (\`--network\`, or the file's
only one). The name must be one of that network's parameters; with several networks in the
file, choose one with \`--network\`.`,
    example: "network n(width = 8) {\n  input 8x8x3\n  pw width\n}\n",
    set: ["widht=16"],
  },
  // --- weights imported from a model ------------------------------------------------------
  DS7001: {
    title: "a batch norm whose eps differs from the imported model's",
    text: `\`dsnet weights import\` read a batch norm's epsilon from the model (TF.js and Keras say
it; a PyTorch state_dict does not) and the matching \`bn\` of the .dsnet uses another. The
weights load either way, but every output of that layer is off: Keras's default is 1e-3 where
PyTorch's, and dsnet's, is 1e-5. Write the model's value on the layer: \`bn eps=0.001\`.`,
    example: "input 32x32x3\nconv 3x3 16 s2\nbn             # the model says epsilon 0.001\nrelu\n",
    reportedBy: "dsnet weights import model.json main.dsnet -o w.safetensors",
  },
  DS7002: {
    title: "a layer that pads differently from the imported model's",
    text: `The model pads this layer's input in another way than the .dsnet does at this size. The
usual cause is TensorFlow's SAME padding: on an even input at stride 2 it pads 0 pixels before
and 1 after, where dsnet's \`same\` (PyTorch's \`padding=k//2\`) pads 1 and 1, so the answer is
\`pad=same_upper\`. A Keras ZeroPadding2D before a VALID convolution is an explicit
\`pad=[top, bottom, left, right]\`. The shapes agree either way, so only the numbers are wrong;
the message's help says what to write.`,
    example: "input 32x32x3\nconv 3x3 16 s2 pad=same   # the model says SAME\nrelu\n",
    reportedBy: "dsnet weights import model.json main.dsnet -o w.safetensors",
  },
  DS7003: {
    title: "a layer whose stride or dilation differs from the imported model's",
    text: `The model's layer moves its window with another stride or dilation than the matching
.dsnet layer. After a global pool the shapes can still agree, so the check of shapes alone would
not notice; write the model's stride (\`s2\`) and dilation (\`d2\`) on the layer.`,
    example: "input 32x32x3\nconv 3x3 16 s1   # the model says strides 2\nrelu\ngap\nfc 10\n",
    reportedBy: "dsnet weights import model.json main.dsnet -o w.safetensors",
  },
};
