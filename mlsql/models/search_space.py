"""Search spaces in MADlib's notation, from a train statement's ``space.<param>`` options.

MADlib (``madlib_keras_model_selection``, ``madlib_keras_automl_hyperopt``) writes a parameter's
space as a Python list:

- ``[a, b, c]``: a choice among the values (numbers, strings, booleans, None);
- ``[lo, hi, 'linear' | 'log' | 'log_near_one']``: a range with ``lo < hi``: uniform, uniform
  in log10 (``lo > 0``), or ``1 - 10**U(log10(1-hi), log10(1-lo))`` for values near one
  (``hi < 1``), as MADlib samples them. When both bounds are integers the sampled value is
  rounded to an integer (``maxDepth``, ``numTrees``); MADlib only has float ranges.

A ``SearchSpace`` samples configurations with a seeded generator (Hyperband's random search)
and converts itself to a ``hyperopt`` space (Hyperopt's TPE/rand). Values reach the worker as
option strings, like any ``where`` value.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

SCALES = ("linear", "log", "log_near_one")


class SpaceError(ValueError):
    """A malformed space (the caller turns it into an AnalysisError at the option)."""


@dataclass(frozen=True)
class Choice:
    """``[a, b, c]``: one of the values."""

    name: str
    values: tuple[Any, ...]

    def sample(self, rng: np.random.Generator) -> Any:
        """One value, uniformly."""
        return self.values[int(rng.integers(len(self.values)))]

    def hyperopt(self) -> Any:
        """The ``hp.choice`` expression."""
        from hyperopt import hp

        return hp.choice(self.name, list(self.values))


@dataclass(frozen=True)
class Range:
    """``[lo, hi, scale]``: a value between the bounds (an integer when both bounds are)."""

    name: str
    low: float
    high: float
    scale: str
    integer: bool = False

    def value(self, u: float) -> Any:
        """The value at `u` in [0, 1] of the range's own (linear, log, near-one) axis."""
        if self.scale == "log":
            a, b = math.log10(self.low), math.log10(self.high)
            raw = 10 ** (a + u * (b - a))
        elif self.scale == "log_near_one":
            a, b = math.log10(1.0 - self.high), math.log10(1.0 - self.low)
            raw = 1.0 - 10 ** (a + u * (b - a))
        else:
            raw = self.low + u * (self.high - self.low)
        return self._finish(raw)

    def _finish(self, raw: float) -> Any:
        if self.integer:
            return int(min(self.high, max(self.low, round(raw))))
        return float(raw)

    def sample(self, rng: np.random.Generator) -> Any:
        """One value, uniform on the range's axis."""
        return self.value(float(rng.uniform()))

    def hyperopt(self) -> Any:
        """The hyperopt expression: ``uniform``/``loguniform`` (near-one: on ``log10(1-x)``)."""
        from hyperopt import hp

        if self.scale == "log":
            return hp.loguniform(self.name, math.log(self.low), math.log(self.high))
        if self.scale == "log_near_one":
            a, b = math.log10(1.0 - self.high), math.log10(1.0 - self.low)
            return hp.uniform(self.name, a, b)
        return hp.uniform(self.name, self.low, self.high)

    def from_hyperopt(self, raw: float) -> Any:
        """The parameter value of a sampled hyperopt number."""
        if self.scale == "log_near_one":
            return self._finish(1.0 - 10**raw)
        return self._finish(raw)


Dimension = Choice | Range


def parse_dimension(name: str, text: str) -> Dimension:
    """One parameter's space from its MADlib-notation text.

    Raises:
        SpaceError: Not a list, empty, or a malformed range.
    """
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError) as exc:
        raise SpaceError(
            f"space of {name!r} must be a list such as [2, 16, 'linear'] or ['sqrt', 'log2'], "
            f"not {text!r}"
        ) from exc
    if not isinstance(value, list | tuple) or not value:
        raise SpaceError(f"space of {name!r} must be a non-empty list, not {text!r}")
    values = tuple(value)
    if _looks_like_range(values):
        return _range(name, values)
    return Choice(name, values)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _looks_like_range(values: tuple[Any, ...]) -> bool:
    """MADlib's test: the last element is a string and no other element is one."""
    return (
        len(values) > 1
        and isinstance(values[-1], str)
        and all(not isinstance(v, str) for v in values[:-1])
    )


def _range(name: str, values: tuple[Any, ...]) -> Range:
    if len(values) != 3 or not all(_number(v) for v in values[:2]):
        raise SpaceError(
            f"space of {name!r}: a range has exactly 3 elements [lower, upper, scale], "
            f"got {list(values)!r}"
        )
    low, high, scale = values
    if scale not in SCALES:
        raise SpaceError(
            f"space of {name!r}: scale must be one of {', '.join(SCALES)}, not {scale!r}"
        )
    if not high > low:
        raise SpaceError(f"space of {name!r}: the upper bound {high} must exceed the lower {low}")
    if scale == "log" and low <= 0:
        raise SpaceError(f"space of {name!r}: a 'log' range needs a positive lower bound")
    if scale == "log_near_one" and not (low >= 0 and high < 1):
        raise SpaceError(f"space of {name!r}: a 'log_near_one' range lies within [0, 1)")
    integer = isinstance(low, int) and isinstance(high, int) and scale != "log_near_one"
    return Range(name, float(low), float(high), scale, integer)


@dataclass(frozen=True)
class SearchSpace:
    """The dimensions of one search, by parameter name (in the script's order)."""

    dimensions: tuple[Dimension, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names."""
        return tuple(d.name for d in self.dimensions)

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """One random configuration."""
        return {d.name: d.sample(rng) for d in self.dimensions}

    def hyperopt(self) -> dict[str, Any]:
        """The hyperopt space (a dict of expressions)."""
        return {d.name: d.hyperopt() for d in self.dimensions}

    def decode(self, vals: Mapping[str, list[Any]]) -> dict[str, Any]:
        """Parameter values from a hyperopt trial's ``misc.vals`` (choice indices, numbers)."""
        out: dict[str, Any] = {}
        for d in self.dimensions:
            raw = vals[d.name][0]
            out[d.name] = d.values[int(raw)] if isinstance(d, Choice) else d.from_hyperopt(raw)
        return out


def option_text(value: Any) -> str:
    """A sampled value as a ``where`` option string (what the worker parses)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "None"
    if isinstance(value, float):
        return repr(value)
    return str(value)
