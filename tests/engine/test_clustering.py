"""Clustering end to end through Kafka: KMeans and DEC metrics against an ``evalLabelCol``
(ACC, NMI, ARI equal to scipy/scikit-learn computed directly on the predictions), ``group_id``
from ``predict`` and registered functions (which agree), DEC's soft assignments and
embeddings, reuse of a pretrained DEC model, and bad input that publishes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn import metrics

from mlsql.errors import AnalysisError, WorkerError

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

DEC_OPTIONS = (
    'n_clusters="3" and encode_units="16,8,3" and pretrain_epochs="4" and'
    ' pretrain_batch_size="16" and update_interval="10" and train_max_iters="60" and'
    ' train_batch_size="32" and seed="3" and validationFraction="0" and evalLabelCol="label"'
)


def hungarian_acc(truth: np.ndarray, groups: np.ndarray) -> float:
    """Clustering accuracy computed here, independently of the engine's metrics module."""
    table = pd.crosstab(groups, truth).to_numpy()
    rows, cols = linear_sum_assignment(-table)
    return table[rows, cols].sum() / len(truth)


def _metrics_of(row: dict) -> dict[str, float]:
    return {m["name"]: m["value"] for m in row["metrics"]}


def test_kmeans_metrics_against_an_evaluation_label(run, tmp_path: Path) -> None:
    model = tmp_path / "km"
    groups = run(
        f"""load sklearn.`iris` as iris;
        train iris as KMeans.`{model}` where k="3" and seed="7" and validationFraction="0"
          and evalLabelCol="label" as groups;"""
    ).rows()
    rows = run(f"predict iris as KMeans.`{model}` as predicted;").rows()
    truth = np.array([r["label"] for r in rows])
    group_id = np.array([r["group_id"] for r in rows])
    np.testing.assert_array_equal(group_id, [r["prediction"] for r in rows])
    row = groups[0]
    assert row["acc"] == pytest.approx(hungarian_acc(truth, group_id))
    assert row["nmi"] == pytest.approx(metrics.normalized_mutual_info_score(truth, group_id))
    assert row["ari"] == pytest.approx(metrics.adjusted_rand_score(truth, group_id))
    assert _metrics_of(row)["acc"] == row["acc"]
    assert row["acc"] > 0.8
    from mlsql.models.loader import load_model

    assert "label" not in load_model(model).feature_columns  # evaluation only, not a feature


def test_dec_trains_through_kafka_and_predict_agrees_with_functions(run, tmp_path: Path) -> None:
    model = tmp_path / "dec"
    groups = run(
        f"""load sklearn.`iris` as iris;
        train iris as DEC.`{model}` where {DEC_OPTIONS} as groups;"""
    ).rows()
    assert groups[0]["status"] == "success", groups[0]["error"]
    assert groups[0]["silhouette"] is not None and groups[0]["acc"] > 0.5
    rows = run(
        f"""register DEC.`{model}` as dec_group options output="group_id";
        register DEC.`{model}` as dec_soft options output="probabilities";
        register DEC.`{model}` as dec_embed options output="embedding";
        predict iris as DEC.`{model}` as predicted;
        select *, dec_group(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as g,
          dec_soft(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as q,
          dec_embed(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as z
          from predicted as out;"""
    ).rows()
    assert len(rows) == 150
    assert all(r["g"] == r["group_id"] == r["prediction"] for r in rows)
    for r in rows:
        np.testing.assert_allclose(r["q"], r["probabilities"], rtol=1e-9)
        np.testing.assert_allclose(r["z"], r["embedding"], rtol=1e-9)
        assert len(r["q"]) == 3 and len(r["z"]) == 3
        assert int(np.argmax(r["q"])) == r["g"]
    truth = np.array([r["label"] for r in rows])
    group_id = np.array([r["group_id"] for r in rows])
    assert groups[0]["acc"] == pytest.approx(hungarian_acc(truth, group_id))
    assert groups[0]["nmi"] == pytest.approx(metrics.normalized_mutual_info_score(truth, group_id))


def test_dec_reuses_a_pretrained_model_named_by_option(run, tmp_path: Path) -> None:
    first, second = tmp_path / "c", tmp_path / "c2"
    run(f"load sklearn.`iris` as iris; train iris as DEC.`{first}` where {DEC_OPTIONS};")
    groups = run(
        f"""load sklearn.`iris` as iris;
        train iris as DeepEmbeddingClusterModel.`{second}` where {DEC_OPTIONS}
          and pretrainedModel="{first}" as groups;"""
    ).rows()
    assert groups[0]["status"] == "success", groups[0]["error"]
    from mlsql.models.loader import load_model

    dec = load_model(second).metadata.extra["dec"]
    assert dec["autoencoder"].startswith(str(first))
    assert dec["encode_units"] == [16, 8, 3]


def _topics(engine) -> set[str]:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=engine.kafka_bootstrap())
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


@pytest.mark.parametrize(
    ("options", "key", "message"),
    [
        ('n_clusters="1"', "n_clusters", "n_clusters must be at least 2"),
        ('model.k="1"', "model.k", "model.k (n_clusters) must be at least 2"),
        ('encode_units="16,,3"', "encode_units", "encode_units must be positive integers"),
        ('model.encode_units="a,b"', "model.encode_units", "positive integers"),
        ('tol="2"', "tol", "tol must be a number in [0, 1)"),
        ('loss="kl"', "loss", 'loss must be "dec" or "idec"'),
        ('model.n_clusterz="3"', "model.n_clusterz", "unknown parameter 'model.n_clusterz'"),
    ],
)
def test_bad_dec_parameters_fail_on_the_driver_at_the_option(
    run, engine, tmp_path: Path, options, key, message
) -> None:
    model, before = tmp_path / "bad", _topics(engine)
    script = f"load sklearn.`iris` as iris;\ntrain iris as DEC.`{model}` where {options};"
    with pytest.raises(AnalysisError) as info:
        run(script)
    assert message in info.value.message, info.value.message
    assert info.value.line == 2
    assert info.value.column == script.splitlines()[1].index(options.split("=")[0])
    assert _topics(engine) == before  # no topic, so no Spark job fed one
    assert not model.exists() or not list(model.glob("_model_*"))


def test_more_clusters_than_rows_publish_nothing(run, tmp_path: Path) -> None:
    """The row count is known only when the data is read (in the worker, before any model)."""
    model = tmp_path / "bad"
    with pytest.raises(WorkerError) as info:
        run(
            f'load sklearn.`iris` as iris;\ntrain iris as DEC.`{model}` where n_clusters="200"'
            ' and validationFraction="0";'
        )
    assert "more than the 150 training" in info.value.message and info.value.line == 2
    assert not list(model.glob("_model_*"))


def test_a_pretrained_model_that_is_not_dec_is_refused_at_its_line(run, tmp_path: Path) -> None:
    kmeans, model = tmp_path / "km", tmp_path / "bad"
    run(f'load sklearn.`iris` as iris; train iris as KMeans.`{kmeans}` where k="3";')
    with pytest.raises(AnalysisError) as info:
        run(
            f"""load sklearn.`iris` as iris;
            train iris as DEC.`{model}` where n_clusters="3"
              and model.existed_pretrain_model="{kmeans}";"""
        )
    assert "not a DEC model" in info.value.message and info.value.line == 2
    assert not model.exists() or not list(model.glob("_model_*"))
