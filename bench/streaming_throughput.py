"""Streaming prediction: throughput (rows/s) and end-to-end latency of a registered model applied
by an MLSQL stream (Kafka → Spark Structured Streaming, 1-second trigger → Kafka).

Set-up: an embedded Kafka broker and a local Spark session (`--master`, default local[2]); an
iris RandomForest is trained and registered as `rf` (or `--expr` applies a plain SQL expression
instead of the model). Two phases, each bounded by `--max-seconds`:

(a) throughput: `--rows` JSON feature rows are loaded into the source topic first; the stream
    starts from the earliest offset and the clock runs from its first micro-batch to the commit
    of the batch holding the last row (Spark's own counts, checked against the sink topic's
    end offset);
(b) latency: the stream runs from the latest offset while rows are produced at `--rate` rows/s
    for `--seconds`; each row carries its send time, and a consumer of the sink topic records
    when each prediction arrives. p50/p95/max of arrival - send; with a 1-second trigger the
    floor is about half a trigger interval plus the batch time.

Prints a table; never fails on a timing. Run:

    .venv/bin/python bench/streaming_throughput.py [--rows 100000] [--rate 200] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsql.config import Config  # noqa: E402
from mlsql.engine import Engine  # noqa: E402
from mlsql.engine.streaming import stop_stream  # noqa: E402
from mlsql.kafka.admin import create_topic  # noqa: E402
from mlsql.kafka.broker import EmbeddedBroker  # noqa: E402

FEATURES = ("sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm")
STREAM_SCRIPT = """
set streamName="{name}";
load kafka.`{source}` options startingOffsets="{offsets}" as raw;
select from_json(value, 'id long, sent_ms long, {schema}') as f from raw as parsed;
select f.id as id, f.sent_ms as sent_ms, {predict} as prediction from parsed as scored;
save append scored as kafka.`{sink}` options duration="1";
"""


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the throughput phase")
    parser.add_argument("--rate", type=int, default=200, help="rows/s of the latency phase")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the latency phase")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="bound of each phase")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--expr", action="store_true", help="a SQL expression, not the model")
    return parser.parse_args()


def iris_rows() -> list[dict[str, float]]:
    """The 150 iris feature rows."""
    from sklearn.datasets import load_iris

    data = load_iris().data
    return [dict(zip(FEATURES, map(float, row), strict=True)) for row in data]


def produce(bootstrap: str, topic: str, count: int, rate: float | None, start_id: int = 0) -> None:
    """Send `count` JSON rows (at `rate` rows/s, or as fast as possible) with their send time."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, batch_size=256 * 1024)
    features = iris_rows()
    started = time.monotonic()
    for i in range(count):
        if rate is not None:
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        row = {"id": start_id + i, "sent_ms": int(time.time() * 1000), **features[i % 150]}
        producer.send(topic, json.dumps(row).encode())
    producer.flush(timeout=60)
    producer.close(timeout=10)


