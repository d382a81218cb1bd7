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
        """`[4/9] train ▕███░░░░▏ group 0: 120/178 rows reading; group 1: epoch 3/10 training`."""
        text = f"[{job.statement_index}/{job.statement_count}] {job.statement_kind}"
        if job.statement_kind != "train":
            return text
        groups = job.training.get("groups", {})
        total = int(job.training.get("rows") or 0)
        parts = [_group_part(group, info, total) for group, info in sorted(groups.items())]
        if total and groups:
            read = sum(min(int(i.get("rows") or 0), total) for i in groups.values())
            text += " " + _bar(read / (total * len(groups)))
        return text + (" " + "; ".join(parts) if parts else "")

    def finish(self) -> None:
        """End the status line."""
        if self.interactive and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


BAR_WIDTH = 20


def _bar(fraction: float) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    return "▕" + "█" * filled + "░" * (BAR_WIDTH - filled) + "▏"


def _group_part(group: object, info: dict, total: int) -> str:
    rows = int(info.get("rows") or 0)
    part = f"group {group}: {rows}/{total} rows" if total else f"group {group}: {rows} rows"
    if info.get("epochs"):
        part += f", epoch {info.get('epoch', 0)}/{info['epochs']}"
    elif info.get("epoch"):
        part += f", epoch {info['epoch']}"
    return part + (f" {info['status']}" if info.get("status") else "")
