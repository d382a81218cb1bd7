"""The engine's sandbox on Spark's plans: owner roots, SQL paths, grants (mlsql.engine.sandbox).

An engine with `allowed_path_roots = ["<tmp>/{owner}"]` over the test run's Spark session; each
test runs scripts as alice with her policy (grants off unless the test gives them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsql.config import Config, OwnerPolicy
from mlsql.engine import Engine, Job
from mlsql.engine.sandbox import Sandbox
from mlsql.engine.sandbox.plan import analysed_paths, parsed_facts
from mlsql.engine.sandbox.roots import PathRefused, inside, owner_roots
from mlsql.errors import SecurityError


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sandbox")
    for owner in ("alice", "bob"):
        (base / "data" / owner).mkdir(parents=True)
        (base / "data" / owner / f"{owner}.txt").write_text(f"{owner}-row\n")
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("secret\n")
    (base / "data" / "alice" / "to_bob").symlink_to(base / "data" / "bob")
    return base


@pytest.fixture(scope="module")
def sandboxed(config: Config, spark: object, roots: Path) -> Iterator[Engine]:
    conf = config.model_copy(deep=True)
    conf.security.allowed_path_roots = [f"{roots}/data/{{owner}}"]
    engine = Engine(conf, spark=spark)  # type: ignore[arg-type]
    yield engine


def run_as(
    engine: Engine, owner: str, text: str, policy: OwnerPolicy | None = None, **kw: Any
) -> Any:
    """Run `text` as `owner` with its policy (default: no grants)."""
    return engine.run(
        text, session=f"sbx-{owner}", job=Job(owner=owner), policy=policy or OwnerPolicy(), **kw
    )


def refused(engine: Engine, text: str, rule: str, **kw: Any) -> SecurityError:
    with pytest.raises(SecurityError) as info:
        run_as(engine, "alice", text, **kw)
    assert f"rule '{rule}'" in info.value.message, info.value.message
    assert info.value.line is not None
    return info.value


# --- roots (no Spark) -------------------------------------------------------------------------
def test_owner_roots_expand_and_refuse_bad_names() -> None:
    assert owner_roots(["/d/{owner}", "/shared"], "alice") == ["/d/alice", "/shared"]
    for bad in ("..", ".", "a/b", "", "../bob"):
        with pytest.raises(PathRefused):
            owner_roots(["/d/{owner}"], bad)


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("{r}/alice/x.csv", True),
        ("{r}/alice", True),
        ("file://{r}/alice/x", True),
        ("{r}/alice/../bob/x", False),
        ("{r}/alice2/x", False),
        ("{r}/alice/to_bob/bob.txt", False),
        ("file://{r}/alice/%2e%2e/bob", False),
        ("/etc/hostname", False),
        ("hdfs://nn/data/alice/x", False),
    ],
)
def test_inside_local(roots: Path, path: str, ok: bool) -> None:
    assert inside(path.replace("{r}", f"{roots}/data"), [f"{roots}/data/alice"]) is ok


def test_inside_remote_normalises() -> None:
    root = ["hdfs://nn:8020/data/alice"]
    assert inside("hdfs://nn:8020/data/alice/t/part-0", root)
    assert not inside("hdfs://nn:8020/data/alice/../bob/t", root)
    assert not inside("hdfs://other:8020/data/alice/t", root)
    assert not inside("s3a://nn:8020/data/alice/t", root)
    with pytest.raises(PathRefused):
        inside("hdfs://nn:8020/data/alice/{a,../bob}", root)


# --- the parsed and analysed plans ------------------------------------------------------------
def test_parsed_facts_find_paths_functions_and_confs(spark: Any) -> None:
    facts = parsed_facts(
        spark,
        "select java_method('a','b') from text.`/etc/x` where exists "
        "(select reflect('c','d') from csv.`/etc/y`)",
    )
    assert {"java_method", "reflect"} <= facts.functions
    assert ("file query", "/etc/x") in facts.paths and ("file query", "/etc/y") in facts.paths
    assert parsed_facts(spark, "insert overwrite directory '/o' using json select 1").paths == [
        ("insert overwrite directory", "/o")
    ]
    assert parsed_facts(spark, "set spark.sql.x=1").conf == [("spark.sql.x", True)]
    assert parsed_facts(spark, "add jar /j.jar").paths == [("add jar", "/j.jar")]
    assert "ScriptTransformation" in parsed_facts(spark, "select transform(1) using 'cat'").classes
    assert parsed_facts(spark, "select * from default.some_table").paths == []


def test_analysed_paths_see_through_views(spark: Any, roots: Path) -> None:
    spark.read.text(f"{roots}/outside/secret.txt").createOrReplaceTempView("sbx_hidden")  # type: ignore[attr-defined]
    df = spark.sql("select * from (select * from sbx_hidden) where value is not null")  # type: ignore[attr-defined]
    assert any(p.endswith("outside/secret.txt") for p in analysed_paths(df))


# --- through the engine -----------------------------------------------------------------------
def test_owner_reads_and_writes_its_own_folder(sandboxed: Engine, roots: Path) -> None:
    data = roots / "data" / "alice"
    result = run_as(
        sandboxed,
        "alice",
        f"load text.`{data}/alice.txt` as a; save overwrite a as json.`{data}/copy`;"
        f"select value from json.`{data}/copy` as t;",
    )
    assert result.rows() == [{"value": "alice-row"}]


@pytest.mark.parametrize(
    "text",
    [
        "load text.`{d}/bob/bob.txt` as t;",
        "load text.`{d}/alice/to_bob/bob.txt` as t;",
        "select * from text.`{d}/bob/bob.txt` as t;",
        "select * from text.`{d}/alice/../../outside/secret.txt` as t;",
        "insert overwrite directory '{d}/bob/out' using json select 1 as a;",
        "create table sbx_t (a int) using parquet location '{d}/bob/t';",
        "create table sbx_m (a int) using parquet;",
        "select 1 as a as t; save overwrite t as json.`{d}/bob/o`;",
        "include file.`{d}/bob/x.mlsql`;",
        "connect jdbc where url='jdbc:sqlite:{d}/bob/x.db' as db;",
        "select 'a' as c as t; run t as StringIndex.`{d}/bob/si` where inputCol='c' as o;",
    ],
)
def test_paths_outside_the_owner_roots_are_refused(
    sandboxed: Engine, roots: Path, text: str
) -> None:
    refused(sandboxed, text.replace("{d}", f"{roots}/data"), "path_sandbox")


def test_bob_cannot_read_alices_view_data_through_his_own_view(
    sandboxed: Engine, roots: Path
) -> None:
    """A temporary view bob made over bob's data is fine; one over alice's files is not."""
    run_as(sandboxed, "bob", f"load text.`{roots}/data/bob/bob.txt` as mine;")
    with pytest.raises(SecurityError):
        run_as(sandboxed, "bob", f"select * from text.`{roots}/data/alice/alice.txt` as t;")


def test_refused_select_leaves_no_view(sandboxed: Engine, roots: Path) -> None:
    session = sandboxed.session("sbx-alice")
    with pytest.raises(SecurityError):
        run_as(sandboxed, "alice", f"select * from text.`{roots}/outside/secret.txt` as leak;")
    assert not session.spark.catalog.tableExists("leak")


@pytest.mark.parametrize(
    ("text", "rule", "grant"),
    [
        ("select reflect('java.lang.System','getProperty','user.home') as h as t;",
         "reflection", {"allow_reflection": True}),
        ("select 1 as a where java_method('java.lang.Math','abs',-1) = 1 as t;",
         "reflection", {"allow_reflection": True}),
        ("set spark.sql.runSQLOnFiles = 'true' options type='conf';",
         "spark_conf", {"allow_spark_conf": ["spark.sql.runSQLOnFiles"]}),
        ("set x = 'set spark.hadoop.fs.file.impl=x' options type='sql';",
         "spark_conf", {"allow_spark_conf": ["*"]}),
        ("select 1.0 as x as t; train t as PythonAlg.`{d}/alice/m` where code='''x''';",
         "user_code", None),
        ("select 1.0 as x as t; train t as SKLearn.`{d}/alice/m` where moduleName='os' "
         "and className='system';", "user_code", None),
    ],
)  # fmt: skip
def test_grants(
    sandboxed: Engine, roots: Path, text: str, rule: str, grant: dict[str, Any] | None
) -> None:
    text = text.replace("{d}", f"{roots}/data")
    refused(sandboxed, text, rule)
    if grant is not None:
        run_as(sandboxed, "alice", text, policy=OwnerPolicy(**grant))


def test_safe_conf_passes_and_trusted_runs_have_every_grant(sandboxed: Engine) -> None:
    run_as(sandboxed, "alice", "set spark.sql.shuffle.partitions = '3' options type='conf';")
    rows = sandboxed.run(
        "select reflect('java.lang.Math','abs',-5) as v as t;",
        session="sbx-local",
        job=Job(owner="alice"),
    ).rows()
    assert rows == [{"v": "5"}]


def test_sandbox_for_run_refuses_an_owner_that_cannot_name_a_folder(config: Config) -> None:
    conf = config.model_copy(deep=True)
    conf.security.allowed_path_roots = ["/data/{owner}"]
    with pytest.raises(SecurityError, match="owner_name"):
        Sandbox.for_run(conf, "../bob", None)


def test_catalog_tables_of_other_owners(sandboxed: Engine, roots: Path, spark: Any) -> None:
    """bob's table lives in bob's folder: alice can neither read, fill nor drop it."""
    table = "sbx_bob_table"
    run_as(
        sandboxed,
        "bob",
        f"create table {table} (a int) using parquet location '{roots}/data/bob/{table}';",
    )
    try:
        for text in (
            f"select * from {table} as t;",
            f"insert into {table} select 1;",
            f"drop table {table};",
        ):
            error = refused(sandboxed, text, "path_sandbox")
            assert "catalog table" in error.message or "table data" in error.message
        run_as(sandboxed, "bob", f"insert into {table} select 7;")
    finally:
        spark.sql(f"drop table if exists {table}")  # type: ignore[attr-defined]


def test_sql_functions_are_checked_by_their_body(sandboxed: Engine, roots: Path) -> None:
    """Temporary SQL functions are fine; their body is checked like any SQL; permanent ones
    land in the shared catalog."""
    rows = run_as(
        sandboxed,
        "alice",
        "create temporary function sbx_plus(x INT) RETURNS INT RETURN x + 1;"
        "select sbx_plus(1) as v as t;",
    ).rows()
    assert rows == [{"v": 2}]
    refused(
        sandboxed,
        "create temporary function sbx_r() RETURNS STRING "
        "RETURN java_method('java.lang.System','getProperty','user.home');",
        "reflection",
    )
    refused(
        sandboxed,
        "create temporary function sbx_tf() RETURNS TABLE (v STRING) "
        f"RETURN select * from text.`{roots}/outside/secret.txt`;",
        "path_sandbox",
    )
    refused(sandboxed, "create function sbx_pf(x INT) RETURNS INT RETURN x;", "shared_catalog")
