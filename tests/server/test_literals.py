"""Literal-only selects are answered from the plan without a Spark job, with collect()'s rows."""

from __future__ import annotations

from typing import Any

import pytest

from mlsql.engine import Job
from mlsql.server.services.literals import literal_rows

LITERAL_SCRIPTS = [
    "select 1 as a as t;",
    "select 1 + 1 as two, 'x' as s, null as nothing, true as yes, -2.5d as d as t;",
    "select 9223372036854775807 as big, cast(3 as tinyint) as tiny, 'it''s' as quote as t;",
    "set v=\"7\"; select ${v} as seven, 'NaN' as text, cast('NaN' as double) as nan as t;",
]
SPARK_SCRIPTS = [
    "select id from range(0, 3) as t;",
    "select 1.5 as decimal_literal as t;",
    "select current_date() as today as t;",
    "select array(1, 2) as xs as t;",
    "select * from values (1, 'a') as v(x, y) as t;",
]


def spark_jobs(engine: Any, job: Job) -> int:
    """How many Spark jobs ran in `job`'s group."""
    tracker = engine.spark.sparkContext.statusTracker()
    return len(tracker.getJobIdsForGroup(job.group_id))


@pytest.mark.parametrize("script", LITERAL_SCRIPTS)
def test_literal_selects_need_no_spark_job_and_match_collect(
    engine: Any, session: Any, script: str
) -> None:
    job = Job()
    result = engine.run(script, session=session, job=job)
    rows = literal_rows(result.df, None)
    assert spark_jobs(engine, job) == 0
    assert rows is not None
    expected = result.rows(None)  # the normal path: a Spark job
    assert spark_jobs(engine, job) >= 1
    assert repr(rows) == repr(expected)  # same values and Python types (nan compares by repr)
    assert literal_rows(result.df, 0) == []


@pytest.mark.parametrize("script", SPARK_SCRIPTS)
def test_other_selects_go_to_spark(engine: Any, session: Any, script: str) -> None:
    result = engine.run(script, session=session)
    assert literal_rows(result.df, None) is None


def test_a_streaming_select_of_literals_goes_to_spark(spark: Any) -> None:
    """A literal projection over a stream is not a literal plan (no `isStreaming` call needed)."""
    stream = spark.readStream.format("rate").load().selectExpr("1 as a")
    assert stream.isStreaming
    assert literal_rows(stream, None) is None
