"""The Spark session of a spark-submit run, configured from the engine's configuration file.

spark-submit starts the driver JVM before the entry's Python code runs, but the SparkContext is
created only when the entry asks for it. So the entry applies, before that moment, what the CLI
applies when it builds its own session (`mlsql.engine.spark`):

- every Spark setting of the configuration (`[spark.conf]` of `conf/mlsql.toml`, the connector
  jars, …) that the spark-submit command line left unset: the command line wins, the file fills
  the rest (the Spark UI is off by default, as for the CLI);
- on a local master, the driver's services bound to loopback (`spark.driver.bindAddress`);
- Spark's log level from the configuration (`spark.log.level`, applied while the context
  starts), so the output is the script's, not Spark's INFO lines. The few lines the driver JVM
  prints before the entry runs (and the context's first three) are spark-submit's own.

The Spark UI binds to the JVM's `SPARK_LOCAL_IP` environment variable (or every interface); the
entry cannot change the environment of a JVM already running, so when the UI is enabled without
it, a one-line warning says how to keep it on loopback.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mlsql.config import Config

LOOPBACK = "127.0.0.1"
# Settings that only take effect when the driver JVM starts: spark-submit already started it.
JVM_START_ONLY = frozenset({"spark.driver.memory", "spark.driver.extraJavaOptions"})


def submitted_conf() -> Any:
    """The settings spark-submit gave the driver JVM (its `spark.*` system properties)."""
    from pyspark import SparkConf

    return SparkConf(loadDefaults=True)


def settings_to_apply(config: Config, submitted: Any, local_ip: str | None) -> dict[str, str]:
    """The configuration's Spark settings that the spark-submit command line left unset.

    Args:
        config: the engine configuration (file, environment).
        submitted: the `SparkConf` spark-submit built.
        local_ip: `SPARK_LOCAL_IP` of the driver JVM, if set.

    Returns:
        Settings to give the SparkSession builder.
    """
    from mlsql.engine.spark import spark_conf

    wanted = {k: v for k, v in spark_conf(config).items() if k not in JVM_START_ONLY}
    # Spark applies this level while the context starts (the CLI's JVM reads the log4j file).
    wanted.setdefault("spark.log.level", config.spark.log_level.upper())
    master = submitted.get("spark.master", config.spark.master)
    if master.startswith("local") and not local_ip:
        wanted.setdefault("spark.driver.bindAddress", LOOPBACK)
        wanted.setdefault("spark.driver.host", LOOPBACK)
    return {k: v for k, v in wanted.items() if not submitted.contains(k)}


def warn_if_ui_listens_everywhere(
    conf: dict[str, str], submitted: Any, local_ip: str | None
) -> None:
    """One line on stderr when the Spark UI will listen on every interface."""
    enabled = submitted.get("spark.ui.enabled", conf.get("spark.ui.enabled", "true"))
    if enabled.lower() == "true" and not local_ip:
        print(
            "mlsql: the Spark UI listens on every interface; run spark-submit with "
            f"SPARK_LOCAL_IP={LOOPBACK} to keep it on loopback",
            file=sys.stderr,
        )


def submitted_spark(config: Config) -> SparkSession:
    """The Spark session for a spark-submit run: the command line's settings, then the
    configuration's, with quiet logs and loopback driver services on a local master."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    from mlsql.engine.spark import quiet_python_loggers

    quiet_python_loggers()
    SparkContext._ensure_initialized()
    jvm = SparkContext._jvm
    assert jvm is not None
    local_ip = jvm.java.lang.System.getenv("SPARK_LOCAL_IP")
    submitted = submitted_conf()
    conf = settings_to_apply(config, submitted, local_ip)
    warn_if_ui_listens_everywhere(conf, submitted, local_ip)
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(config.spark.log_level)
    add_jars_to_driver(spark, conf.get("spark.jars", ""))
    return spark


def add_jars_to_driver(spark: SparkSession, jars: str) -> None:
    """Put the configuration's jars on the driver's class path too (`ADD JAR`): `spark.jars`
    given after the driver JVM started reaches the executors only (the CLI's JVM starts with
    them; the engine's JVM functions are looked up on the driver)."""
    for jar in filter(None, jars.split(",")):
        spark.sql(f"ADD JAR '{jar}'")
