"""A one-line progress display for long scripts on a terminal (statement i of n, training)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mlsql.engine.jobs import Job


class ProgressPrinter:
    """Job listener that redraws one status line on `stream` (at most every 0.2 s)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self._last = 0.0
        self._shown = ""

    def __call__(self, job: Job) -> None:
        text = self.describe(job)
        now = time.monotonic()
        throttle = 0.2 if self.interactive else 2.0
        if text == self._shown or now - self._last < throttle:
            return
        self._last, self._shown = now, text
        if self.interactive:
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    @staticmethod
    def describe(job: Job) -> str:
        """`[2/5] train · group 0: 12000 rows, epoch 3/10`."""
        text = f"[{job.statement_index}/{job.statement_count}] {job.statement_kind}"
        groups = job.training.get("groups", {}) if job.statement_kind == "train" else {}
        parts = []
        for group, info in sorted(groups.items()):
            part = f"group {group}: {info.get('rows', 0)} rows"
            if info.get("epochs"):
                part += f", epoch {info.get('epoch', 0)}/{info['epochs']}"
            if info.get("status"):
                part += f" {info['status']}"
            parts.append(part)
        return text + (" · " + "; ".join(parts) if parts else "")

    def finish(self) -> None:
        """End the status line."""
        if self.interactive and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
