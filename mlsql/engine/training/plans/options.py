"""A plan's own options (``R``, ``eta``, ``space.<param>`` …) read with errors at their position.

Every problem is an ``AnalysisError`` underlining the option that holds the bad value (or the
statement when a required option is missing), raised while the plan is built: before any data
is sent and before anything is published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mlsql.errors import AnalysisError
from mlsql.models.search_space import SearchSpace, SpaceError, parse_dimension
from mlsql.parser.ast import Option, TrainStatement

if TYPE_CHECKING:
    from mlsql.engine.context import RunContext

SPACE_PREFIX = "space."


class PlanOptions:
    """The options of one train statement, as a plan reads them."""

    def __init__(self, stmt: TrainStatement, ctx: RunContext) -> None:
        self.stmt = stmt
        self.ctx = ctx
        self.options: dict[str, Option] = {o.key: o for o in stmt.options}

    def find(self, *names: str) -> Option | None:
        """The option called one of `names` (case-insensitive; the last one written wins)."""
        wanted = {n.lower() for n in names}
        found = [o for o in self.stmt.options if o.key.lower() in wanted]
        return found[-1] if found else None

    def error(self, option: Option | None, message: str, hint: str | None = None) -> AnalysisError:
        """An AnalysisError at `option` (at the statement when None)."""
        base = self.ctx.error(AnalysisError, message, self.stmt, hint=hint)
        if option is None or option.span is None:
            assert isinstance(base, AnalysisError)
            return base
        return AnalysisError(
            message,
            span=option.span,
            text=self.ctx.source.text,
            statement=base.statement,
            hint=hint,
        )

    def integer(
        self, name: str, default: int, check: Callable[[int], str | None] | None = None
    ) -> int:
        """An integer option; `check` returns an error message for a bad value."""
        option = self.find(name)
        if option is None:
            return default
        try:
            value = int(option.value.strip())
        except ValueError:
            raise self.error(option, f"{name} must be an integer, not {option.value!r}") from None
        problem = check(value) if check else None
        if problem:
            raise self.error(option, problem)
        return value

    def text(self, *names: str, default: str | None = None) -> str | None:
        """A string option (stripped)."""
        option = self.find(*names)
        return option.value.strip() if option is not None else default

    def space(self, check_names: Callable[[list[str]], str | None] | None = None) -> SearchSpace:
        """The ``space.<param>`` options as a search space.

        Raises:
            AnalysisError: No space option, a malformed one, or (from `check_names`) a
                parameter the algorithm does not have, at the option concerned.
        """
        spaces = [o for o in self.stmt.options if o.key.startswith(SPACE_PREFIX)]
        if not spaces:
            raise self.error(
                None,
                f"{self.stmt.algorithm} needs a search space",
                hint="add `space.<param>`=\"[2, 16, 'linear']\" or `space.<param>`=\"['a', 'b']\"",
            )
        dimensions = []
        for option in spaces:
            name = option.key.removeprefix(SPACE_PREFIX)
            try:
                dimensions.append(parse_dimension(name, option.value))
            except SpaceError as exc:
                raise self.error(option, str(exc)) from None
            problem = check_names([name]) if check_names else None
            if problem:
                raise self.error(option, problem)
        return SearchSpace(tuple(dimensions))

    def without(self, params: dict[str, str], keys: Iterable[str]) -> dict[str, str]:
        """`params` minus the plan's own keys and every ``space.*`` key."""
        lowered = {k.lower() for k in keys}
        return {
            k: v
            for k, v in params.items()
            if k.lower() not in lowered and not k.startswith(SPACE_PREFIX)
        }
