"""Golden scripts parse into their committed JSON (`UPDATE_GOLDEN=1` or `--update-golden` rewrites it)."""

from __future__ import annotations

import json

import pytest

from mlsql.parser import ast, parse
from tests.parser.golden_files import GoldenCase, actual_json, dump, load_cases

CASES = load_cases()
OK_CASES = [c for c in CASES if not c.expects_error]
ERROR_KINDS = {
    "unknown-statement",
    "missing-token",
    "unexpected-end",
    "unquoted-value",
    "missing-semicolon",
    "select-without-table",
    "command-name",
    "unterminated-string",
    "unterminated-block-string",
    "unterminated-backquote",
    "unterminated-comment",
    "several",
}


def ids(cases: list[GoldenCase]) -> list[str]:
    """Test ids: the scripts' names."""
    return [c.script.stem for c in cases]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_golden(case: GoldenCase, update_golden: bool) -> None:
    actual = actual_json(case)
    assert ("errors" in actual) == case.expects_error, dump(actual)
    if update_golden:
        case.expected_path.write_text(dump(actual), encoding="utf-8")
        return
    assert case.expected_path.exists(), (
        f"{case.expected_path.name} missing: run with UPDATE_GOLDEN=1"
    )
    expected = json.loads(case.expected_path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("case", OK_CASES, ids=ids(OK_CASES))
def test_every_golden_node_has_a_span(case: GoldenCase) -> None:
    script = parse(case.text, case.script.name)
    for node in ast.walk(script):
        assert node.span is not None, f"{type(node).__name__} without a span"
        assert node.span.source == case.script.name
        assert 0 <= node.span.start <= node.span.stop <= len(case.text)
    for stmt in script.statements:
        assert stmt.span is not None
        assert case.text[stmt.span.start : stmt.span.stop] == stmt.text


def test_golden_errors_cover_every_error_kind() -> None:
    covered = {c.meta.get("error-kind") for c in CASES if c.expects_error}
    assert covered >= ERROR_KINDS


def test_golden_several_errors_reports_them_all() -> None:
    (case,) = [c for c in CASES if c.meta.get("error-kind") == "several"]
    lines = [e["line"] for e in actual_json(case)["errors"]]
    assert lines == [5, 6, 8, 9, 10]


def test_no_stray_golden_json() -> None:
    scripts = {c.script.stem for c in CASES}
    stray = [p.name for p in CASES[0].script.parent.glob("*.json") if p.stem not in scripts]
    assert stray == []
