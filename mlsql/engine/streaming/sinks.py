"""Stream writes: the `save` that starts a stream (kafka, files, console, memory, foreachBatch)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext, Table
from mlsql.engine.formats import FILE_FORMATS, format_for
from mlsql.engine.streaming.control import RunningStream, status_of, status_table
from mlsql.engine.streaming.sources import (
    KAFKA_SERVERS,
    STREAM_NAME_VARIABLE,
    _with_kafka_servers,
    spark_options,
    stream_name,
)
from mlsql.errors import AnalysisError
from mlsql.parser.ast import SaveStatement

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.streaming import DataStreamWriter, StreamingQuery


OUTPUT_MODES = {"append": "append", "update": "update", "complete": "complete"}
DEFAULT_TRIGGER_SECONDS = "1"
# Sinks Spark streams into natively; any other format is written batch by batch.
NATIVE_SINKS = frozenset({"console", "memory", "noop"}) | FILE_FORMATS


@dataclass(frozen=True)
class StreamSettings:
    """How a stream is written: its name, output mode, trigger and checkpoint."""

    name: str
    mode: str
    trigger: dict[str, Any]
    checkpoint: str
    temporary_checkpoint: bool

    def writer(self, df: DataFrame) -> DataStreamWriter:
        """A `writeStream` builder of `df` with these settings."""
        return (
            df.writeStream.queryName(self.name)
            .outputMode(self.mode)
            .trigger(**self.trigger)
            .option("checkpointLocation", self.checkpoint)
        )


def write_stream(
    ctx: RunContext, stmt: SaveStatement, df: DataFrame, options: dict[str, str]
) -> Table:
    """Start the streaming query of a `save` statement; returns its status as a table."""
    name = stream_name(ctx)
    if name is None:
        raise ctx.error(
            AnalysisError,
            f"table {stmt.table} is a stream; name it before saving it",
            stmt,
            hint='add `set streamName="my_stream";` before the load of the stream',
        )
    _check_not_running(ctx, stmt, name)
    settings = _settings(ctx, stmt, name, options)
    fmt = stmt.format.lower()
    sink = SINKS.get(fmt, _write_native if fmt in NATIVE_SINKS else _write_batches)
    query = sink(ctx, stmt, df, settings, spark_options(options))
    stream = RunningStream(
        name=name,
        query=query,
        sink=f"{stmt.format}.`{stmt.path}`",
        checkpoint=settings.checkpoint,
        temporary_checkpoint=settings.temporary_checkpoint,
    )
    ctx.session.streams[name] = stream
    ctx.session.variables.pop(STREAM_NAME_VARIABLE, None)
    return status_table(ctx.spark, [status_of(stream)])


def _check_not_running(ctx: RunContext, stmt: SaveStatement, name: str) -> None:
    old = ctx.session.streams.get(name)
    if old is not None and old.isActive:
        raise ctx.error(
            AnalysisError,
            f"a stream named '{name}' is already running",
            stmt,
            hint=f"stop it first (`!streams stop {name};`) or choose another streamName",
        )


def _settings(
    ctx: RunContext, stmt: SaveStatement, name: str, options: dict[str, str]
) -> StreamSettings:
    """Output mode, trigger and checkpoint of a stream from the save options."""
    mode = OUTPUT_MODES.get(options.get("mode", "append").lower())
    if mode is None:
        raise ctx.error(
            AnalysisError,
            f"unknown stream mode '{options['mode']}'; expected Append, Update or Complete",
            stmt,
        )
    checkpoint = options.get("checkpointLocation")
    temporary = False
    if checkpoint:
        checkpoint = ctx.resolve_path(checkpoint)
    elif stmt.format.lower() in FILE_FORMATS and stmt.path:
        checkpoint = ctx.resolve_path(stmt.path).rstrip("/") + "/_checkpoint"
    else:
        folder = Path(ctx.config.work_dir) / "streams" / "checkpoints"
        checkpoint = str((folder / f"{name}-{uuid.uuid4().hex[:8]}").resolve())
        temporary = True
    return StreamSettings(name, mode, _trigger(ctx, stmt, options), checkpoint, temporary)


def _trigger(ctx: RunContext, stmt: SaveStatement, options: dict[str, str]) -> dict[str, Any]:
    kind = options.get("trigger", "").lower()
    if kind in ("availablenow", "once"):
        return {"availableNow": True}
    if kind:
        raise ctx.error(AnalysisError, f"unknown trigger '{kind}'; use duration=\"seconds\"", stmt)
    duration = options.get("duration", DEFAULT_TRIGGER_SECONDS)
    try:
        seconds = float(duration)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ctx.error(AnalysisError, f"duration must be seconds >= 0, got '{duration}'", stmt)
    return {"processingTime": f"{seconds:g} seconds"}


def _write_native(
    ctx: RunContext,
    stmt: SaveStatement,
    df: DataFrame,
    settings: StreamSettings,
    options: dict[str, str],
) -> StreamingQuery:
    if stmt.format.lower() == "memory" and stmt.path not in ("", settings.name):
        raise ctx.error(
            AnalysisError,
            f"a memory sink's table is named after its stream: use memory.`{settings.name}`",
            stmt,
        )
    writer = settings.writer(df).format(stmt.format.lower()).options(**options)
    if stmt.partition_by:
        writer = writer.partitionBy(*stmt.partition_by)
    if stmt.format.lower() in FILE_FORMATS:
        return writer.start(ctx.resolve_path(stmt.path))
    return writer.start()


def _write_kafka(
    ctx: RunContext,
    stmt: SaveStatement,
    df: DataFrame,
    settings: StreamSettings,
    options: dict[str, str],
) -> StreamingQuery:
    from pyspark.sql import functions as F

    from mlsql.kafka.admin import create_topic

    options = _with_kafka_servers(ctx, options)
    if "topic" not in options:
        if not stmt.path:
            raise ctx.error(AnalysisError, "a kafka save needs a topic: kafka.`topic`", stmt)
        options["topic"] = stmt.path
    create_topic(
        options[KAFKA_SERVERS], options["topic"], timeout_s=ctx.config.kafka.request_timeout_s
    )
    if "value" not in df.columns:
        df = df.select(F.to_json(F.struct(*[F.col(c) for c in df.columns])).alias("value"))
    return settings.writer(df).format("kafka").options(**options).start()


def _write_batches(
    ctx: RunContext,
    stmt: SaveStatement,
    df: DataFrame,
    settings: StreamSettings,
    options: dict[str, str],
) -> StreamingQuery:
    """Any other format: each micro-batch is appended through the format's batch writer."""
    fmt = format_for(stmt.format)
    path = stmt.path

    def write_batch(batch: DataFrame, batch_id: int) -> None:
        writer = batch.write.mode("append")
        if stmt.partition_by:
            writer = writer.partitionBy(*stmt.partition_by)
        fmt.write(ctx, writer, path, options)

    return settings.writer(df).foreachBatch(write_batch).start()


SINKS: dict[str, Callable[..., StreamingQuery]] = {"kafka": _write_kafka}
