"""Notebooks of cells, saved per owner in the server's SQLite database (table `console_notebooks`).

A notebook is a name and a list of cells (each a script); an owner reads and writes only its own.
One connection under a lock, as the job history does.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_notebooks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    cells TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS console_notebooks_owner ON console_notebooks(owner, updated_at);
"""


def _now_ms() -> int:
    return int(time.time() * 1000)


class NotebookStore:
    """Notebooks in a SQLite file, each visible to its owner only (thread-safe)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def summaries(self, owner: str) -> list[dict[str, Any]]:
        """The owner's notebooks (id, name, cell count, times), most recently saved first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, name, cells, created_at, updated_at FROM console_notebooks "
                "WHERE owner=? ORDER BY updated_at DESC",
                (owner,),
            ).fetchall()
        return [
            {
                "id": r["id"],
                "name": r["name"],
                "cells": len(json.loads(r["cells"])),
                "createdAt": r["created_at"],
                "updatedAt": r["updated_at"],
            }
            for r in rows
        ]

    def get(self, owner: str, notebook_id: str) -> dict[str, Any] | None:
        """One notebook of the owner with its cells, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, cells, created_at, updated_at FROM console_notebooks "
                "WHERE owner=? AND id=?",
                (owner, notebook_id),
            ).fetchone()
        if row is None:
            return None
        return {
            "id": row["id"],
            "name": row["name"],
            "cells": json.loads(row["cells"]),
            "createdAt": row["created_at"],
            "updatedAt": row["updated_at"],
        }

    def save(
        self, owner: str, name: str, cells: list[dict[str, Any]], notebook_id: str | None = None
    ) -> dict[str, Any]:
        """Create (no id) or replace one of the owner's notebooks; returns it.

        Raises:
            KeyError: `notebook_id` names no notebook of this owner.
        """
        now = _now_ms()
        text = json.dumps(cells)
        with self._lock:
            if notebook_id is None:
                notebook_id = uuid.uuid4().hex[:12]
                self._db.execute(
                    "INSERT INTO console_notebooks VALUES (?, ?, ?, ?, ?, ?)",
                    (notebook_id, owner, name, text, now, now),
                )
            else:
                changed = self._db.execute(
                    "UPDATE console_notebooks SET name=?, cells=?, updated_at=? "
                    "WHERE owner=? AND id=?",
                    (name, text, now, owner, notebook_id),
                ).rowcount
                if not changed:
                    raise KeyError(notebook_id)
        found = self.get(owner, notebook_id)
        assert found is not None
        return found

    def delete(self, owner: str, notebook_id: str) -> bool:
        """Delete one of the owner's notebooks; False if it had none of that id."""
        with self._lock:
            return bool(
                self._db.execute(
                    "DELETE FROM console_notebooks WHERE owner=? AND id=?", (owner, notebook_id)
                ).rowcount
            )
