"""Plain-words syntax error messages: token names and rule names turned into what users read.

Pure string logic over an `ErrorSite` (what was found, what came before, what could have come);
`mlsql.parser.listener` fills the site from the ANTLR parser. Messages never show ANTLR token
names such as `<EOF>` or `BACKQUOTED_IDENTIFIER`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from mlsql.parser.expected import Expectation

STATEMENT_VERBS: dict[str, str] = {
    "LOAD": "load",
    "SAVE": "save",
    "SELECT": "select",
    "INSERT": "insert",
    "CREATE": "create",
    "DROP": "drop",
    "REFRESH": "refresh",
    "SET": "set",
    "CONNECT": "connect",
    "TRAIN": "train",
    "RUN": "run",
    "PREDICT": "predict",
    "EVALUATE": "evaluate",
    "REGISTER": "register",
    "UNREGISTER": "unregister",
    "INCLUDE": "include",
    "COMMAND": "!command",
}
KEYWORDS: dict[str, str] = {
    **{k: v for k, v in STATEMENT_VERBS.items() if k != "COMMAND"},
    "AS": "as",
    "AND": "and",
    "INTO": "into",
    "OPTIONS": "options",
    "WHERE": "where",
    "PARTITIONBY": "partitionBy",
    "OVERWRITE": "overwrite",
    "APPEND": "append",
    "ERRORIFEXISTS": "errorIfExists",
    "IGNORE": "ignore",
}
PUNCTUATION = {"SEMI": ";", "DOT": ".", "EQ": "=", "COMMA": ",", "MINUS": "-"}
OTHER_TOKENS = {
    "IDENTIFIER": "a name",
    "BACKQUOTED_IDENTIFIER": "a back-quoted name",
    "STRING": "a quoted string",
    "BLOCK_STRING": "a '''block string'''",
    "VAR_REF": "a ${variable}",
    "COMMAND": "a !command",
    "EOF": "the end of the script",
}
OPERAND_TOKENS = {
    "IDENTIFIER",
    "BACKQUOTED_IDENTIFIER",
    "STRING",
    "BLOCK_STRING",
    "VAR_REF",
    "MINUS",
}
# What an expected token stands for, by the innermost rule it was expected in.
NOUNS = {
    "saveMode": "a save mode (overwrite, append, errorIfExists or ignore)",
    "tableName": "a table name",
    "outputTable": "an output table name",
    "format": "a format name",
    "algorithm": "an algorithm name",
    "functionName": "a function name",
    "column": "a column name",
    "optionKey": "an option key",
    "optionValue": "a quoted value",
    "setKey": "a variable name",
    "setValue": "a value",
    "connectName": "a connection name",
    "path": "a path in back-quotes",
}
# What a token already read was, by the innermost rule that holds it.
PREVIOUS = {
    "saveMode": "the save mode",
    "tableName": "the table name",
    "outputTable": "the output table name",
    "format": "the format name",
    "algorithm": "the algorithm name",
    "functionName": "the function name",
    "column": "the column name",
    "optionKey": "the option key",
    "optionValue": "the option value",
    "setKey": "the variable name",
    "setValue": "the value",
    "connectName": "the connection name",
}
OPTIONAL_CONTINUATIONS = {"'and'", "'options'", "'where'", "'partitionBy'", "','", "'.'", "';'"}
# `as` and `.` announce what follows them.
AS_PHRASES = {
    "tableName": "'as <table>'",
    "outputTable": "'as <table>'",
    "format": "'as <format>.`<path>`'",
    "algorithm": "'as <Algorithm>.`<path>`'",
    "functionName": "'as <function>'",
    "connectName": "'as <name>'",
}


@dataclass(slots=True)
class ErrorSite:
    """Everything a message needs about one syntax error."""

    found: str | None
    previous: str | None = None
    kind: str | None = None
    expected: list[str] = field(default_factory=list)
    statement_start: bool = False
    lookahead_failed: bool = False


def describe(site: ErrorSite) -> str:
    """The message for one syntax error."""
    found = quote(site.found) if site.found is not None else "end of script"
    after = f" after {site.previous}" if site.previous else ""
    if site.lookahead_failed:
        return f"unexpected {found}{after}"
    if site.statement_start and site.found is not None:
        return unknown_statement(site.found)
    if site.kind == "select" and site.found in (None, ";") and "'as <table>'" in site.expected:
        return _end_of_script("the select statement must end with 'as <table>'", site)
    if site.found is None:
        needs = f"the {site.kind} statement needs" if site.kind else "expected"
        return f"unexpected end of script: {needs} {join_words(_required(site.expected))}"
    wanted = join_words(site.expected) or "something else"
    return f"expected {wanted}{after}, found {found}{_hint(site)}"


def _required(words: list[str]) -> list[str]:
    """At the end of the script, leave out words that only continue an optional part."""
    required = [w for w in words if w not in OPTIONAL_CONTINUATIONS]
    return required or words or ["something else"]


def _hint(site: ErrorSite) -> str:
    """A short guess at the cause, for the common slips."""
    found = site.found or ""
    if found.lower() in STATEMENT_VERBS.values() and "';'" in site.expected:
        return " (is a ';' missing before it?)"
    if site.expected == [NOUNS["optionValue"]] and found[:1] not in ("'", '"', "`"):
        return f' (option values are quoted: "{found}")'
    return ""


def _end_of_script(message: str, site: ErrorSite) -> str:
    return f"unexpected end of script: {message}" if site.found is None else message


def unknown_statement(text: str) -> str:
    """Message for a statement that starts with something that is not a statement keyword."""
    if text == "!":
        return "a command needs its name right after '!', e.g. '!show tables'"
    verbs = list(STATEMENT_VERBS.values())
    close = difflib.get_close_matches(text.lower(), verbs, n=1, cutoff=0.7)
    maybe = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown statement {quote(text)}{maybe}; expected one of {join_words(verbs, 'or')}"


def quote(text: str, limit: int = 30) -> str:
    """`text` in single quotes (unless already quoted), first line only, at most `limit` characters."""
    first = text.splitlines()[0] if text else text
    if len(first) > limit or first != text:
        first = first[:limit] + "…"
    return first if first[:1] in ("'", '"', "`") else f"'{first}'"


def join_words(words: list[str], last: str = "or") -> str:
    """`a`, `a or b`, `a, b or c`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def expected_words(expected: list[Expectation], names: list[str]) -> list[str]:
    """Plain words for the expected tokens, without repeats, in grammar order."""
    words: list[str] = []
    for e in expected:
        word = token_word(e, _name(names, e.token_type))
        if word and word not in words:
            words.append(word)
    if len(words) > 1 and OTHER_TOKENS["EOF"] in words:
        words.remove(OTHER_TOKENS["EOF"])
    if "'as <Algorithm>.`<path>`'" in words and "'into <Algorithm>.`<path>`'" in words:
        words.remove("'into <Algorithm>.`<path>`'")
    return words


