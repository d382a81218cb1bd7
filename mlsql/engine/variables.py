"""`${name}` substitution in statements, with MLSQL's built-in date variables.

Values are resolved as Byzer resolves them: a value may refer to a variable that a later `set` of
the same script defines (`declare_sets` declares those names before the script runs; references
inside values are substituted recursively at use), and `defaultParam` never replaces a value
that exists (set by the caller, earlier, later in the script, or by an including script).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from mlsql.errors import AnalysisError
from mlsql.parser.ast import Option, Statement

REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w.\-]*)\s*\}")

T = TypeVar("T", bound=Statement)


def builtin_variables(today: dt.date | None = None) -> dict[str, str]:
    """The variables every script has: `today`, `yesterday`, `tomorrow` (yyyy-MM-dd), `date`."""
    day = today or dt.date.today()
    one = dt.timedelta(days=1)
    return {
        "today": day.isoformat(),
        "yesterday": (day - one).isoformat(),
        "tomorrow": (day + one).isoformat(),
        "date": day.strftime("%Y%m%d"),
    }


MAX_DEPTH = 32


def substitute_text(text: str, variables: Mapping[str, str], _seen: tuple[str, ...] = ()) -> str:
    """`text` with every `${name}` replaced, recursively inside values.

    Raises:
        KeyError: an undefined name (the name).
        AnalysisError: variables that refer to each other in a cycle.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _seen or len(_seen) > MAX_DEPTH:
            raise AnalysisError(f"variables refer to each other: {' -> '.join([*_seen, name])}")
        return substitute_text(str(variables[name]), variables, (*_seen, name))

    return REFERENCE.sub(value, text)


def declare_sets(statements: tuple[Statement, ...], variables: dict[str, str]) -> None:
    """Declare the names that this script's text/defaultParam `set`s define and `variables` lacks,
    so that values (and statements) may refer to a variable set later in the script.

    A text `set` of a name wins over a defaultParam of it wherever they are; names that already
    exist are left alone (their `set`s still run in order); a value that refers to its own name
    is not declared early.
    """
    from mlsql.parser.ast import SetStatement, options_dict

    text: dict[str, str] = {}
    default: dict[str, str] = {}
    for stmt in statements:
        if not isinstance(stmt, SetStatement) or stmt.key in variables:
            continue
        kind = options_dict(stmt.options).get("type", "text").lower()
        if f"${{{stmt.key}}}" in stmt.value.replace(" ", ""):
            continue
        if kind == "text":
            text[stmt.key] = stmt.value
        elif kind == "defaultparam":
            default.setdefault(stmt.key, stmt.value)
    variables.update({**default, **text})


def undefined_names(text: str, variables: Mapping[str, str]) -> list[str]:
    """Names referenced in `text` that `variables` does not define."""
    return [m.group(1) for m in REFERENCE.finditer(text) if m.group(1) not in variables]


def substitute_statement(
    stmt: T, variables: Mapping[str, str], script_text: str | None = None
) -> T:
    """A copy of `stmt` with variables substituted in every string field and option.

    Raises:
        AnalysisError: a referenced variable is not defined (names it, at the statement).
    """
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(stmt):
        if f.name in ("span", "text"):
            continue
        value = getattr(stmt, f.name)
        try:
            changes[f.name] = _substitute_value(value, variables)
        except KeyError as missing:
            name = missing.args[0]
            raise AnalysisError(
                f"undefined variable '{name}' in {stmt.kind} statement",
                span=stmt.span,
                text=script_text,
                hint=f'define it first with `set {name} = "…";` or pass --set {name}=…',
            ) from None
    return dataclasses.replace(stmt, **changes)


def _substitute_value(value: Any, variables: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return substitute_text(value, variables)
    if isinstance(value, Option):
        return dataclasses.replace(
            value,
            key=substitute_text(value.key, variables),
            value=substitute_text(value.value, variables),
        )
    if isinstance(value, tuple):
        return tuple(_substitute_value(v, variables) for v in value)
    return value
