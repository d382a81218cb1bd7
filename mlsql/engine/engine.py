"""The engine API: the one door the CLI, REST server, notebook magic and spark-submit entry use.

`Engine.run(text)` parses a script, then runs its statements in order: variables are substituted,
includes are spliced in, and each statement goes to the compiler registered for its AST class.
The last table a statement produced is the script's result.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.config import Config
from mlsql.engine.compilers import compiler_for
from mlsql.engine.context import Origin, RunContext, SourceFrame
from mlsql.engine.jobs import Job
from mlsql.engine.result import ScriptResult
from mlsql.engine.sandbox import Sandbox
from mlsql.engine.session import EngineSession
from mlsql.engine.spark_errors import is_spark_error, sql_position, translate
from mlsql.engine.variables import builtin_variables, declare_sets, substitute_statement
from mlsql.errors import (
    AnalysisError,
    CancelledError,
    ErrorDetail,
    ExecutionError,
    MLSQLError,
    Span,
)
from mlsql.parser import parse
from mlsql.parser.ast import IncludeStatement, SelectStatement, SqlStatement, Statement, to_json

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mlsql.config import OwnerPolicy
    from mlsql.engine.prediction import ModelFunction
    from mlsql.kafka.broker import EmbeddedBroker


class JobRegistry:
    """The jobs running in this engine (thread-safe)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> None:
        """Track a started job."""
        with self._lock:
            self._jobs[job.id] = job

    def remove(self, job: Job) -> None:
        """Forget a finished job."""
        with self._lock:
            self._jobs.pop(job.id, None)

    def list(self) -> list[Job]:
        """Running jobs, oldest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.started_at)

    def get(self, job_id: str) -> Job | None:
        """A running job by id."""
        with self._lock:
            return self._jobs.get(job_id)


class Engine:
    """Runs MLSQL scripts on one Spark session, with per-owner engine sessions."""

    def __init__(self, config: Config | None = None, *, spark: SparkSession | None = None) -> None:
        self.config = config or Config.load()
        self._spark = spark
        self._sessions: dict[str, EngineSession] = {}
        self._lock = threading.RLock()
        self._broker: EmbeddedBroker | None = None
        self._bootstrap: str | None = None
        self.jobs = JobRegistry()

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def spark(self) -> SparkSession:
        """The root Spark session (built from configuration on first use)."""
        with self._lock:
            if self._spark is None:
                from mlsql.engine.spark import build_spark_session

                self._spark = build_spark_session(self.config)
            return self._spark

    def kafka_bootstrap(self) -> str:
        """Bootstrap servers for training data: configured cluster or the embedded broker."""
        with self._lock:
            if self._bootstrap is None:
                from mlsql.kafka.broker import ensure_bootstrap

                self._bootstrap, self._broker = ensure_bootstrap(self.config)
            return self._bootstrap

    def close(self, *, stop_spark: bool = False) -> None:
        """Stop the embedded broker this engine started (and Spark when asked)."""
        with self._lock:
            if self._broker is not None:
                self._broker.stop()
                self._broker = None
            self._bootstrap = None
            for session in self._sessions.values():
                _stop_streams(session)
            if stop_spark and self._spark is not None:
                self._spark.stop()
                self._spark = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sessions --------------------------------------------------------------------------
    def session(self, name: str = "default", *, fresh: bool = False) -> EngineSession:
        """The engine session `name` (created on first use; `fresh` replaces it)."""
        with self._lock:
            if fresh or name not in self._sessions:
                spark = self.spark if name == "default" else self.spark.newSession()
                self._sessions[name] = EngineSession(name=name, spark=spark)
            return self._sessions[name]

    def functions(self, name: str = "default") -> dict[str, ModelFunction]:
        """The model functions registered in session `name` (a copy; no Spark; empty if none)."""
        with self._lock:
            session = self._sessions.get(name)
        if session is None:
            return {}
        with session.lock:
            return dict(session.functions)

    def drop_session(self, name: str) -> None:
        """Forget a session (its temporary views and functions go with its Spark session)."""
        with self._lock:
            session = self._sessions.pop(name, None)
        if session is not None:
            _stop_streams(session)

    # --- running ---------------------------------------------------------------------------
    def run(
        self,
        text: str,
        *,
        source: str | None = None,
        session: EngineSession | str | None = None,
        variables: dict[str, str] | None = None,
        job: Job | None = None,
        policy: OwnerPolicy | None = None,
    ) -> ScriptResult:
        """Parse and run a script; returns its last table.

        `policy` is the grants of `job.owner` (`security.owners`); None runs the local user's
        own script with every grant. Paths are confined to the owner's roots either way.

        Raises:
            MLSQLError: a syntax, analysis, execution, worker or cancellation error.
        """
        script = parse(text, source)
        sess = session if isinstance(session, EngineSession) else self.session(session or "default")
        job = job or Job()
        job.statement_count = len(script.statements)
        base = Path(source).resolve().parent if source else Path.cwd()
        ctx = RunContext(
            engine=self,
            session=sess,
            job=job,
            sources=[SourceFrame(source, text, base)],
            sandbox=Sandbox.for_run(self.config, job.owner, policy),
        )
        with sess.lock:
            sess.variables.update(variables or {})
            self.jobs.add(job)
            sc = sess.spark.sparkContext
            sc.setJobGroup(job.group_id, job.name or job.id, interruptOnCancel=True)
            remove_hook = job.on_cancel(lambda: sc.cancelJobGroup(job.group_id))
            try:
                self._execute(script.statements, ctx, top_level=True)
            finally:
                remove_hook()
                self.jobs.remove(job)
        return ScriptResult(table=ctx.last, job=job, variables=dict(sess.variables))

    def run_file(self, path: str | Path, **kwargs: Any) -> ScriptResult:
        """Run the script in file `path` (includes resolve relative to it)."""
        file = Path(path)
        try:
            text = file.read_text()
        except OSError as err:
            raise ExecutionError(f"cannot read script {file}: {err.strerror}") from None
        return self.run(text, source=str(file), **kwargs)

    def check(self, text: str, source: str | None = None) -> list[ErrorDetail]:
        """Syntax errors of a script (empty when it parses)."""
        from mlsql.parser import check

        return check(text, source)

    def analyze(self, text: str, source: str | None = None) -> list[dict[str, Any]]:
        """The parsed statements as JSON (kind, tables, options, position); runs nothing."""
        return [to_json(stmt) for stmt in parse(text, source).statements]

    # --- internals -------------------------------------------------------------------------
    def _execute(
        self, statements: tuple[Statement, ...], ctx: RunContext, *, top_level: bool
    ) -> None:
        declare_sets(statements, ctx.session.variables)
        for index, raw in enumerate(statements, start=1):
            ctx.job.check()
            if top_level:
                ctx.job.report(statement_index=index, statement_kind=raw.kind)
            variables = {**builtin_variables(), **ctx.session.variables}
            stmt = substitute_statement(raw, variables, ctx.source.text)
            if isinstance(stmt, IncludeStatement):
                self._include(stmt, ctx)
                continue
            table = self._run_statement(stmt, ctx)
            if table is not None:
                table.origin = Origin(stmt.kind, stmt.span, ctx.source.text)
                ctx.last = table

    def _run_statement(self, stmt: Statement, ctx: RunContext) -> Any:
        try:
            if ctx.sandbox is not None and ctx.sandbox.active:
                return _sandboxed(compiler_for(stmt), stmt, ctx, ctx.sandbox)
            return compiler_for(stmt)(stmt, ctx)
        except MLSQLError as err:
            if err.span is None and err.statement is None:
                err.statement = _describe(stmt)
                _position(err, stmt, ctx)
            raise
        except Exception as err:
            if ctx.job.cancelled:
                raise CancelledError(
                    f"job {ctx.job.name or ctx.job.id} {ctx.job.cancel_reason}"
                ) from None
            if is_spark_error(err):
                cls, message = translate(err)
                span = _sql_span(stmt, err) or stmt.span
                raise cls(
                    message, span=span, text=ctx.source.text, statement=_describe(stmt)
                ) from None
            raise ctx.error(ExecutionError, f"{type(err).__name__}: {err}", stmt) from err

    def _include(self, stmt: IncludeStatement, ctx: RunContext) -> None:
        from mlsql.engine.includes import read_include

        try:
            included = read_include(stmt, ctx)
        except MLSQLError as err:
            err.statement = err.statement or _describe(stmt)
            _position(err, stmt, ctx)
            raise
        chain = [frame.name for frame in ctx.sources]
        if included.name in chain:
            cycle = " -> ".join([*(str(c) for c in chain), included.name])
            raise ctx.error(AnalysisError, f"include cycle: {cycle}", stmt)
        script = parse(included.text, included.name)
        ctx.sources.append(SourceFrame(included.name, included.text, included.base_dir))
        try:
            self._execute(script.statements, ctx, top_level=False)
        finally:
            ctx.sources.pop()


def _sandboxed(compiler: Any, stmt: Statement, ctx: RunContext, sandbox: Sandbox) -> Any:
    """Check the statement, compile it, check what its table reads (see engine.sandbox)."""
    from mlsql.engine.sandbox.checks import check_statement

    check_statement(sandbox, stmt, ctx)
    table = compiler(stmt, ctx)
    if table is not None and sandbox.confines_paths:
        try:
            sandbox.check_table(table.df)
        except MLSQLError:
            if table.name:
                ctx.spark.catalog.dropTempView(table.name)
            raise
    return table


def _describe(stmt: Statement) -> str:
    return f"{stmt.kind} statement" + (f" at line {stmt.span.line}" if stmt.span else "")


def _sql_span(stmt: Statement, err: BaseException) -> Span | None:
    """The script position of a Spark SQL error inside a select/SQL statement's text."""
    position = sql_position(err)
    if position is None or stmt.span is None or "${" in stmt.text:
        return None
    if not isinstance(stmt, SelectStatement | SqlStatement):
        return None
    line, column = position
    first = stmt.span.column if line == 1 else 0
    at_line = stmt.span.line + line - 1
    return Span(at_line, first + column, at_line, first + column + 1, source=stmt.span.source)


def _position(err: MLSQLError, stmt: Statement, ctx: RunContext) -> None:
    """Give an error raised without a position the statement's position and snippet."""
    from mlsql.errors import snippet

    if stmt.span is None or not err.details:
        return
    detail = err.details[0]
    if detail.line is None:
        detail.line, detail.column, detail.source = (
            stmt.span.line,
            stmt.span.column,
            stmt.span.source,
        )
        detail.snippet = snippet(ctx.source.text, stmt.span.line, stmt.span.column)


def _stop_streams(session: EngineSession) -> None:
    for query in list(session.streams.values()):
        try:
            query.stop()
        except Exception:
            pass
    session.streams.clear()
