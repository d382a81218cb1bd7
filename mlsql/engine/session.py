"""Per-user engine state that outlives one script: variables, connections, registered functions.

Each `EngineSession` has its own Spark session (`SparkSession.newSession()`: its own temporary
views, SQL confs and UDF registrations over the shared SparkContext), so owners do not see each
other's tables; a registered model function stays available to later scripts of the session.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Connection:
    """A `connect` alias: a data source format and its options."""

    format: str
    options: dict[str, str]


@dataclass
class EngineSession:
    """State shared by the scripts of one owner (or one request)."""

    name: str
    spark: SparkSession
    variables: dict[str, str] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    functions: dict[str, Any] = field(default_factory=dict)
    streams: dict[str, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        """Every session has the engine's SQL functions (vec_*: mlsql/engine/functions/)."""
        from mlsql.engine.functions import register_vector_functions

        register_vector_functions(self.spark)
