"""load/save/select on a real Spark session: formats, save modes, generic options, atomicity."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlsql.errors import AnalysisError, ExecutionError

PEOPLE = "name,age,city\nann,31,paris\nbob,25,rome\ncid,42,paris\n"


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    return path


def test_load_csv_select_result_is_last_table(run, people_csv: Path) -> None:
    result = run(
        f"""load csv.`{people_csv}` options header="true" and inferSchema="true" as people;
        select name, age from people where city = 'paris' order by name as parisians;"""
    )
    assert result.name == "parisians"
    assert result.rows() == [{"name": "ann", "age": 31}, {"name": "cid", "age": 42}]


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "orc"])
def test_save_then_load_round_trip(run, people_csv: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    header = ' options header="true"' if fmt == "csv" else ""
    run(
        f"""load csv.`{people_csv}` options header="true" as people;
        save overwrite people as {fmt}.`{out}`{header};"""
    )
    back = run(f"load {fmt}.`{out}`{header} as back; select name from back order by name as names;")
    assert [r["name"] for r in back.rows()] == ["ann", "bob", "cid"]


def test_save_error_if_exists_is_default_and_keeps_output(
    run, people_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "kept"
    run(f'load csv.`{people_csv}` options header="true" as p; save p as parquet.`{out}`;')
    before = sorted(os.listdir(out))
    with pytest.raises(ExecutionError) as info:
        run(f'load csv.`{people_csv}` options header="true" as p;\nsave p as parquet.`{out}`;')
    assert "already exists" in info.value.message
    assert info.value.line == 2
    assert sorted(os.listdir(out)) == before


def test_save_modes_append_ignore_overwrite(run, people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "modes"
    load = f'load csv.`{people_csv}` options header="true" as p;'
    count = f"load parquet.`{out}` as o; select count(*) as n from o as c;"
    run(f"{load} save p as parquet.`{out}`;")
    run(f"{load} save append p as parquet.`{out}`;")
    assert run(count).rows() == [{"n": 6}]
    run(f"{load} save ignore p as parquet.`{out}`;")
    assert run(count).rows() == [{"n": 6}]
    run(f"{load} save overwrite p as parquet.`{out}`;")
    assert run(count).rows() == [{"n": 3}]


def test_partition_by_and_file_num(run, people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "parts"
    run(
        f"""load csv.`{people_csv}` options header="true" as p;
        save overwrite p as parquet.`{out}` options fileNum="1" partitionBy city;"""
    )
    assert sorted(d for d in os.listdir(out) if d.startswith("city=")) == [
        "city=paris",
        "city=rome",
    ]
    files = [f for f in os.listdir(out / "city=paris") if f.endswith(".parquet")]
    assert len(files) == 1


def test_failed_overwrite_keeps_previous_output(run, people_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "safe"
    run(f'load csv.`{people_csv}` options header="true" as p; save p as parquet.`{out}`;')
    before = sorted(os.listdir(out))
    with pytest.raises(ExecutionError) as info:
        run(
            "select case when id = 7 then raise_error('boom at row 7') else id end as x "
            f"from range(20) as bad;\nsave overwrite bad as parquet.`{out}`;"
        )
    assert "boom at row 7" in info.value.message
    assert sorted(os.listdir(out)) == before
    assert [p for p in os.listdir(tmp_path) if "staging" in p] == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ('withColumns="name,age"', ["name", "age"]),
        ('withoutColumns="city"', ["name", "age"]),
        ('conditionExpr="age > 30"', ["name", "age", "city"]),
    ],
)
def test_generic_load_options(run, people_csv: Path, options: str, expected: list[str]) -> None:
    result = run(
        f'load csv.`{people_csv}` options header="true" and inferSchema="true" and {options} as p;'
    )
    assert result.columns() == expected
    if "conditionExpr" in options:
        assert sorted(r["name"] for r in result.rows()) == ["ann", "cid"]


def test_missing_file_names_statement_and_path(run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(ExecutionError) as info:
        run(f"select 1 as a as t;\nload csv.`{missing}` as x;")
    err = info.value
    assert err.line == 2 and "load statement at line 2" in err.render()
    assert "does not exist" in err.message and "nope.csv" in err.message
    assert "^" in err.render()


def test_unknown_table_and_column(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("select * from no_such_table as t;")
    assert "unknown table" in info.value.message and "no_such_table" in info.value.message
    with pytest.raises(AnalysisError) as info:
        run("select 1 as a as t;\nselect b from t as u;")
    assert "unknown column" in info.value.message and info.value.line == 2


def test_sql_passthrough_create_insert_drop(run, tmp_path: Path) -> None:
    run(
        f"""create table pt_items (id int, name string) using parquet location '{tmp_path / "pt"}';
        insert into pt_items values (1, 'a'), (2, 'b');"""
    )
    assert run("select count(*) as n from pt_items as c;").rows() == [{"n": 2}]
    run("refresh table pt_items; drop table pt_items;")
    with pytest.raises(AnalysisError):
        run("select * from pt_items as c;")
