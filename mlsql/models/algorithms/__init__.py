"""The algorithm registry: algorithms by name and alias (case-insensitive), as data.

Built-in algorithms (``name`` / aliases → estimator):

- ``RandomForest`` / ``RF`` → ``RandomForestClassifier`` or ``RandomForestRegressor`` by label;
  whole-valued float labels (Spark's ``0.0/1.0``) count as classes, as in MLSQL.
- ``GBTClassifier``, ``GBTRegressor`` → gradient boosting; ``GBTs`` / ``GBT`` follows the label
  (whole-valued float labels with few values, Spark's ``0.0/1.0``, are classes, as in MLSQL).
- ``LogisticRegression`` / ``LR``; ``LinearRegression`` (``regParam`` makes it ``Ridge``,
  ``regParam`` + ``elasticNetParam`` ``ElasticNet``, with Spark's ``regParam`` = ``alpha``).
- ``NaiveBayes`` / ``GaussianNB`` / ``NB`` → ``GaussianNB``.
- ``SVM`` / ``LSVM`` / ``LinearSVC`` → ``LinearSVC`` (Spark's linear SVM); ``SVC`` → kernel
  ``SVC``. Both are wrapped in ``CalibratedClassifierCV(ensemble=False)`` (sigmoid, up to 3
  folds) so they predict probabilities: ``SVC(probability=True)`` is deprecated since
  scikit-learn 1.9. The prediction is the class of highest calibrated probability.
- ``KMeans`` → ``KMeans`` (clustering, no label).
- ``SKLearn`` → any scikit-learn estimator by ``moduleName`` and ``className`` (see
  ``generic``: only ``sklearn.*`` modules).
- ``PythonAlg`` → a user's Python file (contract in ``python_alg``).
- ``DNNClassifier``, ``DNNRegressor`` → Keras dense networks trained over streamed epochs.
- ``DEC`` / ``DeepEmbeddingClusterModel`` / ``ClusterModel`` → deep embedded clustering (Keras
  autoencoder + Student's t clustering layer, SQLFlow's parameter names; see ``dec``).

Adding an algorithm is one ``register(Algorithm(...))``; trainers are found by family and
imported only when a model is trained.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mlsql.errors import AnalysisError
from mlsql.models.algorithms.base import Algorithm, TrainContext, TrainOutcome

TRAINERS = {
    "sklearn": "mlsql.models.algorithms.sklearn_trainer",
    "keras": "mlsql.models.algorithms.dnn",
    "python": "mlsql.models.algorithms.python_alg",
    "dec": "mlsql.models.algorithms.dec",
}

_RF = {
    "classification": "sklearn.ensemble:RandomForestClassifier",
    "regression": "sklearn.ensemble:RandomForestRegressor",
}
_GBC = {"classification": "sklearn.ensemble:GradientBoostingClassifier"}
_GBR = {"regression": "sklearn.ensemble:GradientBoostingRegressor"}
_LINEAR_VARIANTS = (
    (("alpha", "l1_ratio"), "sklearn.linear_model:ElasticNet"),
    (("alpha",), "sklearn.linear_model:Ridge"),
)

BUILTIN = (
    Algorithm("RandomForest", "sklearn", _RF, ("RF",), whole_floats_are_classes=True),
    Algorithm("GBTClassifier", "sklearn", _GBC, ("GradientBoostingClassifier",)),
    Algorithm("GBTRegressor", "sklearn", _GBR, ("GradientBoostingRegressor",)),
    Algorithm(
        "GBTs",
        "sklearn",
        {**_GBC, **_GBR},
        ("GBT", "GradientBoosting"),
        whole_floats_are_classes=True,  # MLSQL's GBTs is Spark's GBTClassifier
    ),
    Algorithm(
        "LogisticRegression",
        "sklearn",
        {"classification": "sklearn.linear_model:LogisticRegression"},
        ("LR",),
    ),
    Algorithm(
        "LinearRegression",
        "sklearn",
        {"regression": "sklearn.linear_model:LinearRegression"},
        variants=_LINEAR_VARIANTS,
    ),
    Algorithm(
        "NaiveBayes",
        "sklearn",
        {"classification": "sklearn.naive_bayes:GaussianNB"},
        ("NB", "GaussianNB"),
    ),
    Algorithm(
        "SVM",
        "sklearn",
        {"classification": "sklearn.svm:LinearSVC"},
        ("LSVM", "LinearSVC"),
        calibrate=True,
    ),
    Algorithm("SVC", "sklearn", {"classification": "sklearn.svm:SVC"}, calibrate=True),
    Algorithm("KMeans", "sklearn", {"clustering": "sklearn.cluster:KMeans"}),
    Algorithm("SKLearn", "sklearn", {}, ("ScikitLearn", "SKLearnAlg")),
    Algorithm("PythonAlg", "python", {}, ("PythonAlgorithm", "Python"), runs_user_code=True),
    Algorithm("DNNClassifier", "keras", {"classification": "keras"}, standardize=True),
    Algorithm("DNNRegressor", "keras", {"regression": "keras"}, standardize=True),
    Algorithm(
        "DEC",
        "dec",
        {"clustering": "dec"},
        ("DeepEmbeddingClusterModel", "DeepEmbeddedClustering", "ClusterModel"),
        description="deep embedded clustering: autoencoder + clustering layer (SQLFlow)",
    ),
)

_REGISTRY: dict[str, Algorithm] = {}


def register(algorithm: Algorithm) -> Algorithm:
    """Adds an algorithm under its name and aliases (case-insensitive)."""
    if algorithm.family not in TRAINERS:
        raise ValueError(f"unknown algorithm family {algorithm.family!r}")
    for key in (algorithm.name, *algorithm.aliases):
        _REGISTRY[key.lower()] = algorithm
    return algorithm


def get_algorithm(name: str) -> Algorithm:
    """The algorithm called `name` (or one of its aliases).

    Raises:
        AnalysisError: No algorithm has that name.
    """
    found = _REGISTRY.get(name.strip().lower())
    if found is None:
        raise AnalysisError(
            f"unknown algorithm {name!r}; available: {', '.join(algorithm_names())}"
        )
    return found


def find_algorithm(name: str) -> Algorithm | None:
    """The algorithm called `name` (or one of its aliases), None when there is none."""
    return _REGISTRY.get(name.strip().lower())


def algorithm_names() -> list[str]:
    """Canonical names of all registered algorithms, sorted."""
    return sorted({a.name for a in _REGISTRY.values()})


def trainer_for(algorithm: Algorithm) -> Callable[[TrainContext], TrainOutcome]:
    """The ``train(ctx)`` function of the algorithm's family (imported on first use)."""
    module = importlib.import_module(TRAINERS[algorithm.family])
    trainer: Callable[[TrainContext], TrainOutcome] = module.train
    return trainer


for _algorithm in BUILTIN:
    register(_algorithm)

__all__ = [
    "Algorithm",
    "algorithm_names",
    "find_algorithm",
    "get_algorithm",
    "register",
    "trainer_for",
]
