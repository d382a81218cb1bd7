"""The algorithm registry (names, aliases, fast import) and the parameter alias table."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlsql.errors import AnalysisError
from mlsql.models.algorithms import algorithm_names, get_algorithm
from mlsql.models.params import parse_value, resolve_params
from tests.models.helpers import iris, toy, train


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("RandomForest", "RandomForest"),
        ("randomforest", "RandomForest"),
        ("RF", "RandomForest"),
        ("GBTs", "GBTs"),
        ("gbt", "GBTs"),
        ("GBTClassifier", "GBTClassifier"),
        ("LSVM", "SVM"),
        ("svm", "SVM"),
        ("SVC", "SVC"),
        ("GaussianNB", "NaiveBayes"),
        ("sklearn", "SKLearn"),
        ("pythonalg", "PythonAlg"),
        ("DNNClassifier", "DNNClassifier"),
    ],
)
def test_names_and_aliases_are_case_insensitive(name: str, canonical: str) -> None:
    assert get_algorithm(name).name == canonical


def test_unknown_algorithm_lists_the_known_ones() -> None:
    with pytest.raises(AnalysisError, match="unknown algorithm 'Forest'.*RandomForest"):
        get_algorithm("Forest")
    assert {"KMeans", "LinearRegression", "LogisticRegression"} <= set(algorithm_names())


def test_importing_the_registry_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, mlsql.models.algorithms, mlsql.models.loader, mlsql.models.cache;"
        "heavy = [m for m in ('sklearn', 'tensorflow', 'keras', 'skops') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-2", -2),
        ("0.1", 0.1),
        ("1e-3", 0.001),
        ("true", True),
        ("False", False),
        ("None", None),
        ("null", None),
        ("64,32", [64, 32]),
        ("a, b", ["a", "b"]),
        ("[1, 2]", [1, 2]),
        ('{"0": 1}', {"0": 1}),
        ("gini", "gini"),
        (5, 5),
    ],
)
def test_parse_value(text: object, value: object) -> None:
    assert parse_value(text) == value


RF = ["max_depth", "n_estimators", "min_samples_leaf", "random_state", "max_features", "criterion"]


@pytest.mark.parametrize(
    ("algorithm", "params", "valid", "expected"),
    [
        (
            "RandomForest",
            {"maxDepth": "3", "numTrees": "7"},
            RF,
            {"max_depth": 3, "n_estimators": 7},
        ),
        ("RandomForest", {"max_depth": "4"}, RF, {"max_depth": 4}),
        ("RandomForest", {"impurity": "variance"}, RF, {"criterion": "squared_error"}),
        ("RandomForest", {"featureSubsetStrategy": "all"}, RF, {"max_features": None}),
        ("RandomForest", {"minInstancesPerNode": "5"}, RF, {"min_samples_leaf": 5}),
        (
            "GBTClassifier",
            {"maxIter": "9", "stepSize": "0.3"},
            ["n_estimators", "learning_rate"],
            {"n_estimators": 9, "learning_rate": 0.3},
        ),
        (
            "LogisticRegression",
            {"regParam": "0.25", "maxIter": "50"},
            ["C", "max_iter"],
            {"C": 4.0, "max_iter": 50},
        ),
        ("SVM", {"regParam": "0.5"}, ["C"], {"C": 2.0}),
        (
            "LinearRegression",
            {"regParam": "0.5", "elasticNetParam": "0.2"},
            ["alpha", "l1_ratio"],
            {"alpha": 0.5, "l1_ratio": 0.2},
        ),
        (
            "KMeans",
            {"k": "4", "initMode": "k-means||", "maxIter": "20"},
            ["n_clusters", "init", "max_iter"],
            {"n_clusters": 4, "init": "k-means++", "max_iter": 20},
        ),
    ],
)
def test_spark_names_map_to_sklearn(algorithm, params, valid, expected) -> None:
    resolved, ignored = resolve_params(algorithm, params, valid)
    assert resolved == expected
    assert ignored == []


def test_spark_only_parameters_are_ignored_and_reported() -> None:
    resolved, ignored = resolve_params("RandomForest", {"maxBins": "32", "maxDepth": "2"}, RF)
    assert resolved == {"max_depth": 2}
    assert ignored == ["maxBins"]


def test_unknown_parameter_names_it_and_the_valid_ones() -> None:
    with pytest.raises(AnalysisError) as err:
        resolve_params("RandomForest", {"maxDeep": "3"}, RF)
    assert "maxDeep" in err.value.message
    assert "max_depth" in err.value.message and "maxDepth" in err.value.message


def test_alias_to_a_parameter_the_estimator_lacks_is_unknown() -> None:
    with pytest.raises(AnalysisError, match=r"maxIter \(→ max_iter\)"):
        resolve_params("RandomForest", {"maxIter": "3"}, RF)


def test_training_records_resolved_parameters(tmp_path) -> None:
    params = {"labelCol": "species", "maxDepth": "2", "numTrees": "5", "maxBins": "16"}
    result, _ = train(tmp_path, "RandomForest", params, iris())
    assert result.ok, result.error
    assert result.params["max_depth"] == 2 and result.params["n_estimators"] == 5
    assert result.params["random_state"] == 42
    assert result.ignored_params == ["maxBins"]


def test_seed_option_becomes_random_state(tmp_path) -> None:
    result, _ = train(tmp_path, "RF", {"labelCol": "species", "seed": "7"}, iris())
    assert result.params["random_state"] == 7


def test_unknown_parameter_fails_the_group_with_an_analysis_error(tmp_path) -> None:
    result, staging = train(tmp_path, "GBTs", {"labelCol": "target", "numLeaves": "3"}, toy("wine"))
    assert result.status == "failed" and result.error_code == "analysis"
    assert "numLeaves" in result.error and "n_estimators" in result.error
    assert not (staging / ".mlsql-model").exists()


@pytest.mark.parametrize(
    ("module", "cls", "code", "message"),
    [
        ("os", "system", "forbidden", "only use modules under sklearn."),
        ("sklearn.utils", "Bunch", "analysis", "not a scikit-learn estimator"),
        ("sklearn.ensemble", "NoSuchForest", "analysis", "no class 'NoSuchForest'"),
        ("sklearn.decomposition", "PCA", "analysis", "does not predict"),
        (None, None, "analysis", "needs moduleName and className"),
    ],
)
def test_sklearn_generic_only_accepts_sklearn_estimators(tmp_path, module, cls, code, message):
    params = {"labelCol": "target"}
    if module:
        params |= {"moduleName": module, "className": cls}
    result, _ = train(tmp_path, "SKLearn", params, toy("wine"))
    assert result.status == "failed"
    assert result.error_code == code
    assert message in result.error


def test_sklearn_generic_regressor_follows_the_estimator(tmp_path) -> None:
    params = {"labelCol": "target", "moduleName": "sklearn.linear_model", "className": "Ridge"}
    result, _ = train(tmp_path, "SKLearn", params, toy("wine"))
    assert result.ok and result.task == "regression"


def test_fixed_task_algorithm_rejects_other_task(tmp_path) -> None:
    params = {"labelCol": "target", "task": "regression"}
    result, _ = train(tmp_path, "LogisticRegression", params, toy("wine"))
    assert result.status == "failed"
    assert "cannot train regression" in result.error


def test_supervised_algorithm_needs_a_label(tmp_path) -> None:
    result, _ = train(tmp_path, "GBTs", {}, toy("wine"))
    assert result.status == "failed" and "labelCol" in result.error
