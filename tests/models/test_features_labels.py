"""Label types and tasks; feature specs (vector column, column list, all columns); automatic
featurisation stored with the model and applied identically at prediction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlsql.models.backends import load_sklearn
from mlsql.models.features import FeatureSpec, Featurizer, FeaturizerBuilder
from mlsql.models.labels import LabelStats, label_stats
from tests.models.helpers import iris, toy, trained


@pytest.mark.parametrize(
    ("values", "whole_floats", "task", "classes"),
    [
        (["a", "b", "a"], False, "classification", ["a", "b"]),
        ([True, False, True], False, "classification", [False, True]),
        ([0, 1, 2, 1], False, "classification", [0, 1, 2]),
        (list(range(50)), False, "regression", None),
        ([0.5, 1.25, 3.0], False, "regression", None),
        ([0.0, 1.0, 1.0], False, "regression", None),
        ([0.0, 1.0, 1.0], True, "classification", [0.0, 1.0]),
    ],
)
def test_task_follows_the_label_type(values, whole_floats, task, classes) -> None:
    info = label_stats(pd.Series(values, name="y")).finish(None, whole_floats)
    assert info.task == task
    assert info.classes == classes


def test_label_codes_round_trip_and_unseen_values() -> None:
    info = label_stats(pd.Series(["b", "a", "c"], name="y")).finish(None)
    codes = info.encode(pd.Series(["c", "a", "zzz"]))
    assert codes.tolist() == [2, 0, -1]
    assert info.decode(np.array([1, 2])).tolist() == ["b", "c"]


def test_whole_float_classes_match_integer_values() -> None:
    info = label_stats(pd.Series([0.0, 1.0], name="y")).finish("classification")
    assert info.encode(pd.Series([1, 0])).tolist() == [1, 0]


def test_streamed_label_stats_equal_one_shot() -> None:
    series = pd.Series(["x", "y", "z", "x"] * 5, name="y")
    streamed = LabelStats("y")
    for start in range(0, len(series), 3):
        streamed.update(series.iloc[start : start + 3])
    assert streamed.finish(None).classes == label_stats(series).finish(None).classes


def test_bool_label_predictions_are_booleans(tmp_path) -> None:
    df = toy("breast_cancer")
    df["target"] = df["target"].astype(bool)
    params = {"labelCol": "target", "standardize": "true"}
    _, model = trained(tmp_path, "LogisticRegression", params, df)
    assert model.metadata.classes == [False, True]
    assert model.predict(df.head(3))["prediction"].dtype == bool


def test_spark_double_labels_train_a_random_forest_classifier(tmp_path) -> None:
    df = toy("breast_cancer")
    df["target"] = df["target"].astype(float)
    result, model = trained(tmp_path, "RandomForest", {"labelCol": "target", "numTrees": "5"}, df)
    assert result.task == "classification"
    assert model.metadata.classes == [0.0, 1.0]
    assert model.metadata.outputs[0] == {"name": "prediction", "type": "double"}


def test_task_option_overrides_inference(tmp_path) -> None:
    params = {"labelCol": "target", "task": "regression", "numTrees": "5"}
    result, model = trained(tmp_path, "RandomForest", params, toy("wine"))
    assert result.task == "regression" and "rmse" in result.metrics
    assert model.predict(toy("wine").head(2))["prediction"].dtype == np.float64


def _vector_frame() -> pd.DataFrame:
    df = iris()
    features = df.drop(columns="species").to_numpy()
    return pd.DataFrame({"features": list(features), "species": df["species"]})


@pytest.mark.parametrize("key", ["featuresCol", "inputCol", "featureCol"])
def test_vector_column_equals_separate_columns(tmp_path, key: str) -> None:
    params = {"labelCol": "species", "numTrees": "10", "validationFraction": "0"}
    _, by_columns = trained(tmp_path / "a", "RandomForest", params, iris())
    vector = _vector_frame()
    _, by_vector = trained(tmp_path / "b", "RandomForest", {**params, key: "features"}, vector)
    assert by_vector.feature_columns == ["features"]
    np.testing.assert_array_equal(
        np.vstack(by_vector.predict(vector)["probabilities"]),
        np.vstack(by_columns.predict(iris())["probabilities"]),
    )


def test_spark_ml_vector_structs_dense_and_sparse() -> None:
    dense = {"type": 1, "size": None, "indices": None, "values": [1.0, 0.0, 3.0]}
    sparse = {"type": 0, "size": 3, "indices": [0, 2], "values": [1.0, 3.0]}
    df = pd.DataFrame({"v": [dense, sparse, [1.0, 0.0, 3.0]]})
    featurizer = FeaturizerBuilder(FeatureSpec(vector_col="v")).fit([df])
    np.testing.assert_array_equal(featurizer.transform(df), np.tile([1.0, 0.0, 3.0], (3, 1)))


def test_feature_column_list_and_default_all_columns(tmp_path) -> None:
    df = iris()
    listed = {"labelCol": "species", "featureCols": "petal length (cm), petal width (cm)"}
    _, model = trained(tmp_path / "a", "NaiveBayes", listed, df)
    assert model.feature_columns == ["petal length (cm)", "petal width (cm)"]
    assert len(model.predict(df[model.feature_columns])) == len(df)
    _, everything = trained(tmp_path / "b", "NaiveBayes", {"labelCol": "species"}, df)
    assert everything.feature_columns == [c for c in df.columns if c != "species"]


def test_missing_feature_column_is_an_analysis_error(tmp_path) -> None:
    _, model = trained(tmp_path, "NaiveBayes", {"labelCol": "species"}, iris())
    from mlsql.errors import AnalysisError

    with pytest.raises(AnalysisError, match="missing feature column"):
        model.predict(iris().drop(columns="sepal width (cm)"))


def _mixed(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    color = rng.choice(["red", "green", "blue"], n)
    when = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 24 * 365, n), unit="h")
    size = rng.normal(10, 3, n)
    score = (color == "red") * 2 + (when.month >= 7) * 1.5 + size / 5 + rng.normal(0, 0.1, n)
    return pd.DataFrame({"color": color, "when": when, "size": size, "label": score > 3.2})


def test_auto_featurisation_is_stored_and_applied_identically(tmp_path) -> None:
    df = _mixed()
    result, model = trained(tmp_path, "RandomForest", {"labelCol": "label", "numTrees": "20"}, df)
    kinds = {p.name: p.kind for p in model.featurizer.plans}
    assert kinds == {"color": "onehot", "when": "datetime", "size": "numeric"}
    assert "color=red" in model.featurizer.output_names
    assert "when.month" in model.featurizer.output_names
    reloaded = Featurizer.from_dict(model.metadata.features)
    new = _mixed(20, seed=1)
    np.testing.assert_array_equal(reloaded.transform(new), model.featurizer.transform(new))
    estimator = load_sklearn(model.folder, model.metadata.trusted_types)
    expected = estimator.predict_proba(reloaded.transform(new))
    np.testing.assert_allclose(np.vstack(model.predict(new)["probabilities"]), expected)
    row_by_row = pd.concat([model.predict(new.iloc[[i]]) for i in range(len(new))])
    pd.testing.assert_frame_equal(row_by_row, model.predict(new))
    assert result.metrics["accuracy"] > 0.8


def test_datetime_parts_unseen_categories_and_missing_numbers() -> None:
    train = pd.DataFrame(
        {"c": ["a", "b", "a"], "t": pd.to_datetime(["2024-03-05 07:00"] * 3), "x": [1.0, 2.0, 3.0]}
    )
    featurizer = FeaturizerBuilder(FeatureSpec()).fit([train])
    new = pd.DataFrame({"c": ["zzz"], "t": [pd.Timestamp("2025-12-31 23:00")], "x": [np.nan]})
    row = dict(zip(featurizer.output_names, featurizer.transform(new)[0], strict=True))
    assert row["c=a"] == 0.0 and row["c=b"] == 0.0
    assert (row["t.year"], row["t.month"], row["t.day"], row["t.hour"]) == (2025, 12, 31, 23)
    assert row["x"] == 2.0


def test_many_categories_are_ordinal_and_text_is_hashed() -> None:
    df = pd.DataFrame(
        {
            "city": [f"c{i % 30}" for i in range(90)],
            "note": [f"word{i} and some more words" for i in range(90)],
        }
    )
    featurizer = FeaturizerBuilder(FeatureSpec(text_features=16)).fit([df])
    assert [p.kind for p in featurizer.plans] == ["ordinal", "text"]
    assert featurizer.transform(df).shape == (90, 1 + 16)
    assert featurizer.transform(pd.DataFrame({"city": ["new"], "note": ["x"]}))[0, 0] == -1


def test_streamed_fit_equals_one_shot_fit_and_standardises() -> None:
    df = _mixed()
    spec = FeatureSpec(standardize=True)
    one = FeaturizerBuilder(spec, "label").fit([df])
    streamed = FeaturizerBuilder(spec, "label").fit(df.iloc[i : i + 37] for i in range(0, 240, 37))
    np.testing.assert_allclose(one.transform(df), streamed.transform(df), rtol=1e-9, atol=1e-9)
    matrix = one.transform(df)
    size = one.output_names.index("size")
    assert abs(matrix[:, size].mean()) < 1e-9 and abs(matrix[:, size].std() - 1) < 1e-9


def test_auto_features_off_uses_numeric_columns_only(tmp_path) -> None:
    params = {"labelCol": "label", "autoFeatures": "false", "numTrees": "5"}
    _, model = trained(tmp_path, "RandomForest", params, _mixed())
    assert model.feature_columns == ["size"]


def test_decimal_columns_are_numbers(tmp_path) -> None:
    from decimal import Decimal

    df = toy("diabetes").head(120)
    df["bmi"] = [Decimal(str(round(v, 6))) for v in df["bmi"]]
    df["target"] = [Decimal(str(v)) for v in df["target"]]
    result, model = trained(tmp_path, "LinearRegression", {"labelCol": "target"}, df)
    assert result.task == "regression"
    assert {p.name: p.kind for p in model.featurizer.plans}["bmi"] == "numeric"
    assert model.predict(df.head(2))["prediction"].dtype == np.float64
