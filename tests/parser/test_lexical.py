"""Lexical details: case-insensitive keywords, comments, every string kind, names and variables."""

from __future__ import annotations

import pytest

from mlsql.parser import ast, parse


def only(text: str) -> ast.Statement:
    """The single statement of `text`."""
    (stmt,) = parse(text).statements
    return stmt


def option_values(text: str) -> dict[str, str]:
    """The options of the single statement of `text`."""
    return ast.options_dict(only(text).options)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "load csv.`a` options header='true' as t",
        "LOAD csv.`a` OPTIONS header='true' AS t",
        "Load csv.`a` Options header='true' As t",
        "lOaD csv.`a` WHERE header='true' aS t",
    ],
)
def test_keywords_are_case_insensitive(text: str) -> None:
    expected = ast.LoadStatement(
        format="csv", path="a", options=(ast.Option(key="header", value="true"),), table="t"
    )
    assert only(text) == expected


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("SAVE OVERWRITE t AS json.`o`", "overwrite"),
        ("save ErrorIfExists t as json.`o`", "errorIfExists"),
    ],
)
def test_save_modes_are_normalised(text: str, mode: str) -> None:
    assert only(text).mode == mode  # type: ignore[attr-defined]


def test_partitionby_any_case() -> None:
    stmt = only("save t as json.`o` PARTITIONBY a, b")
    assert stmt.partition_by == ("a", "b")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT 1 AS t", "select"),
        ("TRAIN d AS RF.`m`", "train"),
        ("Register RF.`m` AS f", "register"),
    ],
)
def test_statement_verbs_any_case(text: str, kind: str) -> None:
    assert only(text).kind == kind


def test_names_keep_their_case() -> None:
    stmt = only("LOAD CSV.`A` AS MyTable")
    assert (stmt.format, stmt.table) == ("CSV", "MyTable")  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["train", "load", "options", "partitionBy", "overwrite", "into"])
def test_keywords_can_be_names(name: str) -> None:
    assert only(f"load csv.`a` options {name}='1' as {name}").table == name  # type: ignore[attr-defined]


def test_comments_are_skipped_everywhere() -> None:
    text = """-- header
    load /* format: */ csv.`a` -- the path
      options /* first */ header = "true" -- why
      and sep = "," /* multi
      line */ as t; -- after
    /* between */
    save t as json.`o`  -- no semicolon at the end"""
    load, save = parse(text).statements
    assert load == ast.LoadStatement(
        format="csv",
        path="a",
        options=(ast.Option(key="header", value="true"), ast.Option(key="sep", value=",")),
        table="t",
    )
    assert save == ast.SaveStatement(table="t", format="json", path="o")


def test_comment_markers_inside_strings_are_text() -> None:
    assert option_values("load csv.`a` options x='-- no' and y=\"/* no */\" as t") == {
        "x": "-- no",
        "y": "/* no */",
    }


def test_select_keeps_its_comments_verbatim() -> None:
    stmt = only("select a -- one\n, b /* two */ from t as out")
    assert stmt.sql == "select a -- one\n, b /* two */ from t"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ('"double"', "double"),
        ("'single'", "single"),
        ('""', ""),
        ("''", ""),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'it\'s'", "it's"),
        (r'"keep \n and \d"', r"keep \n and \d"),
        (r"'no \" change'", r"no \" change"),
        ("'''block'''", "block"),
        ("'''multi\n  line \"x\" 'y' \\n'''", "multi\n  line \"x\" 'y' \\n"),
        ("''''''", ""),
        ('"${var} in string"', "${var} in string"),
        ("'semi;colon'", "semi;colon"),
    ],
)
def test_string_kinds(literal: str, value: str) -> None:
    assert option_values(f"load csv.`a` options k={literal} as t") == {"k": value}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("header", "header"),
        ("fitParam.0.maxDepth", "fitParam.0.maxDepth"),
        ("`driver-statement-0`", "driver-statement-0"),
        ("`kafka.bootstrap.servers`", "kafka.bootstrap.servers"),
        ("kafkaParam.`group-id`", "kafkaParam.group-id"),
        ("`a``b`", "a`b"),
    ],
)
def test_option_keys(key: str, expected: str) -> None:
    assert list(option_values(f"load csv.`a` options {key}='v' as t")) == [expected]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("`/data/a b.csv`", "/data/a b.csv"),
        ("``", ""),
        ("`a``b`", "a`b"),
        ("`/data/${day}/*.csv`", "/data/${day}/*.csv"),
        ("'/quoted'", "/quoted"),
        ('"/double"', "/double"),
        ("${path}", "${path}"),
    ],
)
def test_paths(path: str, expected: str) -> None:
    assert only(f"load csv.{path} as t").path == expected  # type: ignore[attr-defined]


def test_unicode_names() -> None:
    stmt = only("load csv.`/数据/a.csv` as 表一")
    assert (stmt.path, stmt.table) == ("/数据/a.csv", "表一")  # type: ignore[attr-defined]


def test_windows_line_endings() -> None:
    script = parse("load csv.`a` as t;\r\nselect * from t\r\nas u;\r\n")
    assert [s.kind for s in script.statements] == ["load", "select"]
    assert script.statements[1].sql == "select * from t"  # type: ignore[attr-defined]


def test_select_drops_comments_between_the_query_and_its_table() -> None:
    stmt = only("select a /* keep */ from t -- drop\n /* drop */ as out")
    assert stmt.sql == "select a /* keep */ from t"  # type: ignore[attr-defined]


def test_select_without_a_query_body() -> None:
    assert only("select as t").sql == "select"  # type: ignore[attr-defined]
