"""Data source failures in plain words: which format, which path, and why.

`load` and `save` run their Spark reader/writer inside `data_source_errors(...)`; a Spark or Py4J
failure becomes "cannot load csv.`/data/x.csv`: the path does not exist" instead of Py4J's
"An error occurred while calling o54.load.". An unknown format is an `AnalysisError` that lists
the formats this engine knows (Spark's registered data sources and ours in `formats.FORMATS`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mlsql.engine.spark_errors import condition_of, is_spark_error, message_with_cause
from mlsql.errors import AnalysisError, ExecutionError, MLSQLError

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext
    from mlsql.parser.ast import Statement

# Spark error condition -> the reason in plain words (the format and path are said before it).
PLAIN_REASONS: dict[str, str] = {
    "PATH_NOT_FOUND": "the path does not exist",
    "PATH_ALREADY_EXISTS": "the output already exists",
    "UNABLE_TO_INFER_SCHEMA": "cannot infer a schema (is the path empty?)",
}

# Spark's own data sources, used when the JVM cannot be asked (e.g. Spark Connect).
BUILTIN_SPARK_FORMATS = (
    "binaryFile",
    "csv",
    "jdbc",
    "json",
    "kafka",
    "libsvm",
    "orc",
    "parquet",
    "rate",
    "socket",
    "text",
    "xml",
)

# Data sources Spark registers for its own internal use: not worth listing to a user.
INTERNAL_FORMATS = frozenset({"noop", "state-metadata", "statestore", "rate-micro-batch", "hive"})

_spark_formats: tuple[str, ...] | None = None  # cache: the JVM's list does not change at run time


def spark_format_names(spark: Any) -> tuple[str, ...]:
    """Short names of the data sources registered in the Spark JVM (ServiceLoader), cached."""
    global _spark_formats
    if _spark_formats is None:
        try:
            jvm = spark._jvm
            loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
            register = jvm.java.lang.Class.forName(
                "org.apache.spark.sql.sources.DataSourceRegister", True, loader
            )
            found = jvm.java.util.ServiceLoader.load(register, loader).iterator()
            names = set()
            while found.hasNext():
                try:
                    names.add(str(found.next().shortName()))
                except Exception:  # a provider that cannot be loaded is not usable anyway
                    continue
            _spark_formats = tuple(sorted(names - INTERNAL_FORMATS, key=str.lower))
        except Exception:
            return BUILTIN_SPARK_FORMATS
    return _spark_formats


def known_formats(spark: Any) -> list[str]:
    """Every format name `load`/`save` accept: Spark's data sources and the engine's own."""
    from mlsql.engine.formats import FORMATS

    names = {n.lower(): n for n in (*spark_format_names(spark), *FORMATS)}
    return sorted(names.values(), key=str.lower)


def unknown_format_error(ctx: RunContext, stmt: Statement, fmt: str) -> MLSQLError:
    """An AnalysisError naming the unknown format, a close match, and the known formats."""
    known = known_formats(ctx.spark)
    close = difflib.get_close_matches(fmt.lower(), [k.lower() for k in known], n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return ctx.error(
        AnalysisError,
        f"unknown data source format '{fmt}'",
        stmt,
        hint=f"{hint}known formats: {', '.join(known)}",
    )


# How a full disk reads in Java (IOException), Python (OSError errno 28) and C library messages.
DISK_FULL_MARKERS = ("no space left on device", "[errno 28]", "enospc", "disk quota exceeded")


def is_disk_full(text: str) -> bool:
    """Whether an error's text says the file system ran out of space (ENOSPC, EDQUOT)."""
    lowered = text.lower()
    return any(marker in lowered for marker in DISK_FULL_MARKERS)


def disk_full_error(ctx: RunContext, stmt: Statement, doing: str, path: str) -> MLSQLError:
    """An ExecutionError at `stmt`: `doing` failed because the disk holding `path` is full."""
    return ctx.error(
        ExecutionError,
        f"{doing}: disk full (no space left on the file system of {path})",
        stmt,
        hint="free space there or write elsewhere; nothing was replaced",
    )


def describe_target(fmt: str, path: str) -> str:
    """`csv.`/data/x.csv``: the format and path as the script writes them."""
    return f"{fmt}.`{path}`" if path else fmt


@contextmanager
def data_source_errors(
    ctx: RunContext, stmt: Statement, action: str, fmt: str, path: str
) -> Iterator[None]:
    """Turn a Spark failure inside the block into an error naming format, path and cause.

    Args:
        ctx: the statement's run context.
        stmt: the `load` or `save` statement (its position goes into the error).
        action: what was being done, in words ("load", "save table t as").
        fmt: the format name as written.
        path: the path (or table) as written.
    """
    try:
        yield
    except MLSQLError:
        raise
    except Exception as err:
        if not is_spark_error(err) or ctx.job.cancelled:
            raise
        condition = (condition_of(err) or "").split(".")[0]
        if is_disk_full(message_with_cause(err)):
            doing = f"cannot {action} {describe_target(fmt, path)}"
            raise disk_full_error(ctx, stmt, doing, path) from err
        if condition == "DATA_SOURCE_NOT_FOUND":
            raise unknown_format_error(ctx, stmt, fmt) from err
        reason = PLAIN_REASONS.get(condition)
        message = reason or message_with_cause(err)
        cls = AnalysisError if type(err).__name__ == "AnalysisException" else ExecutionError
        if reason:
            cls = ExecutionError
        target = describe_target(fmt, path)
        raise ctx.error(cls, f"cannot {action} {target}: {message}", stmt) from err
