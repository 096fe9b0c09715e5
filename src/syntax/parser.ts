import {
  CstParser,
  EOF,
  type CstNode,
  type DSLMethodOpts,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from "chevrotain";
import { MAX_DIAGNOSTICS } from "../diagnostics/reporter.js";
import * as T from "./tokens.js";

/** Chevrotain's own recovery test, which its type declarations leave out. */
const recoverable = CstParser.prototype as unknown as {
  shouldInRepetitionRecoveryBeTried(...args: unknown[]): boolean;
};

/**
 * How many errors the parser recovers from in one file (see `shouldInRepetitionRecoveryBeTried`):
 * half as many as are shown, since each costs a scan of the rest of the file.
 */
export const MAX_RECOVERIES = MAX_DIAGNOSTICS / 2;

/**
 * Error messages phrased for users: "expected ')' but found '->'" rather than Chevrotain's
 * listing of token-type sequences.
 */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    // Only the top level waits for the end of the file, and anything may come there but this.
    if (expected === EOF) return `unexpected ${quote(actual)}`;
    return `expected ${describe(expected)} but found ${quote(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${quote(firstRedundant)}`;
  },
  buildNoViableAltMessage({ actual, ruleName }) {
    return `expected ${ruleDescriptions[ruleName] ?? ruleName} but found ${quote(actual[0])}`;
  },
  buildEarlyExitMessage({ actual, ruleName }) {
    return `expected ${ruleDescriptions[ruleName] ?? ruleName} but found ${quote(actual[0])}`;
  },
};

const ruleDescriptions: Record<string, string> = {
  program: "an import, block, network or statement",
  topLevelItem: "an import, block, network or statement",
  statement: "a statement (a layer, `let` or `input`)",
  stage: "a layer or block name",
  argument: "an argument",
  dimsOrExpression: "a value",
  primary: "a value (a number, name, or parenthesised expression)",
  unary: "a value",
  notExpression: "a value",
};

function describe(type: TokenType): string {
  if (type === EOF) return "the end of the file";
  return type.LABEL ?? type.name;
}

function quote(token: IToken): string {
  if (token.tokenType === EOF) return "the end of the file";
  if (token.tokenType === T.Newline) return "the end of the line";
  return `'${token.image}'`;
}

/** An `OR`'s alternatives; what a production returns is not read. */
type Alternatives = IOrAlt<unknown>[];

/**
 * What `DsnetParser.built` keeps, in the order the rules use them: a rule's `OR` alternatives
 * (`<rule>2` for its second `OR`), `call`'s with their options, and the gated `OPTION`s.
 */
interface BuiltRules {
  program?: Alternatives;
  separator?: Alternatives;
  topLevelItem?: Alternatives;
  body?: Alternatives;
  statement?: Alternatives;
  stageLabel?: DSLMethodOpts<unknown>;
  stage?: Alternatives;
  call?: OrMethodOpts<unknown>;
  argument?: Alternatives;
  dimsOrExpression?: Alternatives;
  dimsOrExpression2?: Alternatives;
  joinStage?: Alternatives;
  ifStage?: Alternatives;
  notExpression?: Alternatives;
  comparison?: Alternatives;
  additive?: Alternatives;
  multiplicative?: Alternatives;
  unary?: Alternatives;
  unary2?: Alternatives;
  primary?: Alternatives;
  callArguments?: DSLMethodOpts<unknown>;
}

/**
 * The dsnet grammar. Each rule's doc comment gives its production; `grammar/` is generated from
 * this class (tools/gen-grammar.ts), so the two cannot drift apart.
 */
