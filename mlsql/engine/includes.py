"""Where `include <source>.`path`` reads a script from, by source name (MLSQL's spellings).

- `file` / `local`: a local file, relative to the including script's folder (allowed roots apply);
- `hdfs`: any path Spark's file systems read (hdfs://, s3a://, file:/, or a plain local path),
  read on the driver through Hadoop's FileSystem API with the session's Hadoop configuration.
Any other source is refused with the list of known ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlsql.errors import AnalysisError, ExecutionError

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext
    from mlsql.parser.ast import IncludeStatement


@dataclass(frozen=True)
class IncludedScript:
    """The text of an included script, its name (for errors and cycles) and its base folder."""

    name: str
    text: str
    base_dir: Path


def _local(stmt: IncludeStatement, ctx: RunContext) -> IncludedScript:
    file = (ctx.source.base_dir / stmt.path).resolve()
    ctx.resolve_path(str(file))
    try:
        return IncludedScript(str(file), file.read_text(), file.parent)
    except OSError as err:
        raise ctx.fail(f"cannot include {file}: {err.strerror}", stmt) from None


def _has_scheme(path: str) -> bool:
    head, sep, _ = path.partition(":")
    return bool(sep) and len(head) > 1 and head.replace("+", "").isalnum()


def _hadoop(stmt: IncludeStatement, ctx: RunContext) -> IncludedScript:
    """Read through Hadoop's FileSystem (the driver's JVM), as Byzer's HDFSIncludeSource does."""
    path = stmt.path.strip()
    if not _has_scheme(path):
        path = (ctx.source.base_dir / path).resolve().as_uri()
    ctx.resolve_path(path)
    text = read_hadoop_text(ctx, path, stmt)
    base = Path(path.split(":", 1)[1]).parent if path.startswith("file:") else ctx.source.base_dir
    return IncludedScript(path, text, base)


def read_hadoop_text(ctx: RunContext, path: str, stmt: IncludeStatement) -> str:
    """The UTF-8 text of one file on any Hadoop file system."""
    sc = ctx.spark.sparkContext
    jvm = sc._jvm
    assert jvm is not None
    try:
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        fs = hpath.getFileSystem(sc._jsc.hadoopConfiguration())  # type: ignore[union-attr]
        stream = fs.open(hpath)
        try:
            data = jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
        finally:
            stream.close()
    except Exception as err:
        cause = str(err).splitlines()[0] if str(err) else type(err).__name__
        if "FileNotFoundException" in str(err):
            cause = "no such file"
        raise ExecutionError(
            f"cannot include {path}: {cause}",
            span=stmt.span,
            text=ctx.source.text,
        ) from None
    return bytes(data).decode("utf-8")


INCLUDE_SOURCES: dict[str, Callable[[IncludeStatement, RunContext], IncludedScript]] = {
    "file": _local,
    "local": _local,
    "hdfs": _hadoop,
}


def read_include(stmt: IncludeStatement, ctx: RunContext) -> IncludedScript:
    """The script an include statement names.

    Raises:
        AnalysisError: an unknown include source (the known ones are listed).
        ExecutionError: the script cannot be read.
    """
    reader = INCLUDE_SOURCES.get(stmt.source.lower())
    if reader is None:
        known = ", ".join(f"{name}.`path`" for name in INCLUDE_SOURCES)
        raise ctx.error(
            AnalysisError, f"unknown include source '{stmt.source}'; known: {known}", stmt
        )
    return reader(stmt, ctx)
