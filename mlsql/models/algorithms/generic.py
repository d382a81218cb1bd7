"""``SKLearn``: any scikit-learn estimator by ``moduleName`` and ``className``.

``train t as SKLearn.`/models/et` where moduleName="sklearn.ensemble"
and className="ExtraTreesClassifier" and labelCol="label";``

Safety: only modules under ``ALLOWED_MODULE_PREFIXES`` (``sklearn.``) are imported, and the
class must be a scikit-learn estimator defined there; a script cannot name an arbitrary
importable callable. The task follows the estimator's kind (classifier, regressor, clusterer),
else the ``task`` option or the label. Parameters are the estimator's own names (Spark-ML
aliases of the common table also work).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from mlsql.errors import AnalysisError, SecurityError

ALLOWED_MODULE_PREFIXES = ("sklearn.",)
EXAMPLE = 'moduleName="sklearn.ensemble" and className="ExtraTreesClassifier"'


def _allowed(module_name: str) -> bool:
    return module_name == "sklearn" or module_name.startswith(ALLOWED_MODULE_PREFIXES)


def estimator_class(extra: Mapping[str, Any]) -> type:
    """The estimator class that ``moduleName``/``className`` name.

    Raises:
        AnalysisError: Missing options, no such module or class, or not an estimator.
        SecurityError: The module is outside the allowed prefixes.
    """
    module_name, class_name = extra.get("moduleName"), extra.get("className")
    if not module_name or not class_name:
        raise AnalysisError(f"SKLearn needs moduleName and className, e.g. {EXAMPLE}")
    module_name, class_name = str(module_name).strip(), str(class_name).strip()
    if not _allowed(module_name):
        raise SecurityError(
            f"SKLearn may only use modules under {', '.join(ALLOWED_MODULE_PREFIXES)}:"
            f" {module_name!r} is not allowed"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AnalysisError(f"SKLearn: no module {module_name!r}") from exc
    cls = getattr(module, class_name, None)
    return _checked(cls, module_name, class_name)


def _checked(cls: Any, module_name: str, class_name: str) -> type:
    from sklearn.base import BaseEstimator

    if not isinstance(cls, type):
        raise AnalysisError(f"SKLearn: {module_name} has no class {class_name!r}")
    if not issubclass(cls, BaseEstimator) or not _allowed(cls.__module__):
        raise AnalysisError(f"SKLearn: {module_name}.{class_name} is not a scikit-learn estimator")
    if not (hasattr(cls, "predict") or hasattr(cls, "fit_predict")):
        raise AnalysisError(f"SKLearn: {class_name} does not predict; use it with `run`")
    return cls


def estimator_task(cls: type) -> str | None:
    """``classification``, ``regression`` or ``clustering`` from the estimator's mixins."""
    from sklearn.base import ClassifierMixin, ClusterMixin, RegressorMixin

    if issubclass(cls, ClassifierMixin):
        return "classification"
    if issubclass(cls, RegressorMixin):
        return "regression"
    if issubclass(cls, ClusterMixin):
        return "clustering"
    return None
