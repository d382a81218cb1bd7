"""A driver thread that reads workers' progress events from Kafka into the job's progress."""

from __future__ import annotations

import json
import threading
from typing import Any

from mlsql.engine.jobs import Job

POLL_MS = 200
# worker event/stage -> what the progress display says
STAGES = {
    "started": "starting",
    "read": "reading",
    "reading": "reading",
    "epoch": "training",
    "fitted": "evaluating",
    "saved": "saved",
    "result": "done",
}


class ProgressListener:
    """Consumes `topic` until stopped; each event updates `job.training["groups"][group]`."""

    def __init__(self, job: Job, bootstrap_servers: str, topic: str) -> None:
        self.job = job
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.groups: dict[int, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"progress-{topic}", daemon=True)

    def __enter__(self) -> ProgressListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from kafka import KafkaConsumer

        try:
            consumer = KafkaConsumer(
                self.topic,
                bootstrap_servers=self.bootstrap_servers,
                auto_offset_reset="earliest",
                enable_auto_commit=False,
                group_id=None,
                consumer_timeout_ms=POLL_MS,
            )
        except Exception:
            return
        try:
            while not self._stop.is_set():
                for records in consumer.poll(timeout_ms=POLL_MS).values():
                    for record in records:
                        self.handle(record.value)
        finally:
            consumer.close()

    def handle(self, payload: bytes) -> None:
        """Merge one event into the group's progress and notify the job's listeners."""
        try:
            event = json.loads(payload)
            group = int(event.pop("group"))
        except (ValueError, KeyError, TypeError):
            return
        info = self.groups.setdefault(group, {})
        info.update({k: v for k, v in event.items() if k != "event"})
        stage = event.get("stage") or event.get("event")
        if stage in STAGES:
            info["status"] = STAGES[stage]
        self.job.report(training={"groups": {g: dict(v) for g, v in self.groups.items()}})
