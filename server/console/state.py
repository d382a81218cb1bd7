"""What the console keeps while the server runs: notebooks, loss curves, the table lister.

Made on the first console request of an app (`console_state`) over the server's SQLite file
(the job history's), so the console adds nothing to the server's start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .completion import TableLister
from .curves import CurveStore
from .notebooks import NotebookStore

if TYPE_CHECKING:
    from ..core.runtime import ServerRuntime

_LOCK = threading.Lock()


@dataclass
class ConsoleState:
    """The console's stores for one running app."""

    notebooks: NotebookStore
    curves: CurveStore
    tables: TableLister


def console_state(runtime: ServerRuntime) -> ConsoleState:
    """The runtime's console state (created once, on first use)."""
    with _LOCK:
        state: ConsoleState | None = getattr(runtime, "console_state", None)
        if state is None:
            db = runtime.config.db_path
            state = ConsoleState(NotebookStore(db), CurveStore(db), TableLister(runtime.engine))
            runtime.console_state = state  # type: ignore[attr-defined]
        return state
