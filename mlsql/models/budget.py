"""The resource unit of each algorithm: what a search's budget ``r_i`` means when it trains.

Hyperband gives a configuration ``r_i`` units in round ``i``; Hyperopt gives every
configuration ``num_iterations``. The unit depends on the algorithm (a table, not code):

=========================================  =========  ================  ===========
algorithm                                  unit       parameter         warm start
=========================================  =========  ================  ===========
RandomForest, GBTs, GBTClassifier/Regr.    trees      ``n_estimators``  yes: trees added
                                                                        (``warm_start``)
LogisticRegression                         iterations ``max_iter``      yes: continues
                                                                        from the weights
DNNClassifier, DNNRegressor                epochs     ``epochs``        yes: more epochs
                                                                        from the weights
everything else (NaiveBayes, KMeans, SVM,  rows       a seeded share    no: retrained
LinearRegression, SKLearn, PythonAlg, …)              ``r_i / R`` of    on the larger
                                                      the rows          (nested) sample
=========================================  =========  ================  ===========

A warm-started round loads the configuration's previous model and fits only what is new: a
forest with 9 trees grows to 27, logistic regression runs ``r_i - r_{i-1}`` more iterations
from its weights, a Keras network runs ``r_i - r_{i-1}`` more epochs from its weights
(``algorithms/dnn.py``). Row samples are nested: the rows of a smaller share are inside every larger
one (same seeded row hash as the validation split, another seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROW_SAMPLE_SALT = 7919


@dataclass(frozen=True)
class Unit:
    """An algorithm's budget unit: its name, the parameter it sets, and warm starting."""

    name: str
    param: str | None
    warm: bool = False
    additive: bool = False  # the parameter counts new work (iterations), not the total


TREES = Unit("trees", "n_estimators", warm=True)
ITERATIONS = Unit("iterations", "max_iter", warm=True, additive=True)
EPOCHS = Unit("epochs", "epochs", warm=True, additive=True)
ROWS = Unit("rows", None)

UNITS: dict[str, Unit] = {
    "RandomForest": TREES,
    "GBTs": TREES,
    "GBTClassifier": TREES,
    "GBTRegressor": TREES,
    "LogisticRegression": ITERATIONS,
    "DNNClassifier": EPOCHS,
    "DNNRegressor": EPOCHS,
}

# The names a script may use for each unit's parameter (Spark-ML and scikit-learn spellings).
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "n_estimators": ("n_estimators", "numTrees", "maxIter"),
    "max_iter": ("max_iter", "maxIter"),
    "epochs": ("epochs", "maxIter"),
}


def unit_of(algorithm: str) -> Unit:
    """The budget unit of an algorithm (canonical name); rows when not listed."""
    return UNITS.get(algorithm, ROWS)


def unit_param_names(algorithm: str) -> tuple[str, ...]:
    """Option names that set the algorithm's budget parameter (empty for row samples)."""
    unit = unit_of(algorithm)
    return UNIT_ALIASES.get(unit.param, ()) if unit.param else ()


def budget_params(
    algorithm: str, params: dict[str, Any], resource: int | None, previous: int | None
) -> dict[str, Any]:
    """`params` with the budget parameter set for a round of `resource` units.

    Args:
        algorithm: Canonical algorithm name.
        params: The trial's options.
        resource: Units of this round (None: unchanged).
        previous: Units the warm-start model already had (None: trained from scratch).
    """
    unit = unit_of(algorithm)
    if resource is None or unit.param is None:
        return dict(params)
    names = set(UNIT_ALIASES.get(unit.param, ()))
    out = {k: v for k, v in params.items() if k not in names}
    amount = resource - previous if (unit.additive and previous) else resource
    out[unit.param] = str(max(1, amount))
    return out


def row_fraction(algorithm: str, resource: int | None, resource_max: int | None) -> float:
    """The share of training rows a round reads (1.0 unless the unit is rows)."""
    if unit_of(algorithm).param is not None or not resource or not resource_max:
        return 1.0
    return min(1.0, max(0.0, resource / resource_max))


def warm_started(estimator: Any, folder: Path | None) -> tuple[Any, bool]:
    """The previous round's estimator set to continue with `estimator`'s parameters.

    Returns `estimator` unchanged (and False) when there is no previous model, it is of
    another class, or the class cannot warm start.
    """
    if folder is None:
        return estimator, False
    from mlsql.models.backends import load_sklearn
    from mlsql.models.metadata import ModelMetadata

    if "warm_start" not in estimator.get_params():
        return estimator, False
    meta = ModelMetadata.read(Path(folder))
    previous = load_sklearn(Path(folder), list(meta.trusted_types or []))
    if type(previous) is not type(estimator):
        return estimator, False
    params = {k: v for k, v in estimator.get_params(deep=False).items() if k != "warm_start"}
    previous.set_params(**params, warm_start=True)
    return previous, True


def row_sample(batches: Any, fraction: float, seed: int) -> Any:
    """A batch source keeping a seeded, nested share `fraction` of the rows of `batches`."""
    if fraction >= 1.0:
        return batches
    from mlsql.models.dataset import validation_mask

    def sampled() -> Any:
        import pyarrow as pa

        for batch in batches():
            keep = validation_mask(batch.to_pandas(), fraction, seed + ROW_SAMPLE_SALT)
            if keep.any():
                yield batch.filter(pa.array(keep))

    return sampled


def folder_size(folder: Path) -> int:
    """Bytes of every file in a model folder."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
