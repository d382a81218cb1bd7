"""`jsonStr` / `csvStr`: in-script data, as Byzer's documentation examples start."""

from __future__ import annotations

import pytest

from mlsql.errors import AnalysisError

# From Byzer's docs (ML examples): one object per line, a trailing comma after each object.
IRIS_JSON = """set jsonStr='''
{"features":[5.1,3.5,1.4,0.2],"label":0.0},
{"features":[5.1,3.5,1.4,0.2],"label":1.0}
{"features":[4.4,2.9,1.4,0.2],"label":0.0},

{"features":[4.7,3.2,1.3,0.2],"label":1.0}
''';
load jsonStr.`jsonStr` as data;
"""


def test_json_str_reads_variable_lines_with_trailing_commas(run) -> None:
    result = run(IRIS_JSON + "select features, label from data as out;")
    rows = result.rows()
    assert [r["label"] for r in rows] == [0.0, 1.0, 0.0, 1.0]
    assert rows[2]["features"] == [4.4, 2.9, 1.4, 0.2]


def test_json_str_schema_is_inferred(run) -> None:
    run('set d=\'\'\'{"a":1,"b":"x"}\n{"a":2,"b":"y","c":true}\'\'\'; load jsonStr.`d` as t;')
    result = run("!desc t;")
    assert {(r["col_name"], r["data_type"]) for r in result.rows()} == {
        ("a", "bigint"),
        ("b", "string"),
        ("c", "boolean"),
    }


def test_csv_str_with_options(run) -> None:
    result = run(
        """set rawData='''
name;age
hello;10
world;20
''';
load csvStr.`rawData` options header="true" and delimiter=";" and inferSchema="true" as t;
select name, age + 1 as next from t order by age as out;"""
    )
    assert result.rows() == [{"name": "hello", "next": 11}, {"name": "world", "next": 21}]


def test_csv_str_without_header_names_columns_like_spark(run) -> None:
    result = run("set c='''a,1\nb,2'''; load csvStr.`c` as t; select _c0, _c1 from t as out;")
    assert result.rows() == [{"_c0": "a", "_c1": "1"}, {"_c0": "b", "_c1": "2"}]


def test_unknown_variable_is_named(run) -> None:
    with pytest.raises(AnalysisError) as info:
        run("set a='x';\nload jsonStr.`nope` as t;")
    assert "nope" in info.value.message and info.value.line == 2


def test_str_sources_are_read_only(run) -> None:
    with pytest.raises(AnalysisError, match="not supported in jsonStr"):
        run("set d='''{\"a\":1}'''; load jsonStr.`d` as t; save overwrite t as jsonStr.`d`;")
