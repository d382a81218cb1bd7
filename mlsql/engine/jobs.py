"""A running script as seen from outside: identity, progress, cancellation, Spark job group.

The engine updates a `Job` as it goes (statement i of n, training progress reported by workers);
faces (CLI progress bar, REST `/jobs/{id}`) read it; `cancel()` stops the job's Spark jobs and
any training worker it started, and the engine raises `CancelledError` at the next check.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlsql.errors import CancelledError

ProgressListener = Callable[["Job"], None]


@dataclass
class Job:
    """One script run: id, owner, progress and a cancel switch (thread-safe)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    owner: str = "admin"
    name: str = ""
    timeout_s: float | None = None
    started_at: float = field(default_factory=time.time)
    statement_index: int = 0
    statement_count: int = 0
    statement_kind: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    cancel_reason: str | None = None
    listeners: list[ProgressListener] = field(default_factory=list, repr=False)
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    _cancel_hooks: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def group_id(self) -> str:
        """The Spark job group of this job's Spark jobs."""
        return f"mlsql-{self.id}"

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called or the timeout passed."""
        if self.timeout_s is not None and time.time() - self.started_at > self.timeout_s:
            if not self._cancelled.is_set():
                self.cancel(f"timed out after {self.timeout_s:g} s")
        return self._cancelled.is_set()

    def cancel(self, reason: str = "cancelled") -> None:
        """Mark the job cancelled and run the hooks (kill Spark jobs, training workers)."""
        with self._lock:
            if self._cancelled.is_set():
                return
            self.cancel_reason = reason
            self._cancelled.set()
            hooks = list(self._cancel_hooks)
        for hook in hooks:
            try:
                hook()
            except Exception:  # a failing hook must not stop the others
                pass

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Run `hook` when the job is cancelled; returns a function that removes it."""
        with self._lock:
            self._cancel_hooks.append(hook)

        def remove() -> None:
            with self._lock:
                if hook in self._cancel_hooks:
                    self._cancel_hooks.remove(hook)

        return remove

    def check(self) -> None:
        """Raise CancelledError if the job was cancelled or timed out."""
        if self.cancelled:
            raise CancelledError(f"job {self.name or self.id} {self.cancel_reason}")

    def wait_cancelled(self, timeout_s: float) -> bool:
        """Block up to `timeout_s` for a cancel; True if cancelled."""
        return self._cancelled.wait(timeout_s) or self.cancelled

    def report(self, **changes: Any) -> None:
        """Update progress fields (statement_*, training) and notify listeners."""
        for key, value in changes.items():
            if key == "training":
                self.training = {**self.training, **value}
            else:
                setattr(self, key, value)
        for listener in list(self.listeners):
            listener(self)

    def progress(self) -> dict[str, Any]:
        """Progress as JSON-able dict."""
        return {
            "statement": self.statement_index,
            "statements": self.statement_count,
            "kind": self.statement_kind,
            "training": dict(self.training),
            "elapsedSeconds": round(time.time() - self.started_at, 3),
        }
