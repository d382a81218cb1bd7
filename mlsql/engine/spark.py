"""Builds the engine's Spark session from configuration: master, confs and the connector jars."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from mlsql.config import Config

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_conf(config: Config) -> dict[str, str]:
    """Every Spark setting the engine applies, in order of precedence (later wins)."""
    jars = ",".join(str(p) for p in config.spark_jars())
    conf: dict[str, str] = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.python.worker.reuse": "true",
        "spark.sql.session.timeZone": "UTC",
        # Python workers on every executor use the engine's interpreter (it has the project).
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }
    if jars:
        conf["spark.jars"] = jars
    conf.update(config.spark.conf)
    return conf


def build_spark_session(config: Config) -> SparkSession:
    """The Spark session for `config` (getOrCreate: reuses an active session's context)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master(config.spark.master).appName(config.spark.app_name)
    for key, value in spark_conf(config).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(config.spark.log_level)
    return spark
