"""Spark executors write a table into a Kafka topic, partition by partition, as Arrow batches.

The driver never collects rows: each task sends its partition with
`mlsql.kafka.transport.write_arrow_partition` (then one end marker) and returns only a count.
Spark ML vector columns are turned into arrays first so they travel as Arrow lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from mlsql.kafka.transport import TopicRef

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


def vectors_as_arrays(df: DataFrame) -> DataFrame:
    """`df` with every Spark ML vector column converted to array<double>."""
    from pyspark.ml.functions import vector_to_array
    from pyspark.ml.linalg import VectorUDT

    for f in df.schema.fields:
        if isinstance(f.dataType, VectorUDT):
            df = df.withColumn(f.name, vector_to_array(df[f.name]))
    return df


def write_table(df: DataFrame, ref: TopicRef) -> tuple[TopicRef, int]:
    """Send `df` into `ref.topic` from the executors.

    Returns:
        The reference with `partitions` set to the number of Spark partitions written (the end
        markers a reader must see), and the number of rows sent.
    """

    def send(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyspark import TaskContext

        from mlsql.kafka.transport import write_arrow_partition

        context = TaskContext.get()
        index = context.partitionId() if context is not None else 0
        rows = write_arrow_partition(ref, index, batches)
        yield pa.RecordBatch.from_pydict({"partition": [index], "rows": [rows]})

    counts = vectors_as_arrays(df).mapInArrow(send, "partition long, rows long").collect()
    partitions = {row["partition"] for row in counts}
    return replace(ref, partitions=len(partitions)), sum(row["rows"] for row in counts)
