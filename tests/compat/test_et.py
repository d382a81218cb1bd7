"""Built-in transformers (`run` / `train` with an ET), from Byzer's docs and streamingpro-it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsql.errors import AnalysisError

IRIS = """set jsonStr='''
{"features":[5.1,3.5,1.4,0.2],"label":0.0},
{"features":[5.1,3.5,1.4,0.2],"label":1.0}
{"features":[5.1,3.5,1.4,0.2],"label":0.0}
{"features":[4.4,2.9,1.4,0.2],"label":0.0}
{"features":[5.1,3.5,1.4,0.2],"label":1.0}
{"features":[5.1,3.5,1.4,0.2],"label":0.0}
{"features":[5.1,3.5,1.4,0.2],"label":0.0}
{"features":[4.7,3.2,1.3,0.2],"label":1.0}
{"features":[5.1,3.5,1.4,0.2],"label":0.0}
{"features":[5.1,3.5,1.4,0.2],"label":0.0}
''';
load jsonStr.`jsonStr` as data;
"""


def test_rate_sampler_it_script(run) -> None:
    """streamingpro-it et_rate_sampler01.byzer: 10 rows marked, __split__ in {0, 1}."""
    result = run(
        IRIS
        + """train data as RateSampler.``
        where labelCol="label" and sampleRate="0.7,0.3" as marked_dataset;
        select count(1) AS cnt, collect_set(__split__) as splits from marked_dataset as count_ds;"""
    )
    row = result.rows()[0]
    assert row["cnt"] == 10 and set(row["splits"]) <= {0, 1}


def test_rate_sampler_exact_per_label(run) -> None:
    result = run(
        """select id, id % 2 as label from range(200) as t;
        run t as RateSampler.`` where sampleRate="0.75,0.25" and isSplitWithSubLabel="true"
            and seed="7" as marked;
        select label, __split__, count(*) as n from marked group by label, __split__
            order by label, __split__ as out;"""
    )
    assert result.rows() == [
        {"label": 0, "__split__": 0, "n": 75},
        {"label": 0, "__split__": 1, "n": 25},
        {"label": 1, "__split__": 0, "n": 75},
        {"label": 1, "__split__": 1, "n": 25},
    ]


def test_rate_sampler_rates_must_sum_to_one(run) -> None:
    with pytest.raises(AnalysisError, match="sum to 1") as info:
        run('select 1 as label as t;\nrun t as RateSampler.`` where sampleRate="0.7,0.7";')
    assert info.value.line == 2


def test_table_repartition(run) -> None:
    result = run(
        """select id from range(100) as t;
        run t as TableRepartition.`` where partitionNum="3" as t3;
        run t as TableRepartition.`` where partitionNum="2" and partitionType="range"
            and partitionCols="id" as t2;"""
    )
    assert result.table.df.rdd.getNumPartitions() == 2
    assert run("select count(*) as n from t3 as c;").rows() == [{"n": 100}]


def test_string_index_fit_transform_and_functions(run, tmp_path: Path) -> None:
    model = tmp_path / "si"
    result = run(
        f"""set d='''{{"word":"a","words":["b","a"]}}
{{"word":"b","words":["a"]}}
{{"word":"a","words":[]}}''';
        load jsonStr.`d` as t;
        train t as StringIndex.`{model}` where inputCol="word" and outputCol="word_index" as out;
        register StringIndex.`{model}` as idx;
        select word, word_index, idx(word) as i, idx('zzz') as unseen, idx_r(1.0) as back,
            idx_array(array('b', 'a')) as arr, idx_rarray(array(0.0, 1.0)) as rarr
            from out as r;"""
    )
    rows = result.rows()
    assert [(r["word"], r["word_index"], r["i"]) for r in rows] == [
        ("a", 0.0, 0),
        ("b", 1.0, 1),
        ("a", 0.0, 0),
    ]
    assert rows[0]["unseen"] == -1 and rows[0]["back"] == "b"
    assert rows[0]["arr"] == [1, 0] and rows[0]["rarr"] == ["a", "b"]
    arrays = run(f'run t as StringIndex.`{model}` where inputCol="words" as o2;').rows()
    assert [r["words"] for r in arrays] == [[1.0, 0.0], [0.0], []]  # a: 2 times, b: once


def test_standard_scaler_matches_spark_and_registers(run, tmp_path: Path) -> None:
    result = run(
        f"""select vec_dense(array(cast(id as double), cast(id * 10 as double))) as features
            from range(1, 5) as t;
        train t as StandardScaler.`{tmp_path}/std` where inputCol="features" and withMean="true";
        register StandardScaler.`{tmp_path}/std` as s;
        select vec_array(s(features)) as a, vec_array(s(vec_array(features))) as b from t as o;"""
    )
    # mean 2.5, sample std 1.29099…, as Spark's StandardScaler
    first = result.rows()[0]
    assert first["a"] == pytest.approx([-1.161895, -1.161895], abs=1e-6)
    assert first["b"] == first["a"]


def test_scaler_in_place_min_max_and_function(run, tmp_path: Path) -> None:
    result = run(
        f"""set jsonStr='''
{{"a":1,    "b":100, "label":0.0}},
{{"a":100,  "b":100, "label":1.0}}
{{"a":1000, "b":100, "label":0.0}}
{{"a":10,   "b":100, "label":0.0}}
{{"a":1,    "b":100, "label":1.0}}
''';
        load jsonStr.`jsonStr` as data;
        train data as ScalerInPlace.`{tmp_path}/scale` where inputCols="a,b" and scaleMethod="min-max";
        load parquet.`{tmp_path}/scale/data` as output;
        register ScalerInPlace.`{tmp_path}/scale` as jack;
        select a, b, jack(array(1000.0, 100.0)) as f from output as o;"""
    )
    rows = result.rows()
    assert [r["a"] for r in rows] == pytest.approx([0.0, 99 / 999, 1.0, 9 / 999, 0.0])
    assert all(r["b"] == 0.5 for r in rows)  # a constant column maps to the middle of [0, 1]
    assert rows[0]["f"] == [1.0, 0.5]


def test_normalize_in_place_standard_and_pnorm(run, tmp_path: Path) -> None:
    result = run(
        f"""select cast(id as double) as a, cast(id * 2 as double) as b from range(1, 4) as data;
        train data as NormalizeInPlace.`{tmp_path}/n` where inputCols="a,b" and method="standard";
        register NormalizeInPlace.`{tmp_path}/n` as norm;
        load parquet.`{tmp_path}/n/data` as output;
        select a, b, norm(array(3.0, 2.0)) as f from output order by a as o;"""
    )
    rows = result.rows()
    assert [r["a"] for r in rows] == pytest.approx([-1.0, 0.0, 1.0])
    assert [r["b"] for r in rows] == pytest.approx([-1.0, 0.0, 1.0])
    assert rows[0]["f"] == pytest.approx([1.0, -1.0])
    pnorm = run(
        f"""run data as NormalizeInPlace.`{tmp_path}/p` where inputCols="a,b" and method="p-norm"
        as o2;
        select * from o2 order by a as o3;"""
    ).rows()
    assert pnorm[0]["a"] == pytest.approx(1 / 3) and pnorm[0]["b"] == pytest.approx(2 / 3)


def test_discretizer_it_scripts(run, tmp_path: Path) -> None:
    """streamingpro-it et_discretizer01/02.byzer: bucketizer by splits, quantile by buckets."""
    base = IRIS + "select features[0] as a ,features[1] as b from data as data1;\n"
    result = run(
        base
        + f"""train data1 as Discretizer.`{tmp_path}/d1` where method="bucketizer"
            and `inputCol`="a" and `splits`="-inf,0.0,1.0,inf";
        register Discretizer.`{tmp_path}/d1` as convert;
        select convert(array(double(7))) as features, convert(array(0.5D, -3D)) as two as output;"""
    )
    assert result.rows() == [{"features": [2.0], "two": [1.0, 0.0]}]
    result = run(
        base
        + f"""train data1 as Discretizer.`{tmp_path}/d2` where method="quantile"
            and `inputCol`="a" and `outputCol`="a_v" and `numBuckets`="3" as q;
        select a, a_v from q as out;"""
    )
    assert {r["a_v"] for r in result.rows()} <= {0.0, 1.0, 2.0}
    big = [r["a_v"] for r in result.rows() if r["a"] == 5.1]
    small = [r["a_v"] for r in result.rows() if r["a"] == 4.4]
    assert min(big) >= max(small)


def test_confusion_matrix(run, tmp_path: Path) -> None:
    result = run(
        f"""set d='''{{"act":"cat","pre":"cat"}}
{{"act":"cat","pre":"dog"}}
{{"act":"dog","pre":"dog"}}
{{"act":"dog","pre":"dog"}}''';
        load jsonStr.`d` as t;
        run t as ConfusionMatrix.`{tmp_path}/cm` where actualCol="act" and predictCol="pre" as m;
        load parquet.`{tmp_path}/cm/detail` as detail;
        select lable, name, value from detail where name in ("TP", "FN", "ACC") order by lable, name
        as d2;"""
    )
    assert result.rows() == [
        {"lable": "cat", "name": "ACC", "value": "0.75"},
        {"lable": "cat", "name": "FN", "value": "1"},
        {"lable": "cat", "name": "TP", "value": "1"},
        {"lable": "dog", "name": "ACC", "value": "0.75"},
        {"lable": "dog", "name": "FN", "value": "0"},
        {"lable": "dog", "name": "TP", "value": "2"},
    ]
    matrix = sorted(run("select * from m as mm;").rows(), key=lambda r: r["act\\prt"])
    assert matrix == [
        {"act\\prt": "cat", "cat": "1", "dog": "1"},
        {"act\\prt": "dog", "cat": "0", "dog": "2"},
    ]


def test_data_summary_matches_byzer_expected_on_numbers(run) -> None:
    """et_data_summary01.byzer.expected: C_CUSTKEY 1..300 gives median 150.5, std 86.75,
    standard error 5.01, skewness 0, uniqueValueRatio 1, primaryKeyCandidate 1, no mode."""
    result = run(
        """select cast(id as int) as C_CUSTKEY, concat('R', cast(id % 5 as string)) as C_REGION
            from range(1, 301) as customer;
        run customer as DataSummary.`` where metrics="dataType,dataLength,max,min,maximumLength,minimumLength,mean,standardDeviation,standardError,nullValueRatio,blankValueRatio,nonNullCount,uniqueValueRatio,primaryKeyCandidate,median,mode,categoryCount,skewness" as s;"""
    )
    key, region = result.rows()
    assert list(key)[:4] == ["columnName", "ordinalPosition", "median", "blankValueRatio"]
    assert key["median"] == 150.5 and key["standardDeviation"] == 86.75
    assert key["standardError"] == 5.01 and key["skewness"] == 0.0 and key["mean"] == 150.5
    assert key["dataLength"] == 4 and key["dataType"] == "integer" and key["max"] == "300"
    assert key["uniqueValueRatio"] == 1.0 and key["primaryKeyCandidate"] == 1
    assert key["mode"] is None and key["nonNullCount"] == 300
    assert region["categoryCount"] == 5 and region["uniqueValueRatio"] == 0.0167
    assert region["maximumLength"] == 2 and region["primaryKeyCandidate"] == 0


def test_tfidf_and_word2vec_in_place(run, tmp_path: Path) -> None:
    result = run(
        f"""set d='''{{"content":"spark is fast"}}
{{"content":"python is nice and spark is fast"}}''';
        load jsonStr.`d` as t;
        train t as TfIdfInPlace.`{tmp_path}/tfidf` where inputCol="content" and nGrams="2" as tf;"""
    )
    vectors = [r["content"] for r in result.rows()]
    assert len(vectors[0]) == len(vectors[1]) > 6
    w2v = run(
        f"""train t as Word2VecInPlace.`{tmp_path}/w2v` where inputCol="content" and vectorSize="4"
            and length="3";
        load parquet.`{tmp_path}/w2v/data` as w;
        train t as Word2VecInPlace.`{tmp_path}/w2m` where inputCol="content" and vectorSize="4"
            and resultFeature="merge" as merged;"""
    )
    seq = run("select content from w as x;").rows()
    assert [len(r["content"]) for r in seq] == [3, 3] and len(seq[0]["content"][0]) == 4
    assert all(len(r["content"]) == 4 for r in w2v.rows())


def test_show_et_and_params(run) -> None:
    names = {r["name"] for r in run("!show et;").rows()}
    assert {
        "RateSampler",
        "TableRepartition",
        "StringIndex",
        "StandardScaler",
        "ScalerInPlace",
        "NormalizeInPlace",
        "Discretizer",
        "TfIdfInPlace",
        "Word2VecInPlace",
        "ConfusionMatrix",
        "DataSummary",
    } <= names
    params = {r["param"]: r for r in run("!show et/RateSampler;").rows()}
    assert params["sampleRate"]["default"] == "0.9,0.1" and params["labelCol"]["doc"]


def test_unknown_et_in_run_lists_known(run) -> None:
    with pytest.raises(AnalysisError, match="RateSampler") as info:
        run("select 1 as a as t;\nrun t as NoSuchThing.`` as o;")
    assert info.value.line == 2


def test_register_of_an_et_without_a_fit(run, tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="nothing fitted by StringIndex"):
        run(f"register StringIndex.`{tmp_path}/none` as f;")
