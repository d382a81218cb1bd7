// The MLSQL grammar: one script of statements separated by ';'.
//
// Compatible with the MLSQL / Byzer engine's statement forms (load, save, select, set, connect,
// train/run/predict, register, unregister, include, !command, pass-through SQL). Keywords are
// case-insensitive and may also be used as names, except 'as' and 'and'.
//
// Regenerate the Python parser after any change:  .venv/bin/python -m mlsql.parser.regenerate
// (tests/parser/test_generated_fresh.py fails when the committed parser is stale).

grammar MLSQL;

options { caseInsensitive = true; }

// ---------------------------------------------------------------------------------------------
// Script and statements

// Written so that each decision needs one token of look-ahead: error recovery then resumes at
// the next ';' and every broken statement of a script gets reported.
script
    : statement? (SEMI statement?)* EOF
    ;

statement
    : loadStatement
    | saveStatement
    | selectStatement
    | sqlStatement
    | setStatement
    | connectStatement
    | modelStatement
    | registerStatement
    | unregisterStatement
    | includeStatement
    | commandStatement
    ;

// load <format>.`path` [options …] as <table>
loadStatement
    : LOAD format DOT path optionsClause? AS tableName
    ;

// save [mode] <table> as <format>.`path` [options …] [partitionBy c1, c2]
saveStatement
    : SAVE saveMode? tableName AS format DOT path optionsClause? partitionClause?
    ;

saveMode
    : OVERWRITE | APPEND | ERRORIFEXISTS | IGNORE
    ;

partitionClause
    : PARTITIONBY column (COMMA column)*
    ;

// select … as <table>: the query is kept as raw text, the last 'as <table>' names the result.
selectStatement
    : SELECT (~SEMI)* AS tableName
    ;

// insert / create / drop / refresh: handed to Spark SQL as written.
sqlStatement
    : (INSERT | CREATE | DROP | REFRESH) (~SEMI)*
    ;

// set <key> = <value> [options type="…"]
setStatement
    : SET setKey EQ setValue optionsClause?
    ;

setKey
    : qualifiedName
    ;

setValue
    : STRING
    | BLOCK_STRING
    | VAR_REF
    | MINUS? qualifiedName
    ;

// connect <format> where … as <name>
connectStatement
    : CONNECT format optionsClause? AS connectName
    ;

connectName
    : qualifiedName
    ;

// train|run|predict|evaluate <table> as <Algorithm>.`path` [where …] [as <outTable>]
modelStatement
    : (TRAIN | RUN | PREDICT | EVALUATE) tableName (AS | INTO) algorithm DOT path optionsClause? (AS outputTable)?
    ;

outputTable
    : tableName
    ;

// register <Algorithm>.`path` as <function> [options …]
registerStatement
    : REGISTER algorithm DOT path AS functionName optionsClause?
    ;

// unregister <function>  |  unregister <Algorithm>.`path` as <function>
unregisterStatement
    : UNREGISTER (algorithm DOT path AS)? functionName
    ;

// include <source>.`path` [options …]
includeStatement
    : INCLUDE format DOT path optionsClause?
    ;

// !name arg …: the arguments are kept as raw tokens and split on white space by the builder.
commandStatement
    : COMMAND (~SEMI)*
    ;

// ---------------------------------------------------------------------------------------------
// Options, names and paths

optionsClause
    : (OPTIONS | WHERE) option (AND option)*
    ;

option
    : optionKey EQ optionValue
    ;

optionKey
    : qualifiedName
    ;

optionValue
    : STRING
    | BLOCK_STRING
    ;

path
    : BACKQUOTED_IDENTIFIER
    | STRING
    | VAR_REF
    | bareName (DOT bareName)*
    ;

format
    : identifier
    ;

algorithm
    : identifier
    ;

tableName
    : identifier
    ;

functionName
    : identifier
    ;

column
    : identifier
    ;

qualifiedName
    : identifier (DOT identifier)*
    ;

identifier
    : bareName
    | BACKQUOTED_IDENTIFIER
    ;

bareName
    : IDENTIFIER
    | nonReserved
    ;

nonReserved
    : LOAD | SAVE | SELECT | INSERT | CREATE | DROP | REFRESH | SET | CONNECT | TRAIN | RUN
    | PREDICT | REGISTER | UNREGISTER | INCLUDE | OPTIONS | WHERE | PARTITIONBY | OVERWRITE
    | APPEND | ERRORIFEXISTS | IGNORE | INTO | EVALUATE
    ;

// ---------------------------------------------------------------------------------------------
// Lexer

SEMI  : ';';
DOT   : '.';
EQ    : '=';
COMMA : ',';
MINUS : '-';

AS            : 'as';
AND           : 'and';
INTO          : 'into';
LOAD          : 'load';
SAVE          : 'save';
SELECT        : 'select';
INSERT        : 'insert';
CREATE        : 'create';
DROP          : 'drop';
REFRESH       : 'refresh';
SET           : 'set';
CONNECT       : 'connect';
TRAIN         : 'train';
RUN           : 'run';
PREDICT       : 'predict';
EVALUATE      : 'evaluate';
REGISTER      : 'register';
UNREGISTER    : 'unregister';
INCLUDE       : 'include';
OPTIONS       : 'options';
WHERE         : 'where';
PARTITIONBY   : 'partitionBy';
OVERWRITE     : 'overwrite';
APPEND        : 'append';
ERRORIFEXISTS : 'errorIfExists';
IGNORE        : 'ignore';

// '!' immediately followed by the command's name: !show, !desc, !kill …
COMMAND
    : '!' NAME_CHAR+
    ;

BLOCK_STRING
    : '\'\'\'' .*? '\'\'\''
    ;

STRING
    : '\'' (~['\\] | '\\' .)* '\''
    | '"' (~["\\] | '\\' .)* '"'
    ;

BACKQUOTED_IDENTIFIER
    : '`' (~'`' | '``')* '`'
    ;

// ${name}: kept verbatim, substituted by the engine.
VAR_REF
    : '${' ~[}\r\n]* '}'
    ;

IDENTIFIER
    : NAME_CHAR+
    ;

fragment NAME_CHAR
    : [\p{L}0-9_]
    ;

LINE_COMMENT
    : '--' ~[\r\n]* -> channel(HIDDEN)
    ;

BLOCK_COMMENT
    : '/*' .*? '*/' -> channel(HIDDEN)
    ;

WS
    : [ \t\r\n\f]+ -> channel(HIDDEN)
    ;

// Unterminated forms: always one character shorter than the terminated form, so they only win
// when the closing delimiter is missing. The parser package reports them as lexical errors.
UNTERMINATED_BLOCK_STRING
    : '\'\'\'' (~'\'' | '\'' ~'\'' | '\'\'' ~'\'')* '\''? '\''?
    ;

UNTERMINATED_STRING
    : '\'' (~['\\] | '\\' .?)*
    | '"' (~["\\] | '\\' .?)*
    ;

UNTERMINATED_BACKQUOTE
    : '`' (~'`' | '``')*
    ;

UNTERMINATED_COMMENT
    : '/*' (~'*' | '*'+ ~[*/])* '*'*
    ;

// Anything else (parentheses, operators, …): part of raw SQL text.
UNRECOGNIZED
    : .
    ;