def token_word(e: Expectation, name: str) -> str:
    """How one expected token reads: a noun (`a table name`) or a quoted keyword (`'as'`)."""
    noun = next((NOUNS[r] for r in reversed(e.rules) if r in NOUNS), None)
    if noun and (name in OPERAND_TOKENS or "nonReserved" in e.rules or e.rules[-1] == "saveMode"):
        return noun
    if name in ("AS", "INTO") and e.next_rule in AS_PHRASES:
        return AS_PHRASES[e.next_rule].replace("'as", f"'{name.lower()}", 1)
    if name == "DOT" and e.next_rule == "path":
        return "'.`<path>`'"
    if name in KEYWORDS:
        return f"'{KEYWORDS[name]}'"
    if name in PUNCTUATION:
        return f"'{PUNCTUATION[name]}'"
    return OTHER_TOKENS.get(name, "")


def is_statement_start(expected: list[Expectation], names: list[str]) -> bool:
    """Whether the parser was waiting for a new statement (so `found` is an unknown verb)."""
    return any(
        _name(names, e.token_type) == "LOAD" and e.rules and e.rules[-1] == "loadStatement"
        for e in expected
    )


def previous_words(text: str, name: str, rules: tuple[str, ...], kind: str | None) -> str:
    """How the token before the error reads: `the load path`, `the table name`, `'as'` …"""
    for rule in reversed(rules):
        if rule == "path":
            return f"the {kind} path" if kind else "the path"
        keyword = name in KEYWORDS or name in PUNCTUATION
        if rule in PREVIOUS and (not keyword or "nonReserved" in rules):
            return PREVIOUS[rule]
    return quote(text)


def _name(names: list[str], token_type: int) -> str:
    if token_type < 0:
        return "EOF"
    return names[token_type] if token_type < len(names) else ""
