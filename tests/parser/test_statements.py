"""Every statement form parses into the expected AST (spans excluded from the comparison)."""

from __future__ import annotations

import pytest

from mlsql.parser import ast, parse

Opt = ast.Option

CASES: list[tuple[str, ast.Statement]] = [
    # load
    (
        "load csv.`/data/a.csv` as a",
        ast.LoadStatement(format="csv", path="/data/a.csv", table="a"),
    ),
    (
        'load csv.`/data/a.csv` options header="true" and inferSchema="true" as a',
        ast.LoadStatement(
            format="csv",
            path="/data/a.csv",
            options=(Opt(key="header", value="true"), Opt(key="inferSchema", value="true")),
            table="a",
        ),
    ),
    (
        "load jdbc.`db_1.table` where conditionExpr='id > 1' as t",
        ast.LoadStatement(
            format="jdbc",
            path="db_1.table",
            options=(Opt(key="conditionExpr", value="id > 1"),),
            table="t",
        ),
    ),
    ("load parquet.'/tmp/p' as p", ast.LoadStatement(format="parquet", path="/tmp/p", table="p")),
    ('load parquet."/tmp/p" as p', ast.LoadStatement(format="parquet", path="/tmp/p", table="p")),
    ("load hive.db.events as e", ast.LoadStatement(format="hive", path="db.events", table="e")),
    ("load csv.${dir} as d", ast.LoadStatement(format="csv", path="${dir}", table="d")),
    ("load csv.`a` as `my table`", ast.LoadStatement(format="csv", path="a", table="my table")),
    # save
    (
        "save t as json.`/out`",
        ast.SaveStatement(table="t", format="json", path="/out"),
    ),
    (
        'save overwrite t as parquet.`/out` options fileNum="3" partitionBy year, month',
        ast.SaveStatement(
            table="t",
            mode="overwrite",
            format="parquet",
            path="/out",
            options=(Opt(key="fileNum", value="3"),),
            partition_by=("year", "month"),
        ),
    ),
    (
        "save append t as csv.`/o`",
        ast.SaveStatement(table="t", mode="append", format="csv", path="/o"),
    ),
    (
        "save errorIfExists t as csv.`/o`",
        ast.SaveStatement(table="t", mode="errorIfExists", format="csv", path="/o"),
    ),
    (
        "save ignore t as csv.`/o`",
        ast.SaveStatement(table="t", mode="ignore", format="csv", path="/o"),
    ),
    # select
    ("select 1 as one as t", ast.SelectStatement(sql="select 1 as one", table="t")),
    (
        "select a, b from x as y where a > 1 as result",
        ast.SelectStatement(sql="select a, b from x as y where a > 1", table="result"),
    ),
    (
        "select * from ${table} where d = '${today}' as t",
        ast.SelectStatement(sql="select * from ${table} where d = '${today}'", table="t"),
    ),
    (
        'select "a;b" as x as `out table`',
        ast.SelectStatement(sql='select "a;b" as x', table="out table"),
    ),
    # pass-through SQL
    ("insert into t select 1", ast.SqlStatement(verb="insert", sql="insert into t select 1")),
    ("CREATE TABLE t (a int)", ast.SqlStatement(verb="create", sql="CREATE TABLE t (a int)")),
    ("drop table if exists t", ast.SqlStatement(verb="drop", sql="drop table if exists t")),
    ("refresh table t", ast.SqlStatement(verb="refresh", sql="refresh table t")),
    # set
    ('set a = "b"', ast.SetStatement(key="a", value="b")),
    ("set a=b", ast.SetStatement(key="a", value="b")),
    ("set n = 10", ast.SetStatement(key="n", value="10")),
    ("set n = 1.5", ast.SetStatement(key="n", value="1.5")),
    ("set n = -3", ast.SetStatement(key="n", value="-3")),
    ("set p = ${other}", ast.SetStatement(key="p", value="${other}")),
    (
        "set spark.sql.shuffle.partitions = 4",
        ast.SetStatement(key="spark.sql.shuffle.partitions", value="4"),
    ),
    (
        'set q = `select max(d) from t` options type="sql"',
        ast.SetStatement(
            key="q", value="select max(d) from t", options=(Opt(key="type", value="sql"),)
        ),
    ),
    (
        "set s = '''line 1\nline \"2\"''' where type='text'",
        ast.SetStatement(
            key="s", value='line 1\nline "2"', options=(Opt(key="type", value="text"),)
        ),
    ),
    # connect
    (
        'connect jdbc where url="jdbc:mysql://h/db" and driver="com.mysql.jdbc.Driver" as db_1',
        ast.ConnectStatement(
            format="jdbc",
            options=(
                Opt(key="url", value="jdbc:mysql://h/db"),
                Opt(key="driver", value="com.mysql.jdbc.Driver"),
            ),
            name="db_1",
        ),
    ),
    # train / run / predict
    (
        "train data as RandomForest.`/models/rf`",
        ast.TrainStatement(table="data", algorithm="RandomForest", path="/models/rf"),
    ),
    (
        'train data as GBTs.`/m` where fitParam.0.maxDepth="3" and keepVersion="true" as scores',
        ast.TrainStatement(
            table="data",
            algorithm="GBTs",
            path="/m",
            options=(
                Opt(key="fitParam.0.maxDepth", value="3"),
                Opt(key="keepVersion", value="true"),
            ),
            output="scores",
        ),
    ),
    (
        "train data into PythonAlg.`/m`",
        ast.TrainStatement(table="data", algorithm="PythonAlg", path="/m"),
    ),
    (
        'run data as TableRepartition.`` where partitionNum="2" as out',
        ast.RunStatement(
            table="data",
            algorithm="TableRepartition",
            path="",
            options=(Opt(key="partitionNum", value="2"),),
            output="out",
        ),
    ),
    (
        "predict data as RandomForest.`/m` as predictions",
        ast.PredictStatement(
            table="data", algorithm="RandomForest", path="/m", output="predictions"
        ),
    ),
    (
        'evaluate t as RandomForest.`/models/x` where version="3" as m',
        ast.EvaluateStatement(
            table="t",
            algorithm="RandomForest",
            path="/models/x",
            options=(ast.Option(key="version", value="3"),),
            output="m",
        ),
    ),
    # register / unregister
    (
        "register RandomForest.`/m` as rf_predict",
        ast.RegisterStatement(algorithm="RandomForest", path="/m", function="rf_predict"),
    ),
    (
        'register RandomForest.`/m` as rf_predict options algIndex="0"',
        ast.RegisterStatement(
            algorithm="RandomForest",
            path="/m",
            function="rf_predict",
            options=(Opt(key="algIndex", value="0"),),
        ),
    ),
    ("unregister rf_predict", ast.UnregisterStatement(function="rf_predict")),
    (
        "unregister RandomForest.`/m` as rf_predict",
        ast.UnregisterStatement(function="rf_predict", algorithm="RandomForest", path="/m"),
    ),
    # include
    (
        "include hdfs.`/lib/common.mlsql`",
        ast.IncludeStatement(source="hdfs", path="/lib/common.mlsql"),
    ),
    (
        'include project.`lib/a.mlsql` options force="true"',
        ast.IncludeStatement(
            source="project", path="lib/a.mlsql", options=(Opt(key="force", value="true"),)
        ),
    ),
    # commands
    ("!show tables", ast.CommandStatement(name="show", args=("tables",))),
    ("!desc t", ast.CommandStatement(name="desc", args=("t",))),
    ("!kill job1", ast.CommandStatement(name="kill", args=("job1",))),
    ("!show", ast.CommandStatement(name="show")),
    ("!hdfs -ls /tmp/dir", ast.CommandStatement(name="hdfs", args=("-ls", "/tmp/dir"))),
    (
        '!python env "PYTHON_ENV=source activate dev" `a b` ${v}',
        ast.CommandStatement(
            name="python", args=("env", "PYTHON_ENV=source activate dev", "a b", "${v}")
        ),
    ),
    ('!conf key="a b"', ast.CommandStatement(name="conf", args=('key="a b"',))),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_statement_form(text: str, expected: ast.Statement) -> None:
    script = parse(text + ";")
    assert script.statements == (expected,)


@pytest.mark.parametrize(("text", "expected"), CASES[:12], ids=[c[0][:50] for c in CASES[:12]])
def test_last_semicolon_is_optional(text: str, expected: ast.Statement) -> None:
    assert parse(text).statements == (expected,)


def test_statement_kinds_cover_every_ast_class() -> None:
    kinds = {type(stmt) for _, stmt in CASES}
    assert kinds == set(ast.STATEMENT_TYPES)


def test_multi_statement_script() -> None:
    text = """
        load csv.`/a.csv` options header="true" as a;
        select * from a where x > 1 as b;;
        ;
        save overwrite b as parquet.`/out`;
        !show tables
    """
    kinds = [s.kind for s in parse(text).statements]
    assert kinds == ["load", "select", "save", "command"]


@pytest.mark.parametrize("text", ["", ";", ";;;", "  \n", "-- only a comment", "/* only */ ;"])
def test_empty_scripts(text: str) -> None:
    assert parse(text).statements == ()


def test_duplicate_option_keys_are_kept_in_order() -> None:
    (stmt,) = parse('load csv.`a` options k="1" and k="2" as t').statements
    assert isinstance(stmt, ast.LoadStatement)
    assert [o.value for o in stmt.options] == ["1", "2"]
    assert ast.options_dict(stmt.options) == {"k": "2"}
