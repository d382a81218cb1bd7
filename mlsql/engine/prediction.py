"""Models as vectorised Spark SQL functions: iterator pandas UDFs over Arrow batches.

The function a `register` statement creates (and the one `predict` applies) is an iterator
pandas UDF: Spark's own socket-connected Python workers run it on Arrow batches; the model is
taken from `mlsql.models.cache` once per batch iterator, so each Python worker process loads a
model version once and reuses it across tasks and queries. The closure captures only the
model path, the pinned version number and the output kind — never the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql.types import DataType

    from mlsql.models.metadata import ModelMetadata

# output option -> which PredictModel column(s) the function returns, per task
OUTPUT_KINDS = ("prediction", "label", "probability", "probabilities", "distance", "struct")


@dataclass(frozen=True)
class ModelFunction:
    """A model version turned into a SQL function: what it reads and what it returns."""

    path: str
    version: int
    algorithm: str
    task: str
    output: str
    feature_columns: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]  # (name, Spark type DDL) of the prediction columns
    options: tuple[tuple[str, str], ...] = ()  # the register statement's options (serving reads
    # `selection` and `versions` from them)

    def __str__(self) -> str:
        return f"{self.algorithm}.`{self.path}` version {self.version} ({self.task}, {self.output})"

    def return_type(self) -> str:
        """The Spark DDL type the function returns."""
        if self.output == "struct":
            return "struct<" + ", ".join(f"{n}: {t}" for n, t in self.fields) + ">"
        return dict(self.fields)[self.output]


def label_type(classes: list[Any] | None) -> str:
    """Spark type of a classifier's labels, from its class values."""
    values = [c for c in classes or [] if c is not None]
    if values and all(isinstance(c, bool) for c in values):
        return "boolean"
    if values and all(isinstance(c, int) and not isinstance(c, bool) for c in values):
        return "bigint"
    if values and all(isinstance(c, int | float) and not isinstance(c, bool) for c in values):
        return "double"
    return "string"


def output_fields(metadata: ModelMetadata) -> tuple[tuple[str, str], ...]:
    """The prediction columns of a model (see `mlsql.models.loader.OUTPUTS`)."""
    if metadata.task == "classification":
        return (
            ("prediction", label_type(metadata.classes)),
            ("probability", "double"),
            ("probabilities", "array<double>"),
        )
    if metadata.task == "clustering":
        return (("prediction", "int"), ("distance", "double"))
    return (("prediction", "double"),)


def describe_model(path: str, version: str | int, algorithm: str, output: str) -> ModelFunction:
    """Read a model version's metadata on the driver and pin the version number.

    Raises:
        AnalysisError: no such model or version, or an output the model does not have.
    """
    from mlsql.models.store import ModelStore

    store = ModelStore(path)
    number = store.resolve(_version(version))
    metadata = store.metadata(number)
    fields = output_fields(metadata)
    kind = "prediction" if output in ("label", "") else output
    if kind != "struct" and kind not in dict(fields):
        names = ", ".join([*dict(fields), "struct"])
        raise AnalysisError(f"a {metadata.task} model has no output '{output}'; use one of {names}")
    featurizer = metadata.featurizer()
    columns = (
        tuple(featurizer.input_columns)
        if featurizer
        else tuple(metadata.extra.get("input_columns", []))
    )
    return ModelFunction(
        str(Path(path).resolve()), number, algorithm, metadata.task, kind, columns, fields
    )


def _version(value: str | int) -> str | int:
    text = str(value).strip().lower()
    return int(text) if text.isdigit() else (text or "latest")


def spark_udf(fn: ModelFunction) -> Any:
    """The iterator pandas UDF computing `fn` (register it or apply it to columns)."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    path, version, output, names = fn.path, fn.version, fn.output, fn.feature_columns

    def predict(batches: Iterator[tuple[pd.Series, ...]]) -> Iterator[Any]:
        from mlsql.models.cache import get_model

        model = get_model(path, version)
        for columns in batches:
            frame = _features(columns, names, path)
            if output == "struct":
                yield model.predict(frame)
            else:
                yield model.predict(frame, outputs=[output])[output]

    # Real (not string) annotations: Spark infers the iterator UDF kind from them.
    predict.__annotations__ = {
        "batches": Iterator[tuple[pd.Series, ...]],
        "return": Iterator[pd.DataFrame] if output == "struct" else Iterator[pd.Series],
    }
    return pandas_udf(predict, returnType=fn.return_type())  # type: ignore[call-overload]


def _features(columns: Any, names: tuple[str, ...], path: str) -> pd.DataFrame:
    """The UDF's argument columns as a frame named like the model's training columns."""
    import pandas as pd

    if isinstance(columns, pd.Series):
        columns = (columns,)
    if isinstance(columns, pd.DataFrame):
        columns = tuple(columns[c] for c in columns.columns)
    if len(columns) != len(names):
        raise ValueError(
            f"the model at {path} reads {len(names)} feature column(s) ({', '.join(names)}) "
            f"but the function was called with {len(columns)}"
        )
    # The columns of one Arrow batch share one RangeIndex: no re-indexing copies.
    return pd.DataFrame(dict(zip(names, columns, strict=True)), copy=False)


def spark_type(ddl: str) -> DataType:
    """A Spark DataType from DDL text."""
    from pyspark.sql.types import _parse_datatype_string

    return _parse_datatype_string(ddl)
