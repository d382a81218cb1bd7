"""What the parser could have accepted where a syntax error happened, read from ANTLR's ATN.

ANTLR reports expected tokens as a bare set of token types. To say it in plain words we also
need to know *why* each token was expected: inside which rule (a table name, an option key, a
path …) and, for keywords such as `as`, which rule comes right after them. `expectations`
walks the ATN from the parser's current state, following rule calls and returns, and records
that for every token that could come next. Raw-text loops (`~';'`) are skipped on purpose:
"anything" is not an expectation worth listing.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from antlr4.atn.ATNState import RuleStopState
from antlr4.atn.Transition import (
    NotSetTransition,
    RuleTransition,
    WildcardTransition,
)

MAX_STEPS = 5000


@dataclass(frozen=True, slots=True)
class Expectation:
    """One token type the parser could accept, with the rules it was reached through."""

    token_type: int
    rules: tuple[str, ...]
    next_rule: str | None


@dataclass(frozen=True, slots=True)
class _Item:
    state: Any
    follow: tuple[Any, ...]
    ctx: Any
    rules: tuple[str, ...]


def expectations(parser: Any, state: int, ctx: Any) -> list[Expectation]:
    """Every token the parser could match in ATN `state` with rule context `ctx`."""
    atn = parser._interp.atn
    start = _Item(atn.states[state], (), ctx, _ctx_rules(parser, ctx))
    found: dict[tuple[int, tuple[str, ...]], Expectation] = {}
    queue: deque[_Item] = deque([start])
    seen: set[tuple[int, tuple[int, ...], int]] = set()
    steps = 0
    while queue and steps < MAX_STEPS:
        steps += 1
        item = queue.popleft()
        key = (item.state.stateNumber, tuple(s.stateNumber for s in item.follow), id(item.ctx))
        if key in seen:
            continue
        seen.add(key)
        if isinstance(item.state, RuleStopState):
            queue.extend(_return(atn, item))
            continue
        for t in item.state.transitions:
            queue.extend(_step(parser, t, item, found))
    return list(found.values())


def _step(parser: Any, t: Any, item: _Item, found: dict[Any, Expectation]) -> list[_Item]:
    """Follow one transition: record the tokens it matches, or return the states it leads to."""
    if isinstance(t, RuleTransition):
        name = parser.ruleNames[t.target.ruleIndex]
        return [_Item(t.target, (*item.follow, t.followState), item.ctx, (*item.rules, name))]
    if t.isEpsilon:
        return [_Item(t.target, item.follow, item.ctx, item.rules)]
    if isinstance(t, (NotSetTransition, WildcardTransition)):
        return []
    if t.label is None:
        return []
    after = next_rule(parser, t.target)
    for token_type in t.label:
        found.setdefault((token_type, item.rules), Expectation(token_type, item.rules, after))
    return []


def _return(atn: Any, item: _Item) -> list[_Item]:
    """Leave a rule: back to the caller entered during the walk, or to the parser's caller."""
    if item.follow:
        return [_Item(item.follow[-1], item.follow[:-1], item.ctx, item.rules[:-1])]
    ctx = item.ctx
    if ctx is None or ctx.invokingState < 0:
        return []
    follow = atn.states[ctx.invokingState].transitions[0].followState
    return [_Item(follow, (), ctx.parentCtx, item.rules[:-1])]


def next_rule(parser: Any, state: Any) -> str | None:
    """The first rule called after `state` within the same rule, if any (e.g. after `as`)."""
    queue: deque[Any] = deque([state])
    seen: set[int] = set()
    while queue:
        s = queue.popleft()
        if s.stateNumber in seen or isinstance(s, RuleStopState):
            continue
        seen.add(s.stateNumber)
        for t in s.transitions:
            if isinstance(t, RuleTransition):
                return str(parser.ruleNames[t.target.ruleIndex])
            if t.isEpsilon:
                queue.append(t.target)
    return None


def _ctx_rules(parser: Any, ctx: Any) -> tuple[str, ...]:
    """Rule names of the parser's context chain, outermost first."""
    names: list[str] = []
    while ctx is not None:
        names.append(parser.ruleNames[ctx.getRuleIndex()])
        ctx = ctx.parentCtx
    return tuple(reversed(names))
