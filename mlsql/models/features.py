"""Featurisation: which columns feed a model and how they become one float matrix.

A ``FeatureSpec`` says where features come from, in this order of precedence:

- ``featuresCol`` / ``featureCol`` / ``inputCol``: one vector column (arrays, or Spark ML
  vectors as lists or ``{type, size, indices, values}`` structs);
- ``featureCols="a,b,c"``: those columns;
- otherwise every column except the label and ``excludeCols``.

Kinds are inferred per column (see ``feature_kinds``): numbers stay numbers, booleans become
0/1, timestamps become their parts, strings become one-hot columns (at most ``maxCategories``
distinct values; unseen values encode as all zeros), ordinal codes (more distinct values; unseen
→ -1) or hashed tokens (multi-word text, ``textFeatures`` buckets). Missing numbers are filled
with the training mean; ``standardize="true"`` also centres and scales dense columns. With
``autoFeatures="false"`` only numeric, boolean and vector columns are used.

The fitted ``Featurizer`` is plain JSON stored in the model's metadata, so prediction applies
exactly the transform that training used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from mlsql.errors import AnalysisError
from mlsql.models.feature_kinds import (
    DENSE_KINDS,
    ColumnStats,
    dense_names,
    derive_dense,
    infer_kind,
    json_value,
)


@dataclass(frozen=True)
class FeatureSpec:
    """Where the features come from and how they are encoded."""

    vector_col: str | None = None
    columns: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    auto: bool = True
    standardize: bool = False
    max_categories: int = 20
    text_features: int = 256

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["columns"] = list(self.columns) if self.columns is not None else None
        data["exclude"] = list(self.exclude)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSpec:
        """Inverse of ``to_dict``."""
        fields = dict(data)
        columns = fields.get("columns")
        fields["columns"] = tuple(columns) if columns is not None else None
        fields["exclude"] = tuple(fields.get("exclude", ()))
        return cls(**fields)


@dataclass
class ColumnPlan:
    """How one input column is encoded: its kind, outputs and fitted state."""

    name: str
    kind: str
    dtype: str
    outputs: list[str]
    fill: list[float] = field(default_factory=list)
    center: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    categories: list[Any] = field(default_factory=list)
    width: int = 0

    def encode(self, series: pd.Series) -> np.ndarray:
        """The column's block of the feature matrix."""
        if self.kind in DENSE_KINDS:
            return self._encode_dense(series)
        if self.kind == "text":
            return _hash_text(series, self.width)
        codes = pd.Categorical(series, categories=self.categories).codes
        if self.kind == "ordinal":
            return codes.astype(np.float64).reshape(-1, 1)
        onehot = np.zeros((len(series), len(self.categories)))
        hit = codes >= 0
        onehot[np.nonzero(hit)[0], codes[hit]] = 1.0
        return onehot

    def _encode_dense(self, series: pd.Series) -> np.ndarray:
        try:
            matrix = derive_dense(self.kind, series, self.width or None)
        except ValueError as exc:
            raise AnalysisError(str(exc)) from exc
        fill = np.asarray(self.fill)
        matrix = np.where(np.isfinite(matrix), matrix, fill)
        if self.center:
            matrix = (matrix - np.asarray(self.center)) / np.asarray(self.scale)
        return matrix


def _hash_text(series: pd.Series, width: int) -> np.ndarray:
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(n_features=width, alternate_sign=False, norm="l2")
    return vectorizer.transform(series.fillna("").astype(str)).toarray()


def _numeric_block(df: pd.DataFrame, plans: list[ColumnPlan]) -> np.ndarray:
    """`ColumnPlan.encode` of several numeric columns at once (same fill and scaling)."""
    names = [p.name for p in plans]
    # A frame of exactly these columns (a serving worker's rows) converts without a selection.
    frame = df if len(names) == df.shape[1] and list(df.columns) == names else df[names]
    return _scale_numeric(frame.to_numpy(np.float64, copy=True), plans)


