"""The server's settings: the engine configuration, `[server]` settings and the history file.

`ServerSettings` (host, port, access_token, callback_allowlist, max_request_bytes,
max_concurrent_jobs, max_queued_jobs) lives in `mlsql.config` with the rest of the engine's
configuration (`conf/mlsql.toml`, `MLSQL_SERVER__*` environment variables); this module resolves
what `create_app()` was given against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlsql.config import Config, ServerSettings

if TYPE_CHECKING:
    from mlsql.engine import Engine

HISTORY_FILE = Path("server") / "jobs.sqlite3"


@dataclass(frozen=True)
class ServerConfig:
    """Everything the app needs to start: engine configuration, server settings, history path."""

    engine_config: Config
    settings: ServerSettings
    db_path: Path


def default_db_path(config: Config) -> Path:
    """Where the job history lives by default: `<work_dir>/server/jobs.sqlite3`."""
    return Path(config.work_dir) / HISTORY_FILE


def resolve_config(
    engine: Engine | None,
    settings: ServerSettings | None,
    db_path: str | Path | None,
) -> ServerConfig:
    """The configuration of an app: the engine's (or the loaded one), overridden by arguments."""
    config = engine.config if engine is not None else Config.load()
    return ServerConfig(
        engine_config=config,
        settings=settings or config.server,
        db_path=Path(db_path) if db_path is not None else default_db_path(config),
    )
