"""The statement compiler registry: one compiler per AST statement class.

A compiler is `def compile_x(stmt: XStatement, ctx: RunContext) -> Table | None`; it registers
itself with `@compiles(XStatement)`. Returning a Table makes it the script's latest result.
Modules in `COMPILER_MODULES` are imported on first dispatch so registration happens once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from mlsql.errors import InternalError

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext, Table
    from mlsql.parser.ast import Statement

Compiler = Callable[[Any, "RunContext"], "Table | None"]
F = TypeVar("F", bound=Callable[..., Any])

COMPILERS: dict[type, Compiler] = {}
COMPILER_MODULES = (
    "load",
    "save",
    "select",
    "set",
    "connect",
    "commands",
    "train",
    "register",
    "run",
    "evaluate",
)
_loaded = False


def compiles(*statement_types: type) -> Callable[[F], F]:
    """Register the decorated function as the compiler of `statement_types`."""

    def register(func: F) -> F:
        for cls in statement_types:
            COMPILERS[cls] = func
        return func

    return register


def load_compilers() -> None:
    """Import every compiler module once (they register themselves)."""
    global _loaded
    if not _loaded:
        for name in COMPILER_MODULES:
            importlib.import_module(f"{__name__}.{name}")
        _loaded = True


def compiler_for(stmt: Statement) -> Compiler:
    """The compiler registered for `stmt`'s class."""
    load_compilers()
    try:
        return COMPILERS[type(stmt)]
    except KeyError:
        raise InternalError(f"no compiler registered for {type(stmt).__name__}") from None
