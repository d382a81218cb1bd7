"""`GET /metrics`: serving metrics in the Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from ..deps import Authorized
from .models import Serving

router = APIRouter(tags=["models"], dependencies=[Authorized])


@router.get(
    "/metrics", summary="Prometheus metrics of model serving", response_class=PlainTextResponse
)
async def metrics(serving: Serving) -> PlainTextResponse:
    """Requests, latency and batch-size histograms, cache hits, queue depth, worker restarts."""
    return PlainTextResponse(serving.metrics_text(), media_type="text/plain; version=0.0.4")
