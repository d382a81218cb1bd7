"""A script's result (its last table) and its renderings: rows, JSON, CSV, a terminal table."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlsql.engine.jobs import Job

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.engine.context import Table


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if hasattr(value, "asDict"):
        return {k: _jsonable(v) for k, v in value.asDict().items()}
    if hasattr(value, "toArray"):
        return [float(x) for x in value.toArray()]
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@dataclass
class ScriptResult:
    """What a script run returns: its last table (if any), its job, its variables."""

    table: Table | None
    job: Job
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def df(self) -> DataFrame | None:
        """The last table as a Spark DataFrame."""
        return self.table.df if self.table else None

    @property
    def name(self) -> str | None:
        """The view name of the last table."""
        return self.table.name if self.table else None

    def columns(self) -> list[str]:
        """Column names of the last table."""
        return list(self.df.columns) if self.df is not None else []

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The last table's rows as JSON-able dicts (at most `limit`).

        Raises:
            MLSQLError: computing the table failed (Spark evaluates lazily, so a failure of the
                statement that made the table can surface here); it names that statement.
        """
        if self.df is None or self.df.isStreaming:
            return []
        df = self.df.limit(limit) if limit is not None else self.df
        self.job.check()
        # Fetching runs Spark jobs too: they belong to the script's job group, so a kill or
        # timeout of the job also stops them.
        sc = df.sparkSession.sparkContext
        sc.setJobGroup(self.job.group_id, self.job.name or self.job.id, interruptOnCancel=True)
        remove_hook = self.job.on_cancel(lambda: sc.cancelJobGroup(self.job.group_id))
        try:
            collected = df.collect()
        except Exception as err:
            self.job.check()
            raise self._error(err) from None
        finally:
            remove_hook()
        return [{k: _jsonable(v) for k, v in row.asDict().items()} for row in collected]

    def _error(self, err: Exception) -> Exception:
        from mlsql.engine.spark_errors import is_spark_error, translate

        if not is_spark_error(err):
            return err
        cls, message = translate(err)
        origin = self.table.origin if self.table else None
        if origin is None:
            return cls(message)
        return cls(message, span=origin.span, text=origin.text, statement=origin.describe())

    def schema_json(self) -> dict[str, Any]:
        """The Spark schema of the last table as JSON."""
        return json.loads(self.df.schema.json()) if self.df is not None else {}


def render_json(result: ScriptResult, limit: int | None) -> str:
    """Rows as a JSON array."""
    return json.dumps(result.rows(limit), ensure_ascii=False, default=str)


def render_csv(result: ScriptResult, limit: int | None) -> str:
    """Rows as CSV with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=result.columns(), lineterminator="\n")
    writer.writeheader()
    for row in result.rows(limit):
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
        )
    return out.getvalue()


def render_table(result: ScriptResult, limit: int | None) -> str:
    """Rows as a boxed text table (rich), with a row-count footer."""
    from rich.console import Console
    from rich.table import Table as RichTable

    rows = result.rows(limit)
    table = RichTable(title=result.name or None, show_lines=False)
    for column in result.columns():
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row.values()))
    console = Console(record=True, width=160, file=io.StringIO())
    console.print(table)
    footer = f"{len(rows)} row(s)" + (
        f" (limit {limit})" if limit is not None and len(rows) >= limit else ""
    )
    return console.export_text() + footer


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | dict):
        return json.dumps(value)[:200]
    return str(value)


RENDERERS = {"table": render_table, "json": render_json, "csv": render_csv}
