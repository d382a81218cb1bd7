"""End to end on the embedded broker: JSON rows in a topic → a named stream → another topic."""

from __future__ import annotations

from typing import Any

from mlsql.engine.streaming import list_streams, stop_stream
from mlsql.engine.streaming.control import status_of
from tests.streaming.conftest import consume_json, produce_json

SCORE_SCRIPT = """
set streamName="scores";
load kafka.`{source}` options startingOffsets="earliest" as raw;
select from_json(value, 'id int, a double, b double') as f from raw as parsed;
select f.id as id, f.a * 2 + f.b as score from parsed as scored;
save append scored as kafka.`{sink}` options duration="1";
"""

IRIS_COLUMNS = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")

PREDICT_SCRIPT = """
set streamName="iris_predictions";
load kafka.`{source}` options `kafka.bootstrap.servers`="{bootstrap}"
  and startingOffsets="earliest" as raw;
select from_json(value, 'id int, {schema}') as f from raw as parsed;
select f.id as id, rf({args}) as prediction from parsed as scored;
select to_json(struct(id, prediction)) as value from scored as out;
save append out as kafka.`{sink}` options `kafka.bootstrap.servers`="{bootstrap}"
  and mode="Append" and duration="1" and checkpointLocation="{checkpoint}";
"""


def test_kafka_stream_applies_sql_and_writes_kafka(
    stream_engine: Any, stream_session: Any, kafka_broker: str, new_topic: Any
) -> None:
    source, sink = new_topic(), new_topic()
    rows = [{"id": i, "a": float(i), "b": 0.5} for i in range(20)]
    produce_json(kafka_broker, source, rows)

    result = stream_engine.run(
        SCORE_SCRIPT.format(source=source, sink=sink), session=stream_session
    )
    assert result.rows()[0]["name"] == "scores"
    assert "streamName" not in stream_session.variables  # the name is used up by its stream

    got = consume_json(kafka_broker, sink, len(rows))
    assert sorted((r["id"], r["score"]) for r in got) == [(i, i * 2 + 0.5) for i in range(20)]

    query = stream_session.streams["scores"].query
    status = stop_stream(stream_session, "scores")
    assert not status.active and not query.isActive
    assert list_streams(stream_session) == []


def test_kafka_stream_predicts_with_registered_model(
    stream_engine: Any, stream_session: Any, kafka_broker: str, new_topic: Any, tmp_path: Any
) -> None:
    import pandas as pd
    from sklearn.datasets import load_iris

    from mlsql.models.loader import load_model

    model = tmp_path / "rf"
    stream_engine.run(
        f"""load sklearn.`iris` as iris;
        train iris as RandomForest.`{model}` where labelCol="label" and fitParam.0.n_estimators="10";
        register RandomForest.`{model}` as rf;""",
        session=stream_session,
    )
    frame = load_iris(as_frame=True).frame.iloc[::5, :4]
    frame.columns = list(IRIS_COLUMNS)
    rows = [
        {"id": int(i), **row} for i, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]
    source, sink = new_topic(), new_topic()
    produce_json(kafka_broker, source, rows)

    script = PREDICT_SCRIPT.format(
        source=source,
        sink=sink,
        bootstrap=kafka_broker,
        schema=", ".join(f"{c} double" for c in IRIS_COLUMNS),
        args=", ".join(f"f.{c}" for c in IRIS_COLUMNS),
        checkpoint=tmp_path / "checkpoint",
    )
    stream_engine.run(script, session=stream_session)
    got = {r["id"]: r["prediction"] for r in consume_json(kafka_broker, sink, len(rows))}

    expected = load_model(model).predict(pd.DataFrame(frame))["prediction"]
    want = {int(i): p for i, p in zip(frame.index, expected.tolist(), strict=True)}
    # when rows are missing, say what the stream did (it came back empty once in a full run)
    assert got == want, status_of(stream_session.streams["iris_predictions"])
    stop_stream(stream_session, "iris_predictions")
    assert (tmp_path / "checkpoint" / "offsets").is_dir()  # a given checkpoint is kept
