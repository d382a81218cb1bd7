"""Builds the engine's Spark session from configuration: master, confs and the connector jars."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from mlsql.config import Config, conf_file

# Spark's JVM logging: warnings and errors of Spark itself only, no start-up chatter.
LOG4J_CONF = conf_file("log4j2-spark.properties")

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_conf(config: Config) -> dict[str, str]:
    """Every Spark setting the engine applies, in order of precedence (later wins)."""
    from mlsql.models.fs import s3_env, uses_s3

    # S3 configured (spark.hadoop.fs.s3a.*): the s3a connector jars, and the same settings for
    # the model store in the executors' Python workers (mlsql.models.fs)
    s3 = uses_s3(config.spark.conf)
    jar_paths = [*config.spark_jars(), *(config.s3_jars() if s3 else [])]
    jars = ",".join(str(p) for p in jar_paths)
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
    log_conf = LOG4J_CONF if LOG4J_CONF.exists() else None
    if log_conf is not None:
        option = f"-Dlog4j.configurationFile={log_conf}"
        conf["spark.driver.extraJavaOptions"] = option
        conf["spark.executor.extraJavaOptions"] = option
    conf.update({f"spark.executorEnv.{k}": v for k, v in s3_env(config.spark.conf).items()})
    conf.update(config.spark.conf)
    return conf


def quiet_python_loggers() -> None:
    """PySpark logs every analysis error it raises as a JSON record with the JVM stack; the
    engine reports those errors itself (with position and snippet), so that logger is muted."""
    import logging

    from pyspark.logger import PySparkLogger

    PySparkLogger.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL + 1)


def build_spark_session(config: Config) -> SparkSession:
    """The Spark session for `config` (getOrCreate: reuses an active session's context)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from mlsql.models.fs import s3_env

    for key, value in s3_env(config.spark.conf).items():  # the driver's model store reads them
        os.environ.setdefault(key, value)
    # Spark binds its driver services to this address; loopback unless the user says otherwise.
    if config.spark.master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    quiet_python_loggers()

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master(config.spark.master).appName(config.spark.app_name)
    for key, value in spark_conf(config).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(config.spark.log_level)
    return spark
