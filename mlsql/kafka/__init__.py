"""Kafka for training data: the embedded KRaft broker and the Arrow transport.

- `mlsql.kafka.broker`: `EmbeddedBroker` (one broker process under `<work_dir>/kafka/`),
  `ensure_bootstrap` (configured broker, running embedded broker, or a new one), and the
  detached start/stop/status behind `mlsql kafka`.
- `mlsql.kafka.transport`: per-job topics carrying Arrow record batches from Spark executors
  (`write_arrow_partition`) to training workers (`read_arrow_batches`).
- `mlsql.kafka.admin`: bounded admin calls (probes, topic creation and deletion).

Submodules import kafka-python and pyarrow lazily where they can, so importing this package is
cheap.
"""

import logging

# librdkafka's own log lines (e.g. "Coordinator load in progress: retrying" while a new
# broker's transaction coordinator starts) go to the `mlsql.kafka.*` loggers. In Spark's Python
# workers nothing configures logging, so without a handler Python's last-resort handler would
# print these routine warnings into every script's output; an application that configures
# logging still receives them.
logging.getLogger(__name__).addHandler(logging.NullHandler())
