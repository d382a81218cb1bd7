"""Byzer's vec_* functions: names, argument forms and results (Functions.scala semantics)."""

from __future__ import annotations

import pytest

from mlsql.errors import MLSQLError


def test_dense_array_round_trip_on_arrays_and_vectors(run) -> None:
    result = run(
        """select vec_dense(array(1.0D, 2.5D, 0.0D)) as v as t;
        select vec_array(v) as a, vec_array(array(3, 4)) as b, vec_argmax(v) as m,
               vec_argmax(array(1.0D, 9.0D, 2.0D)) as m2, vec_mk_string(',', v) as s from t as out;"""
    )
    assert result.rows() == [
        {"a": [1.0, 2.5, 0.0], "b": [3.0, 4.0], "m": 1, "m2": 1, "s": "1.0,2.5,0.0"}
    ]


def test_dense_gives_a_spark_ml_vector(run) -> None:
    from pyspark.ml.linalg import DenseVector

    value = run("select vec_dense(array(1.0D, 2.0D)) as v as t;").table.df.first()["v"]
    assert isinstance(value, DenseVector) and list(value) == [1.0, 2.0]


def test_sparse_and_concat(run) -> None:
    from pyspark.ml.linalg import SparseVector

    row = run(
        """select vec_sparse(5, map(3, 1.5D, 0, 2.0D)) as s,
               vec_concat(array(vec_dense(array(1.0D, 0.0D)), vec_sparse(3, map(2, 7.0D)))) as c
        as t;"""
    ).table.df.first()
    assert isinstance(row["s"], SparseVector)
    assert row["s"].size == 5 and row["s"].toArray().tolist() == [2.0, 0.0, 0.0, 1.5, 0.0]
    # Byzer's assemble: positions kept, zeros dropped, then compressed (sparse here: 2 of 5 set).
    assert row["c"].toArray().tolist() == [1.0, 0.0, 0.0, 0.0, 7.0]


def test_nulls_pass_through(run) -> None:
    result = run("select vec_array(cast(null as array<double>)) as a as t;")
    assert result.rows() == [{"a": None}]


def test_functions_exist_in_every_new_session(engine) -> None:
    for name in ("a", "b"):
        result = engine.run("select vec_argmax(array(0, 5, 1)) as m as t;", session=f"vec-{name}")
        assert result.rows() == [{"m": 1}]


def test_around_a_model_function(run, tmp_path) -> None:
    """``select vec_array(fn(features))``: a registered ET function returning a vector."""
    result = run(
        f"""set d='''{{"x":[1.0,10.0]}}
{{"x":[3.0,30.0]}}''';
        load jsonStr.`d` as raw;
        select vec_dense(x) as features from raw as data;
        train data as StandardScaler.`{tmp_path}/std` where inputCol="features"
            and withMean="true" and withStd="false";
        register StandardScaler.`{tmp_path}/std` as scale;
        select vec_array(scale(features)) as a from data as out;"""
    )
    assert [r["a"] for r in result.rows()] == [[-1.0, -10.0], [1.0, 10.0]]


def test_wrong_argument_is_a_clear_error(run) -> None:
    with pytest.raises(MLSQLError, match="expected a vector or an array of numbers"):
        run("select vec_array('abc') as a as t;").rows()


def test_around_a_trained_model_function(run, tmp_path) -> None:
    """vec_argmax over a model function's probabilities is the model's prediction index, and
    vec_dense/vec_mk_string wrap its output (a scikit-learn model trained through Kafka)."""
    result = run(
        f"""load sklearn.`iris` as iris;
        train iris as LogisticRegression.`{tmp_path}/lr` where labelCol="label"
            and maxIter="300" and validationFraction="0";
        register LogisticRegression.`{tmp_path}/lr` as p options output="probabilities";
        register LogisticRegression.`{tmp_path}/lr` as label_of;
        select label_of(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as y,
            vec_argmax(p(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm)) as k,
            vec_mk_string('|', vec_dense(p(sepal_length_cm, sepal_width_cm, petal_length_cm,
                petal_width_cm))) as s
            from iris as out;"""
    )
    rows = result.rows()
    assert len(rows) == 150
    assert all(int(float(r["y"])) == r["k"] for r in rows)
    assert all(len(r["s"].split("|")) == 3 for r in rows)
