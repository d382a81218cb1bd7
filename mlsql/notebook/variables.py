"""`${name}` in a notebook cell: the value of the notebook's Python variable `name`.

Plain values (strings, numbers, booleans, decimals, dates) become the variable's text. A list,
dict, DataFrame or any other object has no single text form a script could use, so it is
refused with a message written for the notebook (where it is and how to turn it into text),
unless the cell sets the variable itself (`set name = …;`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

from mlsql.errors import AnalysisError, Span

VARIABLE = re.compile(r"\$\{(\w+)\}")
# Python values a cell may use as ${name}: their str() is the variable's text.
SCALARS = (str, int, float, bool, decimal.Decimal, dt.date)

# How to turn a non-scalar into text, by kind (the hint of the error).
CONVERSIONS: dict[type, str] = {
    list: 'a list of values: {name}_sql = ", ".join(repr(v) for v in {name})',
    tuple: 'a list of values: {name}_sql = ", ".join(repr(v) for v in {name})',
    set: 'a list of values: {name}_sql = ", ".join(repr(v) for v in sorted({name}))',
    dict: "JSON text: import json; {name}_sql = json.dumps({name})",
}


def notebook_variables(
    cell: str, namespace: dict[str, Any], source: str | None = None
) -> dict[str, str]:
    """The `${name}` variables of `cell` that name values of the notebook, as text.

    Raises:
        AnalysisError: a `${name}` names a notebook value with no text form (a list, a dict,
            a DataFrame, …) and the cell does not set `name` itself.
    """
    values: dict[str, str] = {}
    for name in sorted(set(VARIABLE.findall(cell))):
        if name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, SCALARS):
            values[name] = str(value)
        elif not _cell_sets(cell, name):
            raise not_text_error(cell, name, value, source)
    return values


def _cell_sets(cell: str, name: str) -> bool:
    """Whether the cell has its own `set name = …` (which wins over the notebook's value)."""
    return re.search(rf"(?im)^\s*set\s+{re.escape(name)}\s*=", cell) is not None


def not_text_error(cell: str, name: str, value: Any, source: str | None) -> AnalysisError:
    """The notebook-worded error for `${name}` naming a value that is not plain text."""
    kind = type(value).__name__
    offset = cell.index("${" + name + "}")
    line = cell.count("\n", 0, offset) + 1
    column = offset - (cell.rfind("\n", 0, offset) + 1)
    width = len(name) + 3
    span = Span(line, column, line, column + width, offset, offset + width, source)
    recipe = next((r for t, r in CONVERSIONS.items() if isinstance(value, t)), None)
    how = (
        f"make {recipe.format(name=name)} and write ${{{name}_sql}}"
        if recipe
        else f"put its text form in a string variable (e.g. {name}_sql = str(...))"
    )
    return AnalysisError(
        f"${{{name}}} names the notebook's Python {kind} `{name}`, which has no text form "
        "to put in the script",
        span=span,
        text=cell,
        hint=f"${{…}} takes strings, numbers, booleans and dates; for {name}, {how}",
    )
