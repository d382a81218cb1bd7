"""The JVM jars the product needs, fetched on first use into a user cache.

`registry` lists every jar set and its artifacts (one definition); `fetch` downloads what a set
lacks from Maven Central over HTTPS, checked against the published SHA-1; `functions` builds the
engine's own `mlsql-functions.jar` with the local JDK. The embedded broker and the Spark session
call `ensure_runtime_jars` before they start (unless `jars_auto_fetch` is off); `mlsql setup`
does the same explicitly.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mlsql.errors import NotAvailableError
from mlsql.jars.fetch import JarFetchError, Progress, ensure_jar_set, stderr_progress
from mlsql.jars.functions import JAR_NAME, build_functions_jar, functions_jar_current
from mlsql.jars.registry import JAR_SETS, Artifact, JarSet, register_artifacts, register_jar_set

if TYPE_CHECKING:
    from mlsql.config import Config

__all__ = [
    "JAR_SETS",
    "Artifact",
    "JarFetchError",
    "JarSet",
    "ensure_jar_set",
    "ensure_runtime_jars",
    "register_artifacts",
    "register_jar_set",
]

log = logging.getLogger(__name__)


def ensure_runtime_jars(
    config: Config, name: str, progress: Progress | None = stderr_progress
) -> list[Path]:
    """On first use: fetch set `name` when jars are missing (if `jars_auto_fetch`), and for the
    `spark` set build `mlsql-functions.jar` when it is missing or older than its sources (its
    stamp, `functions_jar_current`) and a JDK is there (else log why not)."""
    if not getattr(config, "jars_auto_fetch", True):
        return []
    jars = ensure_jar_set(config, name, progress)
    folder = Path(config.jars_dir) / name
    if name == "spark" and not functions_jar_current(folder):
        try:
            jars.append(build_functions_jar(folder))
        except NotAvailableError as err:
            log.warning("vec_* functions unavailable: %s", err.message)
    return jars


def setup_jars(
    config: Config, names: list[str], progress: Progress | None = stderr_progress
) -> None:
    """`mlsql setup`: fetch every named set and (re)build a stale `mlsql-functions.jar`."""
    for name in names:
        ensure_jar_set(config, name, progress)
    folder = Path(config.jars_dir) / "spark"
    if "spark" in names and not functions_jar_current(folder):
        if progress:
            progress(f"mlsql: building {JAR_NAME} into {folder}", True)
        build_functions_jar(folder)
