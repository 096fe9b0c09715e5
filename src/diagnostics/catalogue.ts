import type { Severity } from "./diagnostic.js";

/**
 * Every diagnostic dsnet can report: its stable code and its message template, as TypeScript's
 * diagnosticMessages.json keeps them. A code names one kind of problem and may have several
 * messages (a type mismatch in a repeat count reads differently from one in a condition).
 * Codes are grouped by phase: DS1xxx syntax, DS2xxx names and declarations, DS3xxx values and
 * expressions, DS4xxx shapes, DS5xxx limits, DS6xxx command-line overrides, DS7xxx what a
 * model file's weights imply and the .dsnet contradicts (`dsnet weights import`). A code is
 * never reused for another meaning.
 *
 * `{name}` in a message is a placeholder; `report` takes a value for each, checked by the
 * compiler (see `MessageArgs`). The values are inserted as they are, so a caller quotes code
 * with backticks in the template, not in the value.
 */
export const catalogue = {
  // --- syntax -------------------------------------------------------------------------------
  unexpectedCharacter: {
    code: "DS1001",
    severity: "error",
    message: "unexpected character {found}",
  },
  foreignName: {
    code: "DS1001",
    severity: "error",
    message: "`{name}` is not a name: it has letters beyond ASCII",
  },
  malformedNumber: {
    code: "DS1001",
    severity: "error",
    message: "`{text}` is not a number",
  },
  notUtf8: {
    code: "DS1001",
    severity: "error",
    message: "the file is not UTF-8: byte 0x{byte} here is not part of a UTF-8 character",
  },
  syntaxError: { code: "DS1002", severity: "error", message: "{detail}" },
  unterminatedString: {
    code: "DS1003",
    severity: "error",
    message: "this string is not closed before the end of the line",
  },
  assignInCondition: {
    code: "DS1002",
    severity: "error",
    message: "`=` in a condition: `=` gives a value to a name, and `==` compares",
  },
  reservedName: {
    code: "DS1004",
    severity: "error",
    message: "`{word}` cannot be a name: it is {meaning}",
  },

  // --- names and declarations ---------------------------------------------------------------
  unknownLayer: { code: "DS2001", severity: "error", message: "unknown layer or block `{name}`" },
  duplicateDefinition: {
    code: "DS2002",
    severity: "error",
    message: "{what} `{name}` is defined twice",
  },
  duplicateLayerName: {
    code: "DS2002",
    severity: "error",
    message: "two layers are named `{name}`: weight names must be unique",
  },
  blockCallsItself: { code: "DS2003", severity: "error", message: "block `{block}` calls itself" },
  blockCycle: {
    code: "DS2003",
    severity: "error",
    message: "blocks call each other in a cycle: {cycle}",
  },
  importNotFound: {
    code: "DS2004",
    severity: "error",
    message: "cannot find `{path}` (looked for {lookedFor})",
  },
  importCycle: { code: "DS2005", severity: "error", message: "import cycle: {cycle}" },
  joinArgumentUnknown: {
    code: "DS2006",
    severity: "error",
    message: "`{op}` has no parameter `{name}`: it takes only `split`",
  },
  unknownArgument: {
    code: "DS2006",
    severity: "error",
    message: "`{layer}` has no parameter `{name}`",
  },
  unknownBlockArgument: {
    code: "DS2006",
    severity: "error",
    message: "block `{block}` has no parameter `{name}`",
  },
  tooManyArguments: {
    code: "DS2007",
    severity: "error",
    message: "`{layer}` does not take this argument: `{argument}`",
  },
  tooManyBlockArguments: {
    code: "DS2007",
    severity: "error",
    message: "block `{block}` takes {takes}, but more were given",
  },
  missingArgument: { code: "DS2008", severity: "error", message: "`{layer}` needs {what}" },
  missingBlockArgument: {
    code: "DS2008",
    severity: "error",
    message: "block `{block}` needs `{param}`, which has no default",
  },
  missingNetworkArgument: {
    code: "DS2008",
    severity: "error",
    message: "network `{network}` parameter `{param}` has no default value",
  },
  duplicateArgument: { code: "DS2009", severity: "error", message: "`{name}` is given twice" },
  unknownName: { code: "DS2010", severity: "error", message: "unknown name `{name}`" },
  unknownShapeField: { code: "DS2010", severity: "error", message: "`in` has no field `{field}`" },
  layerAsValue: {
    code: "DS2010",
    severity: "error",
    message: "unknown name `{name}`: `{name}` is {what}, so a `->` is probably missing before it",
  },
  layerAfterOperator: {
    code: "DS2010",
    severity: "error",
    message:
      "`{name}` is {what}, but the `{operator}` that ends line {line} carries its expression on to here",
  },
  unknownFunction: { code: "DS2011", severity: "error", message: "unknown function `{name}`" },
  shadowsBuiltin: {
    code: "DS2012",
    severity: "error",
    message: "block `{block}` has the name of a built-in layer",
  },
  missingInput: { code: "DS2013", severity: "error", message: "network `{network}` has no input" },
  misplacedInput: {
    code: "DS2014",
    severity: "error",
    message: "`input` {where}: a network has one input, declared before its first layer",
  },
  layersBeforeInput: {
    code: "DS2014",
    severity: "error",
    message: "layers come before the network's input",
  },
  duplicateParameter: {
    code: "DS2015",
    severity: "error",
    message: "parameter `{name}` is declared twice",
  },
  duplicateLet: {
    code: "DS2016",
    severity: "error",
    message: "`{name}` is already defined in this scope",
  },
  noNetwork: { code: "DS2017", severity: "error", message: "{file} declares no network" },
  shapeBeforeInput: {
    code: "DS2018",
    severity: "error",
    message: "`{text}` is used {where}, where no shape flows yet",
  },

  // --- values and expressions ---------------------------------------------------------------
  divisionByZero: {
    code: "DS3001",
    severity: "error",
    message: "division by zero: the divisor `{divisor}` is 0",
  },
  makeDivisibleByZero: { code: "DS3001", severity: "error", message: "make_divisible by 0" },
  expectedNumber: {
    code: "DS3002",
    severity: "error",
    message: "expected a number, but `{text}` is {type} ({value})",
  },
  expectedBoolean: {
    code: "DS3002",
    severity: "error",
    message: "expected true or false, but `{text}` is {type} ({value})",
  },
  inputNotShape: {
    code: "DS3002",
    severity: "error",
    message:
      "the input must be height x width x channels, such as `224x224x3`, but `{text}` is {value}",
  },
  repeatCountNotNumber: {
    code: "DS3002",
    severity: "error",
    message: "a repeat count must be a whole number of at least 0, but `{text}` is {value}",
  },
  residualConditionNotBoolean: {
    code: "DS3002",
    severity: "error",
    message: "a residual condition must be true or false, but `{text}` is {type}",
  },
  ifConditionNotBoolean: {
    code: "DS3002",
    severity: "error",
    message: "an if condition must be true or false, but `{text}` is {type}",
  },
  argumentNotNumber: {
    code: "DS3002",
    severity: "error",
    message: "{what} must be a number, but `{text}` is {type}",
  },
  argumentNotBoolean: {
    code: "DS3002",
    severity: "error",
    message: "{name} must be true or false, but `{text}` is {type}",
  },
  argumentNotPair: {
    code: "DS3002",
    severity: "error",
    message: "{name} must be a number or two numbers (`3x3`, `[1, 2]`), but `{text}` is {value}",
  },
  argumentNotPadding: {
    code: "DS3002",
    severity: "error",
    message:
      "pad must be same, same_upper, valid, a number, [h, w] or [top, bottom, left, right], but `{text}` is {value}",
  },
  repeatCountNotWhole: {
    code: "DS3003",
    severity: "error",
    message: "a repeat count must be a whole number of at least 0, but `{text}` is {value}",
  },
  notWholeNumber: {
    code: "DS3003",
    severity: "error",
    message: "{name} must be a whole number, but `{text}` is {value}",
  },
  paddingNotWhole: {
    code: "DS3003",
    severity: "error",
    message: "padding must be whole numbers of at least 0, but `{text}` is {value}",
  },
  inputSizeNotPositive: {
    code: "DS3004",
    severity: "error",
    message: "input {dimension} must be a whole number of at least 1, but is {value}",
  },
  countBelowOne: {
    code: "DS3004",
    severity: "error",
    message: "{name} must be at least 1, but is {value}",
  },
  kernelBelowOne: {
    code: "DS3004",
    severity: "error",
    message: "kernel must be at least 1, but `{text}` is {value}",
  },
  notFinite: { code: "DS3005", severity: "error", message: "`{text}` is not a finite number" },
  notFloat32: {
    code: "DS3005",
    severity: "error",
    message: "{what} {value} is beyond float32, which holds at most ±3.4e38",
  },
  wrongFunctionArity: {
    code: "DS3006",
    severity: "error",
    message: "`{name}` takes {expected}, but was given {count}",
  },
  splitNotValid: {
    code: "DS3007",
    severity: "error",
    message:
      "`split` takes a number of equal parts or a list of channel counts, each a whole number of at least 1, not {value}",
  },
  sliceBoundNotWhole: {
    code: "DS3007",
    severity: "error",
    message: "`{call}` takes whole channel numbers from 0, not {value}",
  },
  negativeEps: {
    code: "DS3007",
    severity: "error",
    message: "eps must not be negative, but is {value}",
  },
  dropoutOutOfRange: {
    code: "DS3007",
    severity: "error",
    message: "dropout probability must be in [0, 1), but is {value}",
  },
  normalizeForm: {
    code: "DS3007",
    severity: "error",
    message: "`normalize` takes mean= and std=, or scale= and shift=: one of the two forms",
  },
  normalizeZeroStd: {
    code: "DS3007",
    severity: "error",
    message: "std must not be zero or too small to divide by, but is {value}",
  },
  poolWindowOfPadding: {
    code: "DS3007",
    severity: "error",
    message: "{layer} {kernel} with padding {padding} has windows made only of padding",
  },

  // --- shapes -------------------------------------------------------------------------------
  residualChannelMismatch: {
    code: "DS4001",
    severity: "error",
    message:
      "residual add needs equal channels, but the body ends with {bodyChannels} channels from {bodyProducer} and {skip} has {skipChannels}",
  },
  spatialTooSmall: {
    code: "DS4002",
    severity: "error",
    message:
      "`{call}` on {shape} from {producer} leaves no output: {axis} ⌊({size} + {padding} - {extent}) / {stride}⌋ + 1 = {out}",
  },
  badChannels: {
    code: "DS4003",
    severity: "error",
    message: "{what} must be a whole number of at least 1, but {computed}",
  },
  inputChannelsNotPositive: {
    code: "DS4003",
    severity: "error",
    message: "input channels must be a whole number of at least 1, but is {value}",
  },
  strideBelowOne: {
    code: "DS4004",
    severity: "error",
    message: "stride must be at least 1, but `{text}` is {value}",
  },
  dilationBelowOne: {
    code: "DS4005",
    severity: "error",
    message: "dilation must be at least 1, but `{text}` is {value}",
  },
  depthwiseChangesChannels: {
    code: "DS4006",
    severity: "error",
    message:
      "depthwise layer cannot change {inChannels} channels into {asked}: its output has in.c × mult = {inChannels} × {mult} = {outChannels} channels",
  },
  channelMismatch: {
    code: "DS4007",
    severity: "error",
    message: "`{call}` expects {asked} channels, but its input {producer} has {channels} ({shape})",
  },
  normalizeChannels: {
    code: "DS4007",
    severity: "error",
    message:
      "`normalize` {name} has {count} values: give one, or one per channel of its input {producer} ({channels})",
  },
  notFlat: {
    code: "DS4008",
    severity: "error",
    message: "fc needs a flat input (1x1xC), but its input {producer} is {shape}",
  },
  groupsMismatch: {
    code: "DS4009",
    severity: "error",
    message:
      "groups={groups} must divide both the input channels ({inChannels}) and the output channels ({outChannels})",
  },
  residualSpatialMismatch: {
    code: "DS4010",
    severity: "error",
    message:
      "residual add needs equal sizes, but the body ends with {bodyShape} from {bodyProducer} and {skip} is {skipShape}",
  },
  joinSizeMismatch: {
    code: "DS4011",
    severity: "error",
    message:
      "`concat` joins values of one height and width, but {first} is {firstShape} and {other} is {otherShape}",
  },
  addShapeMismatch: {
    code: "DS4012",
    severity: "error",
    message: "`add` needs equal shapes, but {first} is {firstShape} and {other} is {otherShape}",
  },
  gateMismatch: {
    code: "DS4013",
    severity: "error",
    message:
      "`mul` multiplies equal shapes, or an HxWxC value by a 1x1xC gate, but {first} is {firstShape} and {other} is {otherShape}",
  },
  splitNotDivisible: {
    code: "DS4014",
    severity: "error",
    message: "cannot split the {channels} channels of {producer} into {parts} equal parts",
  },
  splitSizesMismatch: {
    code: "DS4014",
    severity: "error",
    message: "split sizes [{sizes}] add up to {sum}, but {producer} has {channels} channels",
  },
  splitBranchCount: {
    code: "DS4015",
    severity: "error",
    message:
      "`{op}` splits its input into {parts} parts but has {branches} {branchWord}: give one branch per part",
  },
  gateBranchCount: {
    code: "DS4015",
    severity: "error",
    message:
      "`mul` multiplies two values, the current one by one branch or two branches together, but has {branches} branches",
  },
  sliceOutOfRange: {
    code: "DS4016",
    severity: "error",
    message:
      "`{call}` takes channels {start} to {end}, outside the {channels} channels of {producer}",
  },
  shuffleNotDivisible: {
    code: "DS4017",
    severity: "error",
    message:
      "`{call}` needs the channels to divide into {groups} groups, but {producer} has {channels}",
  },
  depthwiseShrinks: {
    code: "DS4101",
    severity: "warning",
    message: "dw {kernel} with this padding shrinks {from} to {to}",
  },

  unusedValue: {
    code: "DS4102",
    severity: "warning",
    message: "`let {name}` is never used",
  },
  convArgumentOrder: {
    code: "DS4103",
    severity: "warning",
    message:
      "`{call}` makes {out} output channels with a {kernel}x{kernel} kernel, not {kernel} channels from {out} as PyTorch's Conv2d({out}, {kernel}) does",
  },
  kernelProduct: {
    code: "DS4104",
    severity: "warning",
    message: "`{text}` is the number {value}, so this is a {value}x{value} kernel",
  },
  inputChannelsFirst: {
    code: "DS4105",
    severity: "warning",
    message:
      "`input {shape}` is {h} high and {w} wide with {c} channels: dsnet's input is height x width x channels",
  },

  // --- limits -------------------------------------------------------------------------------
  tensorTooLarge: {
    code: "DS5001",
    severity: "error",
    message: "a {shape} tensor has {elements} elements, beyond the limit of {limit}",
  },
  channelsTooLarge: {
    code: "DS5001",
    severity: "error",
    message: "{what} = {value} is beyond the limit of {limit}",
  },
  layerWeightsTooLarge: {
    code: "DS5001",
    severity: "error",
    message: "`{call}` would have {count} weights, beyond the limit of {limit}",
  },
  networkWeightsTooLarge: {
    code: "DS5001",
    severity: "error",
    message:
      "network `{network}` has {count} weights, beyond the limit of {limit} (4 GiB of float32)",
  },
  tooManyLayers: {
    code: "DS5002",
    severity: "error",
    message: "the network expands to more than {limit} layers",
  },
  repeatTooLarge: {
    code: "DS5002",
    severity: "error",
    message: "repeat {count} is beyond the limit of {limit} layers in a network",
  },
  repeatExpandsTooFar: {
    code: "DS5002",
    severity: "error",
    message:
      "repeat {count} takes the network beyond the limit of {limit} layers: it makes at least {made}, and the rest of the network at least {others}",
  },
  blocksTooDeep: {
    code: "DS5002",
    severity: "error",
    message: "blocks nested more than {limit} deep",
  },
  tooManyDiagnostics: {
    code: "DS5003",
    // As serious as what the cap dropped: an error when any dropped diagnostic was one, else a
    // warning, so a file whose only problems are warnings passes however many it has. The
    // reporter decides (`Reporter.finish`). One kind, not a kind per severity: a code has one
    // entry in `dsnet explain`, whose heading prints this severity.
    severity: "error or warning",
    message: "too many problems: {dropped} not shown",
  },
  fileTooLarge: {
    code: "DS5004",
    severity: "error",
    message: "{file} is larger than {limit} characters",
  },
  tooManyTokens: {
    code: "DS5004",
    severity: "error",
    message: "the file has more than {limit} tokens",
  },
  nestingTooDeep: {
    code: "DS5005",
    severity: "error",
    message: "nesting deeper than {limit} levels",
  },
  expressionTooDeep: {
    code: "DS5005",
    severity: "error",
    message: "expression nested deeper than {limit} levels",
  },
  tooDeepToParse: {
    code: "DS5005",
    severity: "error",
    message: "the program is nested too deeply to parse",
  },
  nameTooLong: {
    code: "DS5007",
    severity: "error",
    message: "a name of {length} characters is beyond the limit of {limit}",
  },
  listTooLong: {
    code: "DS5007",
    severity: "error",
    message: "a list of {count} items is beyond the limit of {limit}",
  },
  repeatIterationsTooMany: {
    code: "DS5002",
    severity: "error",
    message: "repeats run more than {limit} iterations in this network",
  },
  argumentTooLarge: {
    code: "DS5006",
    severity: "error",
    message:
      "{name} {value} is beyond the limit of {limit}, the largest index a backend can address",
  },
  paddedTooLarge: {
    code: "DS5006",
    severity: "error",
    message:
      "`{call}` pads the {axis} {size} to {padded}, beyond the limit of {limit}, the largest index a backend can address",
  },

  // --- command-line overrides (--set) -------------------------------------------------------
  unknownOverride: {
    code: "DS6001",
    severity: "error",
    message: "--set {name}: network `{network}` has no parameter `{name}`",
  },
  overrideWithoutNetwork: {
    code: "DS6001",
    severity: "error",
    message: "--set needs a network to apply to, and {file} declares {networks}",
  },

  // --- weights imported from a model file (dsnet weights import) ----------------------------
  importedEps: {
    code: "DS7001",
    severity: "warning",
    message: "the imported batch norm {source} has eps {eps}, but this `bn` uses {layerEps}",
  },
  importedPadding: {
    code: "DS7002",
    severity: "warning",
    message:
      "the imported {source} pads this {size} input by {pads} ({rule}), but this layer pads it by {layerPads}",
  },
  importedStride: {
    code: "DS7003",
    severity: "warning",
    message:
      "the imported {source} has stride {stride} and dilation {dilation}, but this layer has stride {layerStride} and dilation {layerDilation}",
  },
} as const satisfies Record<
  string,
  { code: string; severity: Severity | "error or warning"; message: string }
>;

type CatalogueKind = keyof typeof catalogue;

/**
 * The kinds a check reports, each with its own severity: all but DS5003, which only the
 * reporter makes, with the severity of what it dropped.
 */
export type DiagnosticKind = {
  [K in CatalogueKind]: (typeof catalogue)[K]["severity"] extends Severity ? K : never;
}[CatalogueKind];

/** The placeholder names of a template: `"{a} and {b}"` gives `"a" | "b"`. */
type Placeholders<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a kind's message needs, one per placeholder. */
export type MessageArgs<K extends CatalogueKind> = {
  [Name in Placeholders<(typeof catalogue)[K]["message"]>]: string | number;
};

/** The message of `kind` with its placeholders filled in. */
export function formatMessage<K extends CatalogueKind>(kind: K, args: MessageArgs<K>): string {
  const values = args as Record<string, string | number>;
  // One pass over the template: a value that contains braces is not expanded again.
  return catalogue[kind].message.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

/** Every code in the catalogue, once each, in order. */
export function allCodes(): string[] {
  return [...new Set(Object.values(catalogue).map((entry) => entry.code))];
}
