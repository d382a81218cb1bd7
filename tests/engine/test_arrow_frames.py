"""The Arrow UDF's conversions: Arrow columns -> prediction frame -> Arrow arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mlsql.engine.arrow_frames import arrow_result, frame_from_arrow


def test_numbers_are_zero_copy_and_nulls_become_nan() -> None:
    x = pa.array(np.arange(5, dtype=np.float64))
    n = pa.array([1, None, 3, 4, 5], pa.int64())
    s = pa.array(["a", None, "c", "d", "e"])
    frame = frame_from_arrow((x, n, s), ("x", "n", "s"), "m")
    assert list(frame.columns) == ["x", "n", "s"]
    assert np.shares_memory(frame["x"].to_numpy(), np.frombuffer(x.buffers()[1], np.float64))
    assert np.isnan(frame["n"][1]) and frame["n"][2] == 3.0
    assert frame["s"].tolist() == ["a", None, "c", "d", "e"]


def test_one_struct_argument_binds_by_name() -> None:
    struct = pa.StructArray.from_arrays(
        [pa.array([1.0, 2.0]), pa.array([3.0, 4.0]), pa.array(["u", "v"])], names=["b", "a", "z"]
    )
    frame = frame_from_arrow(struct, ("a", "b"), "m")
    assert frame.to_dict("list") == {"a": [3.0, 4.0], "b": [1.0, 2.0]}


def test_wrong_argument_count_is_named() -> None:
    with pytest.raises(ValueError, match=r"reads 2 feature column\(s\) \(a, b\).* called with 1"):
        frame_from_arrow((pa.array([1.0]),), ("a", "b"), "/models/m")


def test_results_keep_labels_numbers_and_probability_rows() -> None:
    frame = pd.DataFrame(
        {
            "prediction": pd.Series(["x", "y"]),
            "confidence": [0.75, 0.5],
            "probabilities": list(np.array([[0.25, 0.75], [0.5, 0.5]])),
        }
    )
    struct = arrow_result(frame)
    assert struct.type.names == ["prediction", "confidence", "probabilities"]
    assert struct.to_pylist()[0] == {
        "prediction": "x",
        "confidence": 0.75,
        "probabilities": [0.25, 0.75],
    }
    assert arrow_result(pd.Series([1, 0], dtype=np.int64)).type == pa.int64()


def test_mixed_labels_become_text() -> None:
    assert arrow_result(pd.Series([1, "a", None], dtype=object)).to_pylist() == ["1", "a", None]


def test_numeric_arguments_become_one_matrix() -> None:
    from mlsql.engine.arrow_frames import matrix_from_arrow

    x = pa.array([0.5, 1.5, 2.5])
    n = pa.array([1, None, 3], pa.int32())
    matrix = matrix_from_arrow((x, n), ("x", "n"))
    assert matrix.dtype == np.float64 and matrix.shape == (3, 2)
    assert matrix[0].tolist() == [0.5, 1.0] and np.isnan(matrix[1, 1])
    assert matrix_from_arrow((x, pa.array(["a", "b", "c"])), ("x", "s")) is None
    assert matrix_from_arrow((x,), ("x", "n")) is None
    struct = pa.StructArray.from_arrays([x, n], names=["x", "n"])
    assert matrix_from_arrow(struct, ("x", "n")) is None


@pytest.mark.parametrize("algorithm", ["LogisticRegression", "RandomForest"])
def test_matrix_path_gives_the_frame_paths_arrays(tmp_path, algorithm: str) -> None:
    from mlsql.engine.arrow_frames import arrow_prediction
    from tests.models.helpers import iris, trained

    data = iris()
    _, model = trained(tmp_path, algorithm, {"labelCol": "species"}, data)
    names = tuple(model.feature_columns)
    columns = tuple(pa.array(data[name].to_numpy()) for name in names)
    frame = frame_from_arrow(columns, names, "m")
    seen: list[int] = []
    original = model.predict_matrix
    model.predict_matrix = lambda m, **kw: seen.append(len(m)) or original(m, **kw)  # type: ignore[method-assign]
    for output in ("prediction", "confidence", "probabilities", "struct"):
        fast = arrow_prediction(model, columns, names, "m", output)
        want = model.predict(frame, outputs=None if output == "struct" else [output])
        expected = arrow_result(want if output == "struct" else want[output])
        assert fast.equals(expected), output
    assert seen == [len(data)] * 4  # every call took the matrix path
    empty = tuple(column[:0] for column in columns)  # the frame path (Spark casts the type)
    assert len(arrow_prediction(model, empty, names, "m", "prediction")) == 0