def end_offset(bootstrap: str, topic: str) -> int:
    """Messages in `topic` (sum of its partitions' end offsets)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return sum(consumer.end_offsets(parts).values())
    finally:
        consumer.close()


def start_stream(
    engine: Engine, session: Any, name: str, source: str, sink: str, args: Any, offsets: str
) -> Any:
    """Start the prediction stream; returns its Spark query."""
    predict = (
        "f.petal_length_cm * 0.5 + f.petal_width_cm"
        if args.expr
        else "rf(" + ", ".join(f"f.{c}" for c in FEATURES) + ")"
    )
    schema = ", ".join(f"{c} double" for c in FEATURES)
    engine.run(
        STREAM_SCRIPT.format(
            name=name, source=source, sink=sink, offsets=offsets, schema=schema, predict=predict
        ),
        session=session,
    )
    return session.streams[name].query


def throughput_phase(engine: Engine, session: Any, bootstrap: str, args: Any) -> dict[str, Any]:
    """Pre-load `--rows` rows, then time the stream over them."""
    source, sink = "bench.tp.in", "bench.tp.out"
    for topic in (source, sink):
        create_topic(bootstrap, topic, num_partitions=2)
    produce(bootstrap, source, args.rows, None)
    query = start_stream(engine, session, "bench_throughput", source, sink, args, "earliest")
    deadline = time.monotonic() + args.max_seconds
    done = 0
    while time.monotonic() < deadline:
        done = sum(p["numInputRows"] for p in query.recentProgress)
        if done >= args.rows:
            break
        time.sleep(0.5)
    batches = [p for p in query.recentProgress if p["numInputRows"] > 0]
    stop_stream(session, "bench_throughput")
    if not batches:
        return {"rows": 0, "seconds": float("nan"), "batches": 0, "in_sink": 0}
    first, last = batches[0], batches[-1]
    seconds = (
        _ts(last["timestamp"])
        + last["durationMs"]["triggerExecution"] / 1000
        - _ts(first["timestamp"])
    )
    return {
        "rows": done,
        "seconds": seconds,
        "batches": len(batches),
        "in_sink": end_offset(bootstrap, sink),
        "batch_rate": statistics.median(p["processedRowsPerSecond"] for p in batches),
    }


def _ts(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def latency_phase(engine: Engine, session: Any, bootstrap: str, args: Any) -> dict[str, Any]:
    """Produce at `--rate` rows/s into a running stream and time each row to its prediction."""
    from kafka import KafkaConsumer

    source, sink = "bench.lat.in", "bench.lat.out"
    for topic in (source, sink):
        create_topic(bootstrap, topic)
    query = start_stream(engine, session, "bench_latency", source, sink, args, "latest")
    while not query.recentProgress:  # the source has fixed its starting offsets
        time.sleep(0.2)
    latencies: list[float] = []
    expected = int(args.rate * args.seconds)
    consumer = KafkaConsumer(sink, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    stop = threading.Event()

    def collect() -> None:
        while not stop.is_set() and len(latencies) < expected:
            for records in consumer.poll(timeout_ms=200).values():
                now = time.time() * 1000
                latencies.extend(now - json.loads(r.value)["sent_ms"] for r in records)

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    produce(bootstrap, source, expected, args.rate, start_id=10_000_000)
    reader.join(timeout=args.max_seconds)
    stop.set()
    reader.join(timeout=5)
    consumer.close()
    stop_stream(session, "bench_latency")
    ordered = sorted(latencies)
    pick = (lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]) if ordered else None
    return {
        "sent": expected,
        "received": len(ordered),
        "p50": pick(0.5) if pick else float("nan"),
        "p95": pick(0.95) if pick else float("nan"),
        "max": ordered[-1] if ordered else float("nan"),
    }


def main() -> None:
    """Set up, run both phases, print the table."""
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="mlsql-bench-stream-"))
    config = Config.load(
        work_dir=str(work),
        spark={"master": args.master, "conf": {"spark.sql.shuffle.partitions": "2"}},
    )
    with EmbeddedBroker(config) as broker:
        bootstrap = broker.bootstrap_servers
        kafka = config.kafka.model_copy(update={"bootstrap_servers": bootstrap})
        engine = Engine(config.model_copy(update={"kafka": kafka}))
        try:
            session = engine.session()
            if not args.expr:
                engine.run(
                    f"""load sklearn.`iris` as iris;
                    train iris as RandomForest.`{work / "rf"}` where labelCol="label"
                      and fitParam.0.n_estimators="10";
                    register RandomForest.`{work / "rf"}` as rf;""",
                    session=session,
                )
            tp = throughput_phase(engine, session, bootstrap, args)
            lat = latency_phase(engine, session, bootstrap, args)
        finally:
            engine.close(stop_spark=True)
    report(args, tp, lat)


def report(args: Any, tp: dict[str, Any], lat: dict[str, Any]) -> None:
    """Print the figures."""
    what = "SQL expression" if args.expr else "RandomForest (10 trees) as rf(...)"
    print(f"\nstreaming prediction, {what}, master {args.master}, trigger 1 s")
    print(f"{'measure':<44}{'value':>14}")
    rate = tp["rows"] / tp["seconds"] if tp["seconds"] == tp["seconds"] else float("nan")
    rows = [
        ("throughput rows (processed / in sink)", f"{tp['rows']} / {tp['in_sink']}"),
        ("throughput: micro-batches", f"{tp['batches']}"),
        ("throughput: first batch -> last commit, s", f"{tp['seconds']:.1f}"),
        ("throughput: rows/s end to end", f"{rate:,.0f}"),
        ("throughput: rows/s per batch (median)", f"{tp.get('batch_rate', 0):,.0f}"),
        (f"latency: rows at {args.rate}/s (sent / received)", f"{lat['sent']} / {lat['received']}"),
        ("latency p50, ms", f"{lat['p50']:.0f}"),
        ("latency p95, ms", f"{lat['p95']:.0f}"),
        ("latency max, ms", f"{lat['max']:.0f}"),
    ]
    for name, value in rows:
        print(f"{name:<44}{value:>14}")


if __name__ == "__main__":
    main()
