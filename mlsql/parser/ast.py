"""The MLSQL abstract syntax tree: our own immutable nodes, one per statement kind.

Built from the ANTLR parse tree by `mlsql.parser.builder`; nothing else in the engine sees ANTLR
types. Every node carries a `span` (excluded from equality so tests can compare trees without
positions). String fields hold the text as written, quotes removed, `${var}` references intact:
the engine substitutes variables at execution time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from mlsql.errors import Span, display_column


@dataclass(frozen=True, kw_only=True, slots=True)
class Node:
    """Base of every AST node."""

    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class Option(Node):
    """One `key="value"` pair of a where/options clause."""

    key: str
    value: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Statement(Node):
    """Base of every statement; `text` is the statement's source text without the `;`."""

    text: str = field(default="", compare=False, repr=False)

    @property
    def kind(self) -> str:
        """Lower-case statement kind, e.g. `load`, `train`, `command`."""
        return type(self).__name__.removesuffix("Statement").lower()


def options_dict(options: tuple[Option, ...]) -> dict[str, str]:
    """Options as an ordered dict; a later duplicate key wins, as in MLSQL."""
    return {o.key: o.value for o in options}


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadStatement(Statement):
    """`load <format>.`path` [options …] as <table>`."""

    format: str
    path: str
    options: tuple[Option, ...] = ()
    table: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SaveStatement(Statement):
    """`save [mode] <table> as <format>.`path` [options …] [partitionBy c1, c2]`."""

    table: str
    mode: str | None = None
    format: str
    path: str
    options: tuple[Option, ...] = ()
    partition_by: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class SelectStatement(Statement):
    """`select … as <table>`: `sql` is the query without the trailing `as <table>`."""

    sql: str
    table: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SqlStatement(Statement):
    """insert/create/drop/refresh (and other pass-through SQL): run by Spark SQL as written."""

    verb: str
    sql: str


@dataclass(frozen=True, kw_only=True, slots=True)
class SetStatement(Statement):
    """`set <key> = <value> [options type="…"]`."""

    key: str
    value: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectStatement(Statement):
    """`connect <format> where … as <name>`: a named set of connection options."""

    format: str
    options: tuple[Option, ...] = ()
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelStatement(Statement):
    """Shared shape of train/run/predict: `<verb> <table> as <Alg>.`path` [where …] [as out]`."""

    table: str
    algorithm: str
    path: str
    options: tuple[Option, ...] = ()
    output: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TrainStatement(ModelStatement):
    """`train <table> as <Algorithm>.`modelPath` [where …] [as <outTable>]`."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RunStatement(ModelStatement):
    """`run <table> as <Transformer>.`path` [where …] [as <outTable>]`."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PredictStatement(ModelStatement):
    """`predict <table> as <Algorithm>.`modelPath` [where …] [as <outTable>]`."""


@dataclass(frozen=True, kw_only=True, slots=True)
class EvaluateStatement(ModelStatement):
    """`evaluate <table> as <Algorithm>.`modelPath` [where …] [as <outTable>]`: metrics."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RegisterStatement(Statement):
    """`register <Algorithm>.`modelPath` as <function> [options …]`."""

    algorithm: str
    path: str
    function: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class UnregisterStatement(Statement):
    """`unregister <function>` or `unregister <Algorithm>.`path` as <function>`."""

    function: str
    algorithm: str | None = None
    path: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class IncludeStatement(Statement):
    """`include <source>.`path` [options …]`: splices another script in."""

    source: str
    path: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class CommandStatement(Statement):
    """`!name arg …`: a macro such as `!show tables` or `!desc t`."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Script(Node):
    """A parsed script: its statements in order and where it came from."""

    statements: tuple[Statement, ...] = ()
    source: str | None = field(default=None, compare=False)


STATEMENT_TYPES: tuple[type[Statement], ...] = (
    LoadStatement,
    SaveStatement,
    SelectStatement,
    SqlStatement,
    SetStatement,
    ConnectStatement,
    TrainStatement,
    RunStatement,
    PredictStatement,
    EvaluateStatement,
    RegisterStatement,
    UnregisterStatement,
    IncludeStatement,
    CommandStatement,
)


def walk(node: Any) -> list[Node]:
    """Every node reachable from `node` (itself first), depth first."""
    found: list[Node] = []
    if isinstance(node, Node):
        found.append(node)
    if is_dataclass(node):
        for f in fields(node):
            if f.name == "span":
                continue
            found.extend(walk(getattr(node, f.name)))
    elif isinstance(node, tuple):
        for item in node:
            found.extend(walk(item))
    return found


def to_json(node: Any) -> Any:
    """A JSON-able form of a node (kind, fields, position): used by analyze mode and golden files."""
    if isinstance(node, Statement):
        out: dict[str, Any] = {"kind": node.kind}
    elif isinstance(node, Node):
        out = {}
    elif isinstance(node, tuple):
        return [to_json(x) for x in node]
    else:
        return node
    for f in fields(node):
        if f.name in ("span", "text"):
            continue
        value = getattr(node, f.name)
        if f.name == "options":
            out["options"] = options_dict(value)
        else:
            out[f.name] = to_json(value)
    if node.span is not None and isinstance(node, Statement):
        out["position"] = {"line": node.span.line, "column": display_column(node.span.column)}
    return out
