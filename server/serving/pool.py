"""`WorkerPool`: N model worker processes, restarted when they die, shared by every model.

A request takes an idle worker from a queue (waiting at most the request timeout), sends its
frame and puts the worker back. If the worker dies mid-request, the request is retried once on
another worker (predictions have no side effects); a second loss answers a clear
`PoolError` (503). A supervisor task notices dead processes (every `SUPERVISE_S`) and starts
replacements, which load the models the pool has served (or was asked to `warm`) before taking
requests, so the pool is back to N workers within seconds and nothing waits on a dead socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .metrics import ServingMetrics
from .process import WorkerGone, WorkerProcess

log = logging.getLogger("mlsql.server.serving")

SUPERVISE_S = 0.05
RESTART_BACKOFF_S = 0.5


class PoolError(Exception):
    """A request the pool could not serve: no worker in time, or workers lost twice."""

    def __init__(self, message: str, code: str = "worker_unavailable", status: int = 503) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def default_size(workers: int) -> int:
    """`serving.workers`, 0 meaning one per core."""
    return workers if workers > 0 else (os.cpu_count() or 1)


class WorkerPool:
    """N workers behind one idle queue, with restarts and one retry."""

    def __init__(
        self,
        size: int,
        *,
        transport: str = "unix",
        start_timeout_s: float = 60.0,
        request_timeout_s: float = 30.0,
        metrics: ServingMetrics | None = None,
    ) -> None:
        self.size = default_size(size)
        self.transport = transport
        self.start_timeout_s = start_timeout_s
        self.request_timeout_s = request_timeout_s
        self.metrics = metrics or ServingMetrics()
        self.workers: list[WorkerProcess | None] = [None] * self.size
        self._generation = [0] * self.size
        self._idle: asyncio.Queue[WorkerProcess] = asyncio.Queue()
        self._restarting: set[int] = set()
        self._models: dict[tuple[str, int], None] = {}
        self._dir: Path | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._waiting = 0
        self._tasks: set[asyncio.Task[None]] = set()

    # --- life -------------------------------------------------------------------------------
    async def start(self) -> WorkerPool:
        """Start every worker (in parallel) and the supervisor."""
        self._dir = Path(tempfile.mkdtemp(prefix="mlsql-serving-"))
        await asyncio.gather(*(self._replace(i) for i in range(self.size)))
        self._supervisor = asyncio.create_task(self._supervise())
        return self

    async def stop(self) -> None:
        """Stop the supervisor and every worker (bounded waits)."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(w.stop() for w in self.workers if w is not None))
        self.workers = [None] * self.size
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    async def __aenter__(self) -> WorkerPool:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def alive(self) -> int:
        """How many workers run now."""
        return sum(1 for w in self.workers if w is not None and w.alive)

    @property
    def waiting(self) -> int:
        """Requests waiting for a free worker (the queue depth)."""
        return self._waiting

    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [w.pid for w in self.workers if w is not None and w.alive and w.pid is not None]

    # --- requests ---------------------------------------------------------------------------
    async def call(self, header: dict[str, Any], body: bytes = b"") -> tuple[dict[str, Any], bytes]:
        """One request on some worker; retried once on another if its worker dies."""
        if header.get("op") == "predict":  # replacements load it before taking requests
            self._models.setdefault((str(header["path"]), int(header["version"])), None)
        try:
            return await self._call_once(header, body)
        except WorkerGone as first:
            log.warning("retrying a request on another worker: %s", first)
            try:
                return await self._call_once(header, body)
            except WorkerGone as second:
                raise PoolError(f"model workers died twice while predicting: {second}") from None

    async def _call_once(self, header: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        worker = await self._take()
        try:
            return await worker.call(header, body, self.request_timeout_s)
        finally:
            if worker.alive:
                self._idle.put_nowait(worker)

    async def _take(self) -> WorkerProcess:
        """An idle live worker, waiting at most the request timeout."""
        while not self._waiting and not self._idle.empty():  # common: nobody waits, no timer
            worker = self._idle.get_nowait()
            if worker.alive:
                return worker
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.request_timeout_s
        self._waiting += 1
        try:
            while True:
                remaining = deadline - loop.time()
                try:
                    worker = await asyncio.wait_for(self._idle.get(), max(remaining, 0.0))
                except TimeoutError:
                    raise PoolError(
                        f"no model worker free within {self.request_timeout_s:g} s "
                        f"({self.alive} of {self.size} running)"
                    ) from None
                if worker.alive:
                    return worker
        finally:
            self._waiting -= 1

    async def warm(self, path: str, version: int) -> None:
        """Load a model in every worker now (and in every replacement later); loads are bounded
        by the start timeout, not the request timeout (a busy machine loads slowly)."""
        self._models[(path, version)] = None
        header = {"op": "load", "path": path, "version": version}
        workers = [w for w in self.workers if w is not None and w.alive]
        answers = await asyncio.gather(
            *(w.call(header, timeout_s=self.start_timeout_s) for w in workers),
            return_exceptions=True,
        )
        for answer in answers:
            if isinstance(answer, BaseException):
                if not isinstance(answer, WorkerGone):
                    raise answer
                continue
            if not answer[0].get("ok"):
                self._models.pop((path, version), None)
                raise PoolError(str(answer[0].get("message")), "invalid_model", 400)

    # --- supervision ------------------------------------------------------------------------
    async def _supervise(self) -> None:
        while True:
            for index, worker in enumerate(self.workers):
                if index in self._restarting or (worker is not None and worker.alive):
                    continue
                self._restarting.add(index)
                task = asyncio.create_task(self._restart(index))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            await asyncio.sleep(SUPERVISE_S)

    async def _restart(self, index: int) -> None:
        """Replace a dead worker, retrying with a back-off until it starts."""
        try:
            self.metrics.worker_restarts += 1
            old = self.workers[index]
            if old is not None:
                old.kill()
                await old.stop()
            while True:
                try:
                    await self._replace(index)
                    return
                except WorkerGone as err:
                    log.error("model worker %d failed to start: %s", index, err)
                    await asyncio.sleep(RESTART_BACKOFF_S)
        finally:
            self._restarting.discard(index)

    async def _replace(self, index: int) -> None:
        """Start worker `index`, load the pool's models, then let it take requests."""
        assert self._dir is not None
        self._generation[index] += 1
        name = f"w{index}-{self._generation[index]}"
        worker = WorkerProcess(name, self._dir, self.transport, self.start_timeout_s)
        self.workers[index] = worker
        await worker.start()
        for path, version in list(self._models):
            header = {"op": "load", "path": path, "version": version}
            await worker.call(header, timeout_s=self.start_timeout_s)  # a load is start-up work
        self._idle.put_nowait(worker)
