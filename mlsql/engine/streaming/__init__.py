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

from mlsql.engine.streaming.control import (
    RunningStream,
    StreamStatus,
    await_streams,
    list_streams,
    show_streams,
    status_of,
    status_table,
    stop_stream,
    streams_command,
)
from mlsql.engine.streaming.sinks import write_stream
from mlsql.engine.streaming.sources import (
    STREAM_NAME_VARIABLE,
    is_stream_load,
    read_stream,
    stream_name,
)

__all__ = [
    "STREAM_NAME_VARIABLE",
    "RunningStream",
    "StreamStatus",
    "await_streams",
    "is_stream_load",
    "list_streams",
    "read_stream",
    "show_streams",
    "status_of",
    "status_table",
    "stop_stream",
    "stream_name",
    "streams_command",
    "write_stream",
]
