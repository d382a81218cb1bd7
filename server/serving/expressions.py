"""The select expressions of Byzer's `/model/predict`, parsed and evaluated without Spark.

Supported (documented in the README): ``[select] item, item, …`` where an item is an
expression with an optional ``[as] alias``, and an expression is

- a call of a model function, ``f(arg, …)`` (arguments map to the model's columns in order),
- a column of the request's rows (``feature``, or any key of ``dataType=row`` rows; backquotes
  allowed),
- a literal: number, ``'string'``/``"string"``, ``true``, ``false``, ``null``,
- a vector function: ``vec_dense(array)`` (a dense Spark ML vector), ``vec_array(vector)`` (its
  values), ``vec_argmax(v)`` (index of the largest value), ``vec_size(v)``, ``vec_at(v, i)``.

Anything else (operators, SQL functions, ``*``) is refused with the position of the problem.
``pipeline=a,b,c`` is the expression ``c(b(a(feature))) as feature``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

VECTOR_FUNCTIONS = ("vec_dense", "vec_array", "vec_argmax", "vec_size", "vec_at")
TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<name>`[^`]+`|[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<punct>[(),]))"
)


class ExpressionError(Exception):
    """A select expression that cannot be parsed or evaluated (answered 400)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Literal:
    """A constant."""

    value: Any
    text: str


@dataclass(frozen=True)
class Column:
    """A column of the request's rows."""

    name: str


@dataclass(frozen=True)
class Call:
    """A function call: a model function or a vector function."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Item:
    """One select item and the name of its output column."""

    expr: Any
    alias: str


def text_of(expr: Any) -> str:
    """Spark's default column name of an expression."""
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(text_of(a) for a in expr.args)})"
    if isinstance(expr, Column):
        return expr.name
    return str(expr.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = TOKEN.match(text, pos)
            if match is None or match.lastgroup is None:
                raise ExpressionError(f"unexpected {text[pos:].strip()[:20]!r} at character {pos}")
            start = match.start(match.lastgroup)
            self.tokens.append((match.lastgroup, match.group(match.lastgroup), start))
            pos = match.end()
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"the expression ends early; expected {value or 'more'}")
        if value is not None and token[1] != value:
            raise ExpressionError(f"expected {value!r} at character {token[2]}, found {token[1]!r}")
        self.i += 1
        return token

    def items(self) -> list[Item]:
        first = self.peek()
        if first is not None and first[0] == "name" and first[1].lower() == "select":
            self.i += 1
        items = [self.item()]
        while self.peek() is not None:
            self.take(",")
            items.append(self.item())
        return items

    def item(self) -> Item:
        expr = self.expr()
        token = self.peek()
        if token is not None and token[0] == "name" and token[1].lower() == "as":
            self.i += 1
            token = self.peek()
        if token is not None and token[0] == "name":
            self.i += 1
            return Item(expr, token[1].strip("`"))
        return Item(expr, text_of(expr))

    def expr(self) -> Any:
        kind, value, pos = self.take()
        if kind == "number":
            number = float(value) if any(c in value for c in ".eE") else int(value)
            return Literal(number, value)
        if kind == "string":
            return Literal(value[1:-1], value)
        if kind == "name":
            lowered = value.lower()
            if lowered in ("true", "false", "null"):
                return Literal({"true": True, "false": False, "null": None}[lowered], lowered)
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(":
                return self.call(value)
            return Column(value.strip("`"))
        raise ExpressionError(f"unexpected {value!r} at character {pos}")

    def call(self, name: str) -> Call:
        self.take("(")
        args: list[Any] = []
        if self.peek() is not None and self.peek()[1] == ")":  # type: ignore[index]
            self.i += 1
            return Call(name, ())
        args.append(self.expr())
        while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
            self.i += 1
            args.append(self.expr())
        self.take(")")
        return Call(name, tuple(args))


def parse_select(text: str) -> list[Item]:
    """The items of a select expression list (``select`` optional)."""
    if not text.strip():
        raise ExpressionError("sql is empty: send e.g. sql=select f(feature) as p")
    return _Parser(text).items()


def pipeline_items(names: str) -> list[Item]:
    """``pipeline=a,b,c`` as ``c(b(a(feature))) as feature``."""
    expr: Any = Column("feature")
    steps = [n.strip() for n in names.split(",") if n.strip()]
    if not steps:
        raise ExpressionError("pipeline names no function")
    for name in steps:
        expr = Call(name, (expr,))
    return [Item(expr, "feature")]


# A model function over argument columns: name, columns (one list per argument) → one value per row.
CallModel = Callable[[str, list[list[Any]]], Awaitable[list[Any]]]


async def evaluate(
    items: Sequence[Item], columns: dict[str, list[Any]], n_rows: int, call_model: CallModel
) -> list[dict[str, Any]]:
    """The rows of the select: one object per input row, keyed by item aliases."""
    outputs = {item.alias: await _eval(item.expr, columns, n_rows, call_model) for item in items}
    return [{alias: values[i] for alias, values in outputs.items()} for i in range(n_rows)]


async def _eval(
    expr: Any, columns: dict[str, list[Any]], n_rows: int, call_model: CallModel
) -> list[Any]:
    if isinstance(expr, Literal):
        return [expr.value] * n_rows
    if isinstance(expr, Column):
        if expr.name not in columns:
            known = ", ".join(columns) or "none"
            raise ExpressionError(f"no column '{expr.name}' in the data (columns: {known})")
        return columns[expr.name]
    args = [await _eval(a, columns, n_rows, call_model) for a in expr.args]
    if expr.name.lower() in VECTOR_FUNCTIONS:
        return [_vector_function(expr.name.lower(), *row) for row in zip(*args, strict=True)]
    return await call_model(expr.name, args)


def _values(v: Any) -> list[float]:
    if isinstance(v, dict):
        if v.get("type") == 0:
            dense = [0.0] * int(v["size"])
            for i, x in zip(v["indices"], v["values"], strict=True):
                dense[int(i)] = float(x)
            return dense
        return [float(x) for x in v.get("values", [])]
    if isinstance(v, list | tuple):
        return [float(x) for x in v]
    raise ExpressionError(f"not a vector: {str(v)[:40]}")


def _vector_function(name: str, *args: Any) -> Any:
    values = _values(args[0])
    if name == "vec_dense":
        return dense_vector(values)
    if name == "vec_array":
        return values
    if name == "vec_argmax":
        return max(range(len(values)), key=values.__getitem__) if values else None
    if name == "vec_size":
        return len(values)
    if len(args) != 2 or not isinstance(args[1], int):
        raise ExpressionError("vec_at(v, i) takes a vector and an integer index")
    return values[args[1]]


def dense_vector(values: Sequence[float]) -> dict[str, Any]:
    """A dense Spark ML vector in its JSON form."""
    return {"type": 1, "values": list(values)}
