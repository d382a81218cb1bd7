"""A logistic regression's validation-free `predict_proba` (`backends._logistic_proba`, used by
the serving worker and the Spark function alike) against scikit-learn's own."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from mlsql.models.backends import SklearnBackend, _logistic_proba


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_logistic_proba_is_scikit_learns(n_classes: int) -> None:
    x, y = make_classification(
        n_samples=400, n_features=12, n_informative=6, n_classes=n_classes, random_state=4
    )
    est = LogisticRegression(max_iter=500).fit(x, y)
    for rows in (x[:1], x[:7], x):
        got = _logistic_proba(est, rows)
        assert got is not None
        want = est.predict_proba(rows)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
        assert (got.argmax(axis=1) == want.argmax(axis=1)).all()
    scores = SklearnBackend(est, "classification", n_classes).scores(x)
    assert (scores.codes == est.predict(x)).all()  # one pass gives scikit-learn's labels


def test_logistic_proba_declines_what_scikit_learn_must_decide() -> None:
    x, y = make_classification(n_samples=200, n_features=6, random_state=1)
    est = LogisticRegression().fit(x, y)
    missing = x[:3].copy()
    missing[1, 2] = np.nan
    assert _logistic_proba(est, missing) is None  # scikit-learn raises its own error
    assert _logistic_proba(est, x[:3, :5]) is None  # wrong width: scikit-learn's message
    assert _logistic_proba(est, x[:3].astype(np.float32)) is None
    sparse = LogisticRegression().fit(x, y)
    sparse.sparsify()
    assert _logistic_proba(sparse, x[:3]) is None
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y)
    assert _logistic_proba(forest, x[:3]) is None
