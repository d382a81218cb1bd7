"""Issue 19.8 (README): `--set` does not override a plain `set` in the script; only a
`defaultParam` set yields to a value given from outside (MLSQL's rule)."""

from __future__ import annotations


def test_plain_set_wins_over_a_value_from_outside(run) -> None:
    result = run('set day = "in-script";\nselect "${day}" as d as t;', variables={"day": "cli"})
    assert result.rows() == [{"d": "in-script"}]


def test_default_param_yields_to_a_value_from_outside(run) -> None:
    text = 'set day = "default" options type="defaultParam";\nselect "${day}" as d as t;'
    assert run(text).rows() == [{"d": "default"}]
    assert run(text, variables={"day": "cli"}).rows() == [{"d": "cli"}]
