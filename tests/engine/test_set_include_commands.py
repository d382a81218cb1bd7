"""set (every type), variable substitution, include, connect and the !commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mlsql.errors import AnalysisError, SecurityError


def test_text_variables_substitute_in_sql_paths_and_options(run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n2\n3\n")
    result = run(
        f"""set dir = "{tmp_path}";
        set limit = 2;
        load csv.`${{dir}}/a.csv` options header="${{header}}" as a;
        select cast(x as int) as x from a where x <= ${{limit}} as b;""",
        variables={"header": "true"},
    )
    assert [r["x"] for r in result.rows()] == [1, 2]


def test_builtin_dates(run) -> None:
    result = run("select '${today}' as t, '${yesterday}' as y as d;")
    today = dt.date.today()
    assert result.rows() == [
        {"t": today.isoformat(), "y": (today - dt.timedelta(days=1)).isoformat()}
    ]


def test_undefined_variable_is_named(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("set a = 1;\nselect ${nope} as x as t;")
    assert "nope" in info.value.message and info.value.line == 2


def test_default_param_does_not_override(run) -> None:
    script = 'set k = "script" options type="defaultParam"; select "${k}" as k as t;'
    assert run(script, variables={"k": "cli"}).rows() == [{"k": "cli"}]
    assert run(script.replace("k =", "k2 =").replace("${k}", "${k2}")).rows() == [{"k": "script"}]


def test_sql_and_conf_types(run, session) -> None:
    result = run(
        """set n = "select count(*) from range(7)" options type="sql";
        set spark.sql.shuffle.partitions = "3" options type="conf";
        select ${n} as n as t;"""
    )
    assert result.rows() == [{"n": 7}]
    assert session.spark.conf.get("spark.sql.shuffle.partitions") == "3"


def test_shell_refused_by_default(run) -> None:
    with pytest.raises(SecurityError) as info:
        run('set who = "id -u" options type="shell";')
    assert "allow_shell_set" in info.value.render()


def test_include_relative_and_nested(engine, session, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "inner.mlsql").write_text("select 41 + 1 as answer as inner_t;")
    (lib / "outer.mlsql").write_text("include file.`inner.mlsql`;\nset from_outer = 'yes';")
    main = tmp_path / "main.mlsql"
    main.write_text(
        "include file.`lib/outer.mlsql`;\nselect answer, '${from_outer}' as o from inner_t as r;"
    )
    result = engine.run_file(main, session=session)
    assert result.rows() == [{"answer": 42, "o": "yes"}]


def test_include_cycle_is_reported(engine, session, tmp_path: Path) -> None:
    (tmp_path / "a.mlsql").write_text("include file.`b.mlsql`;")
    (tmp_path / "b.mlsql").write_text("select 1 as x as t;\ninclude file.`a.mlsql`;")
    with pytest.raises(AnalysisError) as info:
        engine.run_file(tmp_path / "a.mlsql", session=session)
    assert "include cycle" in info.value.message
    assert "a.mlsql -> " in info.value.message and info.value.line == 2


def test_show_tables_and_desc(run) -> None:
    run("select 1 as id, 'x' as label as my_view;")
    tables = run("!show tables;").rows()
    assert {
        "name": "my_view",
        "database": "",
        "tableType": "TEMPORARY",
        "isTemporary": True,
    } in tables
    desc = run("!desc my_view;").rows()
    assert desc == [
        {"col_name": "id", "data_type": "int", "nullable": False},
        {"col_name": "label", "data_type": "string", "nullable": False},
    ]


def test_unknown_command(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("!frobnicate now;")
    assert "!frobnicate" in info.value.message and "!show" in info.value.message


def test_sessions_do_not_share_views(engine) -> None:
    one, two = engine.session("iso-one", fresh=True), engine.session("iso-two", fresh=True)
    engine.run("select 1 as x as private_view;", session=one)
    with pytest.raises(AnalysisError):
        engine.run("select * from private_view as t;", session=two)


def test_analyze_returns_statements_without_running(engine, tmp_path: Path) -> None:
    statements = engine.analyze(
        f"load csv.`{tmp_path}/missing.csv` as a;\nsave overwrite a as json.`/x`;"
    )
    assert [s["kind"] for s in statements] == ["load", "save"]
    assert statements[0]["table"] == "a" and statements[1]["mode"] == "overwrite"
    assert statements[1]["position"]["line"] == 2
