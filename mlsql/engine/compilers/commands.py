"""`!name args`: macros such as `!show tables`, `!show functions`, `!desc <table>`.

Each command is a function in `COMMANDS` (name -> handler); a handler returns a Table to show.
"""

from __future__ import annotations

from collections.abc import Callable

from mlsql.engine.compilers import compiles
from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.errors import AnalysisError
from mlsql.parser.ast import CommandStatement

Handler = Callable[[CommandStatement, RunContext], Table]


def _show(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show <topic>`: one of the `!show` topics below."""
    what = stmt.args[0].lower().split("/", 1)[0] if stmt.args else ""
    handler = SHOW.get(what)
    if handler is None:
        raise ctx.error(
            AnalysisError, f"unknown `!show {what}`; expected one of {', '.join(SHOW)}", stmt
        )
    return handler(stmt, ctx)


def _show_tables(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show tables`: the session's tables and views."""
    rows = [
        (t.name, t.database or "", t.tableType, bool(t.isTemporary))
        for t in ctx.spark.catalog.listTables()
    ]
    df = local_frame(
        ctx.spark, rows, "name string, database string, tableType string, isTemporary boolean"
    )
    return Table(df=df)


def _show_functions(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show functions`: the model functions registered in the session."""
    rows = [(name, str(info)) for name, info in sorted(ctx.session.functions.items())]
    df = local_frame(ctx.spark, rows, "name string, model string")
    return Table(df=df)


def _show_jobs(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show jobs`: running jobs (an owner sees only its own)."""
    jobs = ctx.engine.jobs.list() if hasattr(ctx.engine, "jobs") else []
    if ctx.sandbox is not None and ctx.sandbox.restricted:  # an owner sees only its own jobs
        jobs = [j for j in jobs if j.owner == ctx.job.owner]
    rows = [(j.id, j.owner, j.name, str(j.progress())) for j in jobs]
    df = local_frame(ctx.spark, rows, "id string, owner string, name string, progress string")
    return Table(df=df)


def _desc(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!desc <table>`: its columns; `!desc <function or model path>`: the model signature; `!desc model <path>`: the model card."""
    if not stmt.args:
        raise ctx.error(AnalysisError, "`!desc` needs a table name: `!desc <table>;`", stmt)
    from mlsql.engine.compilers.register import describe_model_table

    if stmt.args[0].lower() == "model" and len(stmt.args) > 1:  # `!desc model `path``: its card
        from mlsql.engine.compilers.card import model_card_table

        return model_card_table(stmt, ctx)
    model = describe_model_table(stmt, ctx)  # a model function or path: its signature
    if model is not None:
        return model
    schema = ctx.spark.table(stmt.args[0]).schema
    rows = [(f.name, f.dataType.simpleString(), bool(f.nullable)) for f in schema.fields]
    df = local_frame(ctx.spark, rows, "col_name string, data_type string, nullable boolean")
    return Table(df=df)


def _streams(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!streams [list]` lists the streams of the session; `!streams stop <name>` stops one."""
    from mlsql.engine.streaming import streams_command

    return streams_command(stmt, ctx)


def _show_streams(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show streams`: the session's streaming queries."""
    from mlsql.engine.streaming import show_streams

    return show_streams(stmt, ctx)


def _hyperband_schedule(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!hyperband_schedule R [eta [skip_last]]`: the Hyperband schedule table (s, i, n_i, r_i)."""
    from mlsql.engine.training.plans.hyperband import schedule_command

    table: Table = schedule_command(stmt, ctx)
    return table


def _show_et(stmt: CommandStatement, ctx: RunContext) -> Table:
    """`!show et`: the ETs; `!show et/<name>`: one ET's parameters."""
    from mlsql.engine.et.catalog import show_et

    return show_et(stmt, ctx)


SHOW: dict[str, Handler] = {
    "et": _show_et,
    "tables": _show_tables,
    "functions": _show_functions,
    "jobs": _show_jobs,
    "streams": _show_streams,
}
COMMANDS: dict[str, Handler] = {
    "show": _show,
    "desc": _desc,
    "describe": _desc,
    "streams": _streams,
    "hyperband_schedule": _hyperband_schedule,
}


@compiles(CommandStatement)
def compile_command(stmt: CommandStatement, ctx: RunContext) -> Table:
    """Dispatch to the command's handler."""
    handler = COMMANDS.get(stmt.name.lower())
    if handler is None:
        raise ctx.error(
            AnalysisError,
            f"unknown command '!{stmt.name}'; expected one of {', '.join('!' + c for c in COMMANDS)}",
            stmt,
        )
    return handler(stmt, ctx)
