"""`${name}` substitution in statements, with MLSQL's built-in date variables."""

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


def substitute_text(text: str, variables: Mapping[str, str]) -> str:
    """`text` with every `${name}` replaced; an undefined name raises KeyError(name)."""

    def value(match: re.Match[str]) -> str:
        return str(variables[match.group(1)])

    return REFERENCE.sub(value, text)


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
