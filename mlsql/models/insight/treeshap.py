"""Exact per-prediction contributions of tree models: TreeSHAP through the ``shap`` library.

For a scikit-learn tree model (a decision tree, a random forest, extra trees, gradient
boosting) ``shap.TreeExplainer`` gives each matrix column's Shapley value of the model's raw
output for a row: a forest classifier's raw output is the probability of a class, gradient
boosting's the log-odds (binary) or the class's raw score (more classes), a regression's the
prediction. Shapley values add up, so a one-hot encoded, hashed-text or vector column's
contribution is the sum over the matrix columns it became, which gives one value per
*original* input column, like the occlusion method (``contributions``).

For a classifier the contributions are those of the predicted class's output; a binary
gradient-boosting model has a single log-odds output (of the second class), so its values are
negated for rows predicted as the first class.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlsql.models.features import Featurizer

_TREE_MODULES = ("sklearn.tree.", "sklearn.ensemble._forest", "sklearn.ensemble._gb")


def estimator_of(model: Any) -> Any | None:
    """The fitted scikit-learn estimator of a loaded model, or None (Keras, DEC, Python)."""
    backend = getattr(model, "backend", None)
    return getattr(backend, "estimator", None)


def is_tree_model(estimator: Any) -> bool:
    """Whether ``shap.TreeExplainer`` computes exact contributions for `estimator`."""
    if estimator is None:
        return False
    module = type(estimator).__module__ + "."
    return any(module.startswith(prefix) for prefix in _TREE_MODULES)


def column_groups(featurizer: Featurizer) -> list[tuple[str, int]]:
    """(original column, how many matrix columns it became), in matrix order."""
    return [(plan.name, len(plan.outputs)) for plan in featurizer.plans]


def _per_output(values: Any, n_rows: int, n_features: int) -> np.ndarray:
    """``shap_values`` as rows × features × outputs, whatever shape the library returned."""
    if isinstance(values, list):  # older shap: one array per class
        return np.stack([np.asarray(v, dtype=np.float64) for v in values], axis=2)
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2:
        return array.reshape(n_rows, n_features, 1)
    return array


def tree_contributions(model: Any, x: np.ndarray, picked_codes: np.ndarray | None) -> np.ndarray:
    """Signed contributions, rows × original input columns.

    Args:
        model: The loaded model (``PredictModel``) of a tree estimator.
        x: The rows' feature matrix (``model.featurizer.transform``).
        picked_codes: A classifier's predicted class codes (None for a regression).
    """
    import shap

    estimator: Any = estimator_of(model)
    explainer = shap.TreeExplainer(estimator)
    raw = explainer.shap_values(x, check_additivity=False)
    values = _per_output(raw, len(x), x.shape[1])
    if picked_codes is None:
        per_matrix = values[:, :, 0]
    else:
        classes = np.asarray(estimator.classes_)
        position = np.searchsorted(classes, picked_codes)
        if values.shape[2] == 1:  # binary log-odds of classes[1]
            sign = np.where(position == 1, 1.0, -1.0)
            per_matrix = values[:, :, 0] * sign[:, None]
        else:
            per_matrix = values[np.arange(len(x)), :, position]
    assert model.featurizer is not None
    out = np.zeros((len(x), len(model.featurizer.plans)))
    start = 0
    for j, (_, width) in enumerate(column_groups(model.featurizer)):
        out[:, j] = per_matrix[:, start : start + width].sum(axis=1)
        start += width
    return out
