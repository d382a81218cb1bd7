"""The REST service (installed as `mlsql.server`): a thin FastAPI face over the engine API.

Layout (FastAPI "Bigger Applications"): `app.py` builds the app; `api/routes/<resource>.py` hold
the routers, `api/deps.py` their dependencies; `core/` the configuration, the runtime the
lifespan starts (engine, job history, job pool) and middleware; `services/` what the routes call;
`schemas.py` the request and response models; `process.py` runs a server in a subprocess.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Import the app factory lazily (FastAPI loads only when a server is wanted)."""
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)
