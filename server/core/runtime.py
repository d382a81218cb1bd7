"""What the server holds while it runs: the engine, the job history and the job pool.

Created by the app's lifespan: `start()` builds the Spark session (so the first request does not
pay for it), opens the history (marking jobs a dead server left behind as failed) and starts the
pool, which first sends the callbacks a previous server owed (`services/recovery.py`); `stop()`
cancels what still runs, closes the history and, when it made the engine, stops it.
The embedded Kafka broker starts on demand through `engine.kafka_bootstrap()`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..services.history import JobHistory
from ..services.recovery import recover
from ..services.runner import JobRunner
from ..services.security import TokenTable
from .config import ServerConfig
from .limits import RateLimiter

if TYPE_CHECKING:
    from mlsql.engine import Engine

log = logging.getLogger("mlsql.server")


class ServerRuntime:
    """The engine, history and pool of one running app."""

    def __init__(self, config: ServerConfig, engine: Engine | None, owns_engine: bool) -> None:
        self.config = config
        self.settings = config.settings
        self._engine = engine
        self._owns_engine = owns_engine
        self._history: JobHistory | None = None
        self._runner: JobRunner | None = None
        self.tokens = TokenTable.from_settings(config.settings)  # raises on a malformed entry
        self.rate = RateLimiter()
        self.security = config.engine_config.security

    @property
    def engine(self) -> Engine:
        """The engine (after start)."""
        if self._engine is None:
            raise RuntimeError("the server has not started")
        return self._engine

    @property
    def history(self) -> JobHistory:
        """The job history (after start)."""
        if self._history is None:
            raise RuntimeError("the server has not started")
        return self._history

    @property
    def runner(self) -> JobRunner:
        """The job pool (after start)."""
        if self._runner is None:
            raise RuntimeError("the server has not started")
        return self._runner

    def start(self) -> None:
        """Create the engine (if not given) and its Spark session, the history and the pool."""
        from mlsql.engine import Engine

        if self._engine is None:
            self._engine = Engine(self.config.engine_config)
        _ = self._engine.spark
        self._history = JobHistory(self.config.db_path)
        _, owed = recover(self._history)
        self._runner = JobRunner(self._engine, self.settings, self._history)
        self._runner.start(owed)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Cancel running jobs, close the history, stop the engine if this runtime made it."""
        if self._runner is not None:
            self._runner.stop(timeout_s)
            self._runner = None
        if self._history is not None:
            self._history.close()
            self._history = None
        if self._engine is not None and self._owns_engine:
            self._engine.close(stop_spark=True)
