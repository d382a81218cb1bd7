"""Turns PySpark exceptions into the engine's errors with short, plain messages.

A Py4J/Spark exception is a chain of Java throwables; the top one often says only "An error
occurred while calling o64.save." while the cause ("Connection refused") sits at the bottom.
`translate` keeps the first meaningful message and appends the root cause; `java_stack` gives
the full Java stack for `--debug`.
"""

from __future__ import annotations

import re
from typing import Any

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


MAX_CAUSES = 12


def java_throwable(exc: BaseException) -> Any | None:
    """The Java throwable behind a Py4J error or a captured PySpark exception, if any."""
    return getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)


def cause_chain(exc: BaseException) -> list[tuple[str, str]]:
    """`(Java class name, message)` of the throwable and each of its causes, outermost first."""
    chain: list[tuple[str, str]] = []
    throwable = java_throwable(exc)
    try:
        while throwable is not None and len(chain) < MAX_CAUSES:
            chain.append((str(throwable.getClass().getName()), str(throwable.getMessage() or "")))
            cause = throwable.getCause()
            throwable = None if cause is None or cause.equals(throwable) else cause
    except Exception:  # the JVM is gone or the object was collected: keep what we have
        pass
    return chain


def root_cause(exc: BaseException) -> str | None:
    """`ConnectException: Connection refused`: the innermost Java cause, if there is one."""
    chain = cause_chain(exc)
    if len(chain) < 2:
        return None
    name, message = chain[-1]
    short = name.rsplit(".", 1)[-1]
    first = message.strip().splitlines()[0][:300] if message.strip() else ""
    return f"{short}: {first}" if first else short


def java_stack(exc: BaseException) -> str | None:
    """The full Java stack trace of a Spark exception (shown with `--debug`)."""
    stack = getattr(exc, "_stackTrace", None)
    if stack:
        return str(stack)
    if getattr(exc, "java_exception", None) is not None:
        return str(exc)
    return None


def spark_cause_in(err: BaseException) -> BaseException | None:
    """The Spark exception an engine error was raised from (its `__cause__`/`__context__`)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if is_spark_error(current):
            return current
        current = current.__cause__ or current.__context__
    return None


def condition_of(exc: BaseException) -> str | None:
    """The Spark error condition (error class) of a PySpark exception, if it has one."""
    for target in (exc, java_throwable(exc)):
        for attr in ("getCondition", "getErrorClass"):
            getter = getattr(target, attr, None) if target is not None else None
            if getter is None:
                continue
            try:
                value = getter()
            except Exception:
                value = None
            if value:
                return str(value)
    return None


PYTHON_ERROR_LINE = re.compile(r"^\s*(?:[\w.]+\.)?(\w*(?:Error|Exception)): (.+)$", re.MULTILINE)


# An engine error raised inside a Spark worker renders as `AnalysisError: analysis error: …`.
OUR_ERROR_TEXT = re.compile(r"^[a-z_]+ error(?: in [^:]+)?: (?:<[^>]*>:\d+:\d+: )?(.+)$")

# Messages of engine errors raised in Spark workers -> the same in words that say what to do.
WORKER_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"no model version (\d+) under (\S+); have \[(.*)\]"),
        "the function's model version {0} under {1} no longer exists (versions now: [{2}]): "
        'retraining without keepVersion="true" deletes earlier versions; register the '
        'function again to use the latest version, or train with keepVersion="true" to keep '
        "versions that functions are pinned to",
    ),
]


def python_error(text: str) -> str | None:
    """The last `XError: message` line of a Python traceback inside a Spark message.

    Errors of the engine's own family keep only their message (reworded by
    `WORKER_MESSAGES` when a known one says what to do).
    """
    if "Traceback (most recent call last)" not in text:
        return None
    found = PYTHON_ERROR_LINE.findall(text.split("JVM stacktrace")[0])
    if not found:
        return None
    name, message = found[-1][0], found[-1][1].strip()
    ours = OUR_ERROR_TEXT.match(message)
    if ours is None:
        return f"{name}: {message}"
    message = ours.group(1)
    for pattern, words in WORKER_MESSAGES:
        match = pattern.search(message)
        if match:
            return words.format(*match.groups())
    return message


def short_message(exc: BaseException) -> str:
    """The first meaningful line of a Spark message, without JVM stack traces.

    Errors raised by Python code in Spark's workers (UDFs, training launchers) are reported
    by their own last line (`ValueError: …`), not by Spark's wrapper text.
    """
    text = str(exc).strip()
    inner = python_error(text)
    if inner:
        return inner
    chain = cause_chain(exc)
    if text.startswith("An error occurred while calling") and chain:
        text = chain[0][1] or chain[0][0]  # Py4J's wrapper line says nothing: use the Java one
    text = re.sub(r"\s*SQLSTATE: \w+", "", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return type(exc).__name__
    first = re.sub(r"^\[[A-Z_.]+\]\s*", "", lines[0])  # the condition is reported separately
    first = re.sub(r";\s*line \d+ pos \d+;?$", "", first)
    return first[:600]


def message_with_cause(exc: BaseException) -> str:
    """`short_message`, followed by the root cause when the message does not already say it."""
    message = short_message(exc)
    cause = root_cause(exc)
    if cause and cause.split(": ", 1)[-1].lower() not in message.lower():
        message = f"{message} (caused by {cause})"
    return message


SQL_POSITION = re.compile(r"line (\d+) pos (\d+)")


def sql_position(exc: BaseException) -> tuple[int, int] | None:
    """(line, column) inside the SQL text that Spark reports for an analysis error, if any."""
    match = SQL_POSITION.search(str(exc).split("\n")[0])
    return (int(match.group(1)), int(match.group(2))) if match else None


def translate(exc: BaseException) -> tuple[type[MLSQLError], str]:
    """The error class and message to report for a Spark exception."""
    condition = condition_of(exc) or ""
    base = condition.split(".")[0]
    message = message_with_cause(exc)
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
