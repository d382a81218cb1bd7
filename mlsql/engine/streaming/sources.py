"""Stream reads: `load` after `set streamName` (kafka, rate, mockStream, any Spark source)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mlsql.engine.context import RunContext
from mlsql.engine.formats import ENGINE_OPTIONS, FORMATS
from mlsql.errors import AnalysisError
from mlsql.parser.ast import LoadStatement

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


STREAM_NAME_VARIABLE = "streamName"
KAFKA_SERVERS = "kafka.bootstrap.servers"
KAFKA_SUBSCRIPTIONS = ("subscribe", "subscribePattern", "assign")
# Options the streaming writer consumes itself (never handed to a Spark source or sink).
STREAM_OPTIONS = frozenset({"mode", "duration", "checkpointLocation", "trigger"})


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
    return source(ctx, stmt, spark_options(options))


def spark_options(options: dict[str, str]) -> dict[str, str]:
    """The options handed to Spark (the engine's own load/stream options removed)."""
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
