"""Checks a train statement on the driver, before any topic, Spark job or worker starts.

- every option name is known: a framework option (``labelCol``, ``featureCols``, …), an engine
  option (``keepVersion``, ``evaluateTable``), a ``kafkaParam.``/``systemParam.`` key, a
  parameter of the algorithm's estimator, or a Spark-ML name mapped to one
  (``mlsql.models.params``); otherwise an ``AnalysisError`` at the option, with a did-you-mean;
- framework option values parse (booleans, numbers);
- the columns the options name (``labelCol``, ``featureCols``, ``featuresCol``,
  ``excludeCols``) are columns of the training table, and the evaluation table exists and
  has the label: otherwise an error at the option listing the table's columns;
- Spark ML's defaults are filled in: ``labelCol="label"`` when no group names a label column,
  the table has a ``label`` column and the algorithm learns from labels; ``featuresCol=
  "features"`` when no group names its features and the table has a ``features`` column (a
  Spark ML vector, as ``load libsvm`` gives, is expanded into a dense matrix).

Searches (``Hyperband``, ``Hyperopt``, ``AutoML``) check their own options
(``training/plans``); only the column checks apply to them.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mlsql.errors import AnalysisError
from mlsql.parser.ast import Option, TrainStatement

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext
    from mlsql.models.algorithms.base import Algorithm

GROUP_PREFIX = "fitParam."
PASS_PREFIXES = ("kafkaParam.", "systemParam.", "space.")
COLUMN_OPTIONS = ("labelCol", "featuresCol", "featureCol", "inputCol", "evalLabelCol")
LIST_OPTIONS = ("featureCols", "excludeCols")
FEATURE_OPTIONS = ("featuresCol", "featureCol", "inputCol", "featureCols")
SQLFLOW_PREFIX = "model."  # SQLFlow spells parameters `model.n_clusters` (DEC accepts both)


def validate_train(stmt: TrainStatement, ctx: RunContext) -> TrainStatement:
    """The statement, checked, with Spark ML's ``labelCol``/``featuresCol`` defaults added.

    Raises:
        AnalysisError: At the offending option (or the statement): an unknown parameter, a
            column the table lacks, a bad framework value.
    """
    from mlsql.engine.training.plans import is_plan_name

    columns = list(ctx.spark.table(stmt.table).columns)
    checker = _Checker(stmt, ctx)
    if not is_plan_name(stmt.algorithm):
        checker.check_names(_algorithm(stmt, checker))
    checker.check_columns(columns)
    return _with_defaults(stmt, columns, None if is_plan_name(stmt.algorithm) else stmt.algorithm)


class _Checker:
    """Errors positioned at an option of the statement."""

    def __init__(self, stmt: TrainStatement, ctx: RunContext) -> None:
        self.stmt = stmt
        self.ctx = ctx

    def error(self, option: Option | None, message: str, hint: str | None = None) -> AnalysisError:
        base = self.ctx.error(AnalysisError, message, self.stmt, hint=hint)
        assert isinstance(base, AnalysisError)
        if option is None or option.span is None:
            return base
        return AnalysisError(
            message,
            span=option.span,
            text=self.ctx.source.text,
            statement=base.statement,
            hint=hint,
        )

    def check_names(self, algorithm: Algorithm) -> None:
        from mlsql.engine.training.options import ENGINE_KEYS
        from mlsql.models.params import FRAMEWORK_KEYS, IGNORED_SPARK_PARAMS, alias_table

        valid = estimator_names(algorithm, _extra(self.stmt.options))
        if valid is None:
            return
        table = alias_table(algorithm.name)
        spark = {name for name, alias in table.items() if alias.target in valid}
        known = set(valid) | spark | FRAMEWORK_KEYS | ENGINE_KEYS | IGNORED_SPARK_PARAMS
        for option in self.stmt.options:
            key = _param_key(option.key)
            if key is None or key in known or key.removeprefix(SQLFLOW_PREFIX) in known:
                continue
            raise self.error(
                option,
                f"unknown parameter '{key}' for {algorithm.name}{_did_you_mean(key, known)}",
                hint=f"{algorithm.name} takes: {', '.join(sorted(set(valid) | spark))}",
            )
        self._check_values(algorithm)

    def _check_values(self, algorithm: Algorithm) -> None:
        from mlsql.engine.training.options import split_options
        from mlsql.models.options import split_options as group_options
        from mlsql.parser.ast import options_dict

        check = _family_check(algorithm)
        for group in split_options(options_dict(self.stmt.options)).groups.values():
            try:
                _, estimator = group_options(algorithm, group)
                if check is not None:
                    check(estimator)
            except AnalysisError as err:
                option = _find(self.stmt.options, _named_key(err.message))
                raise self.error(option, err.message) from err

    def check_columns(self, columns: list[str]) -> None:
        for option in self.stmt.options:
            key = _param_key(option.key)
            if key in COLUMN_OPTIONS and option.value.strip():
                self._column(option, key, [option.value.strip()], columns)
            elif key in LIST_OPTIONS:
                names = [n.strip() for n in option.value.split(",") if n.strip()]
                self._column(option, key, names, columns)
            elif key in ("evaluateTable", "validateTable"):
                self._evaluate_table(option)

    def _column(self, option: Option, key: str, names: list[str], columns: list[str]) -> None:
        for name in names:
            if name not in columns:
                raise self.error(
                    option,
                    f"{key}: column '{name}' is not in table '{self.stmt.table}'"
                    f"{_did_you_mean(name, columns)}",
                    hint=f"the table's columns: {', '.join(columns)}",
                )

    def _evaluate_table(self, option: Option) -> None:
        name = option.value.strip()
        if not self.ctx.spark.catalog.tableExists(name):
            raise self.error(option, f"evaluation table '{name}' does not exist")
        label = next(
            (o.value.strip() for o in self.stmt.options if _param_key(o.key) == "labelCol"), None
        )
        columns = list(self.ctx.spark.table(name).columns)
        if label and label not in columns:
            raise self.error(
                option,
                f"evaluation table '{name}' lacks the label column '{label}'",
                hint=f"its columns: {', '.join(columns)}",
            )


def _algorithm(stmt: TrainStatement, checker: _Checker) -> Algorithm:
    from mlsql.models.algorithms import algorithm_names, get_algorithm

    try:
        return get_algorithm(stmt.algorithm)
    except AnalysisError as err:
        names = algorithm_names()
        raise checker.error(None, err.message + _did_you_mean(stmt.algorithm, names)) from err


def estimator_names(algorithm: Algorithm, extra: dict[str, str]) -> Collection[str] | None:
    """The parameter names the algorithm's estimators take (None: the trainer decides alone,
    e.g. a user's Python algorithm).

    Raises:
        AnalysisError: ``SKLearn`` names no importable estimator.
    """
    if algorithm.family == "sklearn":
        from mlsql.models.algorithms.generic import estimator_class
        from mlsql.models.algorithms.sklearn_trainer import import_class

        if not algorithm.estimators:
            classes: list[Any] = [estimator_class(extra)]
        else:
            paths = [*algorithm.estimators.values(), *(p for _, p in algorithm.variants)]
            classes = [import_class(p) for p in paths]
        return {name for cls in classes for name in cls._get_param_names()}
    if algorithm.family == "python":
        return None
    from mlsql.models.algorithms import TRAINERS

    defaults = getattr(importlib.import_module(TRAINERS[algorithm.family]), "DEFAULTS", None)
    return set(defaults) if isinstance(defaults, dict) else None


def _param_key(key: str) -> str | None:
    """The parameter name of an option key (None for keys passed on unchecked)."""
    if key.startswith(PASS_PREFIXES):
        return None
    if key.lower().startswith(GROUP_PREFIX.lower()):
        _, _, rest = key[len(GROUP_PREFIX) :].partition(".")
        return rest or None
    return key


def _extra(options: Iterable[Option]) -> dict[str, str]:
    return {k: o.value for o in options if (k := _param_key(o.key)) in ("moduleName", "className")}


def _family_check(algorithm: Algorithm) -> Any:
    """The ``check_params(params)`` of the algorithm's trainer module, if it has one (a value
    check that needs no data, e.g. DEC's ``n_clusters`` and ``encode_units``)."""
    if algorithm.family in ("sklearn", "python"):
        return None
    from mlsql.models.algorithms import TRAINERS

    return getattr(importlib.import_module(TRAINERS[algorithm.family]), "check_params", None)


def _find(options: Iterable[Option], key: str | None) -> Option | None:
    return next((o for o in options if key and _param_key(o.key) == key), None)


def _named_key(message: str) -> str | None:
    first = message.split(" ", 1)[0].split("=", 1)[0]
    return first if first.replace(".", "_").isidentifier() else None


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    names = sorted(set(candidates))
    folded = [c for c in names if c.lower() == name.lower()]
    close = folded or difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _with_defaults(
    stmt: TrainStatement, columns: list[str], algorithm: str | None
) -> TrainStatement:
    """Spark ML's defaults: ``labelCol="label"`` and ``featuresCol="features"``."""
    keys = {_param_key(o.key) for o in stmt.options}
    added: list[Option] = []
    if algorithm is not None and "labelCol" not in keys and "label" in columns:
        from mlsql.models.algorithms import get_algorithm

        tasks = get_algorithm(algorithm).tasks
        if any(t in ("classification", "regression") for t in tasks):
            added.append(Option(key="labelCol", value="label"))
    if not keys & set(FEATURE_OPTIONS) and "features" in columns:
        added.append(Option(key="featuresCol", value="features"))
    return replace(stmt, options=(*stmt.options, *added)) if added else stmt
