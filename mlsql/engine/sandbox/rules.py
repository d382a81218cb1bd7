"""The sandbox's rules as data: rule names, dangerous functions and nodes, safe Spark confs.

Every refusal names its rule (`forbidden by rule 'reflection': …`) and the configuration that
lifts it, so an owner knows what was refused and an operator what to grant.
"""

from __future__ import annotations

import fnmatch
import re

# rule name -> the configuration that lifts it (shown in the refusal's hint)
RULES: dict[str, str] = {
    "path_sandbox": "put the path under the owner's roots (security.allowed_path_roots)",
    "reflection": "grant it with security.owners.<owner>.allow_reflection = true",
    "user_code": "grant it with security.owners.<owner>.allow_user_code = true",
    "spark_conf": 'grant the key with security.owners.<owner>.allow_spark_conf = ["<key>"]',
    "shell": "enable security.allow_shell_set in the configuration",
    "shared_catalog": "use temporary views (`select … as t`), which stay in the owner's session",
    "sql_check": "simplify the statement; the sandbox must be able to read its plan",
    "owner_name": "use an owner name made of letters, digits and _ . @ -",
}

# functions that call any static Java method on the driver or the executors
REFLECTION_FUNCTIONS = frozenset({"reflect", "java_method", "try_reflect"})
# plan nodes that run a program (`SELECT TRANSFORM(…) USING 'cmd'`)
SHELL_NODES = frozenset({"ScriptTransformation"})
# plan nodes that load code into the shared JVM
CODE_NODES = frozenset(
    {
        "AddJarsCommand",
        "AddArchivesCommand",
        "CreateFunctionCommand",
        "CreateFunction",
    }
)
GLOBAL_TEMP_DATABASE = "global_temp"

# Spark confs any owner may set: performance and formatting, nothing that names a path, a
# class, a catalog, a file system or turns a protection off.
SAFE_CONF_KEYS = (
    "spark.sql.shuffle.partitions",
    "spark.sql.adaptive.*",
    "spark.sql.session.timeZone",
    "spark.sql.ansi.enabled",
    "spark.sql.caseSensitive",
    "spark.sql.execution.arrow.pyspark.enabled",
    "spark.sql.execution.arrow.maxRecordsPerBatch",
    "spark.sql.autoBroadcastJoinThreshold",
    "spark.sql.files.maxPartitionBytes",
    "spark.sql.files.maxRecordsPerFile",
    "spark.sql.parquet.compression.codec",
    "spark.sql.sources.partitionOverwriteMode",
    "spark.sql.legacy.timeParserPolicy",
    "spark.sql.datetime.java8API.enabled",
    "spark.sql.repl.eagerEval.*",
    "spark.sql.optimizer.*",
    "spark.sql.cbo.*",
)

# options (lower-case) whose value is a file-system path, in any statement
PATH_OPTIONS = frozenset(
    {"path", "paths", "checkpointlocation", "pythonfile", "location", "pretrainedmodel"}
)
# options that name a Python module to import (SKLearn's moduleName, also per fitParam group)
MODULE_OPTION = "modulename"
SAFE_MODULE_PREFIXES = ("sklearn.",)

# JDBC URLs that open a local file: driver prefix -> how the path starts after it
_JDBC_FILE = re.compile(
    r"^jdbc:(?:sqlite:|h2:(?:file:)?|derby:(?:directory:)?|hsqldb:file:)(?P<path>[^;?]*)",
    re.IGNORECASE,
)
_JDBC_NOT_FILE = re.compile(
    r"^jdbc:(?:h2:(?:mem|tcp|ssl|zip):|derby:(?:memory|classpath|jar):|derby://)", re.IGNORECASE
)
_JDBC_INIT = re.compile(r"[;?&]\s*init\s*=", re.IGNORECASE)


def conf_allowed(key: str, extra: list[str]) -> bool:
    """Whether Spark conf `key` may be set: a safe key or one the owner was granted."""
    patterns = (*SAFE_CONF_KEYS, *extra)
    return any(p == "*" or fnmatch.fnmatchcase(key, p) for p in patterns)


def jdbc_file(url: str) -> str | None:
    """The local file a JDBC URL opens (SQLite, H2, Derby, HSQLDB), or None for a server URL."""
    if _JDBC_NOT_FILE.match(url):
        return None
    found = _JDBC_FILE.match(url.strip())
    return found.group("path") if found else None


def jdbc_runs_init(url: str) -> bool:
    """Whether a JDBC URL carries an INIT script (H2 runs it, and it may load code)."""
    return bool(_JDBC_INIT.search(url))


def safe_module(name: str) -> bool:
    """Whether an estimator module is scikit-learn's own."""
    return name == "sklearn" or name.startswith(SAFE_MODULE_PREFIXES)
