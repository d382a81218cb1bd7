"""How a cell's result looks in a notebook: an HTML table (and a plain-text one) with a row limit."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine import ScriptResult

DEFAULT_ROWS = 20
TEXT_CELL_WIDTH = 40


@dataclass(frozen=True)
class ResultTable:
    """The first rows of a script's last table, rendered by IPython's display machinery."""

    name: str | None
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool

    @classmethod
    def of(cls, result: ScriptResult, limit: int = DEFAULT_ROWS) -> ResultTable:
        """The first `limit` rows of `result`'s last table (one more is read to see if it goes on)."""
        rows = result.rows(limit + 1)
        columns = result.columns()
        return cls(
            name=result.name,
            columns=columns,
            rows=[[row.get(c) for c in columns] for row in rows[:limit]],
            truncated=len(rows) > limit,
        )

    def caption(self) -> str:
        """`name · N rows` (with "first" when the table has more)."""
        count = f"{'first ' if self.truncated else ''}{len(self.rows)} row(s)"
        return f"{self.name} · {count}" if self.name else count

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row) + "</tr>"
            for row in self.rows
        )
        return (
            '<table class="dataframe mlsql-result">'
            f"<caption>{html.escape(self.caption())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def __repr__(self) -> str:
        cells = [self.columns, *([_text(v) for v in row] for row in self.rows)]
        widths = [
            min(TEXT_CELL_WIDTH, max(len(r[i]) for r in cells)) for i in range(len(self.columns))
        ]
        lines = [
            "  ".join(c[:TEXT_CELL_WIDTH].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in cells
        ]
        return "\n".join([*lines, self.caption()])


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)
