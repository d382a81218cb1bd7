"""Calls of registered model functions, checked when a select is analysed, before Spark runs.

Spark accepts any arguments for a Python UDF, so a wrong call would fail only inside a Python
worker, behind a Java stack trace, or silently predict from swapped columns. After Spark has
analysed a query (``spark.sql`` resolves names and types), ``check_model_calls`` reads the
analysed plan's expressions (``toJSON`` of each expression, no data), finds every call of a
registered model function and checks it against the model's signature
(``mlsql.models.signature``):

- the number of arguments must be the number of input columns (the message names them with
  their kinds and types);
- each argument whose type Spark knows must fit its input's kind (numbers for numeric inputs,
  strings for categorical and text inputs, timestamps for datetimes, arrays or vectors for
  vectors);
- arguments bind by position, so a plain column reference named like a *different* training
  feature is refused ("swapped arguments"): ``f(b, a)`` for a model trained on ``(a, b)``
  tells the user to write ``f(a, b)``.

One struct argument binds by field name: ``f(struct(*))``, ``f(struct(a, b))``, and
``f(*)``/``f(t.*)``, which ``expand_stars`` rewrites to ``f(struct(*))`` before Spark parses
the query (Spark would otherwise pass every column by position). Extra fields are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlsql.errors import AnalysisError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.engine.context import RunContext
    from mlsql.engine.prediction import ModelFunction
    from mlsql.models.signature import InputColumn, ModelSignature
    from mlsql.parser.ast import Statement

JSON_TYPES = {"integer": "int", "long": "bigint", "short": "smallint", "byte": "tinyint"}
PYTHON_UDF = "org.apache.spark.sql.catalyst.expressions.PythonUDF"
ATTRIBUTE = "org.apache.spark.sql.catalyst.expressions.AttributeReference"
MAX_PLAN_NODES = 2000


@dataclass(frozen=True)
class Argument:
    """One argument of a call as Spark analysed it."""

    column: str | None  # the column's name when the argument is a plain column reference
    spark_type: str | None  # simpleString-like type name, when Spark's JSON tells it
    fields: tuple[str, ...] | None = None  # field names of a struct argument


def expand_stars(sql: str, functions: Mapping[str, Any]) -> str:
    """`f(*)` / `f(t.*)` of registered model functions → `f(struct(*))` (bound by name)."""
    if not functions or "*" not in sql:
        return sql
    names = "|".join(re.escape(n) for n in sorted(functions, key=len, reverse=True))
    pattern = re.compile(rf"\b({names})\s*\(\s*((?:`[^`]+`|\w+)\.)?\*\s*\)", re.IGNORECASE)
    return pattern.sub(lambda m: f"{m.group(1)}(struct({m.group(2) or ''}*))", sql)


def check_model_calls(df: DataFrame, stmt: Statement, ctx: RunContext) -> None:
    """Checks every call of a registered model function in `df`'s analysed plan.

    Raises:
        AnalysisError: At the statement: a wrong number of arguments, a type that does not fit,
            or columns of the model's features in another order.
    """
    functions = {name.lower(): fn for name, fn in ctx.session.functions.items()}
    text = getattr(stmt, "sql", "") or ""
    if not functions or not any(
        re.search(rf"\b{re.escape(n)}\s*\(", text, re.I) for n in functions
    ):
        return
    for name, arguments in _calls(df, set(functions)):
        fn = functions[name.lower()]
        problem = call_problem(name, fn, arguments)
        if problem is not None:
            raise ctx.error(AnalysisError, problem, stmt, hint=_usage(name, fn))


def call_problem(name: str, fn: ModelFunction, arguments: list[Argument]) -> str | None:
    """What is wrong with a call of `fn` (None when it fits its signature)."""
    signature = fn.signature
    if signature is None or not signature.inputs:
        return None
    inputs = signature.inputs
    struct = arguments[0].fields if len(arguments) == 1 else None
    if struct is not None and not (len(inputs) == 1 and inputs[0].kind == "vector"):
        missing = [c.name for c in inputs if c.name not in struct]
        if missing:
            return f"{name}(struct …) binds by field name; the struct lacks {', '.join(missing)}"
        return None
    if len(arguments) != len(inputs):
        return (
            f"{name} takes {len(inputs)} argument(s), the model's features in training order,"
            f" but was called with {len(arguments)}"
        )
    return _swapped(name, signature, arguments) or _mistyped(name, inputs, arguments)


def _swapped(name: str, signature: ModelSignature, arguments: list[Argument]) -> str | None:
    features = signature.input_names
    for position, (argument, expected) in enumerate(zip(arguments, features, strict=True), 1):
        column = argument.column
        if column is not None and column != expected and column in features:
            given = ", ".join(a.column or "…" for a in arguments)
            return (
                f"{name}({given}): argument {position} is column '{column}' but the model reads"
                f" '{expected}' there; arguments bind by position, in training order:"
                f" {name}({', '.join(features)}) (or pass struct(*) to bind by name)"
            )
    return None


def _mistyped(name: str, inputs: tuple[InputColumn, ...], arguments: list[Argument]) -> str | None:
    for position, (argument, column) in enumerate(zip(arguments, inputs, strict=True), 1):
        if argument.spark_type is None or not column.kind or column.accepts(argument.spark_type):
            continue
        label = f"'{argument.column}' " if argument.column else ""
        return (
            f"{name}: argument {position} {label}is {argument.spark_type} but the model's"
            f" feature '{column.name}' is {column.kind} ({column.spark_type}); cast it or pass"
            " the column the model was trained on"
        )
    return None


def _usage(name: str, fn: ModelFunction) -> str | None:
    signature = fn.signature
    if signature is None:
        return None
    args = ", ".join(f"{c.name} {c.spark_type}" for c in signature.inputs)
    return f"{name}({args}) returns {fn.return_type()}"


def _calls(df: DataFrame, names: set[str]) -> Iterator[tuple[str, list[Argument]]]:
    """(function name, arguments) of every model function call in the analysed plan."""
    try:
        plan = df._jdf.queryExecution().analyzed()
    except Exception:  # not a plan we can read: Spark reports its own errors
        return
    for expression in _expressions(plan):
        try:
            nodes = json.loads(expression.toJSON())
        except Exception:
            continue
        yield from _udf_calls(nodes, names)


def _expressions(plan: Any) -> Iterator[Any]:
    pending, seen = [plan], 0
    while pending and seen < MAX_PLAN_NODES:
        node = pending.pop()
        seen += 1
        expressions = node.expressions()
        for i in range(expressions.size()):
            yield expressions.apply(i)
        children = node.children()
        pending.extend(children.apply(i) for i in range(children.size()))


def _udf_calls(
    nodes: list[dict[str, Any]], names: set[str]
) -> Iterator[tuple[str, list[Argument]]]:
    """PythonUDF calls in one expression tree (Spark's JSON: the tree flattened in pre-order)."""
    for index, node in enumerate(nodes):
        if node.get("class") != PYTHON_UDF or str(node.get("name", "")).lower() not in names:
            continue
        arguments, child = [], index + 1
        for _ in range(int(node.get("num-children", 0))):
            arguments.append(_argument(nodes, child))
            child = _subtree_end(nodes, child)
        yield str(node["name"]), arguments


def _subtree_end(nodes: list[dict[str, Any]], start: int) -> int:
    """The index just after the subtree that starts at `start`."""
    remaining, index = 1, start
    while remaining:
        remaining += int(nodes[index].get("num-children", 0)) - 1
        index += 1
    return index


def _argument(nodes: list[dict[str, Any]], start: int) -> Argument:
    node = nodes[start]
    kind = node.get("dataType")
    column = str(node["name"]) if node.get("class") == ATTRIBUTE else None
    fields = None
    if isinstance(kind, dict) and kind.get("type") == "struct":
        fields = tuple(str(f.get("name")) for f in kind.get("fields", []))
    elif str(node.get("class", "")).endswith("CreateNamedStruct"):
        fields = _struct_names(nodes, start)
        kind = "struct"
    return Argument(column, _type_name(kind), fields)


def _struct_names(nodes: list[dict[str, Any]], start: int) -> tuple[str, ...]:
    """Field names of ``named_struct(name1, value1, …)`` (what ``struct(a, b)`` becomes)."""
    names, child = [], start + 1
    for position in range(int(nodes[start].get("num-children", 0))):
        if position % 2 == 0:
            names.append(str(nodes[child].get("value")))
        child = _subtree_end(nodes, child)
    return tuple(names)


def _type_name(kind: Any) -> str | None:
    if isinstance(kind, str):
        return JSON_TYPES.get(kind, kind)
    if isinstance(kind, dict):
        if kind.get("type") == "udt":
            return "vector" if "Vector" in str(kind.get("class", "")) else "udt"
        return str(kind.get("type"))
    return None
