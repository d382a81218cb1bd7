"""Models as vectorised Spark SQL functions: iterator Arrow or pandas UDFs over Arrow batches.

The function a `register` statement creates (and the one `predict` applies) is an iterator
Arrow UDF (numeric/boolean/text inputs; `mlsql.engine.arrow_frames` converts) or an iterator
pandas UDF (other inputs): Spark's own socket-connected Python workers run it on Arrow
batches; the model is taken from `mlsql.models.cache` once per batch iterator, so each Python
worker process loads a model version once and reuses it across tasks and queries. The closure
captures only the model path, the pinned version number and the output kind — never the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql.types import DataType

    from mlsql.models.metadata import ModelMetadata
    from mlsql.models.signature import ModelSignature

OUTPUT_KINDS = ("prediction", "label", "probability", "confidence", "probabilities", "distance")
"""Values of the ``output`` option besides ``struct`` (``label`` = ``prediction``); a model's
own list is its signature's outputs (``mlsql.models.signature``)."""


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
    signature: ModelSignature | None = field(default=None, compare=False)
    positive_class: str | None = None

    def __str__(self) -> str:
        text = f"{self.algorithm}.`{self.path}` version {self.version} ({self.task}, {self.output})"
        if self.signature is not None and self.signature.classes is not None:
            text += f" classes {list(self.signature.classes)}"
            if self.signature.positive_class is not None:
                text += f", positive {self.signature.positive_class!r}"
        return text

    def return_type(self) -> str:
        """The Spark DDL type the function returns."""
        if self.output == "struct":
            return "struct<" + ", ".join(f"`{n}`: {t}" for n, t in self.fields) + ">"
        return dict(self.fields)[self.output]


def output_fields(signature: ModelSignature) -> tuple[tuple[str, str], ...]:
    """(name, Spark DDL type) of a model's prediction columns, from its signature."""
    return tuple((c.name, c.ddl) for c in signature.outputs)


def describe_model(
    path: str,
    version: str | int,
    algorithm: str,
    output: str,
    positive_class: str | None = None,
    metadata: ModelMetadata | None = None,
) -> ModelFunction:
    """Read a model version's metadata on the driver and pin the version number.

    Args:
        path: The model path.
        version: ``latest``, ``best`` or a number (resolved here and pinned).
        algorithm: The name the script used (the stored algorithm's name is recorded).
        output: One of the signature's outputs, ``label`` or ``struct``.
        positive_class: The class whose probability ``probability`` is.
        metadata: The version's metadata when the caller already read it (then `version`
            must be its number).

    Raises:
        AnalysisError: no such model or version, or an output the model does not have.
    """
    from mlsql.models.signature import ModelSignature
    from mlsql.models.store import ModelStore

    store = ModelStore(path)
    number = store.resolve(_version(version))
    metadata = metadata if metadata is not None else store.metadata(number)
    signature = ModelSignature.from_metadata(metadata, positive_class)
    kind = "prediction" if output in ("label", "") else output
    if kind != "struct":
        signature.output(kind)  # raises for an output the model does not have
    return ModelFunction(
        store.uri,  # absolute (or a URI): executors run in other folders
        number,
        metadata.algorithm or algorithm,
        metadata.task,
        kind,
        signature.input_names,
        output_fields(signature),
        signature=signature,
        positive_class=positive_class,
    )


def _version(value: str | int) -> str | int:
    text = str(value).strip().lower()
    return int(text) if text.isdigit() else (text or "latest")


def spark_udf(fn: ModelFunction) -> Any:
    """The UDF computing `fn` (register it or apply it to columns).

    An iterator Arrow UDF (Spark 4.1+ `arrow_udf`) when every input is numeric, boolean or
    text: all-numeric arguments become one float64 matrix scored without a data frame
    (`PredictModel.predict_matrix`), other Arrow columns numpy arrays without pandas'
    per-batch conversion, and the outputs go back as Arrow arrays (`arrow_frames`); measured
    below Spark's pandas-UDF floor (bench/predict_udf.py). Otherwise (timestamps, vectors, Python algorithms)
    the iterator pandas UDF, whose conversions Spark does. Both return `fn.return_type()` and
    call the same `PredictModel.predict` (one featurisation).
    """
    if _arrow_eligible(fn):
        return _arrow_udf(fn)
    return _pandas_udf(fn)


