"""The one signature of a model version: what it reads and what it returns.

A ``ModelSignature`` is computed once from a version's metadata (``mlsql-model.json``) and is
what every face of a model agrees on:

- the Spark SQL function (``register``/``predict``, ``mlsql.engine.prediction``) takes its
  return type and argument checks from it;
- ``mlsql.models.loader.PredictModel.predict`` returns exactly its output columns;
- the training worker records ``outputs`` in the metadata from it;
- the serving layer describes models (``/v1/models``) and validates requests with it.

Inputs are the featuriser's columns in training order, each with its kind (``numeric``,
``bool``, ``datetime``, ``vector``, ``onehot``, ``ordinal``, ``text``), the pandas dtype seen in
training and the Spark SQL types it accepts (``InputColumn.accepts``).

Outputs per task (Spark DDL types):

- classification: ``prediction`` (the class, typed like the classes), ``probability``
  (P(positive class): binary models, or any model given a ``positiveClass``), ``confidence``
  (probability of the predicted class), ``probabilities`` (one per class, in ``classes`` order);
- regression: ``prediction`` (double);
- clustering: ``prediction`` (cluster id, int), ``distance`` (to that cluster's centre),
  ``group_id`` (the cluster id again, SQLFlow's name); DEC models record ``probabilities``
  (soft assignment) and ``embedding`` in their metadata's ``outputs``;
- a Python algorithm without a standard task (``custom``): ``prediction`` (double).

Classes are the sorted distinct label values; a binary model's positive class is the second of
them (``0/1`` → 1, ``"no"/"yes"`` → ``"yes"``, ``false/true`` → true) unless ``positiveClass``
names another. A multi-class model has no ``probability`` output unless a ``positiveClass``
is given (then it is that class's one-vs-rest probability): ``confidence`` or
``probabilities`` say what is meant.

Adding an output: append an ``OutputColumn`` to the task's entry of ``TASK_OUTPUTS`` (and
compute it in ``PredictModel``), or let a trainer declare it in the metadata's ``outputs``
list: outputs recorded there that the task table does not know are appended, in their order.
This module never imports pyspark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mlsql.errors import AnalysisError
from mlsql.models.metadata import ModelMetadata

NUMERIC_TYPES = frozenset(
    {"tinyint", "smallint", "int", "bigint", "float", "double", "decimal", "byte", "short", "long"}
)
ACCEPTED_TYPES: dict[str, frozenset[str]] = {
    "numeric": NUMERIC_TYPES | {"boolean"},
    "bool": NUMERIC_TYPES | {"boolean"},
    "datetime": frozenset({"timestamp", "timestamp_ntz", "date"}),
    "vector": frozenset({"array", "vector"}),
    "onehot": frozenset({"string", "varchar", "char"}),
    "ordinal": frozenset({"string", "varchar", "char"}),
    "text": frozenset({"string", "varchar", "char"}),
}
"""Kind of a feature column → the Spark SQL type names (without parameters) it accepts."""

KIND_TYPES = {
    "numeric": "double",
    "bool": "boolean",
    "datetime": "timestamp",
    "vector": "array<double>",
    "onehot": "string",
    "ordinal": "string",
    "text": "string",
}
"""Kind → the Spark SQL type that describes it (for listings; ``accepts`` is wider)."""

LABEL_TYPES = (
    ("boolean", lambda c: isinstance(c, bool)),
    ("bigint", lambda c: isinstance(c, int) and not isinstance(c, bool)),
    ("double", lambda c: isinstance(c, int | float) and not isinstance(c, bool)),
)


@dataclass(frozen=True)
class InputColumn:
    """One input column of a model: name, feature kind and training dtype."""

    name: str
    kind: str
    dtype: str = ""

    @property
    def spark_type(self) -> str:
        """The Spark SQL type describing this column."""
        return KIND_TYPES.get(self.kind, "string")

    def accepts(self, spark_type: str) -> bool:
        """Whether a Spark SQL type (``simpleString`` form, e.g. ``decimal(10,2)``) fits."""
        base = spark_type.split("(", 1)[0].split("<", 1)[0].strip().lower()
        allowed = ACCEPTED_TYPES.get(self.kind)
        return True if allowed is None else base in allowed

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"name": self.name, "kind": self.kind, "dtype": self.dtype, "type": self.spark_type}


@dataclass(frozen=True)
class OutputColumn:
    """One output column: name, Spark DDL type and what it means."""

    name: str
    ddl: str
    doc: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON form (``type`` is the Spark DDL type)."""
        return {"name": self.name, "type": self.ddl, "doc": self.doc}


