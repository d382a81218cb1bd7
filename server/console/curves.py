"""Curves of the trainings the console starts: loss per epoch per group, scores per round.

Workers report `{stage: "epoch", epoch, epochs, loss}` while a Keras network trains; the job's
progress keeps only the latest values. `CurveRecorder` listens to a job's progress reports and
keeps every epoch's loss per parameter group. A search (Hyperband, Hyperopt) returns, per
configuration, its score after each round (MADlib's `metrics_iters` and `validation_metrics`
columns); `search_rounds` takes those from the job's result. When the job ends both are written,
with the model paths the script trains, to the table `console_curves` of the server's SQLite
database, so the models page can draw them after the fact.
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
        """Keep a job's curves (`{"loss": …, "rounds": …}`; nothing when both are empty)."""
        if not any(curves.values()):
            return
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO console_curves VALUES (?, ?, ?, ?, ?)",
                (job_id, owner, json.dumps(paths), json.dumps(curves), int(time.time() * 1000)),
            )

    def latest_for(self, owner: str, path: str) -> dict[str, Any] | None:
        """The curves of the owner's last job that trained `path` (`{jobId, loss, rounds}`)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id, paths, curves FROM console_curves WHERE owner=? "
                "ORDER BY finished_at DESC, rowid DESC LIMIT 200",
                (owner,),
            ).fetchall()
        for job_id, paths, curves in rows:
            if path in json.loads(paths):
                return {"jobId": job_id, **json.loads(curves)}
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
                if info.get("stage") != "epoch":  # later stages report the evaluation loss
                    continue
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


def search_rounds(result: Any) -> list[dict[str, Any]]:
    """Per configuration, its score after each round, from a search's result rows (else [])."""
    rows = result.get("data") if isinstance(result, dict) else None
    rounds = []
    for row in rows if isinstance(rows, list) else []:
        iters = row.get("metrics_iters") if isinstance(row, dict) else None
        scores = (row.get("validation_metrics") or row.get("training_metrics")) if iters else None
        if not iters or not scores:
            continue
        metric = (row.get("metrics_type") or ["score"])[0]
        rounds.append(
            {
                "config": row.get("mst_key", row.get("group")),
                "bracket": row.get("s"),
                "metric": metric,
                "points": [[float(i), float(v)] for i, v in zip(iters, scores, strict=False)],
            }
        )
    return rounds
