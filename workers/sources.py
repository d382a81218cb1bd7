"""The training worker's spec file and the batch sources it names.

A spec (JSON, written by the engine) carries the group to train, where to write, and where the
data is: a Kafka topic (``topic`` holds the fields of ``mlsql.kafka.transport.TopicRef``, with
``group_id`` and ``timeout_s``), or Arrow IPC files (``arrow_files``: for local runs and
debugging). ``eval_topic`` / ``eval_arrow_files`` name an evaluation table the same way::

    {"group": {"algorithm": "RandomForest", "group": 0, "params": {"labelCol": "label"}},
     "staging_dir": "/models/rf/.staging-1a2b", "result_path": "/tmp/job/group-0.json",
     "topic": {"bootstrap_servers": "localhost:9092", "topic": "mlsql_train_1", "partitions": 4},
     "group_id": "mlsql-train-1-g0", "timeout_s": 60}
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from mlsql.errors import WorkerError
from mlsql.models.dataset import BatchSource

Progress = Callable[[dict[str, Any]], None]
PROGRESS_INTERVAL_S = 1.0


class ReadProgress:
    """Turns the transport's ``(rows, bytes)`` callbacks into throttled progress events."""

    def __init__(self, progress: Progress, group: int, interval_s: float = PROGRESS_INTERVAL_S):
        self.progress = progress
        self.group = group
        self.interval_s = interval_s
        self.last = 0.0

    def __call__(self, rows: int, size: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval_s:
            self.last = now
            event = {"event": "progress", "group": self.group, "stage": "reading"}
            self.progress({**event, "rows": rows, "bytes": size})


def kafka_source(
    topic: dict[str, Any], group_id: str, timeout_s: float, on_progress: ReadProgress
) -> BatchSource:
    """A batch source re-reading a Kafka topic on every call."""
    try:
        from mlsql.kafka.transport import TopicRef, read_arrow_batches
    except ImportError as exc:
        raise WorkerError(f"the Kafka transport is not available: {exc}") from exc
    ref = TopicRef(**topic)

    def batches() -> Iterator[pa.RecordBatch]:
        return read_arrow_batches(
            ref, group_id=group_id, timeout_s=timeout_s, on_progress=on_progress
        )

    return batches


def _read_ipc(path: Path) -> Iterator[pa.RecordBatch]:
    with pa.memory_map(str(path)) as source:
        try:
            reader: Any = pa.ipc.open_file(source)
            batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        except pa.ArrowInvalid:
            source.seek(0)
            batches = list(pa.ipc.open_stream(source))
    yield from batches


def arrow_file_source(paths: list[str]) -> BatchSource:
    """A batch source over Arrow IPC files (file or stream format), read on every call."""
    files = [Path(p) for p in paths]

    def batches() -> Iterator[pa.RecordBatch]:
        for path in files:
            if not path.is_file():
                raise WorkerError(f"training data file {path} does not exist")
            yield from _read_ipc(path)

    return batches


@dataclass
class WorkerSpec:
    """What one training worker process does (see the module docstring for the JSON)."""

    group: dict[str, Any]
    staging_dir: str
    result_path: str | None = None
    topic: dict[str, Any] | None = None
    group_id: str | None = None
    timeout_s: float = 60.0
    eval_topic: dict[str, Any] | None = None
    arrow_files: list[str] | None = None
    eval_arrow_files: list[str] | None = None

    @classmethod
    def read(cls, path: Path) -> WorkerSpec:
        """Reads a spec file (unknown keys are ignored)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def write(self, path: Path) -> None:
        """Writes the spec as JSON."""
        Path(path).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    def _source(
        self, topic: dict[str, Any] | None, files: list[str] | None, progress: Progress
    ) -> BatchSource | None:
        if topic is not None:
            reporter = ReadProgress(progress, int(self.group.get("group", 0)))
            group_id = self.group_id or f"mlsql-train-{topic.get('topic', 'data')}"
            return kafka_source(topic, group_id, float(self.timeout_s), reporter)
        if files is not None:
            return arrow_file_source(files)
        return None

    def batch_source(self, progress: Progress) -> BatchSource:
        """The training table's batch source."""
        source = self._source(self.topic, self.arrow_files, progress)
        if source is None:
            raise WorkerError("the worker spec names no training data (topic or arrow_files)")
        return source

    def eval_batch_source(self, progress: Progress) -> BatchSource | None:
        """The evaluation table's batch source, if the spec names one."""
        return self._source(self.eval_topic, self.eval_arrow_files, progress)
