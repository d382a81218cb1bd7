"""Adaptive batching per model (Clipper's AIMD; the queue of Ray Serve's ``@serve.batch``).

Requests for one model queue in an `AdaptiveBatcher`. Its loop takes a free slot (at most
`max_in_flight` batches out at once, one per worker), takes what is queued, up to the current
batch size, and sends it as one batch. While other batches of the model are in flight it waits
up to `wait_ms` for the batch to fill (delayed batching); a lone request never waits: when
nothing is queued or in flight, `submit` sends it at once, without waking the loop.

The batch size follows AIMD against the latency objective: a batch that came back within the
target while full raises the size by `ADDITIVE_STEP`; one over the target because of its rows
cuts it by `BACKOFF`. The target is half of `slo_ms`, since a request may wait for one batch in
flight before its own is sent: queueing plus processing then stays within the objective. A
model whose fixed cost per batch alone misses the target (a 100-tree forest on a busy machine)
is not cut to batches of one, which would only lengthen the queue: while requests wait, its
batches grow. What a batch's rows cost is read from the worker's CPU time for it (reported with
each answer) rather than from its round trip, which on a busy machine also counts the wait for
a core.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .metrics import ServingMetrics

log = logging.getLogger("mlsql.server.serving")

ADDITIVE_STEP = 1.0
BACKOFF = 0.75

RunBatch = Callable[[list[Any]], Awaitable[Sequence[Any]]]


class BatchAnswer(list[Any]):
    """A batch's results, with what computing them cost the worker (CPU seconds) when known."""

    def __init__(self, results: Sequence[Any], cost_s: float | None = None) -> None:
        super().__init__(results)
        self.cost_s = cost_s


@dataclass
class _Request:
    rows: list[Any]
    future: asyncio.Future[list[Any]]
    queued_at: float = field(default_factory=time.perf_counter)


