"""Issue 19.8: keepVersion defaults to false, so retraining deletes earlier versions; a function
pinned to a deleted version fails with a message naming the version and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsql.errors import MLSQLError

CALL = (
    "select nb(sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm) as p "
    "from iris as out;"
)


def test_function_pinned_to_a_deleted_version_says_what_to_do(run, tmp_path: Path) -> None:
    model = tmp_path / "nb"
    train = f'train iris as NaiveBayes.`{model}` where labelCol="label";'
    run(f"load sklearn.`iris` as iris;\n{train}\nregister NaiveBayes.`{model}` as nb;")
    assert len(run(CALL).rows()) == 150
    run(train)  # keepVersion defaults to false: version 0 is deleted
    assert sorted(p.name for p in model.iterdir() if p.name.startswith("_model_")) == ["_model_1"]
    with pytest.raises(MLSQLError) as info:
        run(CALL).rows()
    message = info.value.message
    assert "version 0" in message and str(model) in message
    assert "register the function again" in message and 'keepVersion="true"' in message
    assert "AnalysisError: analysis error" not in message
    run(f"register NaiveBayes.`{model}` as nb;")  # what the message says to do
    assert len(run(CALL).rows()) == 150


def test_keep_version_keeps_the_pinned_version(run, tmp_path: Path) -> None:
    model = tmp_path / "kept"
    train = f'train iris as NaiveBayes.`{model}` where labelCol="label" and keepVersion="true";'
    run(f"load sklearn.`iris` as iris;\n{train}\nregister NaiveBayes.`{model}` as nb;")
    run(train)
    assert len(run(CALL).rows()) == 150
