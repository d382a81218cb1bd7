"""Search spaces in MADlib's notation."""

from __future__ import annotations

import numpy as np
import pytest

from mlsql.models.search_space import Choice, Range, SearchSpace, SpaceError, parse_dimension


def test_choice_and_ranges() -> None:
    assert parse_dimension("max_features", "['sqrt', 'log2']") == Choice(
        "max_features", ("sqrt", "log2")
    )
    depth = parse_dimension("maxDepth", "[2, 16, 'linear']")
    assert depth == Range("maxDepth", 2.0, 16.0, "linear", integer=True)
    rate = parse_dimension("lr", "[0.0001, 0.1, 'log']")
    assert isinstance(rate, Range) and not rate.integer
    assert parse_dimension("n", "[1, 2, 3]") == Choice("n", (1, 2, 3))
    assert parse_dimension("b", "[True, None]") == Choice("b", (True, None))


def test_samples_stay_in_range_on_their_axis() -> None:
    rng = np.random.default_rng(0)
    depth = parse_dimension("maxDepth", "[2, 16, 'linear']")
    values = [depth.sample(rng) for _ in range(300)]
    assert all(isinstance(v, int) and 2 <= v <= 16 for v in values)
    assert set(values) == set(range(2, 17))
    log = parse_dimension("lr", "[0.0001, 0.1, 'log']")
    logs = np.log10([log.sample(rng) for _ in range(2000)])
    assert logs.min() >= -4 and logs.max() <= -1
    assert abs(np.median(logs) + 2.5) < 0.15  # uniform in log10, not in value
    near = parse_dimension("momentum", "[0.9, 0.999, 'log_near_one']")
    values = np.array([near.sample(rng) for _ in range(2000)])
    assert values.min() >= 0.9 and values.max() <= 0.999
    assert abs(np.median(np.log10(1 - values)) + 2) < 0.15  # MADlib: 1 - 10**U(-3, -1)


def test_decode_hyperopt_values() -> None:
    space = SearchSpace(
        (
            parse_dimension("maxDepth", "[2, 16, 'linear']"),
            parse_dimension("max_features", "['sqrt', 'log2']"),
        )
    )
    assert space.decode({"maxDepth": [7.6], "max_features": [1]}) == {
        "maxDepth": 8,
        "max_features": "log2",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "non-empty list"),
        ("5", "non-empty list"),
        ("[2, 16", "must be a list"),
        ("[16, 2, 'linear']", "must exceed"),
        ("[2, 16, 'cubic']", "scale must be one of"),
        ("[2, 16, 20, 'linear']", "exactly 3 elements"),
        ("[0, 1, 'log']", "positive lower bound"),
        ("[0.5, 1.5, 'log_near_one']", "within"),
    ],
)
def test_malformed_spaces(text: str, message: str) -> None:
    with pytest.raises(SpaceError, match=message):
        parse_dimension("p", text)
