"""`GET /health`: liveness, public even when an access token is set (it reveals only counts)."""

from __future__ import annotations

from fastapi import APIRouter

from ...schemas import Health
from ..deps import Runtime

router = APIRouter(tags=["health"])


@router.get("/health", summary="The server is up and its engine ready")
def health(runtime: Runtime) -> Health:
    """Up, with the number of running and queued jobs."""
    running, queued = runtime.runner.counts()
    return Health(status="ok", running=running, queued=queued)