class AdaptiveBatcher:
    """One model's request queue and batch loop."""

    def __init__(
        self,
        name: str,
        run: RunBatch,
        *,
        slo_ms: float = 20.0,
        wait_ms: float = 2.0,
        max_size: int = 256,
        max_in_flight: int = 1,
        initial_size: float = 1.0,
        metrics: ServingMetrics | None = None,
    ) -> None:
        self.name = name
        self.run = run
        self.target_s = slo_ms / 2000.0
        self.wait_s = wait_ms / 1000.0
        self.max_size = max(1, max_size)
        self.size = max(1.0, min(float(initial_size), self.max_size))
        self.metrics = metrics or ServingMetrics()
        self._slots = asyncio.Semaphore(max(1, max_in_flight))
        self._queue: collections.deque[_Request] = collections.deque()
        self._arrived = asyncio.Event()
        self._in_flight = 0
        self._loop_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.batches = 0
        self.floor_s: float | None = None  # latency of batches of one or two rows (fixed cost)
        self.floor_cost_s: float | None = None  # the worker's CPU cost of such batches

    @property
    def queued_rows(self) -> int:
        """Rows waiting to be batched."""
        return sum(len(r.rows) for r in self._queue)

    async def submit(self, rows: list[Any]) -> list[Any]:
        """The results of `rows` (one per row), computed in some batch."""
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        if not self._queue and self._in_flight == 0 and not self._slots.locked():
            # Idle: no batch to join and none in flight, so send it now (no hop through the
            # loop task, no delay). The batch still runs in a task of its own: a caller that
            # is cancelled (an ensemble's deadline) must not cut a worker's exchange in half.
            await self._slots.acquire()
            self._in_flight += 1
            self._spawn([_Request(rows, future)])
            return await future
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._loop())
        self._queue.append(_Request(rows, future))
        self._arrived.set()
        return await future

    async def close(self) -> None:
        """Stop the loop; queued requests fail."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            try:
                await self._loop_task
            except asyncio.CancelledError:
                pass
        while self._queue:
            request = self._queue.popleft()
            if not request.future.done():
                request.future.set_exception(RuntimeError("serving stopped"))

    async def _loop(self) -> None:
        while True:
            await self._slots.acquire()
            while not self._queue:
                self._arrived.clear()
                await self._arrived.wait()
            batch = await self._collect()
            self._in_flight += 1
            self._spawn(batch)

    def _spawn(self, batch: list[_Request]) -> None:
        """Send a batch in a task of its own (kept until done)."""
        task = asyncio.create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _collect(self) -> list[_Request]:
        """Queued requests up to the batch size, waiting for more only while others run."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.wait_s if self._in_flight > 0 else 0.0)
        batch: list[_Request] = []
        rows = 0
        while rows < int(self.size):
            if self._queue:
                request = self._queue.popleft()
                batch.append(request)
                rows += len(request.rows)
                continue
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._arrived.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()
            except TimeoutError:
                break
        return batch

    async def _send(self, batch: list[_Request]) -> None:
        """Run one batch and hand each request its rows' results."""
        rows = [row for request in batch for row in request.rows]
        started = time.perf_counter()
        cost: float | None = None
        try:
            results = await self._run(rows)
            cost = results.cost_s
        except Exception as err:
            if len(batch) > 1:
                # One request's bad rows must not fail the others: run each request alone.
                await asyncio.gather(*(self._send_alone(request) for request in batch))
            else:
                _fail(batch, err)
        except BaseException as err:  # cancelled: fail the requests, then stop
            _fail(batch, RuntimeError("serving stopped"))
            raise err
        else:
            offset = 0
            for request in batch:
                part = results[offset : offset + len(request.rows)]
                offset += len(request.rows)
                if not request.future.done():
                    request.future.set_result(part)
        finally:
            self._adapt(time.perf_counter() - started, len(rows), cost)
            self.metrics.batch(self.name, len(rows))
            self.batches += 1
            self._in_flight -= 1
            self._slots.release()

    async def _run(self, rows: list[Any]) -> BatchAnswer:
        answer = await self.run(rows)
        results = BatchAnswer(answer, getattr(answer, "cost_s", None))
        if len(results) != len(rows):
            raise RuntimeError(f"batch of {len(rows)} rows answered {len(results)} results")
        return results

    async def _send_alone(self, request: _Request) -> None:
        try:
            result = await self._run(request.rows)
        except Exception as err:
            if not request.future.done():
                request.future.set_exception(err)
        else:
            if not request.future.done():
                request.future.set_result(result)

    def _adapt(self, seconds: float, rows: int, cost_s: float | None = None) -> None:
        """AIMD: grow a full batch that met the target, shrink one that missed it because of
        its rows. When a batch misses the target through the model's fixed cost alone
        (shrinking would not help) and requests are waiting, grow instead: bigger batches
        drain the queue, which is where the latency then comes from.

        What the rows cost is judged from the worker's CPU time when it reports one
        (`BatchAnswer.cost_s`): on a busy machine the round trip of a big batch also grows with
        waiting for a core, and cutting batches for that would only cost more CPU per row."""
        small = rows <= 2
        if small:
            self.floor_s = _ema(self.floor_s, seconds)
            if cost_s is not None:
                self.floor_cost_s = _ema(self.floor_cost_s, cost_s)
        if seconds > self.target_s:
            if cost_s is not None and self.floor_cost_s is not None:
                row_cost = cost_s - self.floor_cost_s
            else:
                row_cost = seconds - (self.floor_s or 0.0)
            if rows > 1 and row_cost > self.target_s / 2:
                self.size = max(1.0, self.size * BACKOFF)
            elif self._queue:
                self.size = min(float(self.max_size), self.size + ADDITIVE_STEP)
        elif rows >= int(self.size):
            self.size = min(float(self.max_size), self.size + ADDITIVE_STEP)


def _ema(previous: float | None, value: float) -> float:
    return value if previous is None else 0.8 * previous + 0.2 * value


def _fail(batch: list[_Request], err: BaseException) -> None:
    for request in batch:
        if not request.future.done():
            request.future.set_exception(err)
