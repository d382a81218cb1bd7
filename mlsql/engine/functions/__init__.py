"""SQL functions every engine session has (registered when the session is created).

`vectors.py`: MLSQL/Byzer's `vec_*` functions, JVM-side (see `java/`).
"""

from mlsql.engine.functions.vectors import VECTOR_FUNCTIONS, register_vector_functions

__all__ = ["VECTOR_FUNCTIONS", "register_vector_functions"]
