"""MLSQL/Byzer's vector functions in every session: vec_dense, vec_sparse, vec_array, vec_concat,
vec_argmax, vec_mk_string.

They are Spark Java UDFs (`java/mlsql/functions/VectorFunctions.java`, compiled by
scripts/setup.sh into `.cache/jars/spark/mlsql-functions.jar`, which `spark.jars` carries): rows
never leave the executor JVM. Python UDFs (even Arrow ones) would ship every batch to a Python
worker and back, and Arrow cannot carry Spark ML's vector type at all; Spark SQL expressions
(`pyspark.ml.functions.array_to_vector`) cannot be called by name from SQL text.
See `bench/vector_functions.py` for the measured difference.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DataType

log = logging.getLogger(__name__)

JAVA_CLASS = "mlsql.functions.VectorFunctions"


@dataclass(frozen=True)
class VectorFunction:
    """One SQL function: its name, the Java class implementing it, its result type, its doc."""

    name: str
    java_class: str
    result: str
    doc: str


VECTOR_FUNCTIONS: tuple[VectorFunction, ...] = (
    VectorFunction("vec_dense", "VecDense", "vector", "vec_dense(array<double>) -> dense vector"),
    VectorFunction(
        "vec_sparse",
        "VecSparse",
        "vector",
        "vec_sparse(size, map<int, double>) -> sparse vector of that size",
    ),
    VectorFunction("vec_array", "VecArray", "array<double>", "vec_array(vector) -> array<double>"),
    VectorFunction(
        "vec_concat",
        "VecConcat",
        "vector",
        "vec_concat(array(v1, v2, …)) -> the vectors placed end to end (compressed)",
    ),
    VectorFunction(
        "vec_argmax", "VecArgmax", "int", "vec_argmax(vector) -> index of the largest value"
    ),
    VectorFunction(
        "vec_mk_string",
        "VecMkString",
        "string",
        "vec_mk_string(splitter, vector) -> the values joined by splitter",
    ),
)


def _result_type(name: str) -> DataType:
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import ArrayType, DoubleType, IntegerType, StringType

    types: dict[str, DataType] = {
        "vector": VectorUDT(),
        "array<double>": ArrayType(DoubleType()),
        "int": IntegerType(),
        "string": StringType(),
    }
    return types[name]


def functions_available(spark: SparkSession) -> bool:
    """Whether the functions' jar is on this Spark's class path."""
    try:
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        jvm.java.lang.Class.forName(
            JAVA_CLASS, True, jvm.Thread.currentThread().getContextClassLoader()
        )
        return True
    except Exception:
        return False


def register_vector_functions(spark: SparkSession) -> list[str]:
    """Register every vector function in `spark` (one Spark session); returns their names.

    Without the jar (scripts/setup.sh not run) nothing is registered and a warning is logged:
    calls then fail as undefined functions rather than the session failing to start.
    """
    if not functions_available(spark):
        log.warning(
            "vec_* functions unavailable: %s not on spark.jars (run make setup)", JAVA_CLASS
        )
        return []
    for fn in VECTOR_FUNCTIONS:
        spark.udf.registerJavaFunction(
            fn.name, f"{JAVA_CLASS}${fn.java_class}", _result_type(fn.result)
        )
    return [fn.name for fn in VECTOR_FUNCTIONS]


def register_java_udf(spark: SparkSession, name: str, udf: object, result: DataType) -> None:
    """Register a JVM UDF object (e.g. a `VectorScaler` built through py4j) under `name`."""
    jspark = spark._jsparkSession
    jspark.udf().register(name, udf, jspark.parseDataType(result.json()))


def java_functions(spark: SparkSession) -> object:
    """The JVM package of the engine's functions (`mlsql.functions`), for building UDF objects."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    return jvm.mlsql.functions
