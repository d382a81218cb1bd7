"""The sandbox's checks per statement kind, and on the facts of a Spark plan.

`check_statement(sandbox, stmt, ctx)` runs before a statement compiles (the engine's one hook);
each statement family has one function in `STATEMENT_CHECKS`, keyed by AST class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlsql.engine.sandbox import forbidden, rules
from mlsql.engine.sandbox.plan import PERMANENT_FUNCTION
from mlsql.parser import ast

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mlsql.engine.context import RunContext
    from mlsql.engine.sandbox import Sandbox
    from mlsql.engine.sandbox.plan import PlanFacts


def check_facts(sandbox: Sandbox, spark: SparkSession, facts: PlanFacts) -> None:
    """Refuse what a parsed plan may not do for this sandbox."""
    reflective = sorted(facts.functions & rules.REFLECTION_FUNCTIONS)
    if reflective:
        sandbox.require("allow_reflection", "reflection", f"function {reflective[0]}() is refused")
    if facts.classes & rules.SHELL_NODES and sandbox.restricted and not sandbox.allow_shell:
        raise forbidden("shell", "SELECT TRANSFORM … USING runs a program and is refused")
    code = sorted(facts.classes & rules.CODE_NODES)
    if code:
        sandbox.require("allow_user_code", "user_code", f"{_command(code[0])} loads code")
    for key, sets in facts.conf:
        sandbox.check_conf(key, sets)
    if sandbox.restricted:
        _check_shared(sandbox, facts)
    for what, path in facts.paths:
        sandbox.check_path(path, what)
    if sandbox.confines_paths:
        from mlsql.engine.sandbox.plan import catalog_locations

        for location in catalog_locations(spark, facts.identifiers):
            sandbox.check_path(location, "catalog table")
    for resource in facts.resources:
        sandbox.check_path(resource, "function resource")
    for kind, body in facts.bodies:  # a SQL function's body runs wherever it is called
        if kind == "query":
            sandbox.check_sql(spark, body)
        else:
            sandbox.check_expression(spark, body)


def _command(name: str) -> str:
    """`AddJarsCommand` -> `add jars` (for messages)."""
    words, word = [], ""
    for ch in name.removesuffix("Command"):
        if ch.isupper() and word:
            words.append(word)
            word = ""
        word += ch.lower()
    return " ".join([*words, word])


def _check_shared(sandbox: Sandbox, facts: PlanFacts) -> None:
    """Global temporary views (and, with roots, databases) are shared by every owner."""
    if PERMANENT_FUNCTION in facts.classes:
        raise forbidden("shared_catalog", "permanent functions are shared by every owner")
    if "GlobalTempView$" in facts.classes or any(
        parts and parts[0].lower() == rules.GLOBAL_TEMP_DATABASE for parts in facts.identifiers
    ):
        raise forbidden("shared_catalog", "global temporary views are shared by every owner")
    if sandbox.confines_paths and facts.classes & {"CreateNamespace", "DropNamespace"}:
        raise forbidden("shared_catalog", "databases are shared by every owner")
    if sandbox.confines_paths and facts.root in ("CreateTable", "CreateTableAsSelect"):
        if not any(what == "table location" for what, _ in facts.paths):
            raise forbidden(
                "path_sandbox",
                "a table without a location under the owner's roots would live in the shared "
                "warehouse",
            )


# --- statements ------------------------------------------------------------------------------
def _options(stmt: Any) -> dict[str, str]:
    return ast.options_dict(getattr(stmt, "options", ()))


def _check_path_options(sandbox: Sandbox, options: dict[str, str]) -> None:
    """Options whose value is a path (`path`, `checkpointLocation`, `pythonFile`, …)."""
    for key, value in options.items():
        name = key.rsplit(".", 1)[-1].lower()
        if name in rules.PATH_OPTIONS and value:
            paths = [p.strip() for p in value.split(",")] if name == "paths" else [value]
            for path in paths:
                sandbox.check_path(path, f"option {key}")
        elif name == "url" and value.lower().startswith("jdbc:"):
            sandbox.check_jdbc_url(value)


def _select(sandbox: Sandbox, stmt: Any, ctx: RunContext) -> None:
    sandbox.check_sql(ctx.spark, stmt.sql)


def _load(sandbox: Sandbox, stmt: ast.LoadStatement, ctx: RunContext) -> None:
    options = _options(stmt)
    _check_path_options(sandbox, options)
    if options.get("conditionExpr"):
        sandbox.check_expression(ctx.spark, options["conditionExpr"])
    if stmt.format.lower() == "jdbc":
        alias = stmt.path.partition(".")[0]
        connection = ctx.session.connections.get(alias)
        if connection is not None:
            _check_path_options(sandbox, connection.options)


def _save(sandbox: Sandbox, stmt: ast.SaveStatement, ctx: RunContext) -> None:
    _check_path_options(sandbox, _options(stmt))


def _connect(sandbox: Sandbox, stmt: ast.ConnectStatement, ctx: RunContext) -> None:
    _check_path_options(sandbox, _options(stmt))


def _set(sandbox: Sandbox, stmt: ast.SetStatement, ctx: RunContext) -> None:
    kind = _options(stmt).get("type", "text").lower()
    if kind == "conf":
        sandbox.check_conf(stmt.key)
    elif kind == "sql":
        sandbox.check_sql(ctx.spark, stmt.value)


def _train(sandbox: Sandbox, stmt: ast.ModelStatement, ctx: RunContext) -> None:
    from mlsql.errors import MLSQLError
    from mlsql.models.algorithms import get_algorithm

    options = _options(stmt)
    _check_path_options(sandbox, options)
    if stmt.path.strip():  # model or ET folder, whichever compiler handles it
        sandbox.check_path(stmt.path, "model path")
    try:
        algorithm = get_algorithm(stmt.algorithm)
    except MLSQLError:
        return  # the compiler reports the unknown name
    if algorithm.runs_user_code or algorithm.family == "python":
        sandbox.require("allow_user_code", "user_code", f"{algorithm.name} runs user code")
    for key, value in options.items():
        if key.rsplit(".", 1)[-1].lower() == rules.MODULE_OPTION:
            sandbox.check_module(value)


def _model(sandbox: Sandbox, stmt: Any, ctx: RunContext) -> None:
    """register/predict/evaluate: a model whose loader runs user code needs the grant."""
    sandbox.check_path(stmt.path, "model path")
    if not sandbox.restricted:
        return
    loader = _model_loader(stmt.path, _options(stmt).get("version", "latest"))
    if loader == "python":
        sandbox.require("allow_user_code", "user_code", "this model runs user code to predict")


def _model_loader(path: str, version: str) -> str | None:
    """The loader of the model version a statement names (None when there is none yet)."""
    from mlsql.errors import MLSQLError
    from mlsql.models.store import ModelStore

    try:
        store = ModelStore(path)
        text = str(version).strip().lower()
        number = store.resolve(int(text) if text.isdigit() else (text or "latest"))
        return str(store.metadata(number).loader)
    except (MLSQLError, OSError, ValueError):
        return None  # the compiler reports a missing model


def _include(sandbox: Sandbox, stmt: ast.IncludeStatement, ctx: RunContext) -> None:
    """The include's file is checked by the engine once resolved (relative to its script)."""


def _command_stmt(sandbox: Sandbox, stmt: ast.CommandStatement, ctx: RunContext) -> None:
    """`!desc` and `!show` read the session only; nothing to refuse."""


Check = Callable[["Sandbox", Any, "RunContext"], None]

STATEMENT_CHECKS: dict[type, Check] = {
    ast.SelectStatement: _select,
    ast.SqlStatement: _select,
    ast.LoadStatement: _load,
    ast.SaveStatement: _save,
    ast.ConnectStatement: _connect,
    ast.SetStatement: _set,
    ast.TrainStatement: _train,
    ast.RunStatement: _train,
    ast.RegisterStatement: _model,
    ast.PredictStatement: _model,
    ast.EvaluateStatement: _model,
    ast.IncludeStatement: _include,
    ast.CommandStatement: _command_stmt,
}


def check_statement(sandbox: Sandbox, stmt: ast.Statement, ctx: RunContext) -> None:
    """Run the statement family's check (statements without one pass)."""
    check = STATEMENT_CHECKS.get(type(stmt))
    if check is not None:
        check(sandbox, stmt, ctx)
