"""The script engine: runs parsed MLSQL statements on Spark (see `mlsql.engine.engine.Engine`)."""

from mlsql.engine.engine import Engine
from mlsql.engine.jobs import Job
from mlsql.engine.result import ScriptResult

__all__ = ["Engine", "Job", "ScriptResult"]
