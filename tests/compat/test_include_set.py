"""`include hdfs.`…`` / `include local.`…`` and Byzer's `set` resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsql.errors import AnalysisError, ExecutionError


def test_include_hdfs_reads_through_hadoop_file_system(run, tmp_path: Path) -> None:
    (tmp_path / "lib.mlsql").write_text("select 41 + 1 as answer as from_lib;")
    result = run(
        f"include hdfs.`file://{tmp_path}/lib.mlsql`;\nselect answer from from_lib as out;"
    )
    assert result.rows() == [{"answer": 42}]


def test_include_hdfs_plain_local_path_and_nested_relative(engine, session, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "inner.mlsql").write_text("select 'in' as w as inner_t;")
    (lib / "outer.mlsql").write_text("include local.`inner.mlsql`;")
    main = tmp_path / "main.mlsql"
    main.write_text(f"include hdfs.`{lib}/outer.mlsql`;\nselect w from inner_t as out;")
    assert engine.run_file(main, session=session).rows() == [{"w": "in"}]


def test_include_local_relative(engine, session, tmp_path: Path) -> None:
    (tmp_path / "a.mlsql").write_text("set greeting = 'hi';")
    main = tmp_path / "main.mlsql"
    main.write_text("include local.`a.mlsql`;\nselect '${greeting}' as g as out;")
    assert engine.run_file(main, session=session).rows() == [{"g": "hi"}]


def test_unknown_include_source_lists_known_ones(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("select 1 as a as t;\ninclude project.`x.mlsql`;")
    message = info.value.message
    assert "project" in message and "hdfs.`path`" in message and "local.`path`" in message
    assert info.value.line == 2


def test_include_missing_hdfs_file(run, tmp_path: Path) -> None:
    with pytest.raises(ExecutionError, match="cannot include .*nope.mlsql"):
        run(f"include hdfs.`file://{tmp_path}/nope.mlsql`;")


def test_value_may_refer_to_a_variable_set_later(run) -> None:
    result = run(
        """set ods_table_name = "ODS_${table_name}";
        set table_name = "T_TableName";
        select "${ods_table_name}" as name as `${ods_table_name}`;
        select name from ODS_T_TableName as result;"""
    )
    assert result.rows() == [{"name": "ODS_T_TableName"}]


def test_statement_may_use_a_variable_set_later(run) -> None:
    result = run('select "${later}" as v as t;\nset later = "yes";')
    assert result.variables["later"] == "yes"
    assert run("select * from t as o;").rows() == [{"v": "yes"}]


def test_default_param_never_overrides_even_when_set_later(run) -> None:
    result = run(
        """set k = "default" options type="defaultParam";
        select "${k}" as k as t;
        set k = "explicit";"""
    )
    assert run("select * from t as o;").rows() == [{"k": "explicit"}]
    assert result.variables["k"] == "explicit"


def test_default_param_in_include_does_not_override_includer(
    engine, session, tmp_path: Path
) -> None:
    (tmp_path / "defaults.mlsql").write_text(
        'set k = "from-include" options type="defaultParam";\n'
        'set d = "only-default" options type="defaultParam";\n'
        'select "${k}" as k, "${d}" as d as inc;'
    )
    main = tmp_path / "main.mlsql"
    main.write_text('include local.`defaults.mlsql`;\nset k = "main";\nselect * from inc as out;')
    assert engine.run_file(main, session=session).rows() == [{"k": "main", "d": "only-default"}]


def test_cycle_between_variables_is_an_error(run) -> None:
    with pytest.raises(AnalysisError, match="refer to each other"):
        run('set a = "${b}";\nset b = "${a}";\nselect "${a}" as x as t;')


def test_byzer_core_set01_script(run) -> None:
    """streamingpro-it core_set01.byzer (its `!assert` checked here instead)."""
    result = run(
        """set table_name="T_TableName" where scope="session";
set ods_table_name="ODS_${table_name}" where scope="session";
select "${ods_table_name}" as name as `${ods_table_name}`;
select name from `${ods_table_name}` as result;"""
    )
    assert result.rows() == [{"name": "ODS_T_TableName"}]
