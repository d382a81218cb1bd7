"""The prediction cache: LRU entries keyed by (model path, version, input row), with counters.

Clipper's prediction cache: a repeated input is answered without a worker. Keys hold the
version number, so a new version never answers from an old version's entries. Rows are made
hashable by `row_key` (lists become tuples, dicts sorted item tuples). Single-threaded by
design: it is used from the server's event loop only.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

CacheKey = tuple[str, int, Any]


def row_key(value: Any) -> Any:
    """A hashable, type-preserving form of an input row (or of one value)."""
    if isinstance(value, list | tuple):
        return tuple(row_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), row_key(v)) for k, v in value.items()))
    if isinstance(value, float | int | bool | str) or value is None:
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))


class PredictionCache:
    """At most `max_entries` predictions, least recently used out first."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[CacheKey, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def enabled(self) -> bool:
        """False when `max_entries` is 0."""
        return self.max_entries > 0

    def get(self, path: str, version: int, row: Any) -> Any | None:
        """The cached prediction of `row` (None on a miss; counted either way)."""
        if not self.enabled:
            return None
        key = (path, version, row)
        value = self._entries.get(key)
        if value is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, path: str, version: int, row: Any, prediction: Any) -> None:
        """Remember a prediction (evicting the least recently used entry when full)."""
        if not self.enabled or prediction is None:
            return
        self._entries[(path, version, row)] = prediction
        self._entries.move_to_end((path, version, row))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry (counters stay)."""
        self._entries.clear()
