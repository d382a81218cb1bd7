"""MLSQL for Python: an SQL dialect for the whole machine-learning loop, compiled into Spark jobs.

The public API is `mlsql.engine.Engine` (import it from there; importing `mlsql` itself stays
light so that the CLI and server start fast).
"""

__version__ = "0.1.0"
