"""What the serving layer serves: named models, their versions and signatures.

A `ServedModel` comes from a function a script registered in an owner's engine session (read
through the engine's public `Engine.functions(owner)`, as plain attributes: path, version,
output, options) or from ``[serving.models.<name>]`` in the configuration. Its options
``versions="1,2"`` and ``selection="exp3"|"exp4"`` make it choose among versions. Each version's
`ModelSignature` is read once from the sealed version folder's metadata (versions never change).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mlsql.models.signature import ModelSignature
from mlsql.models.store import ModelStore

from .selection import SELECTIONS


class FunctionLike(Protocol):
    """A registered model function as the engine describes it."""

    path: str
    version: int
    output: str
    options: tuple[tuple[str, str], ...]


class ServingError(Exception):
    """A request serving refuses or cannot answer: HTTP status, stable code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ModelVersion:
    """One servable version of a model path."""

    path: str
    version: int
    signature: ModelSignature
    positive_class: str | None = None

    @property
    def key(self) -> str:
        """``path@version`` (``:positive`` with a positive class): batcher and cache name."""
        tail = f":{self.positive_class}" if self.positive_class is not None else ""
        return f"{self.path}@{self.version}{tail}"


@dataclass(frozen=True)
class ServedModel:
    """A name the endpoints answer for, with its versions and selection policy."""

    name: str
    versions: tuple[ModelVersion, ...]
    output: str
    selection: str
    source: str

    @property
    def current(self) -> ModelVersion:
        """The version a single-version model answers with (the last listed)."""
        return self.versions[-1]

    def describe(self) -> dict[str, Any]:
        """JSON description: versions, inputs, outputs, selection."""
        current = self.current.signature.to_dict()
        return {
            "name": self.name,
            "source": self.source,
            "path": self.current.path,
            "versions": [v.version for v in self.versions],
            "version": self.current.version,
            "output": self.output,
            "selection": self.selection or None,
            **{k: current[k] for k in ("algorithm", "task", "classes", "inputs", "outputs")},
        }


class SignatureBook:
    """Signatures of model versions, read once each."""

    def __init__(self) -> None:
        self._versions: dict[tuple[str, int, str | None], ModelVersion] = {}

    def version(
        self, path: str, version: int | str, positive_class: str | None = None
    ) -> ModelVersion:
        """The version (`latest`/`best` resolved now), ServingError 404 if there is none."""
        try:
            store = ModelStore(path)
            number = store.resolve(version) if isinstance(version, str) else int(version)
            key = (path, number, positive_class)
            if key not in self._versions:
                metadata = store.metadata(number)
                signature = ModelSignature.from_metadata(metadata, positive_class)
                self._versions[key] = ModelVersion(path, number, signature, positive_class)
            return self._versions[key]
        except ServingError:
            raise
        except Exception as err:  # missing folders, unreadable metadata: the model is unknown
            message = getattr(err, "message", str(err))
            raise ServingError(404, "unknown_model", f"model {path}: {message}") from None

    def served(
        self,
        name: str,
        path: str,
        version: int | str,
        output: str,
        options: Mapping[str, str],
        source: str,
    ) -> ServedModel:
        """A served model from a function's path, version, output and options."""
        selection = options.get("selection", "").strip().lower()
        listed = [v.strip() for v in options.get("versions", "").split(",") if v.strip()]
        if selection and selection not in SELECTIONS:
            raise ServingError(
                400, "invalid_model", f"selection '{selection}' is not one of {SELECTIONS}"
            )
        numbers: list[int | str] = [int(v) if v.isdigit() else v for v in listed] or [version]
        positive = options.get("positiveClass") or None
        versions = tuple(self.version(path, v, positive) for v in numbers)
        if len(versions) > 1 and not selection:
            selection = "exp3"
        return ServedModel(name, versions, output or "prediction", selection, source)


def from_functions(
    book: SignatureBook, functions: Mapping[str, FunctionLike], owner: str
) -> dict[str, ServedModel]:
    """Served models for an owner's registered functions (unreadable ones are left out)."""
    out: dict[str, ServedModel] = {}
    for name, fn in functions.items():
        try:
            out[name] = book.served(
                name,
                fn.path,
                fn.version,
                fn.output,
                dict(getattr(fn, "options", ())),
                f"session:{owner}",
            )
        except ServingError:
            continue
    return out


def names(models: Iterable[str]) -> str:
    """A sorted, comma-separated list (or 'none')."""
    listed = sorted(models)
    return ", ".join(listed) if listed else "none"
