"""Which algorithm names may register a stored model: its own name, its aliases, its family.

``register X.`path` as f`` is accepted when ``X`` names the algorithm the version was trained
with, one of its registry aliases (``RF`` for ``RandomForest``), or a name of the same family
in ``FAMILIES`` (Spark ML's task-specific class names: ``RandomForestClassifier`` registers a
``RandomForest`` model; ``GBTClassifier``, ``GBTRegressor`` and ``GBTs`` are one family).
Any other name is refused, naming both: a function must not be listed under an algorithm it
is not.
"""

from __future__ import annotations

from mlsql.errors import AnalysisError

FAMILIES: dict[str, tuple[str, ...]] = {
    "RandomForest": (
        "RandomForest",
        "RF",
        "RandomForestClassifier",
        "RandomForestRegressor",
    ),
    "GBTs": (
        "GBTs",
        "GBT",
        "GBTClassifier",
        "GBTRegressor",
        "GradientBoosting",
        "GradientBoostingClassifier",
        "GradientBoostingRegressor",
    ),
    "LogisticRegression": ("LogisticRegression", "LR"),
    "LinearRegression": ("LinearRegression", "LinearRegressionWithElasticNet"),
    "NaiveBayes": ("NaiveBayes", "NB", "GaussianNB"),
    "SVM": ("SVM", "LSVM", "LinearSVC"),
    "DNN": ("DNNClassifier", "DNNRegressor", "DNN"),
}
"""Family → every name (case-insensitive) that registers a model of any member."""

_BY_NAME = {name.lower(): family for family, names in FAMILIES.items() for name in names}


def family_of(name: str) -> str:
    """The family of an algorithm name (its registry name when it is in no family)."""
    key = name.strip().lower()
    if key in _BY_NAME:
        return _BY_NAME[key]
    from mlsql.models.algorithms import get_algorithm

    try:
        canonical = get_algorithm(name).name
    except AnalysisError:
        return name.strip().lower()  # not an algorithm (e.g. a transformer): its own family
    return _BY_NAME.get(canonical.lower(), canonical.lower())


def check_family(requested: str, stored: str, path: str) -> None:
    """Raises AnalysisError unless `requested` may register a model trained as `stored`."""
    from mlsql.models.trials import SEARCH_NAMES

    if not stored or family_of(requested) == family_of(stored):
        return
    if requested.strip().lower() in SEARCH_NAMES:  # a search's path holds what it tried
        return
    names = next((n for f, n in FAMILIES.items() if f == family_of(stored)), (stored,))
    raise AnalysisError(
        f"the model at {path} was trained with {stored}, not {requested}; register it as"
        f" {' or '.join(dict.fromkeys((stored, *names)))}"
    )
