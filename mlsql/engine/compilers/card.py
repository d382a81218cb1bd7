"""`!desc model `path` [version]`: the model card (``mlsql.models.insight.card``) as a table."""

from __future__ import annotations

from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError
from mlsql.parser.ast import CommandStatement


def model_card_table(stmt: CommandStatement, ctx: RunContext) -> Table:
    """The card of the model under the command's path as `(section, name, details)` rows.

    Raises:
        AnalysisError: No model under the path (or a restricted session may not read it).
    """
    from mlsql.models.insight.card import card_rows, model_card

    path = stmt.args[1].strip("`")
    if ctx.sandbox is not None:
        ctx.sandbox.check_path(path, "model path")
    version = stmt.args[2] if len(stmt.args) > 2 else "latest"
    try:
        card = model_card(ctx.resolve_path(path), version)
    except AnalysisError as err:
        raise ctx.error(AnalysisError, err.message, stmt) from err
    df = local_frame(ctx.spark, card_rows(card), "section string, name string, details string")
    return Table(df=df)
