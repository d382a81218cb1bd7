"""The owner's jobs as server-sent events: a `jobs` event whenever the list or a progress changes.

Each event carries the owner's most recent jobs (live ones with fresh progress: statement i of n,
training per group with rows read, epochs, loss). The stream checks twice a second, sends only
changes, and a comment line every few seconds so proxies keep the connection open.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from ..services.jobs import list_jobs

if TYPE_CHECKING:
    from ..core.runtime import ServerRuntime

INTERVAL_S = 0.5
KEEPALIVE_S = 10.0
JOBS_SHOWN = 50


def jobs_payload(runtime: ServerRuntime, owner: str) -> str:
    """The JSON of the owner's recent jobs (the `/jobs` view, newest first)."""
    page = list_jobs(runtime, owner, None, JOBS_SHOWN, 0)
    return json.dumps(page.model_dump(mode="json", by_alias=True), separators=(",", ":"))


def _strip_elapsed(payload: str) -> str:
    """The payload without elapsed times, to tell a real change from the clock ticking."""
    data = json.loads(payload)
    for job in data["jobs"]:
        job.get("progress", {}).pop("elapsedSeconds", None)
    return json.dumps(data)


async def job_events(
    runtime: ServerRuntime, owner: str, disconnected: Callable[[], Awaitable[bool]]
) -> AsyncIterator[str]:
    """SSE lines of the owner's jobs until the client goes away."""
    last = ""
    quiet = 0.0
    yield "retry: 2000\n\n"
    while True:
        if await disconnected():
            return
        payload = await run_in_threadpool(jobs_payload, runtime, owner)
        key = _strip_elapsed(payload)
        if key != last:
            last, quiet = key, 0.0
            yield f"event: jobs\ndata: {payload}\n\n"
        else:
            quiet += INTERVAL_S
            if quiet >= KEEPALIVE_S:
                quiet = 0.0
                yield ": keep-alive\n\n"
        await asyncio.sleep(INTERVAL_S)
