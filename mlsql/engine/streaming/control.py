"""Running streams: their status, listing, stopping, waiting, and the `!streams` command."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError, ExecutionError
from mlsql.parser.ast import CommandStatement

if TYPE_CHECKING:
    from pyspark.sql.streaming import StreamingQuery

    from mlsql.engine.session import EngineSession

STOP_DRAIN_S = 10.0

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
    return Table(df=local_frame(spark, [s.as_row() for s in statuses], STATUS_SCHEMA))


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


def show_streams(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show streams;`: the session's streams."""
    return status_table(ctx.spark, list_streams(ctx.session))
