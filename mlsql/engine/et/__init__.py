"""Built-in transformers (MLSQL's "ET"s), by name: `run t as X.`path` where … as out` and the
`train t as X.`path`` form of the same statement.

An ET is a `Transformer` subclass registered with `@transformer`; one module per ET or family,
listed in `ET_MODULES` and imported on first lookup. Those that fit something (`fits = True`) save
it under the path and make SQL functions on `register X.`path` as fn;` (`register_function`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from mlsql.errors import AnalysisError, NotAvailableError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.engine.context import RunContext

ET_MODULES = (
    "sampling",
    "partition",
    "indexing",
    "scaling",
    "discretizer",
    "text",
    "evaluation",
    "summary",
)


@dataclass(frozen=True)
class EtParam:
    """One parameter of an ET: its name, what it does, its default (None: no default)."""

    name: str
    doc: str
    default: str | None = None
    required: bool = False


@dataclass
class EtCall:
    """One use of an ET: the input table, the (checked) path, the options."""

    ctx: RunContext
    df: DataFrame
    path: str
    params: dict[str, str]
    et: Transformer

    def get(self, name: str) -> str:
        """The option `name`, else its declared default (a required one missing is an error)."""
        if name in self.params:
            return self.params[name]
        spec = next((p for p in self.et.params if p.name == name), None)
        if spec is None or spec.default is None:
            raise AnalysisError(f"{self.et.name}: the parameter {name} is required")
        return spec.default

    def flag(self, name: str) -> bool:
        """A true/false option."""
        return self.get(name).strip().lower() == "true"

    def names(self, name: str) -> list[str]:
        """A comma-separated list option (`inputCols="a,b"`)."""
        return [n.strip() for n in self.get(name).split(",") if n.strip()]

    def require_path(self) -> str:
        """The path, which this ET needs to save what it fits."""
        if not self.path:
            raise AnalysisError(
                f"{self.et.name} saves what it fits: give it a path, {self.et.name}.`/path`"
            )
        return self.path

    def fit_column(self) -> tuple[str, str, str]:
        """The path, ``inputCol`` (checked) and ``outputCol`` (default: ``inputCol``) of an ET
        that fits one column and saves what it fitted."""
        path = self.require_path()
        column = self.get("inputCol")
        self.require_columns(column)
        return path, column, self.get("outputCol") or column

    def require_columns(self, *columns: str) -> None:
        """Fail clearly when the input table lacks one of `columns`."""
        missing = [c for c in columns if c not in self.df.columns]
        if missing:
            raise AnalysisError(
                f"{self.et.name}: the table has no column {', '.join(missing)} "
                f"(columns: {', '.join(self.df.columns)})"
            )


class Transformer:
    """Base of every ET: name, documentation, parameters, `transform`, optional function."""

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    doc: ClassVar[str] = ""
    params: ClassVar[tuple[EtParam, ...]] = ()
    fits: ClassVar[bool] = False

    def transform(self, call: EtCall) -> DataFrame:
        """Run on the table; returns the output table."""
        raise NotImplementedError

    def register_function(self, ctx: RunContext, path: str, function: str) -> None:
        """Make SQL function(s) named `function` from what was saved under `path`."""
        raise NotAvailableError(f"{self.name} fits nothing that can be registered as a function")


T = TypeVar("T", bound=type[Transformer])
ETS: dict[str, Transformer] = {}
_loaded = False


def transformer(cls: T) -> T:
    """Register an ET class under its name and aliases (case-insensitive)."""
    instance = cls()
    for key in (cls.name, *cls.aliases):
        ETS[key.lower()] = instance
    return cls


def load_ets() -> None:
    """Import every ET module once (they register themselves)."""
    global _loaded
    if not _loaded:
        for module in ET_MODULES:
            importlib.import_module(f"{__name__}.{module}")
        _loaded = True


def et_for(name: str) -> Transformer | None:
    """The ET called `name`, or None (then it is an algorithm or unknown)."""
    load_ets()
    return ETS.get(name.lower())


def all_ets() -> list[Transformer]:
    """Every ET once, by name."""
    load_ets()
    unique = {id(et): et for et in ETS.values()}
    return sorted(unique.values(), key=lambda et: et.name)
