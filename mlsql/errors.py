"""The one family of errors the engine raises, each with a stable code and a source position.

User-facing errors (syntax, analysis, execution, worker) carry where in the script they happened
and render an underlined snippet; the REST API serialises them with `to_dict()`. Internal errors
are engine faults. Faces (CLI, server, notebook, submit) catch `MLSQLError` and show `render()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a script: 1-based line, 0-based column (shown 1-based through
    `display_column`), character offsets [start, stop)."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    stop: int = 0
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The span as JSON-able dict (1-based columns, as every face shows them)."""
        return {
            "line": self.line,
            "column": display_column(self.column),
            "endLine": self.end_line,
            "endColumn": self.end_column,  # exclusive 0-based = inclusive 1-based
            "source": self.source,
        }


def display_column(column: int | None) -> int | None:
    """The column users see: 1-based, like the line. Positions are stored 0-based (as ANTLR
    reports them); every face (rendered text, REST JSON, analyze output) shows them through
    this one function."""
    return None if column is None else column + 1


def snippet(text: str, line: int, column: int, width: int = 1) -> str:
    """The offending line of `text` with a caret line under `column` (`width` carets)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    src = lines[line - 1].expandtabs(1)
    width = max(1, min(width, max(1, len(src) - column)))
    gutter = f"{line:>4} | "
    return f"{gutter}{src}\n{' ' * len(gutter)}{' ' * column}{'^' * width}"


@dataclass(slots=True)
class ErrorDetail:
    """One reported problem: a message at a position, with the snippet that shows it."""

    message: str
    line: int | None = None
    column: int | None = None
    source: str | None = None
    snippet: str = ""
    offending: str | None = None

    def render(self) -> str:
        """`source:line:column: message` followed by the underlined snippet."""
        where = ""
        if self.line is not None:
            where = f"{self.source or '<script>'}:{self.line}:{display_column(self.column or 0)}: "
        return f"{where}{self.message}" + (f"\n{self.snippet}" if self.snippet else "")

    def to_dict(self) -> dict[str, Any]:
        """The detail as JSON-able dict (REST responses, analyze mode); the column is 1-based."""
        return {
            "message": self.message,
            "line": self.line,
            "column": display_column(self.column),
            "source": self.source,
            "snippet": self.snippet,
            "offending": self.offending,
        }


class MLSQLError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "error"
    user_facing = True

    def __init__(
        self,
        message: str,
        *,
        span: Span | None = None,
        text: str | None = None,
        statement: str | None = None,
        hint: str | None = None,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.statement = statement
        self.hint = hint
        snip = snippet(text, span.line, span.column) if (text and span) else ""
        self.details: list[ErrorDetail] = details or [
            ErrorDetail(
                message=message,
                line=span.line if span else None,
                column=span.column if span else None,
                source=span.source if span else None,
                snippet=snip,
            )
        ]

    @property
    def line(self) -> int | None:
        """Line of the first problem, if known."""
        return self.details[0].line if self.details else None

    @property
    def column(self) -> int | None:
        """Column (0-based) of the first problem, if known."""
        return self.details[0].column if self.details else None

    def render(self) -> str:
        """Human text: every detail with its snippet, then the hint."""
        head = f"{self.code} error"
        if self.statement:
            head += f" in {self.statement}"
        body = "\n".join(d.render() for d in self.details)
        text = f"{head}: {body}" if len(self.details) == 1 else f"{head}:\n{body}"
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the REST API and the CLI's json output (1-based column)."""
        return {
            "code": self.code,
            "message": self.message,
            "statement": self.statement,
            "line": self.line,
            "column": display_column(self.column),
            "hint": self.hint,
            "errors": [d.to_dict() for d in self.details],
        }

    def __str__(self) -> str:
        return self.render()


class ScriptSyntaxError(MLSQLError):
    """The script does not parse; `details` lists every syntax error found."""

    code = "syntax"


class AnalysisError(MLSQLError):
    """The script parses but refers to something wrong (unknown table, variable, format, option)."""

    code = "analysis"


class ExecutionError(MLSQLError):
    """A statement failed while running (missing file, Spark failure, existing output, …)."""

    code = "execution"


class NotAvailableError(MLSQLError):
    """A statement kind parses but is not implemented by this engine build."""

    code = "not_available"


class SecurityError(MLSQLError):
    """Something the configuration forbids (shell set, a path outside the allowed roots, …)."""

    code = "forbidden"


class WorkerError(MLSQLError):
    """A training or prediction worker failed, died or could not be reached."""

    code = "worker"


class KafkaError(MLSQLError):
    """The Kafka broker could not be started or reached."""

    code = "kafka"


class CancelledError(MLSQLError):
    """The job was cancelled or timed out."""

    code = "cancelled"


class InternalError(MLSQLError):
    """An engine fault: a bug, not the user's script."""

    code = "internal"
    user_facing = False


@dataclass(slots=True)
class StatementRef:
    """Names a statement in messages: its kind and position."""

    kind: str
    span: Span | None = field(default=None)

    def __str__(self) -> str:
        if self.span is None:
            return f"{self.kind} statement"
        return f"{self.kind} statement at line {self.span.line}"
