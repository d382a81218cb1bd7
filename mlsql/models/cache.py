"""The per-process model cache used by prediction inside Spark's Python workers.

Why a module of its own: a registered model function is a closure that Spark pickles to every
Python worker; anything it captured would be unpickled (and the model reloaded) per task.
Module-level state instead lives once per Python process, and Spark reuses its Python workers
across tasks (``spark.python.worker.reuse``), so each worker loads a model once. (MLflow's
``spark_model_cache.py`` does the same.)

Keys are ``(resolved model path, version number)``: ``"latest"`` and ``"best"`` are resolved on
every call (a directory listing), so a newly published version is picked up while unchanged
versions are served from memory. The cache holds at most ``MAX_MODELS`` models, least recently
used first out. ``load_count()`` says how many loads happened (for tests and metrics).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from mlsql.models.loader import PredictModel, load_model, resolve_folder

MAX_MODELS = 16

_models: OrderedDict[tuple[str, str], PredictModel] = OrderedDict()
_lock = threading.Lock()
_loads = 0
_loads_by_path: dict[str, int] = {}


def get_model(path: str | os.PathLike[str], version: int | str = "latest") -> PredictModel:
    """The model at `path`/`version`, loaded once per process and key."""
    global _loads
    folder = resolve_folder(path, version).resolve()
    key = (str(Path(path).resolve()), folder.name)
    with _lock:
        model = _models.get(key)
        if model is not None:
            _models.move_to_end(key)
            return model
        model = load_model(folder)
        _loads += 1
        _loads_by_path[key[0]] = _loads_by_path.get(key[0], 0) + 1
        _models[key] = model
        while len(_models) > MAX_MODELS:
            _models.popitem(last=False)
        return model


def load_count(path: str | os.PathLike[str] | None = None) -> int:
    """How many model loads this process made through the cache (of `path`'s model, if given)."""
    if path is None:
        return _loads
    return _loads_by_path.get(str(Path(path).resolve()), 0)


def clear() -> None:
    """Forgets every cached model (the load counter keeps counting)."""
    with _lock:
        _models.clear()
