"""Ctrl-C on the command line: cancel the running job cleanly, with one line, not a traceback.

PySpark's own SIGINT handler calls into the JVM from inside the signal handler while the main
thread may be in the middle of a Py4J call (a "reentrant call" traceback), then raises
KeyboardInterrupt wherever the main thread happens to be. `InterruptCancels` replaces it while a
script runs: the first Ctrl-C cancels the job from another thread (its Spark job group, its
training workers) so the engine ends the script with `CancelledError` at once; a second Ctrl-C
gives up waiting and raises KeyboardInterrupt. The embedded Kafka broker runs in a session of its
own (`mlsql.kafka.broker`), so the terminal's SIGINT never reaches it.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsql.engine.jobs import Job

REASON = "interrupted (Ctrl-C)"


class InterruptCancels:
    """Context manager: while active (main thread only), SIGINT cancels `job`.

    Attributes:
        fired_at: `time.monotonic()` of the first Ctrl-C, or None.
    """

    def __init__(self, job: Job) -> None:
        self.job = job
        self.fired_at: float | None = None
        self._previous: Any = None
        self._installed = False

    @property
    def fired(self) -> bool:
        """Whether Ctrl-C was pressed while the context was active."""
        return self.fired_at is not None

    def __enter__(self) -> InterruptCancels:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)
            self._installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        """First Ctrl-C: cancel in the background; a second: stop waiting."""
        if self.fired_at is not None:
            raise KeyboardInterrupt
        self.fired_at = time.monotonic()
        threading.Thread(
            target=self.job.cancel, args=(REASON,), name="mlsql-interrupt", daemon=True
        ).start()
