"""Structured Streaming in MLSQL's form: `set streamName="…"` turns `load` and `save` into streams.

After `set streamName="name";` a `load` of a streaming source is a stream read, and the next
`save` of a streaming table starts a Spark Structured Streaming query named `name`, kept in
`EngineSession.streams[name]` (a `RunningStream`) until it is stopped. The name is consumed by
the stream it starts: later statements of the session are batch again until the next
`set streamName`. Formats the engine defines itself (`jdbc`, `sklearn`) always load as batch
tables, so a stream can be joined with them.

Sources (`load`):
    kafka       `` load kafka.`topic` options `kafka.bootstrap.servers`="host:port" as t; ``
                (the path is the `subscribe` list; `key` and `value` are strings, parse JSON
                with `from_json` in a following select; default servers: the engine's broker)
    rate        `` load rate.`` options rowsPerSecond="10" as t; `` (Spark's test source)
    mockStream  `` load mockStream.`table` options rowsPerSecond="5" as t; `` replays the rows
                of a batch table in a loop
    any other   Spark's streaming source of that name (file formats need a `schema` option)

Sinks (`save`): `kafka` (the `value` column, or every column as a JSON object when the table has
no `value` column; the path is the topic, created if missing), `console`, `memory` (its table
is named after the stream), `noop`, file
formats (`parquet`, `json`, `csv`, `orc`, `text`: the path is the output folder) and every other
format through `foreachBatch` and its batch writer (e.g. `jdbc`).

Save options: `mode` (Append|Update|Complete, default Append), `duration` (trigger interval in
seconds, default 1; `trigger="availableNow"` processes what is there and stops) and
`checkpointLocation`. Without a checkpoint, file sinks keep theirs in `<output>/_checkpoint`, so
a restarted stream resumes where it stopped; other sinks get a temporary one under
`<work_dir>/streams/checkpoints`, deleted when the stream stops.

Streams are listed and stopped through `list_streams`/`stop_stream`, the `!streams` command
(`!streams;`, `!streams stop <name>;`, also `!show streams;`) and `mlsql streams …` on the CLI.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext, Table
from mlsql.engine.formats import ENGINE_OPTIONS, FILE_FORMATS, FORMATS, format_for
from mlsql.errors import AnalysisError, ExecutionError
from mlsql.parser.ast import CommandStatement, LoadStatement, SaveStatement

if TYPE_CHECKING:
    from pyspark.sql import DataFrame
    from pyspark.sql.streaming import DataStreamWriter, StreamingQuery

    from mlsql.engine.session import EngineSession

STREAM_NAME_VARIABLE = "streamName"
OUTPUT_MODES = {"append": "append", "update": "update", "complete": "complete"}
DEFAULT_TRIGGER_SECONDS = "1"
STOP_DRAIN_S = 10.0
# Options the streaming writer consumes itself (never handed to a Spark sink).
STREAM_OPTIONS = frozenset({"mode", "duration", "checkpointLocation", "trigger"})
# Sinks Spark streams into natively; any other format is written batch by batch.
NATIVE_SINKS = frozenset({"console", "memory", "noop"}) | FILE_FORMATS
KAFKA_SERVERS = "kafka.bootstrap.servers"
KAFKA_SUBSCRIPTIONS = ("subscribe", "subscribePattern", "assign")
STATUS_SCHEMA = (
    "name string, id string, active boolean, sink string, batches long, "
    "input_rows long, rows_per_second double, message string, error string"
)


@dataclass
class RunningStream:
    """A started streaming query with what the engine knows about it.

    Attribute access falls through to the Spark `StreamingQuery` (`isActive`, `id`, …).
    """

    name: str
    query: StreamingQuery
    sink: str
    checkpoint: str
    temporary_checkpoint: bool = False
    started_at: float = field(default_factory=time.time)

    def stop(self, drain_s: float = STOP_DRAIN_S) -> None:
        """Stop the query once its running micro-batch is done (waiting at most `drain_s`),
        and drop a temporary checkpoint."""
        deadline = time.monotonic() + drain_s
        while self.query.isActive and time.monotonic() < deadline:
            if not self.query.status.get("isTriggerActive"):
                break
            time.sleep(0.1)
        self.query.stop()
        if self.temporary_checkpoint:
            shutil.rmtree(self.checkpoint, ignore_errors=True)

    def __getattr__(self, item: str) -> Any:
        if item == "query":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(item)
        return getattr(self.query, item)


@dataclass(frozen=True)
class StreamStatus:
    """A snapshot of one stream: identity, liveness and its last micro-batch."""

    name: str
    id: str
    active: bool
    sink: str
    batches: int
    input_rows: int
    rows_per_second: float
    message: str
    error: str | None

    def summary(self) -> str:
        """One progress line: `name: 3 batches, last 200 rows (199.0 rows/s), message`."""
        return (
            f"{self.name}: {self.batches} batches, last {self.input_rows} rows "
            f"({self.rows_per_second:.1f} rows/s), {self.message}"
        )

    def as_row(self) -> tuple[Any, ...]:
        """The status as a row of `STATUS_SCHEMA`."""
        return astuple(self)


# --- reading --------------------------------------------------------------------------------
def stream_name(ctx: RunContext) -> str | None:
    """The stream name the script has set (`set streamName=…`), if any."""
    name = ctx.session.variables.get(STREAM_NAME_VARIABLE, "").strip()
    return name or None


def is_stream_load(ctx: RunContext, stmt: LoadStatement) -> bool:
    """Whether `stmt` reads a stream: a stream name is set and the format can stream."""
    fmt = stmt.format.lower()
    return stream_name(ctx) is not None and (fmt in SOURCES or fmt not in FORMATS)


def read_stream(ctx: RunContext, stmt: LoadStatement, options: dict[str, str]) -> DataFrame:
    """The streaming DataFrame of a `load` statement (generic load options not applied)."""
    source = SOURCES.get(stmt.format.lower(), _read_generic)
    return source(ctx, stmt, _spark_options(options))


def _spark_options(options: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in options.items() if k not in ENGINE_OPTIONS | STREAM_OPTIONS}


def _read_generic(ctx: RunContext, stmt: LoadStatement, options: dict[str, str]) -> DataFrame:
    reader = ctx.spark.readStream.format(stmt.format).options(**options)
    if "schema" in options:
        reader = reader.schema(options["schema"])
    return reader.load(ctx.resolve_path(stmt.path)) if stmt.path else reader.load()


def _read_kafka(ctx: RunContext, stmt: LoadStatement, options: dict[str, str]) -> DataFrame:
    from pyspark.sql import functions as F

    options = _with_kafka_servers(ctx, options)
    if not any(key in options for key in KAFKA_SUBSCRIPTIONS):
        if not stmt.path:
            raise ctx.error(AnalysisError, "a kafka load needs topics: kafka.`topic1,topic2`", stmt)
        options["subscribe"] = stmt.path
    df = ctx.spark.readStream.format("kafka").options(**options).load()
    return df.withColumn("key", F.col("key").cast("string")).withColumn(
        "value", F.col("value").cast("string")
    )


def _read_mock(ctx: RunContext, stmt: LoadStatement, options: dict[str, str]) -> DataFrame:
    """Replay a batch table's rows as a stream, `rowsPerSecond` at a time, in a loop."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rows = ctx.spark.table(stmt.path)
    indexed = rows.withColumn(
        "__mock_index",
        F.row_number().over(Window.orderBy(F.monotonically_increasing_id())) - 1,
    ).localCheckpoint()  # a materialised copy: the stream's plan must not hold the window
    count = indexed.count()
    if count == 0:
        raise ctx.fail(f"mockStream: table {stmt.path} has no rows to replay", stmt)
    ticks = (
        ctx.spark.readStream.format("rate")
        .option("rowsPerSecond", options.get("rowsPerSecond", "1"))
        .load()
        .select((F.col("value") % count).alias("__mock_index"))
    )
    return ticks.join(F.broadcast(indexed), "__mock_index").drop("__mock_index")