ARROW_KINDS = frozenset({"numeric", "bool", "onehot", "ordinal", "text"})
"""Feature kinds the Arrow UDF converts itself (others keep Spark's pandas conversion)."""


def _arrow_eligible(fn: ModelFunction) -> bool:
    try:
        from pyspark.sql.functions import arrow_udf  # noqa: F401  (Spark 4.1+)
    except ImportError:
        return False
    inputs = fn.signature.inputs if fn.signature is not None else ()
    return bool(inputs) and all(column.kind in ARROW_KINDS for column in inputs)


def _pandas_udf(fn: ModelFunction) -> Any:
    """The iterator pandas UDF computing `fn`."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    path, version, output, names = fn.path, fn.version, fn.output, fn.feature_columns
    positive = fn.positive_class

    def predict(batches: Iterator[tuple[pd.Series, ...]]) -> Iterator[Any]:
        from mlsql.models.cache import get_model

        model = get_model(path, version)
        for columns in batches:
            frame = _features(columns, names, path)
            if output == "struct":
                yield model.predict(frame, positive_class=positive)
            else:
                yield model.predict(frame, outputs=[output], positive_class=positive)[output]

    # Real (not string) annotations: Spark infers the iterator UDF kind from them.
    predict.__annotations__ = {
        "batches": Iterator[tuple[pd.Series, ...]],
        "return": Iterator[pd.DataFrame] if output == "struct" else Iterator[pd.Series],
    }
    return pandas_udf(predict, returnType=fn.return_type())  # type: ignore[call-overload]


def _arrow_udf(fn: ModelFunction) -> Any:
    """The iterator Arrow UDF computing `fn` (see `spark_udf`)."""
    import pyarrow as pa
    from pyspark.sql.functions import arrow_udf

    path, version, output, names = fn.path, fn.version, fn.output, fn.feature_columns
    positive = fn.positive_class

    def predict(batches: Iterator[Any]) -> Iterator[pa.Array]:
        from mlsql.engine.arrow_frames import arrow_prediction
        from mlsql.models.cache import get_model

        model = get_model(path, version)
        for columns in batches:
            yield arrow_prediction(model, columns, names, path, output, positive)

    predict.__annotations__ = {
        "batches": Iterator[tuple[pa.Array, ...]] if len(names) > 1 else Iterator[pa.Array],
        "return": Iterator[pa.Array],
    }
    return arrow_udf(predict, returnType=fn.return_type())  # type: ignore[call-overload]


def _features(columns: Any, names: tuple[str, ...], path: str) -> pd.DataFrame:
    """The UDF's argument columns as a frame named like the model's training columns.

    Plain arguments bind by position (the analysis check in ``function_calls`` has made sure
    they are in training order); one struct argument (``fn(struct(*))``, ``fn(*)``) binds by
    field name.
    """
    import pandas as pd

    if isinstance(columns, pd.Series):
        columns = (columns,)
    if isinstance(columns, pd.DataFrame):
        return _by_name(columns, names, path)
    if len(columns) == 1 and isinstance(columns[0], pd.DataFrame):
        return _by_name(columns[0], names, path)
    if len(columns) != len(names):
        raise ValueError(
            f"the model at {path} reads {len(names)} feature column(s) ({', '.join(names)}) "
            f"but the function was called with {len(columns)}"
        )
    # The columns of one Arrow batch share one RangeIndex: no re-indexing copies.
    return pd.DataFrame(dict(zip(names, columns, strict=True)), copy=False)


def _by_name(frame: pd.DataFrame, names: tuple[str, ...], path: str) -> pd.DataFrame:
    import pandas as pd

    missing = [n for n in names if n not in frame.columns]
    if missing and len(names) == 1:
        # the one feature is itself a struct (a Spark ML vector: type, size, indices, values)
        return pd.DataFrame({names[0]: frame.to_dict("records")}, index=frame.index)
    if missing:
        raise ValueError(
            f"the model at {path} reads {', '.join(names)}; the struct argument lacks"
            f" {', '.join(missing)}"
        )
    return frame[list(names)]


def spark_type(ddl: str) -> DataType:
    """A Spark DataType from DDL text."""
    from pyspark.sql.types import _parse_datatype_string

    return _parse_datatype_string(ddl)
