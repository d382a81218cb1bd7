"""Turns PySpark exceptions into the engine's errors with short, plain messages."""

from __future__ import annotations

import re

from mlsql.errors import AnalysisError, ExecutionError, MLSQLError

# Spark error condition -> (our error class, message prefix)
CONDITIONS: dict[str, tuple[type[MLSQLError], str]] = {
    "PATH_NOT_FOUND": (ExecutionError, "path does not exist"),
    "TABLE_OR_VIEW_NOT_FOUND": (AnalysisError, "unknown table"),
    "UNRESOLVED_COLUMN": (AnalysisError, "unknown column"),
    "UNRESOLVED_ROUTINE": (AnalysisError, "unknown function"),
    "PARSE_SYNTAX_ERROR": (AnalysisError, "Spark SQL syntax error"),
    "PATH_ALREADY_EXISTS": (ExecutionError, "output already exists"),
    "DATA_SOURCE_NOT_FOUND": (AnalysisError, "unknown data source format"),
    "UNABLE_TO_INFER_SCHEMA": (ExecutionError, "cannot infer a schema (is the path empty?)"),
}


def condition_of(exc: BaseException) -> str | None:
    """The Spark error condition (error class) of a PySpark exception, if it has one."""
    for attr in ("getCondition", "getErrorClass"):
        getter = getattr(exc, attr, None)
        if getter is not None:
            try:
                value = getter()
            except Exception:
                value = None
            if value:
                return str(value)
    return None


PYTHON_ERROR_LINE = re.compile(r"^\s*(?:[\w.]+\.)?(\w*(?:Error|Exception)): (.+)$", re.MULTILINE)


def python_error(text: str) -> str | None:
    """The last `XError: message` line of a Python traceback inside a Spark message."""
    if "Traceback (most recent call last)" not in text:
        return None
    found = PYTHON_ERROR_LINE.findall(text.split("JVM stacktrace")[0])
    return f"{found[-1][0]}: {found[-1][1].strip()}" if found else None


def short_message(exc: BaseException) -> str:
    """The first meaningful line of a Spark message, without JVM stack traces.

    Errors raised by Python code in Spark's workers (UDFs, training launchers) are reported
    by their own last line (`ValueError: …`), not by Spark's wrapper text.
    """
    text = str(exc).strip()
    inner = python_error(text)
    if inner:
        return inner
    text = re.sub(r"\s*SQLSTATE: \w+", "", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return type(exc).__name__
    first = re.sub(r"^\[[A-Z_.]+\]\s*", "", lines[0])  # the condition is reported separately
    first = re.sub(r";\s*line \d+ pos \d+;?$", "", first)
    return first[:600]


SQL_POSITION = re.compile(r"line (\d+) pos (\d+)")


def sql_position(exc: BaseException) -> tuple[int, int] | None:
    """(line, column) inside the SQL text that Spark reports for an analysis error, if any."""
    match = SQL_POSITION.search(str(exc).split("\n")[0])
    return (int(match.group(1)), int(match.group(2))) if match else None


def translate(exc: BaseException) -> tuple[type[MLSQLError], str]:
    """The error class and message to report for a Spark exception."""
    condition = condition_of(exc) or ""
    base = condition.split(".")[0]
    message = short_message(exc)
    if base in CONDITIONS:
        cls, prefix = CONDITIONS[base]
        return cls, f"{prefix}: {message}"
    if type(exc).__name__ == "AnalysisException":
        return AnalysisError, message
    return ExecutionError, message


def is_spark_error(exc: BaseException) -> bool:
    """Whether `exc` comes from PySpark / Py4J (and should be translated)."""
    module = type(exc).__module__ or ""
    return module.startswith(("pyspark", "py4j"))
