import type { Severity } from "./diagnostic.js";

/**
 * Every diagnostic dsnet can report, with its stable code. Codes are grouped by phase:
 * DS1xxx syntax, DS2xxx names and declarations, DS3xxx values and expressions, DS4xxx shapes,
 * DS5xxx limits, DS6xxx command-line overrides. A code is never reused for another meaning.
 */
export const catalogue = {
  // --- syntax -------------------------------------------------------------------------------
  unexpectedCharacter: { code: "DS1001", severity: "error" },
  syntaxError: { code: "DS1002", severity: "error" },
  unterminatedString: { code: "DS1003", severity: "error" },

  // --- names and declarations ---------------------------------------------------------------
  unknownLayer: { code: "DS2001", severity: "error" },
  duplicateDefinition: { code: "DS2002", severity: "error" },
  recursiveBlock: { code: "DS2003", severity: "error" },
  importNotFound: { code: "DS2004", severity: "error" },
  importCycle: { code: "DS2005", severity: "error" },
  unknownArgument: { code: "DS2006", severity: "error" },
  tooManyArguments: { code: "DS2007", severity: "error" },
  missingArgument: { code: "DS2008", severity: "error" },
  duplicateArgument: { code: "DS2009", severity: "error" },
  unknownName: { code: "DS2010", severity: "error" },
  unknownFunction: { code: "DS2011", severity: "error" },
  shadowsBuiltin: { code: "DS2012", severity: "error" },
  missingInput: { code: "DS2013", severity: "error" },
  misplacedInput: { code: "DS2014", severity: "error" },
  duplicateParameter: { code: "DS2015", severity: "error" },
  duplicateLet: { code: "DS2016", severity: "error" },
  noNetwork: { code: "DS2017", severity: "error" },

  // --- values and expressions ---------------------------------------------------------------
  divisionByZero: { code: "DS3001", severity: "error" },
  typeMismatch: { code: "DS3002", severity: "error" },
  notWholeNumber: { code: "DS3003", severity: "error" },
  notPositive: { code: "DS3004", severity: "error" },
  notFinite: { code: "DS3005", severity: "error" },
  wrongFunctionArity: { code: "DS3006", severity: "error" },
  invalidValue: { code: "DS3007", severity: "error" },

  // --- shapes -------------------------------------------------------------------------------
  residualChannelMismatch: { code: "DS4001", severity: "error" },
  spatialTooSmall: { code: "DS4002", severity: "error" },
  badChannels: { code: "DS4003", severity: "error" },
  strideBelowOne: { code: "DS4004", severity: "error" },
  dilationBelowOne: { code: "DS4005", severity: "error" },
  depthwiseChangesChannels: { code: "DS4006", severity: "error" },
  channelMismatch: { code: "DS4007", severity: "error" },
  notFlat: { code: "DS4008", severity: "error" },
  groupsMismatch: { code: "DS4009", severity: "error" },
  residualSpatialMismatch: { code: "DS4010", severity: "error" },
  depthwiseShrinks: { code: "DS4101", severity: "warning" },

  // --- limits -------------------------------------------------------------------------------
  tensorTooLarge: { code: "DS5001", severity: "error" },
  tooManyLayers: { code: "DS5002", severity: "error" },
  tooManyDiagnostics: { code: "DS5003", severity: "error" },
  fileTooLarge: { code: "DS5004", severity: "error" },
  nestingTooDeep: { code: "DS5005", severity: "error" },

  // --- command-line overrides (--set) -------------------------------------------------------
  unknownOverride: { code: "DS6001", severity: "error" },
} as const satisfies Record<string, { code: string; severity: Severity }>;

export type DiagnosticKind = keyof typeof catalogue;
