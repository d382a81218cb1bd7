"""What a compiler sees while one script runs: the session, the job, the include stack."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.engine.jobs import Job
from mlsql.engine.session import EngineSession
from mlsql.errors import ExecutionError, MLSQLError, Span

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from mlsql.config import Config
    from mlsql.engine.engine import Engine
    from mlsql.engine.sandbox import Sandbox
    from mlsql.parser.ast import Statement


@dataclass(frozen=True)
class SourceFrame:
    """One script on the include stack: its name, text and the folder includes resolve from."""

    name: str | None
    text: str
    base_dir: Path


@dataclass(frozen=True)
class Origin:
    """Where a table came from: the statement's span, its script text and kind (for errors)."""

    kind: str
    span: Span | None
    text: str

    def describe(self) -> str:
        """`select statement at line 3`."""
        return _describe(self.kind, self.span)


@dataclass
class Table:
    """A statement's result: a DataFrame, and the view name it is registered under (if any)."""

    df: DataFrame
    name: str | None = None
    origin: Origin | None = None


@dataclass
class RunContext:
    """Everything a statement compiler may use; one per script run."""

    engine: Engine
    session: EngineSession
    job: Job
    sources: list[SourceFrame] = field(default_factory=list)
    last: Table | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    sandbox: Sandbox | None = None  # the owner's paths and grants (mlsql.engine.sandbox)

    @property
    def spark(self) -> SparkSession:
        """The session's Spark session."""
        return self.session.spark

    @property
    def config(self) -> Config:
        """The engine configuration."""
        return self.engine.config

    @property
    def source(self) -> SourceFrame:
        """The script currently running (innermost include)."""
        return self.sources[-1]

    def error(self, cls: type[MLSQLError], message: str, stmt: Statement, **kw: Any) -> MLSQLError:
        """An error of `cls` positioned at `stmt` in the current source, naming the statement."""
        return cls(
            message,
            span=stmt.span,
            text=self.source.text,
            statement=_describe(stmt.kind, stmt.span),
            **kw,
        )

    def fail(self, message: str, stmt: Statement, **kw: Any) -> ExecutionError:
        """An ExecutionError at `stmt` (raise it)."""
        err = self.error(ExecutionError, message, stmt, **kw)
        assert isinstance(err, ExecutionError)
        return err

    def resolve_path(self, path: str) -> str:
        """A user path checked against the owner's roots (see `mlsql.engine.sandbox`)."""
        if self.sandbox is not None:
            return self.sandbox.check_path(path)
        from mlsql.engine.paths import check_path

        return check_path(path, self.config)


def _describe(kind: str, span: Span | None) -> str:
    return f"{kind} statement" + (f" at line {span.line}" if span else "")
