"""Syntax errors: plain-words messages, positions, snippets, and every error of a script."""

from __future__ import annotations

import re

import pytest

from mlsql.errors import ErrorDetail, MLSQLError, ScriptSyntaxError
from mlsql.parser import check, parse

RAW_ANTLR = re.compile(r"<EOF>|\{'|[A-Z]{2,}_[A-Z]+|mismatched|extraneous|no viable|expecting")

# (script, message, line, column, offending)
CASES = [
    (
        'load csv.`/a` header="true" as t;',
        "expected 'as <table>', 'options' or 'where' after the load path, found 'header'",
        1,
        14,
        "header",
    ),
    (
        "load csv.`/a`",
        "unexpected end of script: the load statement needs 'as <table>'",
        1,
        13,
        None,
    ),
    (
        "selec * from t as x;",
        "unknown statement 'selec' (did you mean 'select'?); expected one of load, save, select, "
        "insert, create, drop, refresh, set, connect, train, run, predict, evaluate, register, "
        "unregister, include or !command",
        1,
        0,
        "selec",
    ),
    ("select 1 from t;", "the select statement must end with 'as <table>'", 1, 15, ";"),
    (
        "load csv.`a` as t\nload csv.`b` as u;",
        "expected ';' after the table name, found 'load' (is a ';' missing before it?)",
        2,
        0,
        "load",
    ),
    (
        "save t as json.`/x` options a=1;",
        "expected a quoted value after '=', found '1' (option values are quoted: \"1\")",
        1,
        30,
        "1",
    ),
    ("load csv as t;", "expected '.`<path>`' after the format name, found 'as'", 1, 9, "as"),
    (
        'train t as RF.`/m` where a="1" b="2";',
        "expected 'and', 'as <table>' or ';' after the option value, found 'b'",
        1,
        31,
        "b",
    ),
    (
        "register RF.`/m`;",
        "expected 'as <function>' after the register path, found ';'",
        1,
        16,
        ";",
    ),
    (
        "connect jdbc where url='x';",
        "expected 'and' or 'as <name>' after the option value, found ';'",
        1,
        26,
        ";",
    ),
    ("set a = ;", "expected a value after '=', found ';'", 1, 8, ";"),
    (
        "save t as json.`o` partitionBy ;",
        "expected a column name after 'partitionBy', found ';'",
        1,
        31,
        ";",
    ),
    ("! show tables;", "a command needs its name right after '!', e.g. '!show tables'", 1, 0, "!"),
    (
        "load csv.`/a as t;",
        "unterminated back-quoted name or path: the closing ` is missing",
        1,
        9,
        "`",
    ),
    (
        'load csv.`a` options k="x as t;',
        'unterminated string: the closing " is missing',
        1,
        23,
        '"',
    ),
    (
        "load csv.`a` options k='x as t;",
        "unterminated string: the closing ' is missing",
        1,
        23,
        "'",
    ),
    ("set a = '''abc;\nmore", "unterminated block string: the closing ''' is missing", 1, 8, "'''"),
    ("select 1 as t; /* comment\n", "unterminated comment: the closing */ is missing", 1, 15, "/*"),
]


@pytest.mark.parametrize(
    ("text", "message", "line", "column", "offending"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_error_message(
    text: str, message: str, line: int, column: int, offending: str | None
) -> None:
    (detail,) = check(text, "x.mlsql")
    assert detail.message == message
    assert (detail.line, detail.column, detail.offending) == (line, column, offending)
    assert detail.source == "x.mlsql"
    assert not RAW_ANTLR.search(detail.message)


def test_carets_underline_the_whole_token() -> None:
    (detail,) = check("load csv.`/a` header='true' as t;")
    assert detail.snippet == (
        "   1 | load csv.`/a` header='true' as t;\n                     ^^^^^^"
    )


def test_unterminated_string_is_underlined_to_the_end_of_its_line() -> None:
    (detail,) = check('set a = "abc\nnext line')
    assert detail.snippet.splitlines()[1].strip() == "^^^^"


def test_end_of_script_points_after_the_last_token() -> None:
    (detail,) = check("load csv.`a`\n  -- trailing comment\n")
    assert (detail.line, detail.column) == (1, 12)
    assert detail.snippet.endswith("^")


def test_several_errors_are_all_reported() -> None:
    text = "\n".join(
        [
            "load csv.`/a` as t;",
            "selec 1 as b;",
            "save t as json.`/x` options a=1;",
            "select 2 as ok;",
            "train t as;",
            "foo bar; set x = '''unclosed",
        ]
    )
    details = check(text)
    assert [(d.line, d.column) for d in details] == [(2, 0), (3, 30), (5, 10), (6, 0), (6, 17)]
    assert details[0].message.startswith("unknown statement 'selec'")
    assert details[2].message == "expected an algorithm name after 'as', found ';'"
    assert details[4].message.startswith("unterminated block string")


def test_one_error_per_statement() -> None:
    details = check("set = 1;")
    assert [d.message for d in details] == ["expected a variable name after 'set', found '='"]


def test_parse_raises_script_syntax_error_with_every_detail() -> None:
    with pytest.raises(ScriptSyntaxError) as info:
        parse("load csv.`a` as t;\nselec 1 as b;\nlode x;", "s.mlsql")
    err = info.value
    assert isinstance(err, MLSQLError) and err.code == "syntax"
    assert err.message == "2 syntax errors"
    assert (err.line, err.column) == (2, 0)
    assert len(err.details) == 2 and all(isinstance(d, ErrorDetail) for d in err.details)
    rendered = err.render()
    assert rendered.startswith("syntax error:\ns.mlsql:2:1: unknown statement 'selec'")
    assert "s.mlsql:3:1: unknown statement 'lode' (did you mean 'load'?)" in rendered
    assert err.to_dict()["errors"][1]["line"] == 3


def test_single_error_message_is_the_detail() -> None:
    with pytest.raises(ScriptSyntaxError) as info:
        parse("load csv.`a` as;")
    assert info.value.message == "expected a table name after 'as', found ';'"
    assert info.value.span is not None and info.value.span.column == 15


def test_check_of_a_valid_script_is_empty() -> None:
    assert check("load csv.`a` as t; select * from t as u") == []
