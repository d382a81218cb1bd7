"""`train <table> as <Algorithm>.`path` [where …] [as out]`: train through Kafka (see training/)."""

from __future__ import annotations

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.training.runner import check_model_path, run_training
from mlsql.parser.ast import TrainStatement


@compiles(TrainStatement)
def compile_train(stmt: TrainStatement, ctx: RunContext) -> Table:
    """Train every parameter group; the result lists the groups with their metrics.

    A built-in transformer's name (`train t as StringIndex.`path``) runs that ET instead
    (MLSQL's `train` and `run` forms are the same for ETs; see compilers/run.py).
    """
    from mlsql.engine.compilers.run import run_et
    from mlsql.engine.et import et_for

    et = et_for(stmt.algorithm)
    if et is not None:
        return run_et(et, stmt, ctx)
    check_model_path(ctx, stmt)
    from mlsql.engine.training.validation import validate_train

    stmt = validate_train(stmt, ctx)  # names, columns and Spark ML defaults, before any work
    return run_training(stmt, ctx)
