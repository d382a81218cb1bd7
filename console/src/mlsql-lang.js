// MLSQL highlighting: a stream tokenizer whose keywords come from grammar/MLSQL.g4 (injected by
// build.mjs as MLSQL_KEYWORDS), plus comments, the three string forms, `paths`, ${vars} and
// !commands, as the grammar's lexer sees them.
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";

/* global MLSQL_KEYWORDS */
export const KEYWORDS = MLSQL_KEYWORDS;
const keywordSet = new Set(KEYWORDS.map((k) => k.toLowerCase()));
// Spark SQL words inside select/insert/… statements (passed to Spark as they are), shown lighter.
const SQL_WORDS = new Set(
  ("from join left right inner outer full cross on group by order having limit union all distinct " +
    "case when then else end or not null is in like between cast asc desc with over partition " +
    "true false table view if exists").split(" "),
);

function tokenBase(stream, state) {
  if (stream.eatSpace()) return null;
  if (stream.match("--")) {
    stream.skipToEnd();
    return "comment";
  }
  if (stream.match("/*")) {
    state.inComment = true;
    return tokenComment(stream, state);
  }
  if (stream.match("'''")) {
    state.inTriple = true;
    return tokenTriple(stream, state);
  }
  const ch = stream.peek();
  if (ch === "'" || ch === '"') {
    stream.next();
    let escaped = false;
    let c;
    while ((c = stream.next()) != null) {
      if (c === ch && !escaped) break;
      escaped = !escaped && c === "\\";
    }
    return "string";
  }
  if (ch === "`") {
    stream.next();
    stream.skipTo("`") ? stream.next() : stream.skipToEnd();
    return "string.special";
  }
  if (stream.match(/^\$\{[^}\n]*\}?/)) return "variableName.special";
  if (stream.sol() || state.lastSemi) {
    if (stream.match(/^![\p{L}0-9_]+/u)) return "keyword.command";
  }
  if (stream.match(/^[0-9]+(\.[0-9]+)?/)) return "number";
  if (stream.match(/^[\p{L}0-9_]+/u)) {
    const word = stream.current().toLowerCase();
    return keywordSet.has(word) ? "keyword" : SQL_WORDS.has(word) ? "operatorKeyword" : null;
  }
  stream.next();
  return ch === ";" ? "punctuation" : null;
}

function tokenComment(stream, state) {
  while (!stream.eol()) {
    if (stream.match("*/")) {
      state.inComment = false;
      break;
    }
    stream.next();
  }
  return "comment";
}

function tokenTriple(stream, state) {
  while (!stream.eol()) {
    if (stream.match("'''")) {
      state.inTriple = false;
      break;
    }
    stream.next();
  }
  return "string";
}

export const mlsqlLanguage = StreamLanguage.define({
  name: "mlsql",
  startState: () => ({ inComment: false, inTriple: false, lastSemi: true }),
  token(stream, state) {
    let style;
    if (state.inComment) style = tokenComment(stream, state);
    else if (state.inTriple) style = tokenTriple(stream, state);
    else style = tokenBase(stream, state);
    const text = stream.current();
    if (style !== "comment" && text.trim()) state.lastSemi = text === ";";
    return style;
  },
  tokenTable: { "keyword.command": t.macroName, "string.special": t.special(t.string) },
  languageData: { commentTokens: { line: "--", block: { open: "/*", close: "*/" } } },
});

export const mlsqlHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.keyword, color: "#7c3aed", fontWeight: "600" },
    { tag: t.operatorKeyword, color: "#2563eb" },
    { tag: t.macroName, color: "#c2410c", fontWeight: "600" },
    { tag: t.comment, color: "#6b7280", fontStyle: "italic" },
    { tag: t.string, color: "#047857" },
    { tag: t.special(t.string), color: "#0369a1" },
    { tag: t.special(t.variableName), color: "#b45309" },
    { tag: t.number, color: "#be123c" },
  ]),
);
