"""An inter-process lock on a file (`fcntl.flock`), acquired with a deadline.

Used so that two processes sharing one `work_dir` do not both start an embedded broker.
"""

from __future__ import annotations

import fcntl
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from mlsql.errors import KafkaError


class FileLock:
    """Exclusive `flock` on `path` for the duration of a `with` block."""

    def __init__(self, path: Path, *, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._file: IO[bytes] | None = None

    def __enter__(self) -> FileLock:
        handle = open(self.path, "ab")  # noqa: SIM115 - closed in __exit__
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._file = handle
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    raise KafkaError(
                        f"another process holds {self.path} for over {self.timeout_s}s; "
                        "it may be starting the embedded broker: retry, or remove the file"
                    ) from None
                time.sleep(0.1)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
