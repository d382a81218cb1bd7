"""Driver-made tables (command output, result tables) are collected without a Spark job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mlsql.engine.local_tables import local_frame


def _jobs_started(spark, action) -> int:
    """How many Spark jobs `action()` scheduled."""
    scheduler = spark.sparkContext._jsc.sc().dagScheduler()
    before = scheduler.nextJobId()
    action()
    return scheduler.nextJobId() - before


def test_rows_come_back_exactly_and_no_job_runs(spark) -> None:
    rows = [
        ("a", 1, 2.5, True, None, Decimal("1.25"), dt.date(2026, 11, 27), [1, 2]),
        ("b\\'q", -(2**40), float("nan"), False, "x", None, None, []),
    ]
    ddl = (
        "s string, n long, x double, b boolean, o string, d decimal(10,2), day date, xs array<int>"
    )
    df = local_frame(spark, rows, ddl)
    from pyspark.sql.types import _parse_datatype_string

    assert df.schema == _parse_datatype_string(ddl)
    collected: list = []
    assert _jobs_started(spark, lambda: collected.extend(df.collect())) == 0
    assert [tuple(r)[:2] for r in collected] == [("a", 1), ("b\\'q", -(2**40))]
    assert collected[0]["d"] == Decimal("1.25") and collected[0]["day"] == dt.date(2026, 11, 27)
    assert collected[1]["x"] != collected[1]["x"]  # NaN survives
    assert collected[0]["xs"] == [1, 2] and collected[1]["o"] == "x"


def test_spark_create_data_frame_of_a_list_would_start_a_job(spark) -> None:
    """The baseline the module exists for: if this stops holding, local_frame is not needed."""
    df = spark.createDataFrame([("a", 1)], "s string, n long")
    assert _jobs_started(spark, df.collect) >= 1


def test_dicts_and_rows_bind_by_name(spark) -> None:
    from pyspark.sql import Row

    df = local_frame(spark, [{"b": 2, "a": "x"}, Row(b=3, a="y")], "a string, b int")
    assert [tuple(r) for r in df.collect()] == [("x", 2), ("y", 3)]


def test_empty_rows_keep_the_schema(spark) -> None:
    df = local_frame(spark, [], "name string, n int")
    assert df.columns == ["name", "n"] and df.collect() == []


def test_values_arrow_refuses_fall_back_to_spark(spark) -> None:
    # An int in a string column: Arrow refuses it, so Spark's own createDataFrame decides.
    expected = spark.createDataFrame([(1,)], "s string").collect()
    assert local_frame(spark, [(1,)], "s string").collect() == expected
    ts = dt.datetime(2026, 1, 2, 3, 4, 5)
    # Timestamps keep Spark's reading of naive values (the session time zone).
    assert local_frame(spark, [(ts,)], "t timestamp").collect()[0]["t"] == ts


def test_a_show_command_runs_no_job(engine, session, spark) -> None:
    result = engine.run("!show functions;", session=session)
    assert _jobs_started(spark, lambda: result.rows(None)) == 0
