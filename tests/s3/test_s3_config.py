"""S3 settings in [spark.conf] turn on the s3a connector jars and reach executors' Python."""

from __future__ import annotations

from mlsql.config import Config
from mlsql.engine.spark import spark_conf

S3A = {
    "spark.hadoop.fs.s3a.endpoint": "http://127.0.0.1:9000",
    "spark.hadoop.fs.s3a.path.style.access": "true",
    "spark.hadoop.fs.s3a.access.key": "key",
    "spark.hadoop.fs.s3a.secret.key": "secret",
}


def test_s3a_settings_add_the_connector_and_the_executor_environment() -> None:
    conf = spark_conf(Config.load(spark={"conf": S3A}))
    jars = conf["spark.jars"].split(",")
    assert any("hadoop-aws-3.5.0.jar" in j for j in jars)
    assert any("bundle-2.35.4.jar" in j for j in jars)
    assert conf["spark.executorEnv.MLSQL_S3_ENDPOINT"] == "http://127.0.0.1:9000"
    assert conf["spark.executorEnv.MLSQL_S3_PATH_STYLE"] == "true"
    assert conf["spark.executorEnv.AWS_ACCESS_KEY_ID"] == "key"
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"


def test_without_s3_settings_no_connector_is_added() -> None:
    conf = spark_conf(Config.load())
    assert "hadoop-aws" not in conf.get("spark.jars", "")
    assert not [k for k in conf if k.startswith("spark.executorEnv.AWS_")]