PREDICTION_CLASS = OutputColumn("prediction", "string", "the predicted class")
PROBABILITY = OutputColumn("probability", "double", "probability of the positive class")
CONFIDENCE = OutputColumn("confidence", "double", "probability of the predicted class")
PROBABILITIES = OutputColumn("probabilities", "array<double>", "one probability per class")

TASK_OUTPUTS: dict[str, tuple[OutputColumn, ...]] = {
    "classification": (PREDICTION_CLASS, PROBABILITY, CONFIDENCE, PROBABILITIES),
    "regression": (OutputColumn("prediction", "double", "the predicted value"),),
    "clustering": (
        OutputColumn("prediction", "int", "the cluster id"),
        OutputColumn("distance", "double", "distance to the cluster's centre"),
        OutputColumn("group_id", "int", "the cluster id (SQLFlow's name; same as prediction)"),
    ),
}
"""Standard outputs per task (a classifier's ``prediction`` gets its classes' type)."""
DEFAULT_OUTPUTS = (OutputColumn("prediction", "double", "what the model's predict returns"),)


def label_type(classes: Sequence[Any] | None) -> str:
    """Spark type of a classifier's labels, from its class values (``string`` when mixed)."""
    values = [c for c in classes or [] if c is not None]
    for ddl, test in LABEL_TYPES:
        if values and all(test(c) for c in values):
            return ddl
    return "string"


