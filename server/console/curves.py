"""Per-epoch training progress of the jobs the console starts: loss per epoch and group.

Workers report `{epoch, epochs, loss}` while a Keras network trains; the job's progress keeps only
the latest values. `CurveRecorder` listens to a job's progress reports, keeps every epoch's loss
per parameter group, and when the job ends writes them (with the model paths the script trains)
to the table `console_curves` of the server's SQLite database, so the models page can draw loss
per epoch after the fact.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine import Job

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_curves (
    job_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    paths TEXT NOT NULL,
    curves TEXT NOT NULL,
    finished_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_curves_owner ON console_curves(owner, finished_at);
"""


class CurveStore:
    """Loss curves of finished jobs, per owner (thread-safe)."""

    def __init__(self, path: str | Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(Path(path), check_same_thread=False, isolation_level=None)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def save(self, job_id: str, owner: str, paths: list[str], curves: dict[str, Any]) -> None:
        """Keep a job's curves (nothing is kept for a job without any)."""
        if not curves:
            return
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO console_curves VALUES (?, ?, ?, ?, ?)",
                (job_id, owner, json.dumps(paths), json.dumps(curves), int(time.time() * 1000)),
            )

    def latest_for(self, owner: str, path: str) -> dict[str, Any] | None:
        """The curves of the owner's last job that trained `path`: `{group: [[epoch, loss]…]}`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id, paths, curves FROM console_curves WHERE owner=? "
                "ORDER BY finished_at DESC LIMIT 200",
                (owner,),
            ).fetchall()
        for job_id, paths, curves in rows:
            if path in json.loads(paths):
                return {"jobId": job_id, "groups": json.loads(curves)}
        return None


class CurveRecorder:
    """A job progress listener that keeps every reported epoch's loss per group."""

    def __init__(self) -> None:
        self.points: dict[str, dict[int, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, job: Job) -> None:
        """Called by `Job.report`: note the (epoch, loss) of every group that has one."""
        groups = job.training.get("groups", {}) if isinstance(job.training, dict) else {}
        with self._lock:
            for group, info in groups.items():
                epoch, loss = info.get("epoch"), info.get("loss")
                if isinstance(epoch, int | float) and isinstance(loss, int | float):
                    self.points.setdefault(str(group), {})[int(epoch)] = float(loss)

    def curves(self) -> dict[str, list[list[float]]]:
        """`{group: [[epoch, loss], …]}` sorted by epoch."""
        with self._lock:
            return {
                g: [[float(e), loss] for e, loss in sorted(points.items())]
                for g, points in self.points.items()
            }
