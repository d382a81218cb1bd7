"""Streams without Kafka: rate and mockStream sources, memory and parquet sinks, stream control."""

from __future__ import annotations

from typing import Any

import pytest

from mlsql.engine.streaming import await_streams, list_streams, stop_stream
from mlsql.errors import AnalysisError, ExecutionError
from tests.streaming.conftest import wait_for

RATE_TO_MEMORY = """
set streamName="{name}";
load rate.`` options rowsPerSecond="20" as ticks;
select value, value * 2 as doubled from ticks as out;
save append out as memory.`` options duration="1";
"""


def _rows(engine: Any, session: Any, table: str) -> int:
    return session.spark.table(table).count()


def _committed_rows(session: Any, path: str) -> int:
    """Rows of a stream's parquet output that Spark's file sink has committed so far."""
    try:
        return session.spark.read.parquet(path).count()
    except Exception:  # no committed batch yet: no schema to infer
        return 0


def test_rate_stream_to_memory_then_stop(stream_engine: Any, stream_session: Any) -> None:
    status = stream_engine.run(RATE_TO_MEMORY.format(name="ticks_a"), session=stream_session)
    assert status.rows()[0]["active"] is True
    assert wait_for(lambda: _rows(stream_engine, stream_session, "ticks_a") > 0)
    row = stream_session.spark.sql("select * from ticks_a order by value limit 1").first()
    assert row.doubled == row.value * 2
    [listed] = list_streams(stream_session)
    assert listed.name == "ticks_a" and listed.active
    checkpoint = stream_session.streams["ticks_a"].checkpoint
    stop_stream(stream_session, "ticks_a")
    assert stream_session.streams == {}
    assert not __import__("os").path.exists(checkpoint)  # temporary checkpoints go with the stream


def test_a_running_stream_name_cannot_start_twice(stream_engine: Any, stream_session: Any) -> None:
    stream_engine.run(RATE_TO_MEMORY.format(name="twice"), session=stream_session)
    with pytest.raises(AnalysisError, match="a stream named 'twice' is already running"):
        stream_engine.run(RATE_TO_MEMORY.format(name="twice"), session=stream_session)
    stop_stream(stream_session, "twice")


def test_streams_commands_list_and_stop(stream_engine: Any, stream_session: Any) -> None:
    stream_engine.run(RATE_TO_MEMORY.format(name="cmd"), session=stream_session)
    for command in ("!streams;", "!streams list;", "!show streams;"):
        rows = stream_engine.run(command, session=stream_session).rows()
        assert [(r["name"], r["active"]) for r in rows] == [("cmd", True)]
    stopped = stream_engine.run("!streams stop cmd;", session=stream_session).rows()
    assert stopped[0]["active"] is False
    assert stream_engine.run("!streams;", session=stream_session).rows() == []
    with pytest.raises(AnalysisError, match="no stream named 'cmd'"):
        stream_engine.run("!streams stop cmd;", session=stream_session)


def test_rate_stream_to_parquet_keeps_checkpoint_with_output(
    stream_engine: Any, stream_session: Any, tmp_path: Any
) -> None:
    out = tmp_path / "ticks"
    stream_engine.run(
        f"""set streamName="to_parquet";
        load rate.`` options rowsPerSecond="20" as ticks;
        save append ticks as parquet.`{out}` options duration="1";""",
        session=stream_session,
    )
    assert wait_for(lambda: _committed_rows(stream_session, str(out)) > 0)
    stop_stream(stream_session, "to_parquet")
    assert (out / "_checkpoint" / "offsets").is_dir()
    assert stream_engine.run(f"load parquet.`{out}` as t;", session=stream_session).df.count() > 0


def test_mock_stream_replays_a_table(stream_engine: Any, stream_session: Any) -> None:
    stream_engine.run(
        """set streamName="replay";
        load sklearn.`iris` as iris;
        load mockStream.`iris` options rowsPerSecond="50" as replayed;
        select label, petal_length_cm from replayed as out;
        save append out as memory.`replay` options duration="1";""",
        session=stream_session,
    )
    assert wait_for(lambda: _rows(stream_engine, stream_session, "replay") >= 10)
    labels = {r.label for r in stream_session.spark.table("replay").collect()}
    stop_stream(stream_session, "replay")
    assert labels <= {0, 1, 2}


def test_await_streams_stops_them_at_the_timeout(stream_engine: Any, stream_session: Any) -> None:
    stream_engine.run(RATE_TO_MEMORY.format(name="timed"), session=stream_session)
    query = stream_session.streams["timed"].query
    assert await_streams(stream_session, timeout_s=2) is False
    assert not query.isActive and stream_session.streams == {}


def test_await_streams_reports_a_failed_stream(stream_engine: Any, stream_session: Any) -> None:
    stream_engine.run(
        """set streamName="failing";
        load rate.`` options rowsPerSecond="5" as ticks;
        select assert_true(value < 0, 'value went non-negative') as ok from ticks as out;
        save append out as memory.`` options duration="1";""",
        session=stream_session,
    )
    with pytest.raises(ExecutionError, match="stream 'failing' failed: .*value went non-negative"):
        await_streams(stream_session, timeout_s=60)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ('mode="Sideways"', "unknown stream mode 'Sideways'"),
        ('duration="soon"', "duration must be seconds >= 0, got 'soon'"),
        ('trigger="sometimes"', "unknown trigger 'sometimes'"),
    ],
)
def test_bad_stream_options_are_analysis_errors(
    stream_engine: Any, stream_session: Any, options: str, message: str
) -> None:
    script = f"""set streamName="bad";
    load rate.`` as ticks;
    save append ticks as memory.`` options {options};"""
    with pytest.raises(AnalysisError, match=message) as info:
        stream_engine.run(script, session=stream_session)
    assert info.value.line == 3


def test_a_stream_needs_a_name_to_be_saved(stream_engine: Any, stream_session: Any) -> None:
    script = """set streamName="soon_unnamed";
    load rate.`` as ticks;
    set streamName="";
    save append ticks as memory.`` ;"""
    with pytest.raises(AnalysisError, match="table ticks is a stream") as info:
        stream_engine.run(script, session=stream_session)
    assert "set streamName=" in (info.value.hint or "")


def test_batch_formats_stay_batch_in_a_streaming_script(
    stream_engine: Any, stream_session: Any
) -> None:
    result = stream_engine.run(
        'set streamName="unused"; load sklearn.`iris` as iris; select count(*) as n from iris as c;',
        session=stream_session,
    )
    assert result.rows() == [{"n": 150}]
