"""When the shell's input is a complete statement: it ends with `;` as the grammar's lexer sees it.

A `;` inside a string, a back-quoted name or a comment does not end it; an unclosed string or
comment never does. A lone `!command` line needs no `;` (as psql's backslash commands).
"""

from __future__ import annotations

UNTERMINATED_PREFIX = "UNTERMINATED_"


def is_complete(text: str) -> bool:
    """Whether `text` holds at least one statement and ends with a `;` (or is one `!` line)."""
    from mlsql.parser import tokens

    found = tokens(text)
    if not found or any(kind.startswith(UNTERMINATED_PREFIX) for kind, _ in found):
        return False
    if found[-1][0] == "SEMI":
        return True
    return found[0][0] == "COMMAND" and "\n" not in text.strip()


def statement_text(text: str) -> str:
    """The text to run: a lone `!command` line gets its `;`."""
    stripped = text.rstrip()
    return stripped if stripped.endswith(";") else stripped + ";"