def _numeric_scaling(
    plans: list[ColumnPlan],
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The fill values, centres and scales of numeric plans (no centres: None, None)."""
    fill = np.asarray([p.fill[0] if p.fill else np.nan for p in plans])
    if not any(p.center for p in plans):
        return fill, None, None
    center = np.asarray([p.center[0] if p.center else 0.0 for p in plans])
    scale = np.asarray([p.scale[0] if p.center else 1.0 for p in plans])
    return fill, center, scale


def _scale_numeric(
    matrix: np.ndarray,
    plans: list[ColumnPlan],
    scaling: tuple[np.ndarray, np.ndarray | None, np.ndarray | None] | None = None,
) -> np.ndarray:
    """Missing values filled, then centred and scaled, as the numeric plans say (`scaling`:
    their `_numeric_scaling`, when the caller keeps it)."""
    fill, center, scale = scaling if scaling is not None else _numeric_scaling(plans)
    bad = ~np.isfinite(matrix)
    if bad.any():
        matrix = np.where(bad, fill, matrix)
    if center is not None:
        matrix = (matrix - center) / scale
    return matrix


@dataclass
class Featurizer:
    """A fitted featurisation: input columns → float64 matrix."""

    spec: FeatureSpec
    plans: list[ColumnPlan]

    @property
    def input_columns(self) -> list[str]:
        """Columns a frame must have for ``transform``."""
        return [plan.name for plan in self.plans]

    @property
    def output_names(self) -> list[str]:
        """Names of the matrix's columns."""
        return [name for plan in self.plans for name in plan.outputs]

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """The feature matrix of `df` (rows × ``len(output_names)``)."""
        missing = [c for c in self.input_columns if c not in df.columns]
        if missing:
            raise AnalysisError(
                f"missing feature column(s) {missing}; the model expects {self.input_columns}"
            )
        blocks: list[np.ndarray] = []
        numeric: list[ColumnPlan] = []
        dtypes = dict(zip(df.columns, df.dtypes, strict=True))
        for plan in self.plans:
            if plan.kind == "numeric" and pd.api.types.is_numeric_dtype(dtypes[plan.name]):
                numeric.append(plan)  # contiguous numeric columns convert as one block
                continue
            if numeric:
                blocks.append(_numeric_block(df, numeric))
                numeric = []
            blocks.append(plan.encode(df[plan.name]))
        if numeric:
            blocks.append(_numeric_block(df, numeric))
        if not blocks:
            return np.empty((len(df), 0))
        return blocks[0] if len(blocks) == 1 else np.hstack(blocks)

    def transform_numeric(self, matrix: np.ndarray) -> np.ndarray | None:
        """The feature matrix of a float64 matrix holding exactly ``input_columns`` in order,
        when every column is numeric (None otherwise): the same fill and scaling as
        ``transform``, without a data frame (a serving worker's rows)."""
        if matrix.ndim != 2 or matrix.shape[1] != len(self.plans) or not self.plans:
            return None
        scaling = self._all_numeric_scaling
        if scaling is None:
            return None
        return _scale_numeric(np.array(matrix, dtype=np.float64), self.plans, scaling)

    @cached_property
    def _all_numeric_scaling(
        self,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None] | None:
        """`_numeric_scaling` of the plans when every one is numeric, computed once."""
        if any(plan.kind != "numeric" for plan in self.plans):
            return None
        return _numeric_scaling(self.plans)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (stored in ``mlsql-model.json``)."""
        return {"spec": self.spec.to_dict(), "columns": [asdict(p) for p in self.plans]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Featurizer:
        """Inverse of ``to_dict``."""
        plans = [ColumnPlan(**p) for p in data["columns"]]
        return cls(spec=FeatureSpec.from_dict(data["spec"]), plans=plans)


class FeaturizerBuilder:
    """Fits a ``Featurizer`` from data frames seen one batch at a time."""

    def __init__(self, spec: FeatureSpec, label_col: str | None = None) -> None:
        self.spec = spec
        self.label_col = label_col
        self.stats: list[ColumnStats] | None = None

    def update(self, df: pd.DataFrame) -> None:
        """Adds one batch (the first batch also chooses the columns and their kinds)."""
        if self.stats is None:
            self.stats = self._choose(df)
        for stat in self.stats:
            stat.update(df[stat.name])

    def fit(self, frames: Iterable[pd.DataFrame]) -> Featurizer:
        """Updates with every frame and finishes."""
        for df in frames:
            self.update(df)
        return self.finish()

    def finish(self) -> Featurizer:
        """The fitted featuriser."""
        if self.stats is None:
            raise AnalysisError("no training data: the training table is empty")
        return Featurizer(spec=self.spec, plans=[self._plan(s) for s in self.stats])

    def _choose(self, df: pd.DataFrame) -> list[ColumnStats]:
        columns = self._columns(df)
        stats = []
        for name in columns:
            kind = infer_kind(df[name])
            if kind not in ("numeric", "bool", "vector") and not self.spec.auto:
                if self.spec.columns is not None or self.spec.vector_col:
                    raise AnalysisError(
                        f'feature column {name!r} is {kind}; set autoFeatures="true" to encode it'
                    )
                continue
            stats.append(ColumnStats(name=name, kind=kind, dtype=str(df[name].dtype)))
        if not stats:
            raise AnalysisError(f"no usable feature columns among {list(df.columns)}")
        return stats

    def _columns(self, df: pd.DataFrame) -> list[str]:
        spec = self.spec
        if spec.vector_col:
            wanted = [spec.vector_col]
        elif spec.columns is not None:
            wanted = list(spec.columns)
        else:
            skip = {self.label_col, *spec.exclude}
            wanted = [c for c in df.columns if c not in skip]
        missing = [c for c in wanted if c not in df.columns]
        if missing:
            raise AnalysisError(
                f"feature column(s) {missing} not in the training table {list(df.columns)}"
            )
        return wanted

    def _plan(self, stat: ColumnStats) -> ColumnPlan:
        if stat.kind in DENSE_KINDS:
            mean, std = stat.mean_std()
            width = stat.width or 0
            plan = ColumnPlan(
                stat.name, stat.kind, stat.dtype, dense_names(stat.kind, stat.name, width)
            )
            plan.fill, plan.width = mean, width if stat.kind == "vector" else 0
            if self.spec.standardize:
                plan.center, plan.scale = mean, std
            return plan
        kind = stat.string_kind(self.spec.max_categories)
        if kind == "text":
            width = self.spec.text_features
            names = [f"{stat.name}#{i}" for i in range(width)]
            return ColumnPlan(stat.name, kind, stat.dtype, names, width=width)
        categories = [json_value(v) for v in stat.categories(kind)]
        names = [f"{stat.name}={v}" for v in categories] if kind == "onehot" else [stat.name]
        return replace(ColumnPlan(stat.name, kind, stat.dtype, names), categories=categories)