SOURCES: dict[str, Callable[[RunContext, LoadStatement, dict[str, str]], DataFrame]] = {
    "kafka": _read_kafka,
    "mockstream": _read_mock,
}


def _with_kafka_servers(ctx: RunContext, options: dict[str, str]) -> dict[str, str]:
    """`options` with `kafka.bootstrap.servers` (the engine's broker when not given)."""
    options = dict(options)
    if not options.get(KAFKA_SERVERS):
        options[KAFKA_SERVERS] = ctx.engine.kafka_bootstrap()
    return options


# --- writing --------------------------------------------------------------------------------
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
    query = sink(ctx, stmt, df, settings, _spark_options(options))
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


# --- listing, stopping, waiting -------------------------------------------------------------
def status_of(stream: Any) -> StreamStatus:
    """The current status of a stream (a `RunningStream` or a bare `StreamingQuery`)."""
    progress = stream.lastProgress or {}
    error = stream.exception()
    return StreamStatus(
        name=stream.name,
        id=str(stream.id),
        active=bool(stream.isActive),
        sink=getattr(stream, "sink", ""),
        batches=int(progress.get("batchId", -1)) + 1,
        input_rows=int(progress.get("numInputRows", 0)),
        rows_per_second=float(progress.get("processedRowsPerSecond", 0.0) or 0.0),
        message=str(stream.status.get("message", "")),
        error=_short_error(error) if error is not None else None,
    )


def _short_error(error: BaseException) -> str:
    from mlsql.engine.spark_errors import short_message

    return short_message(error)


def list_streams(session: EngineSession) -> list[StreamStatus]:
    """The status of every stream the session started (running or ended), by name."""
    return [status_of(session.streams[name]) for name in sorted(session.streams)]


def stop_stream(session: EngineSession, name: str) -> StreamStatus:
    """Stop the stream `name` and forget it; returns its final status.

    Raises:
        AnalysisError: the session has no stream of that name.
    """
    stream = session.streams.get(name)
    if stream is None:
        known = ", ".join(sorted(session.streams)) or "none"
        raise AnalysisError(f"no stream named '{name}' (streams: {known})")
    stream.stop()
    session.streams.pop(name, None)
    return status_of(stream)


def await_streams(
    session: EngineSession,
    *,
    timeout_s: float | None = None,
    poll_s: float = 0.5,
    on_poll: Callable[[EngineSession], None] | None = None,
) -> bool:
    """Block until every stream of the session has ended, or `timeout_s` passed.

    Args:
        session: the engine session whose streams to wait for.
        timeout_s: stop waiting (and stop the streams) after this many seconds; None = no limit.
        poll_s: how often to look at the streams (and call `on_poll`).
        on_poll: called at each poll, e.g. to apply stop requests or print progress.

    Returns:
        True if the streams ended by themselves, False if the timeout stopped them.

    Raises:
        ExecutionError: a stream failed (its error message is quoted).
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        if on_poll is not None:
            on_poll(session)
        _raise_failed(session)
        if not any(s.isActive for s in session.streams.values()):
            return True
        if deadline is not None and time.monotonic() >= deadline:
            for name in list(session.streams):
                stop_stream(session, name)
            return False
        time.sleep(poll_s)


def _raise_failed(session: EngineSession) -> None:
    for name, stream in list(session.streams.items()):
        error = stream.exception()
        if error is not None:
            session.streams.pop(name, None)
            stream.stop()
            raise ExecutionError(f"stream '{name}' failed: {_short_error(error)}")


def status_table(spark: Any, statuses: list[StreamStatus]) -> Table:
    """Stream statuses as a table (name, id, active, sink, batches, rows, message, error)."""
    return Table(df=spark.createDataFrame([s.as_row() for s in statuses], STATUS_SCHEMA))


# --- `!streams` -----------------------------------------------------------------------------
def streams_command(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!streams [list];` lists the session's streams; `!streams stop <name>;` stops one."""
    action = stmt.args[0].lower() if stmt.args else "list"
    if action == "list":
        return status_table(ctx.spark, list_streams(ctx.session))
    if action == "stop" and len(stmt.args) == 2:
        try:
            return status_table(ctx.spark, [stop_stream(ctx.session, stmt.args[1])])
        except AnalysisError as err:
            raise ctx.error(AnalysisError, err.message, stmt) from None
    raise ctx.error(AnalysisError, "usage: `!streams;` or `!streams stop <name>;`", stmt)


def _show_streams(stmt: CommandStatement, ctx: RunContext) -> Table:
    return status_table(ctx.spark, list_streams(ctx.session))


def _register_commands() -> None:
    from mlsql.engine.compilers import commands

    commands.COMMANDS.setdefault("streams", streams_command)
    commands.SHOW.setdefault("streams", _show_streams)


_register_commands()
