"""The one model signature, and what `probability` means (issue 19 item 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

from mlsql.errors import AnalysisError
from mlsql.models.signature import ModelSignature
from tests.models.helpers import iris, toy, trained


@pytest.fixture(scope="module")
def cancer() -> pd.DataFrame:
    df = toy("breast_cancer")
    df.columns = [c.replace(" ", "_") for c in df.columns]
    return df


def test_binary_probability_is_the_positive_class(tmp_path, cancer: pd.DataFrame) -> None:
    params = {"labelCol": "target", "numTrees": "10", "seed": "1", "validationFraction": "0"}
    _, model = trained(tmp_path, "RandomForest", params, cancer)
    features = [c for c in cancer.columns if c != "target"]
    direct = RandomForestClassifier(n_estimators=10, random_state=1)
    direct.fit(cancer[features].to_numpy(), cancer["target"].to_numpy())
    expected = direct.predict_proba(cancer[features].to_numpy())
    out = model.predict(cancer)
    assert list(out.columns) == ["prediction", "probability", "confidence", "probabilities"]
    np.testing.assert_allclose(out["probability"], expected[:, 1], atol=1e-12)
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1), atol=1e-12)
    top = out["probability"].to_numpy().argsort()[::-1][:50]
    assert (cancer["target"].to_numpy()[top] == 1).all()  # the top-risk rows are positive
    flipped = model.predict(cancer, outputs=["probability"], positive_class="0")
    np.testing.assert_allclose(flipped["probability"], expected[:, 0], atol=1e-12)


def test_signature_lists_inputs_classes_and_outputs(tmp_path) -> None:
    df = iris()
    _, model = trained(tmp_path, "RandomForest", {"labelCol": "species", "numTrees": "5"}, df)
    sig = model.signature
    assert sig.classes == ("setosa", "versicolor", "virginica")
    assert sig.positive_class is None
    assert sig.input_names == tuple(df.columns[:4])
    assert all(c.kind == "numeric" and c.accepts("double") for c in sig.inputs)
    assert not sig.inputs[0].accepts("string")
    assert sig.output_names == ("prediction", "confidence", "probabilities")
    assert sig.struct_ddl().startswith("struct<`prediction`: string")
    with pytest.raises(AnalysisError, match="confidence"):
        sig.output("probability")
    with pytest.raises(AnalysisError, match="confidence"):
        model.predict(df, outputs=["probability"])
    virginica = ModelSignature.from_metadata(model.metadata, positive_class="virginica")
    assert virginica.positive_index == 2 and "probability" in virginica.output_names
    ovr = model.predict(df, outputs=["probability"], positive_class="virginica")
    full = model.predict(df)
    np.testing.assert_allclose(ovr["probability"], np.vstack(full["probabilities"])[:, 2])
    with pytest.raises(AnalysisError, match="setosa"):
        ModelSignature.from_metadata(model.metadata, positive_class="rose")


def test_metadata_records_the_signature_outputs(tmp_path, cancer: pd.DataFrame) -> None:
    _, model = trained(tmp_path, "LogisticRegression", {"labelCol": "target"}, cancer)
    names = [o["name"] for o in model.metadata.outputs]
    assert names == ["prediction", "probability", "confidence", "probabilities"]
    assert model.signature.to_dict()["classes"] == [0, 1]
    assert model.signature.outputs[0].ddl == "bigint"