def _same_class(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return str(a) == str(b)


def class_index(classes: Sequence[Any], value: Any) -> int:
    """The position of a class given as script text or a value (``"1"`` finds ``1``).

    Raises:
        AnalysisError: No class has that value; the message lists the classes.
    """
    for index, cls in enumerate(classes):
        if _same_class(cls, value) or str(cls) == str(value):
            return index
    known = ", ".join(repr(c) for c in classes)
    raise AnalysisError(f"positiveClass {value!r} is not one of the model's classes: {known}")


@dataclass(frozen=True)
class ModelSignature:
    """What a model version reads and returns (see the module docstring)."""

    algorithm: str
    task: str
    inputs: tuple[InputColumn, ...]
    outputs: tuple[OutputColumn, ...]
    classes: tuple[Any, ...] | None = None
    positive_index: int | None = None
    label_column: str | None = None
    version: int | None = None

    @classmethod
    def from_metadata(
        cls, metadata: ModelMetadata, positive_class: Any | None = None
    ) -> ModelSignature:
        """The signature of a version (``positive_class`` overrides the binary default).

        Raises:
            AnalysisError: ``positive_class`` is given for a model without classes, or is not
                one of its classes.
        """
        classes = tuple(metadata.classes) if metadata.classes else None
        positive = _positive_index(metadata.task, classes, positive_class)
        outputs = _outputs(metadata, classes, positive)
        label = metadata.label.get("column") if metadata.label else None
        return cls(
            algorithm=metadata.algorithm,
            task=metadata.task,
            inputs=_inputs(metadata),
            outputs=outputs,
            classes=classes,
            positive_index=positive,
            label_column=label,
            version=metadata.version,
        )

    @property
    def input_names(self) -> tuple[str, ...]:
        """Input column names in training order."""
        return tuple(c.name for c in self.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        """Output column names in order."""
        return tuple(c.name for c in self.outputs)

    @property
    def positive_class(self) -> Any | None:
        """The class whose probability ``probability`` is (None without one)."""
        if self.classes is None or self.positive_index is None:
            return None
        return self.classes[self.positive_index]

    def output(self, name: str) -> OutputColumn:
        """The output called `name`.

        Raises:
            AnalysisError: The model has no such output; the message lists them and why
                ``probability`` may be missing.
        """
        for column in self.outputs:
            if column.name == name:
                return column
        names = ", ".join([*self.output_names, "struct"])
        text = f"a {self.task} model has no output '{name}'; use one of {names}"
        if name == "probability" and self.task == "classification":
            text = (
                f"a {len(self.classes or ())}-class model has no single positive class, so no"
                " 'probability' output: use 'confidence' (probability of the predicted class),"
                " 'probabilities' (one per class, in the order"
                f" {list(self.classes or ())}) or set positiveClass"
            )
        raise AnalysisError(text)

    def struct_ddl(self) -> str:
        """DDL of a struct holding every output."""
        return "struct<" + ", ".join(f"`{c.name}`: {c.ddl}" for c in self.outputs) + ">"

    def return_ddl(self, output: str) -> str:
        """The Spark DDL type of one output, or of all of them for ``struct``."""
        return self.struct_ddl() if output == "struct" else self.output(output).ddl

    def describe(self) -> list[tuple[str, str, str]]:
        """(section, name, details) rows for ``!desc`` listings."""
        rows = [("model", "algorithm", self.algorithm), ("model", "task", self.task)]
        if self.version is not None:
            rows.append(("model", "version", str(self.version)))
        if self.label_column:
            rows.append(("model", "label", self.label_column))
        if self.classes is not None:
            rows.append(("model", "classes", ", ".join(map(str, self.classes))))
            rows.append(("model", "positiveClass", str(self.positive_class)))
        for i, column in enumerate(self.inputs, 1):
            rows.append((f"input {i}", column.name, f"{column.kind} ({column.spark_type})"))
        for output in self.outputs:
            rows.append(("output", output.name, f"{output.ddl}: {output.doc}"))
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON form (for the serving layer's model descriptions)."""
        return {
            "algorithm": self.algorithm,
            "task": self.task,
            "version": self.version,
            "label": self.label_column,
            "classes": list(self.classes) if self.classes is not None else None,
            "positive_class": self.positive_class,
            "inputs": [c.to_dict() for c in self.inputs],
            "outputs": [c.to_dict() for c in self.outputs],
        }


def _positive_index(task: str, classes: tuple[Any, ...] | None, positive: Any | None) -> int | None:
    if positive is not None and str(positive) != "":
        if task != "classification" or not classes:
            raise AnalysisError(f"positiveClass applies to classifiers; this model is {task}")
        return class_index(classes, positive)
    if task == "classification" and classes is not None and len(classes) == 2:
        return 1
    return None


def _inputs(metadata: ModelMetadata) -> tuple[InputColumn, ...]:
    features = metadata.features
    if features:
        return tuple(
            InputColumn(str(p["name"]), str(p.get("kind", "")), str(p.get("dtype", "")))
            for p in features.get("columns", [])
        )
    return tuple(InputColumn(str(n), "", "") for n in metadata.extra.get("input_columns", []))


def _outputs(
    metadata: ModelMetadata, classes: tuple[Any, ...] | None, positive: int | None
) -> tuple[OutputColumn, ...]:
    columns = list(TASK_OUTPUTS.get(metadata.task, DEFAULT_OUTPUTS))
    if metadata.task == "classification":
        columns[0] = replace(columns[0], ddl=label_type(classes))
        if positive is None:
            columns = [c for c in columns if c.name != "probability"]
        else:
            doc = f"probability of the positive class {classes[positive]!r}" if classes else ""
            columns = [replace(c, doc=doc) if c.name == "probability" else c for c in columns]
    known = {c.name for c in columns} | {"probability"}
    for recorded in metadata.outputs or []:
        name = recorded.get("name")
        if name and name not in known:
            columns.append(
                OutputColumn(name, recorded.get("type", "string"), recorded.get("doc", ""))
            )
    return tuple(columns)


def signature(metadata: ModelMetadata, positive_class: Any | None = None) -> ModelSignature:
    """``ModelSignature.from_metadata`` (shorthand)."""
    return ModelSignature.from_metadata(metadata, positive_class)


def output_schema(metadata: ModelMetadata) -> list[dict[str, str]]:
    """The outputs as recorded in ``mlsql-model.json`` (name and Spark DDL type)."""
    return [{"name": c.name, "type": c.ddl} for c in ModelSignature.from_metadata(metadata).outputs]
