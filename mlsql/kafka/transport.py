"""The training-data path: Arrow record batches from Spark executors to training workers.

This module is the API other parts code against; the rooms behind it are `messages` (topic
reference, headers, limits), `arrow_codec` (payloads), `writer`, `reader` and `admin`.

Writer (`write_arrow_partition`, inside a Spark task, e.g. under `mapInArrow`): the rows of one
Spark partition become Arrow IPC stream payloads (schema + one or more record batches) of about
`MESSAGE_TARGET_BYTES` (1 MB; big batches are sliced, small ones packed; never over
`TopicRef.max_message_bytes`), sent to Kafka partition `spark_partition % kafka_partitions`,
followed by one end marker. Writers and the reader use librdkafka (`confluent-kafka`): its C
threads copy, batch and send while the Python thread encodes, and a reader's fetches of every
Kafka partition run in parallel outside the GIL. Headers tell data (`k=d`) from end markers (`k=e`) and carry the
Spark partition (`p`) and a random attempt id (`a`); the end marker's value is JSON with the
attempt's row, message and byte counts. The producer connects and begins its transaction in a
thread while the first input is encoded.

Retried and speculative Spark tasks: each Spark partition writes in ONE Kafka transaction whose
`transactional.id` is `<topic>.<partition>`. A new attempt fences the previous one (Kafka aborts
the old attempt's open transaction), and the reader consumes with `read_committed`, so rows of an
attempt that died midway are never seen. If an attempt committed and Spark still retried it (it
failed after the commit), both copies are committed one after the other; the reader keeps the
attempt whose end marker arrives first and drops data of any other attempt of that partition
(which, being a later transaction on the same Kafka partition, arrives after that marker).
The reader counts DISTINCT Spark partitions, so a duplicate end marker never ends a pass early.
It holds each attempt's data until that attempt's end marker arrives with the row count it
received (a marker with another count is an incomplete attempt: noted, named on timeout, and the
pass waits for another attempt); then it releases that data and drops the other attempts'.

The default writer of the training path (`mlsql.engine.training.datapath`) is Spark's JVM Kafka
sink, fed the same messages (attempt id = `taskAttemptId`) by an encoder in the executor JVM
(`mlsql.functions.KafkaArrowRows`, in mlsql-functions.jar), or by `mlsql.kafka.sink` under
`mapInArrow` when that encoder is unavailable. The sink sends without transactions, so rows of a
task that died midway stay in the topic; the hold-until-marker rule above is what keeps them out
of training.

Reader (`read_arrow_batches`): one full pass from the beginning of every Kafka partition of the
topic; call it again for another epoch. Offsets are never committed: `group_id` only names the
reader to the broker (its client id). Because of `read_committed`, a Spark partition's rows
become visible when its task commits: give the table several Spark partitions (a few per core)
so that reading overlaps writing, and topics a few Kafka partitions so that one open
transaction does not hold back the others' data.
"""

from __future__ import annotations

from mlsql.kafka.admin import create_topic, delete_topic
from mlsql.kafka.messages import TopicRef, TransportTimeout, topic_name
from mlsql.kafka.reader import read_arrow_batches
from mlsql.kafka.writer import write_arrow_partition

__all__ = [
    "TopicRef",
    "TransportTimeout",
    "create_topic",
    "delete_topic",
    "read_arrow_batches",
    "topic_name",
    "write_arrow_partition",
]
