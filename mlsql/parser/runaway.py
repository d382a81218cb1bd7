"""A string whose closing quote is missing, found where it opens.

When a `'…'` or `"…"` string lacks its closing quote, the lexer does not see an unterminated
string there: the string runs on and is closed by the next quote of the same kind, often lines
later, and the errors are reported far from the mistake ("expected 'options' … found 'x'", or an
"unterminated string" at an innocent later quote). When a quoted string spans lines and syntax
errors follow it, the string is the likely cause: report it where it opens, and drop the errors
that follow it (they are consequences).
"""

from __future__ import annotations

from typing import Any

from mlsql.errors import ErrorDetail

MESSAGE = (
    "unterminated string: the closing {quote} is missing "
    "(the string opened here runs on to line {last})"
)


def first_runaway_string(tokens: list[Any], string_type: int) -> Any | None:
    """The first single-line-quoted string token whose text spans lines, if any."""
    for tok in tokens:
        if tok.type == string_type and "\n" in tok.text and not tok.text.startswith("'''"):
            return tok
    return None


def blame_runaway_string(
    details: list[ErrorDetail], tokens: list[Any], string_type: int, collector: Any
) -> list[ErrorDetail]:
    """`details` with the errors after a runaway string replaced by one error at its opening.

    Args:
        details: the syntax errors found, sorted by position.
        tokens: every token of the script.
        string_type: the lexer's token type of `'…'`/`"…"` strings.
        collector: the `SyntaxErrorCollector`, which words a detail with its snippet.

    Returns:
        The details to report (unchanged when no multi-line string precedes an error).
    """
    token = first_runaway_string(tokens, string_type)
    if token is None:
        return details
    opened = (token.line, token.column)
    before = [d for d in details if (d.line or 0, d.column or 0) < opened]
    if len(before) == len(details):
        return details
    quote = token.text[0]
    last = token.line + token.text.count("\n")
    width = len(token.text.splitlines()[0])
    blamed = collector.detail(
        MESSAGE.format(quote=quote, last=last), token.line, token.column, quote, width
    )
    return [*before, blamed]
