"""Issue 19.11: columns are 1-based in every face; an unterminated string is reported where it
opens, not where a later quote happens to close it."""

from __future__ import annotations

import pytest

from mlsql.errors import ScriptSyntaxError
from mlsql.parser import check, parse
from mlsql.parser.ast import to_json


def test_rendered_and_json_columns_are_both_1_based() -> None:
    with pytest.raises(ScriptSyntaxError) as info:
        parse("select 1 as a as t;\nload csv.`/tmp/x` as ;", "s.mlsql")
    err = info.value
    # `;` is the 22nd character of line 2
    assert "s.mlsql:2:22:" in err.render()
    as_json = err.to_dict()
    assert (as_json["line"], as_json["column"]) == (2, 22)
    assert (as_json["errors"][0]["line"], as_json["errors"][0]["column"]) == (2, 22)


def test_analyze_positions_are_1_based() -> None:
    script = parse("select 1 as a as t;\n  load csv.`/x` as u;")
    positions = [to_json(s)["position"] for s in script.statements]
    assert positions == [{"line": 1, "column": 1}, {"line": 2, "column": 3}]


@pytest.mark.parametrize(
    ("text", "line", "column", "quote"),
    [
        ('set a = "hello;\nselect "x" as b as t;\nselect 1 as c as u;', 1, 8, '"'),
        ("select 1 as a as t;\nselect 'it is from t as u;\nselect 'b' as c as v;", 2, 7, "'"),
        ('load csv.`/x` where header="true as t;\nselect "a" as q as r;', 1, 27, '"'),
    ],
)
def test_unterminated_string_is_reported_where_it_opens(
    text: str, line: int, column: int, quote: str
) -> None:
    details = check(text)
    assert len(details) == 1, [d.render() for d in details]
    (detail,) = details
    assert detail.message.startswith(f"unterminated string: the closing {quote} is missing")
    assert (detail.line, detail.column) == (line, column)
    assert f"<script>:{line}:{column + 1}:" in detail.render()


def test_multi_line_string_without_errors_is_fine() -> None:
    assert check('set a = "two\nlines";\nselect 1 as a as t;') == []


def test_errors_before_a_runaway_string_are_kept() -> None:
    details = check('selec 1;\nset a = "open;\nselect "x" as b as t;')
    assert [(d.line, d.column) for d in details] == [(1, 0), (2, 8)]
    assert details[1].message.startswith("unterminated string")
