"""Limits: request bodies (ASGI middleware), request rate and jobs per owner.

`BodySizeLimit`: a declared `Content-Length` over the limit is refused before reading (413);
otherwise the body is read (at most `max_bytes` + one chunk) and replayed to the application.

`RateLimiter`: a token bucket per owner (`requests_per_minute` of the owner's policy); a request
over the rate is answered 429 with `Retry-After`. `OwnerSlots`: running jobs per owner
(`max_concurrent_jobs`); a job whose owner has no free slot is parked, and runs when one of the
owner's jobs ends, so one owner cannot take every worker of the pool.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413 Content Too Large."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        if self._declared_size(scope) > self.max_bytes:
            await self._refuse(send)
            return
        body = await self._read(receive)
        if body is None:
            await self._refuse(send)
            return
        await self.app(scope, replay(body, receive), send)

    @staticmethod
    def _declared_size(scope: Scope) -> int:
        """The request's Content-Length (0 when absent or invalid)."""
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit."""
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, send: Send) -> None:
        """Answer 413 with the JSON error shape."""
        body = json.dumps(
            {
                "code": "too_large",
                "message": f"request body over {self.max_bytes} bytes "
                "(rule 'max_request_bytes': server.max_request_bytes)",
            }
        ).encode()
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive callable that yields `body` once, then defers to the real one (disconnects)."""
    sent = False

    async def replayed() -> Message:
        """The buffered body first, then the real receive (disconnects)."""
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


T = TypeVar("T")


class RateLimiter:
    """A token bucket per owner: `rate` requests per minute, bursts up to `rate`."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # owner -> (tokens, at)
        self._lock = threading.Lock()

    def retry_after(self, owner: str, per_minute: int) -> float | None:
        """Take one request of `owner`; None when allowed, else seconds until the next one."""
        if per_minute <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(owner, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - at) * per_minute / 60.0)
            if tokens >= 1.0:
                self._buckets[owner] = (tokens - 1.0, now)
                return None
            self._buckets[owner] = (tokens, now)
            return (1.0 - tokens) * 60.0 / per_minute


def retry_after_header(seconds: float) -> dict[str, str]:
    """`Retry-After` in whole seconds (at least 1)."""
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


class OwnerSlots(Generic[T]):
    """Running jobs per owner, bounded by `limit_for(owner)` (0 = unbounded), and parked jobs."""

    def __init__(self, limit_for: Callable[[str], int]) -> None:
        self._limit_for = limit_for
        self._running: dict[str, int] = {}
        self._parked: dict[str, deque[T]] = {}
        self._lock = threading.Lock()

    def try_start(self, owner: str) -> bool:
        """Take a slot of `owner`; False when the owner runs as many jobs as allowed."""
        limit = self._limit_for(owner)
        with self._lock:
            running = self._running.get(owner, 0)
            if limit > 0 and running >= limit:
                return False
            self._running[owner] = running + 1
            return True

    def park(self, owner: str, item: T) -> None:
        """Keep `item` until a slot of `owner` frees."""
        with self._lock:
            self._parked.setdefault(owner, deque()).append(item)

    def finish(self, owner: str) -> T | None:
        """Free a slot of `owner`; the owner's oldest parked item, if any, to queue again."""
        with self._lock:
            self._running[owner] = max(0, self._running.get(owner, 0) - 1)
            parked = self._parked.get(owner)
            if parked:
                return parked.popleft()
            return None

    def running(self, owner: str) -> int:
        """Jobs of `owner` holding a slot."""
        with self._lock:
            return self._running.get(owner, 0)
