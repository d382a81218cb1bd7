"""``mlsql-model.json``: the self-description of one model version folder.

A version folder holds this file, the model file it names (``model.skops`` for scikit-learn,
``model.keras`` for Keras, ``algorithm.py`` plus ``artifacts/`` for Python algorithms) and the
``.mlsql-model`` marker written by ``mlsql.models.store.seal``. The metadata names the loader,
the input schema (the fitted featuriser: columns, kinds, types, encoders), the label and its
class values, the output columns, the metrics, the parameters and the library versions.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlsql.errors import AnalysisError
from mlsql.models.features import Featurizer
from mlsql.models.labels import LabelInfo

FORMAT_VERSION = 1
ENGINE = "mlsql-python"
METADATA_FILE = "mlsql-model.json"
LOADERS = ("sklearn", "keras", "python", "dec")
REQUIRED = ("algorithm", "loader", "model_file", "task", "metrics")


@dataclass
class ModelMetadata:
    """Everything a loader and a reader need to know about one model version."""

    algorithm: str
    loader: str
    model_file: str
    task: str
    params: dict[str, Any] = field(default_factory=dict)
    features: dict[str, Any] | None = None
    label: dict[str, Any] | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    primary_metric: str | None = None
    outputs: list[dict[str, str]] = field(default_factory=list)
    group: int = 0
    run_id: str | None = None
    version: int | None = None
    status: str = "success"
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    libraries: dict[str, str] = field(default_factory=dict)
    trusted_types: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION
    engine: str = ENGINE

    @property
    def classes(self) -> list[Any] | None:
        """Class values in probability order (classification), else None."""
        return self.label.get("classes") if self.label else None

    def featurizer(self) -> Featurizer | None:
        """The fitted featuriser, if the model has one."""
        return Featurizer.from_dict(self.features) if self.features else None

    def label_info(self) -> LabelInfo | None:
        """The label description, if the model has a label."""
        return LabelInfo.from_dict(self.label) if self.label else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMetadata:
        """Validated inverse of ``to_dict``.

        Raises:
            AnalysisError: The data is not metadata this engine wrote or can read.
        """
        if data.get("engine") != ENGINE:
            raise AnalysisError(f"not an {ENGINE} model (engine={data.get('engine')!r})")
        missing = [k for k in REQUIRED if k not in data]
        if missing:
            raise AnalysisError(f"model metadata lacks {missing}")
        if int(data.get("format_version", 0)) > FORMAT_VERSION:
            raise AnalysisError(
                f"model format {data['format_version']} is newer than this engine "
                f"({FORMAT_VERSION}); upgrade mlsql-python"
            )
        if data["loader"] not in LOADERS:
            raise AnalysisError(f"unknown model loader {data['loader']!r}")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def write(self, folder: Path) -> Path:
        """Writes ``mlsql-model.json`` into `folder` (fsynced)."""
        path = Path(folder) / METADATA_FILE
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.to_dict(), out, indent=2, sort_keys=True, default=str)
            out.flush()
            os.fsync(out.fileno())
        return path

    @classmethod
    def read(cls, folder: Path) -> ModelMetadata:
        """Reads and validates ``mlsql-model.json`` of `folder`."""
        path = Path(folder) / METADATA_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise AnalysisError(f"{folder} is not a model folder: no {METADATA_FILE}") from exc
        except ValueError as exc:
            raise AnalysisError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise AnalysisError(f"{path} does not hold a JSON object")
        return cls.from_dict(data)


def library_versions(*extra: str) -> dict[str, str]:
    """Versions of Python and of the libraries a model depends on."""
    names = ["mlsql-python", "numpy", "pandas", "pyarrow", "scikit-learn", "skops", *extra]
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions
