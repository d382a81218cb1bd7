"""Spans and statement text: every node knows where it came from."""

from __future__ import annotations

from mlsql.parser import ast, parse

SCRIPT = """-- a script
load csv.`/a.csv`
  options header="true"
  and `x-y`='''multi
line''' as a;
select * from a as b;  !show tables
"""


def test_statement_spans_and_text() -> None:
    load, select, command = parse(SCRIPT, "s.mlsql").statements
    assert load.span is not None
    assert (load.span.line, load.span.column, load.span.end_line) == (2, 0, 5)
    assert load.text.startswith("load csv.`/a.csv`") and load.text.endswith("as a")
    assert select.text == "select * from a as b"
    assert select.span is not None and (select.span.line, select.span.column) == (6, 0)
    assert command.text == "!show tables"
    assert command.span is not None and (command.span.line, command.span.column) == (6, 23)


def test_span_offsets_slice_the_text() -> None:
    script = parse(SCRIPT, "s.mlsql")
    for stmt in script.statements:
        assert stmt.span is not None
        assert SCRIPT[stmt.span.start : stmt.span.stop] == stmt.text
        assert stmt.span.source == "s.mlsql"


def test_option_spans() -> None:
    load = parse(SCRIPT).statements[0]
    assert isinstance(load, ast.LoadStatement)
    first, second = load.options
    assert first.span is not None and second.span is not None
    assert SCRIPT[first.span.start : first.span.stop] == 'header="true"'
    assert SCRIPT[second.span.start : second.span.stop] == "`x-y`='''multi\nline'''"
    assert (second.span.line, second.span.end_line, second.span.end_column) == (4, 5, 7)


def test_every_node_has_a_span() -> None:
    script = parse(SCRIPT)
    nodes = ast.walk(script)
    assert len(nodes) == 1 + 3 + 2
    assert all(n.span is not None for n in nodes)


def test_script_span_and_source() -> None:
    script = parse(SCRIPT, "s.mlsql")
    assert script.source == "s.mlsql"
    assert script.span is not None
    assert (script.span.start, script.span.stop) == (0, len(SCRIPT))


def test_spans_do_not_affect_equality() -> None:
    assert parse("load csv.`a` as t") == parse("\n\n   load   csv.`a`   as   t  ;")
