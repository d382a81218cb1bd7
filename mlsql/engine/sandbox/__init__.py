"""The sandbox an owner's script runs in: its paths, its SQL, its Spark confs and its code.

One `Sandbox` per run (`Sandbox.for_run`), held by the run's context. The engine calls
`check_statement` before each statement compiles and `check_table` on the table it produced;
compilers reach paths only through `RunContext.resolve_path`, which calls `check_path`.

- **Paths** (`security.allowed_path_roots`, `{owner}` expands to the owner): every path of every
  statement — load, save, include, model paths, `connect`/jdbc file URLs, path options — and
  every path inside Spark SQL, read from Spark's parsed plan (direct file queries, `location`,
  `insert overwrite directory`, `load data`, `add jar|file`) and analysed plan (the files and
  catalog tables a query really reads, through views), must lie under the owner's roots.
- **Grants** (`security.owners.<owner>`, over `security.default_policy`): reflection functions,
  code-running algorithms and commands, and Spark confs beyond the safe list are refused unless
  granted. A run without a policy (the CLI, notebook and spark-submit run the local user's own
  scripts) is granted everything; every REST job runs with its owner's policy.

Every refusal is a `SecurityError` (code `forbidden`) naming its rule (see `rules.RULES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlsql.engine.sandbox import rules
from mlsql.engine.sandbox.roots import PathRefused, inside, owner_roots
from mlsql.errors import SecurityError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from mlsql.config import Config, OwnerPolicy
    from mlsql.engine.sandbox.plan import PlanFacts

__all__ = ["Sandbox", "forbidden"]


def forbidden(rule: str, message: str) -> SecurityError:
    """The refusal of `rule`: `forbidden by rule '<rule>': <message>` with the rule's hint."""
    return SecurityError(f"forbidden by rule '{rule}': {message}", hint=rules.RULES.get(rule))


@dataclass
class Sandbox:
    """What one run may reach: the owner, its roots, its grants."""

    owner: str
    roots: list[str] = field(default_factory=list)
    policy: OwnerPolicy | None = None  # None: a trusted local run (every grant)
    allow_shell: bool = False

    @classmethod
    def for_run(cls, config: Config, owner: str, policy: OwnerPolicy | None) -> Sandbox:
        """The sandbox of a run by `owner` (roots expanded; policy None = trusted)."""
        security = config.security
        try:
            roots = owner_roots(list(security.allowed_path_roots), owner)
        except PathRefused as err:
            raise forbidden("owner_name", str(err)) from None
        return cls(owner, roots, policy, security.allow_shell_set)

    @property
    def restricted(self) -> bool:
        """Whether the run carries an owner's policy (grants are checked)."""
        return self.policy is not None

    @property
    def active(self) -> bool:
        """Whether statements need checking (a trusted run without roots needs none)."""
        return self.restricted or self.confines_paths

    @property
    def confines_paths(self) -> bool:
        """Whether paths must lie under the owner's roots."""
        return bool(self.roots)

    # --- paths -----------------------------------------------------------------------------
    def check_path(self, path: str, what: str = "path") -> str:
        """`path` itself when it lies under the owner's roots (or no roots are set)."""
        if not self.roots:
            return path
        try:
            ok = inside(path, self.roots)
        except PathRefused as err:
            raise forbidden("path_sandbox", f"{what} refused: {err}") from None
        if not ok:
            raise forbidden(
                "path_sandbox",
                f"{what} '{path}' is outside the roots of owner '{self.owner}': "
                + ", ".join(self.roots),
            )
        return path

    def check_jdbc_url(self, url: str) -> None:
        """A JDBC URL that opens a local file must open it under the roots."""
        if not self.roots:
            return
        if rules.jdbc_runs_init(url):
            raise forbidden("path_sandbox", "JDBC URLs with an INIT script are refused")
        path = rules.jdbc_file(url)
        if path is not None:
            self.check_path(path, "JDBC database file")

    # --- grants ----------------------------------------------------------------------------
    def require(self, grant: str, rule: str, message: str) -> None:
        """Refuse unless the policy grants `grant` (a trusted run has every grant)."""
        if self.policy is not None and not getattr(self.policy, grant):
            raise forbidden(rule, f"{message} (owner '{self.owner}')")

    def check_conf(self, key: str | None, sets: bool = True) -> None:
        """A Spark conf read or write: safe keys, or keys granted to the owner."""
        if self.policy is None:
            return
        if key is None:
            raise forbidden("spark_conf", "listing every Spark conf is refused")
        if not rules.conf_allowed(key.strip(), self.policy.allow_spark_conf):
            verb = "setting" if sets else "reading"
            raise forbidden("spark_conf", f"{verb} Spark conf '{key}' is refused")

    def check_module(self, module: str) -> None:
        """An estimator module outside scikit-learn runs user code."""
        if not rules.safe_module(module.strip()):
            self.require("allow_user_code", "user_code", f"estimator module '{module}'")

    # --- Spark SQL -------------------------------------------------------------------------
    def check_sql(self, spark: SparkSession, sql: str) -> None:
        """Check a Spark SQL text on its parsed plan (and, with roots, its analysed plan).

        A text Spark cannot parse passes: running it raises Spark's own syntax error.
        """
        from mlsql.engine.sandbox.plan import parsed_facts

        try:
            facts = parsed_facts(spark, sql)
        except Exception as err:
            if _is_parse_error(err):
                return
            raise _unchecked(err) from None
        self._check_facts(spark, facts)
        if self.roots:
            self._check_analysed(spark, sql)

    def check_expression(self, spark: SparkSession, expression: str) -> None:
        """Check a SQL expression (e.g. `conditionExpr`) for refused functions."""
        from mlsql.engine.sandbox.plan import expression_facts

        try:
            facts = expression_facts(spark, expression)
        except Exception as err:
            if _is_parse_error(err):
                return
            raise _unchecked(err) from None
        self._check_facts(spark, facts)

    def _check_facts(self, spark: SparkSession, facts: PlanFacts) -> None:
        from mlsql.engine.sandbox.checks import check_facts

        check_facts(self, spark, facts)

    def _check_analysed(self, spark: SparkSession, sql: str) -> None:
        """Paths the analysed plan reads (no command runs: the plan is only analysed)."""
        from mlsql.engine.sandbox.plan import analysed_plan_paths

        for path in analysed_plan_paths(spark, sql):
            self.check_path(path, "table data")

    def check_table(self, df: DataFrame) -> None:
        """Every file and catalog table a statement's result reads lies under the roots."""
        if not self.roots:
            return
        from mlsql.engine.sandbox.plan import analysed_paths

        for path in analysed_paths(df):
            self.check_path(path, "table data")


def _is_parse_error(err: Exception) -> bool:
    """Whether `err` is Spark's syntax error (the statement will fail the same way when run)."""
    text = str(err)
    return "ParseException" in text or "PARSE_SYNTAX_ERROR" in text


def _unchecked(err: Exception) -> SecurityError:
    """A statement the sandbox could not inspect is refused (the cause is logged, not shown)."""
    import logging

    logging.getLogger("mlsql.sandbox").warning("sandbox check failed: %s", err)
    return forbidden("sql_check", "the statement could not be checked and is refused")