export class DsnetParser extends CstParser {
  /**
   * `validate` runs Chevrotain's grammar checks (ambiguities, left recursion); they cost tens of
   * milliseconds at every start, so the shared parser skips them and a test runs them instead.
   */
  constructor({ validate = false }: { validate?: boolean } = {}) {
    super(T.allTokens, {
      recoveryEnabled: true,
      errorMessageProvider: messages,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /**
   * Each rule's alternatives (and gated options), built at their first use and kept: written
   * inline they would be fresh closures at every call, Chevrotain's best-known avoidable cost.
   * A gate reads the token before it as `LA(0)`, since a kept closure cannot see a local.
   */
  private readonly built: BuiltRules = {};

  /**
   * Past `MAX_RECOVERIES` errors the parser stops recovering inside repetitions, and the rest of
   * the file is one error. Each such recovery scans ahead for a token to go on from, which in a
   * file of stray `)` or `5` lines is the rest of the file every time: 24,000 of them took 8 s,
   * and 20,000 overflowed the stack.
   */
  protected shouldInRepetitionRecoveryBeTried(...args: unknown[]): boolean {
    return (
      this.errors.length < MAX_RECOVERIES &&
      recoverable.shouldInRepetitionRecoveryBeTried.apply(this, args)
    );
  }

  /** program : ( separator | topLevelItem )* */
  program = this.RULE("program", () => {
    this.MANY(() => {
      this.OR(
        (this.built.program ??= [
          { ALT: () => this.SUBRULE(this.separator) },
          { ALT: () => this.SUBRULE(this.topLevelItem) },
        ]),
      );
    });
  });

  /** separator : LINE_BREAK | ';' */
  separator = this.RULE("separator", () => {
    this.OR(
      (this.built.separator ??= [
        { ALT: () => this.CONSUME(T.Newline) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ]),
    );
  });

  /** topLevelItem : importDecl | blockDecl | networkDecl | statement */
  topLevelItem = this.RULE("topLevelItem", () => {
    this.OR(
      (this.built.topLevelItem ??= [
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.blockDecl) },
        { ALT: () => this.SUBRULE(this.networkDecl) },
        { ALT: () => this.SUBRULE(this.statement) },
      ]),
    );
  });

  /** importDecl : 'import' STRING */
  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  /** blockDecl : 'block' NAME paramList? body */
  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  /** networkDecl : 'network' NAME paramList? body */
  networkDecl = this.RULE("networkDecl", () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.paramList));
    this.SUBRULE(this.body);
  });

  /** paramList : '(' ( param ( ',' param )* ','? )? ')' */
  paramList = this.RULE("paramList", () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.param);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  /** param : NAME ( '=' expression )? */
  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  /** body : '{' ( separator | statement )* '}' */
  body = this.RULE("body", () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR(
        (this.built.body ??= [
          { ALT: () => this.SUBRULE(this.separator) },
          { ALT: () => this.SUBRULE(this.statement) },
        ]),
      );
    });
    this.CONSUME(T.RBrace);
  });

  /** statement : letStatement | inputStatement | pipeline */
  statement = this.RULE("statement", () => {
    this.OR(
      (this.built.statement ??= [
        { ALT: () => this.SUBRULE(this.letStatement) },
        { ALT: () => this.SUBRULE(this.inputStatement) },
        { ALT: () => this.SUBRULE(this.pipeline) },
      ]),
    );
  });

  /** letStatement : 'let' NAME '=' expression */
  letStatement = this.RULE("letStatement", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  /** inputStatement : 'input' dimsOrExpression */
  inputStatement = this.RULE("inputStatement", () => {
    this.CONSUME(T.Input);
    this.SUBRULE(this.dimsOrExpression);
  });

  /** pipeline : stage ( '->' stage )* */
  pipeline = this.RULE("pipeline", () => {
    this.SUBRULE(this.stage);
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE2(this.stage);
    });
  });

  /** stage : ( NAME ':' )? ( call | repeatStage | residualStage | joinStage | ifStage ) */
  stage = this.RULE("stage", () => {
    this.OPTION(
      (this.built.stageLabel ??= {
        GATE: () => this.LA(2).tokenType === T.Colon,
        DEF: () => {
          this.CONSUME(T.Identifier, { LABEL: "label" });
          this.CONSUME(T.Colon);
        },
      }),
    );
    this.OR(
      (this.built.stage ??= [
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.SUBRULE(this.repeatStage) },
        { ALT: () => this.SUBRULE(this.residualStage) },
        { ALT: () => this.SUBRULE(this.joinStage) },
        { ALT: () => this.SUBRULE(this.ifStage) },
      ]),
    );
  });

  /**
   * call : NAME ( '(' ( argument ( ',' argument )* ','? )? ')' | argument* )
   *
   * The parenthesised form needs the '(' right after the name, with no space: `pw (a + b)` is
   * `pw` with the argument `(a + b)`.
   */
  call = this.RULE("call", () => {
    this.CONSUME(T.Identifier);
    this.OR(
      (this.built.call ??= {
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => adjacent(this.LA(0), this.LA(1), T.LParen),
            ALT: () => {
              this.CONSUME(T.LParen);
              this.OPTION(() => {
                this.SUBRULE(this.argument);
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.SUBRULE2(this.argument);
                });
                this.OPTION2(() => this.CONSUME2(T.Comma));
              });
              this.CONSUME(T.RParen);
            },
          },
          { ALT: () => this.MANY2(() => this.SUBRULE3(this.argument)) },
        ],
      }),
    );
  });

  /** argument : NAME '=' dimsOrExpression | STRIDE | DILATION | dimsOrExpression */
  argument = this.RULE("argument", () => {
    this.OR(
      (this.built.argument ??= [
        {
          ALT: () => {
            this.CONSUME(T.Identifier);
            this.CONSUME(T.Equals);
            this.SUBRULE(this.dimsOrExpression);
          },
        },
        { ALT: () => this.CONSUME(T.StrideShort) },
        { ALT: () => this.CONSUME(T.DilationShort) },
        { ALT: () => this.SUBRULE2(this.dimsOrExpression) },
      ]),
    );
  });

  /** dimsOrExpression : ( SIZE | expression ) ( 'x' ( SIZE | expression ) )* */
  dimsOrExpression = this.RULE("dimsOrExpression", () => {
    this.OR(
      (this.built.dimsOrExpression ??= [
        { ALT: () => this.CONSUME(T.DimsLiteral) },
        { ALT: () => this.SUBRULE(this.expression) },
      ]),
    );
    this.MANY(() => {
      this.CONSUME(T.Times);
      this.OR2(
        (this.built.dimsOrExpression2 ??= [
          { ALT: () => this.CONSUME2(T.DimsLiteral) },
          { ALT: () => this.SUBRULE2(this.expression) },
        ]),
      );
    });
  });

  /** repeatStage : 'repeat' expression ( 'as' NAME )? body */
  repeatStage = this.RULE("repeatStage", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Identifier);
    });
    this.SUBRULE(this.body);
  });

  /** residualStage : 'residual' ( 'if' expression )? body ( 'shortcut' body )? */
  residualStage = this.RULE("residualStage", () => {
    this.CONSUME(T.Residual);
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.SUBRULE(this.expression);
    });
    this.SUBRULE(this.body, { LABEL: "main" });
    this.OPTION2(() => {
      this.CONSUME(T.Shortcut);
      this.SUBRULE2(this.body, { LABEL: "shortcut" });
    });
  });

  /**
   * joinStage : ( 'concat' | 'add' | 'mul' ) argument* body+
   *
   * Branches that start from the current value (or, with `split=`, from their share of its
   * channels) and are joined; one branch alone is joined with the current value.
   */
  joinStage = this.RULE("joinStage", () => {
    this.OR(
      (this.built.joinStage ??= [
        { ALT: () => this.CONSUME(T.Concat, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Add, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Mul, { LABEL: "op" }) },
      ]),
    );
    this.MANY(() => this.SUBRULE(this.argument));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.body, { LABEL: "branch" }));
  });

  /** ifStage : 'if' expression body ( 'else' ( ifStage | body ) )? */
  ifStage = this.RULE("ifStage", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.body, { LABEL: "then" });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR(
        (this.built.ifStage ??= [
          { ALT: () => this.SUBRULE(this.ifStage, { LABEL: "elseIf" }) },
          { ALT: () => this.SUBRULE2(this.body, { LABEL: "else" }) },
        ]),
      );
    });
  });

  /** expression : orExpression ( '?' expression ':' expression )? */
  expression = this.RULE("expression", () => {
    this.SUBRULE(this.orExpression);
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expression, { LABEL: "then" });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expression, { LABEL: "else" });
    });
  });

  /** orExpression : andExpression ( 'or' andExpression )* */
  orExpression = this.RULE("orExpression", () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpression);
    });
  });

  /** andExpression : notExpression ( 'and' notExpression )* */
  andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpression);
    });
  });

  /** notExpression : 'not' notExpression | comparison */
  notExpression = this.RULE("notExpression", () => {
    this.OR(
      (this.built.notExpression ??= [
        {
          ALT: () => {
            this.CONSUME(T.Not);
            this.SUBRULE(this.notExpression);
          },
        },
        { ALT: () => this.SUBRULE(this.comparison) },
      ]),
    );
  });

  /** comparison : additive ( ( '==' | '!=' | '<=' | '>=' | '<' | '>' ) additive )? */
  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR(
        (this.built.comparison ??= [
          { ALT: () => this.CONSUME(T.EqEq) },
          { ALT: () => this.CONSUME(T.NotEq) },
          { ALT: () => this.CONSUME(T.LessEq) },
          { ALT: () => this.CONSUME(T.GreaterEq) },
          { ALT: () => this.CONSUME(T.Less) },
          { ALT: () => this.CONSUME(T.Greater) },
        ]),
      );
      this.SUBRULE2(this.additive);
    });
  });

  /** additive : multiplicative ( ( '+' | '-' ) multiplicative )* */
  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR(
        (this.built.additive ??= [
          { ALT: () => this.CONSUME(T.Plus) },
          { ALT: () => this.CONSUME(T.Minus) },
        ]),
      );
      this.SUBRULE2(this.multiplicative);
    });
  });

  /** multiplicative : unary ( ( '*' | '/' | '//' | '%' ) unary )* */
  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR(
        (this.built.multiplicative ??= [
          { ALT: () => this.CONSUME(T.Star) },
          { ALT: () => this.CONSUME(T.Slash) },
          { ALT: () => this.CONSUME(T.FloorDiv) },
          { ALT: () => this.CONSUME(T.Percent) },
        ]),
      );
      this.SUBRULE2(this.unary);
    });
  });

  /** unary : ( '-' | '+' ) unary | power */
  unary = this.RULE("unary", () => {
    this.OR(
      (this.built.unary ??= [
        {
          ALT: () => {
            this.OR2(
              (this.built.unary2 ??= [
                { ALT: () => this.CONSUME(T.Minus) },
                { ALT: () => this.CONSUME(T.Plus) },
              ]),
            );
            this.SUBRULE(this.unary);
          },
        },
        { ALT: () => this.SUBRULE(this.power) },
      ]),
    );
  });

  /** power : primary ( '**' unary )? */
  power = this.RULE("power", () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => {
      this.CONSUME(T.Power);
      this.SUBRULE(this.unary);
    });
  });

  /**
   * primary : NUMBER | 'true' | 'false' | PADDING_MODE | 'in' '.' NAME
   *         | NAME ( '(' ( expression ( ',' expression )* ','? )? ')' )?
   *         | '(' expression ')' | '[' ( expression ( ',' expression )* ','? )? ']'
   *
   * As with calls, a function call needs its '(' right after the name: `max(a, b)`.
   */
  primary = this.RULE("primary", () => {
    this.OR(
      (this.built.primary ??= [
        { ALT: () => this.CONSUME(T.NumberLiteral) },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
        { ALT: () => this.CONSUME(T.PadMode) },
        {
          ALT: () => {
            this.CONSUME(T.In);
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Identifier, { LABEL: "field" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Identifier);
            this.OPTION(
              (this.built.callArguments ??= {
                GATE: () => adjacent(this.LA(0), this.LA(1), T.LParen),
                DEF: () => {
                  this.CONSUME(T.LParen);
                  this.OPTION2(() => {
                    this.SUBRULE(this.expression, { LABEL: "arguments" });
                    this.MANY(() => {
                      this.CONSUME(T.Comma);
                      this.SUBRULE2(this.expression, { LABEL: "arguments" });
                    });
                    this.OPTION3(() => this.CONSUME2(T.Comma));
                  });
                  this.CONSUME(T.RParen);
                },
              }),
            );
          },
        },
        {
          ALT: () => {
            this.CONSUME2(T.LParen, { LABEL: "open" });
            this.SUBRULE3(this.expression, { LABEL: "inner" });
            this.CONSUME2(T.RParen, { LABEL: "close" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            this.OPTION4(() => {
              this.SUBRULE4(this.expression, { LABEL: "items" });
              this.MANY2(() => {
                this.CONSUME3(T.Comma);
                this.SUBRULE5(this.expression, { LABEL: "items" });
              });
              this.OPTION5(() => this.CONSUME4(T.Comma));
            });
            this.CONSUME(T.RBracket);
          },
        },
      ]),
    );
  });
}

/** True when `next` is a `type` token that starts right where `previous` ends. */
function adjacent(previous: IToken, next: IToken, type: TokenType): boolean {
  return next.tokenType === type && next.startOffset === previous.endOffset! + 1;
}

let shared: DsnetParser | undefined;

/** The parser is stateful but reusable; building it runs Chevrotain's grammar analysis once. */
export function sharedParser(): DsnetParser {
  shared ??= new DsnetParser();
  return shared;
}

export type { CstNode };
