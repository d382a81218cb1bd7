"""The MLSQL parser: script text in, `ast.Script` out, or every syntax error found.

`parse` raises `ScriptSyntaxError` listing all problems; `check` returns them. This package is
the only door to the ANTLR-generated code, which only `builder` imports; it is imported lazily
here so that `python -m mlsql.parser.regenerate` works even when the generated code is stale.
"""

from __future__ import annotations

from mlsql.errors import ErrorDetail, ScriptSyntaxError, Span
from mlsql.parser import ast

__all__ = ["ScriptSyntaxError", "ast", "check", "keywords", "parse", "tokens"]


def parse(text: str, source: str | None = None) -> ast.Script:
    """Parse a script.

    Args:
        text: the script.
        source: where it came from (a file name), carried into spans and messages.

    Returns:
        The script's AST.

    Raises:
        ScriptSyntaxError: with one `ErrorDetail` per syntax error.
    """
    from mlsql.parser import builder

    tree, details = builder.syntax_tree(text, source)
    if details:
        raise syntax_error(details)
    return builder.build(tree, text, source)


def check(text: str, source: str | None = None) -> list[ErrorDetail]:
    """Every syntax error of a script (empty when it parses)."""
    from mlsql.parser import builder

    return builder.syntax_tree(text, source)[1]


def tokens(text: str) -> list[tuple[str, str]]:
    """`(token type, text)` of the script's tokens, comments and white space left out (an
    unclosed string or comment is one `UNTERMINATED_*` token running to the end)."""
    from mlsql.parser import builder

    return builder.lexical_tokens(text)


def keywords() -> list[str]:
    """The grammar's keywords (`load`, `train`, `options`, `partitionBy`, …)."""
    from mlsql.parser import builder

    return builder.keywords()


def syntax_error(details: list[ErrorDetail]) -> ScriptSyntaxError:
    """The exception for a list of syntax errors (its message is the first one's)."""
    first = details[0]
    message = first.message if len(details) == 1 else f"{len(details)} syntax errors"
    span = None
    if first.line is not None:
        column = first.column or 0
        span = Span(first.line, column, first.line, column + 1, source=first.source)
    return ScriptSyntaxError(message, span=span, details=details)
