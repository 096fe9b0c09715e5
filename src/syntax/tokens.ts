import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";

/*
 * The tokens of the dsnet language. Every token has a label: Chevrotain quotes labels in its
 * messages, so users read "expected ')'" rather than "expected RParen".
 */

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
});

/** Every keyword, in the order declared: the words that cannot be names. */
const keywords: string[] = [];
const keywordTypes = new Set<TokenType>();

function keyword(word: string, categories?: TokenType[]): TokenType {
  keywords.push(word);
  const type = createToken({
    name:
      word[0].toUpperCase() + word.slice(1).replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `'${word}'`,
    ...(categories ? { categories } : {}),
  });
  keywordTypes.add(type);
  return type;
}

/**
 * Where a token ends in the source: its extent there, not its image's length, since a repaired
 * `=` reads `==` (parse.ts's repairConditions) but is one character of the source.
 */
export function tokenEnd(token: IToken): number {
  return Number.isFinite(token.endOffset)
    ? token.endOffset! + 1
    : token.startOffset + token.image.length;
}

/** True for a keyword's token (`x`, `in`, `let`, ...): one that cannot be a name. */
export function isKeyword(type: TokenType): boolean {
  return keywordTypes.has(type);
}

/** Padding-mode keywords (`same`, `same_upper`, `valid`) share one category. */
export const PadMode = createToken({ name: "PadMode", pattern: Lexer.NA, label: "a padding mode" });

export const Network = keyword("network");
export const Block = keyword("block");
export const Input = keyword("input");
export const Import = keyword("import");
export const Repeat = keyword("repeat");
export const As = keyword("as");
export const Residual = keyword("residual");
export const Shortcut = keyword("shortcut");
export const Concat = keyword("concat");
export const Add = keyword("add");
export const Mul = keyword("mul");
export const If = keyword("if");
export const Else = keyword("else");
export const Let = keyword("let");
export const In = keyword("in");
export const True = keyword("true");
export const False = keyword("false");
export const And = keyword("and");
export const Or = keyword("or");
export const Not = keyword("not");
export const SameUpper = keyword("same_upper", [PadMode]);
export const Same = keyword("same", [PadMode]);
export const Valid = keyword("valid", [PadMode]);
/** The `x` of `res x res x 3`; `224x224x3` written without spaces is one DimsLiteral token. */
export const Times = keyword("x");

/** `s2`: stride shorthand. A name such as `s2x` is still a name (longer_alt). */
export const StrideShort = createToken({
  name: "StrideShort",
  pattern: /s[0-9]+/,
  longer_alt: Identifier,
  label: "a stride such as 's2'",
});
/** `d2`: dilation shorthand. */
export const DilationShort = createToken({
  name: "DilationShort",
  pattern: /d[0-9]+/,
  longer_alt: Identifier,
  label: "a dilation such as 'd2'",
});

export const DimsLiteral = createToken({
  name: "DimsLiteral",
  pattern: /[0-9]+(?:x[0-9]+)+/,
  label: "a size such as '3x3'",
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/,
  label: "a number",
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n]|\\.)*"/,
  label: "a string",
});

export const Arrow = createToken({ name: "Arrow", pattern: /->/, label: "'->'" });
export const EqEq = createToken({ name: "EqEq", pattern: /==/, label: "'=='" });
export const NotEq = createToken({ name: "NotEq", pattern: /!=/, label: "'!='" });
export const LessEq = createToken({ name: "LessEq", pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=/, label: "'>='" });
export const Less = createToken({ name: "Less", pattern: /</, label: "'<'" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: "'>'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Power = createToken({ name: "Power", pattern: /\*\*/, label: "'**'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const FloorDiv = createToken({ name: "FloorDiv", pattern: /\/\//, label: "'//'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Question = createToken({ name: "Question", pattern: /\?/, label: "'?'" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const Newline = createToken({ name: "Newline", pattern: /\n/, label: "a line break" });

export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\f\v]+/,
  group: Lexer.SKIPPED,
});

/** Order matters: longer operators before their prefixes, keywords before names. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Newline,
  StringLiteral,
  DimsLiteral,
  NumberLiteral,
  Arrow,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Power,
  Star,
  FloorDiv,
  Slash,
  Percent,
  Plus,
  Minus,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Question,
  Dot,
  Semicolon,
  Network,
  Block,
  Input,
  Import,
  Repeat,
  As,
  Residual,
  Shortcut,
  Concat,
  Add,
  Mul,
  If,
  Else,
  Let,
  In,
  True,
  False,
  And,
  Or,
  Not,
  SameUpper,
  Same,
  Valid,
  Times,
  PadMode,
  StrideShort,
  DilationShort,
  Identifier,
];

/** Words that cannot be used as names. */
export const reservedWords: readonly string[] = keywords;
