"""Hyperband's schedule equals Apache MADlib's (``madlib_keras_automl_hyperband.py_in``)."""

from __future__ import annotations

import math

import pytest

from mlsql.engine.training.plans.hyperband import (
    ScheduleError,
    check_schedule,
    hyperband_schedule,
    integer_log,
)

MADLIB_81_3_0 = [
    (4, 0, 81, 1), (4, 1, 27, 3), (4, 2, 9, 9), (4, 3, 3, 27), (4, 4, 1, 81),
    (3, 0, 27, 3), (3, 1, 9, 9), (3, 2, 3, 27), (3, 3, 1, 81),
    (2, 0, 9, 9), (2, 1, 3, 27), (2, 2, 1, 81),
    (1, 0, 6, 27), (1, 1, 2, 81),
    (0, 0, 5, 81),
]  # fmt: skip


def madlib_schedule(R: int, eta: int, skip_last: int) -> list[tuple[int, int, int, int]]:
    """MADlib's HyperbandSchedule.calculate_schedule, transcribed (its floating-point log)."""
    s_max = int(math.floor(math.log(R, eta)))
    rows = []
    for s in reversed(range(s_max + 1)):
        n = int(math.ceil(int((s_max + 1) / (s + 1)) * math.pow(eta, s)))
        r = R * math.pow(eta, -s)
        for i in range((s + 1) - int(skip_last)):
            rows.append((s, i, int(n * math.pow(eta, -i)), int(round(r * math.pow(eta, i)))))
    return rows


def test_documented_81_3_0_is_madlibs_15_rows() -> None:
    rows = [(r.s, r.i, r.n_i, r.r_i) for r in hyperband_schedule(81, 3, 0)]
    assert rows == MADLIB_81_3_0


@pytest.mark.parametrize(
    ("R", "eta", "skip_last"),
    [(81, 3, 0), (81, 3, 1), (81, 3, 4), (27, 3, 0), (6, 3, 0), (100, 4, 2), (64, 2, 3),
     (10, 2, 0), (50, 5, 1), (30, 3, 2), (9, 3, 1)],
)  # fmt: skip
def test_schedule_equals_madlib(R: int, eta: int, skip_last: int) -> None:
    rows = [(r.s, r.i, r.n_i, r.r_i) for r in hyperband_schedule(R, eta, skip_last)]
    assert rows == madlib_schedule(R, eta, skip_last)


def test_integer_log_where_floating_point_is_off() -> None:
    assert math.floor(math.log(243, 3)) == 4  # what MADlib's math.log gives
    assert integer_log(243, 3) == 5
    assert hyperband_schedule(243, 3, 0)[0] == hyperband_schedule(243, 3, 0)[0].__class__(
        5, 0, 243, 1
    )
    assert [integer_log(v, 2) for v in (2, 3, 4, 7, 8, 1000)] == [1, 1, 2, 2, 3, 9]


@pytest.mark.parametrize(
    ("R", "eta", "skip_last", "key", "text"),
    [
        (2, 3, 0, "R", "must not be less than eta"),
        (9, 1, 0, "eta", "greater than 1"),
        (9, 0, 0, "eta", "greater than 1"),
        (9, 3, 3, "skip_last", "at most 2"),
        (9, 3, -1, "skip_last", "non-negative"),
    ],
)
def test_bad_schedules(R: int, eta: int, skip_last: int, key: str, text: str) -> None:
    with pytest.raises(ScheduleError, match=text) as info:
        check_schedule(R, eta, skip_last)
    assert info.value.key == key
