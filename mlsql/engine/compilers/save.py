"""`save [mode] <table> as <format>.`path` [options …] [partitionBy …]`: write a table out.

Local file outputs are written into a staging folder beside the target and moved into place
only when Spark's job has committed, so a failing save leaves neither a half-written output nor
a lost previous one (Spark's own overwrite deletes the old data before writing). A full disk
(ENOSPC, in Spark's tasks or the driver's moves) is an error saying "disk full" and the path.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from typing import TYPE_CHECKING

from mlsql.engine import streaming
from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.formats import SparkFormat, format_for
from mlsql.engine.paths import is_local, local_path
from mlsql.engine.source_errors import data_source_errors, describe_target, disk_full_error
from mlsql.errors import AnalysisError
from mlsql.parser.ast import SaveStatement, options_dict

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

SAVE_MODES = {
    None: "errorifexists",
    "overwrite": "overwrite",
    "append": "append",
    "errorifexists": "errorifexists",
    "ignore": "ignore",
}


@compiles(SaveStatement)
def compile_save(stmt: SaveStatement, ctx: RunContext) -> Table | None:
    """Write the table with the statement's mode, partitioning and file count.

    A streaming table starts a stream instead (see `mlsql.engine.streaming`); its status is
    the statement's result.
    """
    options = options_dict(stmt.options)
    mode = SAVE_MODES.get(stmt.mode.lower() if stmt.mode else None)
    if mode is None:
        raise ctx.error(AnalysisError, f"unknown save mode '{stmt.mode}'", stmt)
    df = ctx.spark.table(stmt.table)
    if df.isStreaming:
        return streaming.write_stream(ctx, stmt, df, options)
    if options.get("fileNum"):
        df = df.repartition(int(options["fileNum"]))
    fmt = format_for(stmt.format)
    path = ctx.resolve_path(stmt.path) if stmt.path else ""
    with data_source_errors(ctx, stmt, f"save table {stmt.table} as", stmt.format, stmt.path):
        if fmt.is_file_format and path and is_local(path) and mode != "append":
            try:
                _save_local_atomically(ctx, stmt, df, fmt, mode, local_path(path), options)
            except OSError as err:  # the driver's own moves and folders (Spark's are above)
                if err.errno not in (errno.ENOSPC, errno.EDQUOT):
                    raise
                doing = f"cannot save table {stmt.table} as {describe_target(stmt.format, path)}"
                raise disk_full_error(ctx, stmt, doing, path) from err
        else:
            writer = df.write.mode(mode)
            if stmt.partition_by:
                writer = writer.partitionBy(*stmt.partition_by)
            fmt.write(ctx, writer, path, options)
    return None


def _save_local_atomically(
    ctx: RunContext,
    stmt: SaveStatement,
    df: DataFrame,
    fmt: SparkFormat,
    mode: str,
    target: str,
    options: dict[str, str],
) -> None:
    target = os.path.abspath(target)
    if os.path.exists(target):
        if mode == "ignore":
            return
        if mode == "errorifexists":
            raise ctx.fail(
                f"output already exists: {target}",
                stmt,
                hint="use `save overwrite …` to replace it or `save append …` to add to it",
            )
    parent, name = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    staging = os.path.join(parent, f".{name}.mlsql-staging-{uuid.uuid4().hex[:8]}")
    try:
        writer = df.write.mode("errorifexists")
        if stmt.partition_by:
            writer = writer.partitionBy(*stmt.partition_by)
        fmt.write(ctx, writer, staging, options)
        _swap_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_into_place(staging: str, target: str) -> None:
    """Move `staging` to `target`, replacing what was there only once the move can happen."""
    trash = f"{staging}.old"
    if os.path.exists(target):
        os.rename(target, trash)
    try:
        os.rename(staging, target)
    except OSError:
        if os.path.exists(trash):
            os.rename(trash, target)
        raise
    shutil.rmtree(trash, ignore_errors=True)
