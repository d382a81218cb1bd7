"""Words the editor completes: statement templates, algorithms, the owner's tables and functions.

Tables come from running `!show tables` in the owner's session and functions from
`Engine.functions(owner)`. The owner's session is busy while one of its scripts runs (the engine
runs one script per session at a time), so the table list is refreshed in the background and the
last known list is answered meanwhile.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine import Engine

log = logging.getLogger("mlsql.server.console")

WAIT_S = 3.0

# statement templates: label -> text inserted (`${}` marks where the cursor goes)
STATEMENTS: dict[str, str] = {
    "load": 'load csv.`${path}` where header="true" as ${table};',
    "select": "select * from ${table} as ${output};",
    "save": "save overwrite ${table} as parquet.`${path}`;",
    "train": 'train ${table} as RandomForest.`${modelPath}` where keepVersion="true" '
    'and evaluateTable="${table}" and `fitParam.0.labelCol`="label";',
    "predict": "predict ${table} as RandomForest.`${modelPath}` as ${output};",
    "register": "register RandomForest.`${modelPath}` as ${function};",
    "set": 'set ${name}="${value}";',
    "connect": 'connect jdbc where url="${url}" as ${alias};',
    "include": "include file.`${path}`;",
    "!show tables": "!show tables;",
    "!show functions": "!show functions;",
    "!desc": "!desc ${table};",
}


@cache
def algorithms() -> tuple[str, ...]:
    """The algorithm registry's names (imported once; it loads numpy and pandas)."""
    from mlsql.models.algorithms import algorithm_names

    return tuple(algorithm_names())


class TableLister:
    """The owner's table names, refreshed by `!show tables` in a background thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._known: dict[str, list[str]] = {}
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def tables(self, owner: str) -> list[str]:
        """The owner's tables (waits briefly for a refresh; else the last known list)."""
        with self._lock:
            done = self._pending.get(owner)
            if done is None:
                done = threading.Event()
                self._pending[owner] = done
                threading.Thread(
                    target=self._refresh, args=(owner, done), daemon=True, name="console-tables"
                ).start()
        done.wait(WAIT_S)
        with self._lock:
            return list(self._known.get(owner, []))

    def _refresh(self, owner: str, done: threading.Event) -> None:
        """Run `!show tables` in the owner's session and keep the names."""
        try:
            result = self.engine.run("!show tables;", session=owner)
            names = sorted({str(row["name"]) for row in result.rows()})
            with self._lock:
                self._known[owner] = names
        except Exception as err:  # completion is best effort
            log.warning("!show tables for %s failed: %s", owner, err)
        finally:
            with self._lock:
                self._pending.pop(owner, None)
            done.set()


def completions(engine: Engine, lister: TableLister, owner: str) -> dict[str, Any]:
    """Everything the editor completes for `owner`."""
    return {
        "statements": [{"label": k, "template": v} for k, v in STATEMENTS.items()],
        "algorithms": list(algorithms()),
        "tables": lister.tables(owner),
        "functions": sorted(engine.functions(owner)),
    }
