"""One train statement from start to end, on the driver.

1. create the per-job topics (data, evaluation, progress) on the configured or embedded broker;
2. Spark executors write the table (and `evaluateTable`) into them — the driver never collects;
3. one Spark task per parameter group starts a training worker (`launcher.run_worker`); all
   data is already in Kafka when they start, so worker tasks never wait on writer tasks for a
   slot (no deadlock when groups outnumber free slots; groups beyond the slots queue);
4. if a worker died or was stopped the job fails; otherwise every group that trained is
   published as a version and the statement's table lists the groups, marking the best;
5. topics and unpublished staging folders are removed in success and in failure.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext, Table
from mlsql.engine.training.datapath import write_table
from mlsql.engine.training.options import TrainOptions, split_options
from mlsql.engine.training.progress import ProgressListener
from mlsql.errors import AnalysisError, WorkerError
from mlsql.kafka.transport import TopicRef, create_topic, delete_topic, topic_name
from mlsql.parser.ast import TrainStatement, options_dict

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from mlsql.models.store import ModelStore

MAX_TOPIC_PARTITIONS = 16
METRIC_COLUMNS = ("accuracy", "f1", "auc", "rmse", "r2", "silhouette", "acc", "nmi", "ari")
FATAL_STATUSES = ("killed", "timeout")


@dataclass
class Topics:
    """The Kafka topics of one train statement."""

    bootstrap: str
    data: str
    evaluate: str | None
    progress: str

    def names(self) -> list[str]:
        """Every topic name (for deletion)."""
        return [t for t in (self.data, self.evaluate, self.progress) if t]


def run_training(stmt: TrainStatement, ctx: RunContext) -> Table:
    """Train every parameter group of `stmt` through Kafka; returns the groups table."""
    from mlsql.models.algorithms import get_algorithm
    from mlsql.models.store import ModelStore

    opts = split_options(options_dict(stmt.options))
    get_algorithm(stmt.algorithm)  # unknown names fail before any work
    df = ctx.spark.table(stmt.table)
    eval_df = ctx.spark.table(opts.evaluate_table) if opts.evaluate_table else None
    store = ModelStore(ctx.resolve_path(stmt.path))
    topics = _topics(ctx, opts, df)
    stagings: list[Path] = []
    try:
        ctx.job.check()
        refs = _send_data(ctx, topics, df, eval_df)
        ctx.job.check()
        specs = [_spec(ctx, stmt, opts, topics, refs, g, store, stagings) for g in opts.groups]
        with ProgressListener(ctx.job, topics.bootstrap, topics.progress):
            results = _launch(ctx, specs, topics)
        ctx.job.check()  # a kill during the worker job must not publish
        _raise_if_fatal(ctx, stmt, results)
        _publish(store, results, opts.keep_version)
    finally:
        _cleanup(topics, stagings)
    return _groups_table(ctx, stmt, results, store)


def _topics(ctx: RunContext, opts: TrainOptions, df: DataFrame) -> Topics:
    bootstrap = opts.kafka.get("bootstrap.servers") or ctx.engine.kafka_bootstrap()
    base = opts.kafka.get("topic") or topic_name(
        ctx.config.kafka.topic_prefix, f"{ctx.job.id}.{int(time.time() * 1000)}"
    )
    partitions = max(1, min(df.rdd.getNumPartitions(), MAX_TOPIC_PARTITIONS))
    topics = Topics(
        bootstrap, base, f"{base}.eval" if opts.evaluate_table else None, f"{base}.progress"
    )
    max_bytes = ctx.config.kafka.message_max_bytes
    create_topic(bootstrap, topics.data, num_partitions=partitions, max_message_bytes=max_bytes)
    if topics.evaluate:
        create_topic(bootstrap, topics.evaluate, num_partitions=1, max_message_bytes=max_bytes)
    create_topic(bootstrap, topics.progress, num_partitions=1, max_message_bytes=max_bytes)
    return topics


def _send_data(
    ctx: RunContext, topics: Topics, df: DataFrame, eval_df: DataFrame | None
) -> dict[str, TopicRef]:
    max_bytes = ctx.config.kafka.message_max_bytes
    ref, rows = write_table(df, TopicRef(topics.bootstrap, topics.data, 0, max_bytes))
    ctx.job.report(training={"rows": rows})
    refs = {"data": ref}
    if eval_df is not None and topics.evaluate:
        refs["evaluate"], _ = write_table(
            eval_df, TopicRef(topics.bootstrap, topics.evaluate, 0, max_bytes)
        )
    return refs


def _spec(
    ctx: RunContext,
    stmt: TrainStatement,
    opts: TrainOptions,
    topics: Topics,
    refs: dict[str, TopicRef],
    group: int,
    store: ModelStore,
    stagings: list[Path],
) -> dict[str, Any]:
    staging = store.new_staging()
    stagings.append(staging)
    return {
        "group": {
            "algorithm": stmt.algorithm,
            "group": group,
            "params": opts.groups[group],
            "run_id": ctx.job.id,
            "model_path": str(store.path),
        },
        "staging_dir": str(staging),
        "result_path": f"{staging}.result.json",
        "topic": asdict(refs["data"]),
        "eval_topic": asdict(refs["evaluate"]) if "evaluate" in refs else None,
        "group_id": f"{topics.data}.group{group}",
        "timeout_s": ctx.config.kafka.request_timeout_s * 4,
    }


def _launch(ctx: RunContext, specs: list[dict[str, Any]], topics: Topics) -> list[dict[str, Any]]:
    """Run one Spark task per group; each starts and watches its worker process."""
    bootstrap, progress_topic = topics.bootstrap, topics.progress
    timeout_s = ctx.config.training.worker_timeout_s

    def task(items: Any) -> Any:
        from mlsql.engine.training.launcher import ProgressSink, run_worker

        for spec in items:
            sink = ProgressSink(bootstrap, progress_topic)
            try:
                yield json.dumps(run_worker(spec, sink, timeout_s))
            finally:
                sink.close()

    sc = ctx.spark.sparkContext
    rdd = sc.parallelize([json.dumps(s) for s in specs], len(specs)).map(json.loads)
    return [json.loads(r) for r in rdd.mapPartitions(task).collect()]


def _raise_if_fatal(ctx: RunContext, stmt: TrainStatement, results: list[dict[str, Any]]) -> None:
    fatal = [r for r in results if r["status"] in FATAL_STATUSES]
    failed = [r for r in results if r["status"] != "success"]
    if fatal or len(failed) == len(results):
        problems = "; ".join(f"group {r['group']}: {r.get('error')}" for r in (fatal or failed))
        raise ctx.error(
            WorkerError,
            f"training failed, no model version was published ({problems})",
            stmt,
            hint="check the parameters; a killed worker may mean too little memory for the data",
        )


def _publish(store: ModelStore, results: list[dict[str, Any]], keep_version: bool) -> None:
    for result in sorted(results, key=lambda r: r["group"]):
        if result["status"] == "success":
            result["version"] = store.publish(Path(result["staging_dir"]), keep_version)


def _cleanup(topics: Topics, stagings: list[Path]) -> None:
    for name in topics.names():
        try:
            delete_topic(topics.bootstrap, name)
        except Exception:
            pass
    for staging in stagings:
        shutil.rmtree(staging, ignore_errors=True)
        result_file = Path(f"{staging}.result.json")
        if result_file.exists():
            os.unlink(result_file)


def _groups_table(
    ctx: RunContext, stmt: TrainStatement, results: list[dict[str, Any]], store: ModelStore
) -> Table:
    best = _best_group(results)
    rows = []
    for r in sorted(results, key=lambda r: r["group"]):
        metrics = r.get("metrics") or {}
        rows.append(
            (
                int(r["group"]),
                r["status"],
                stmt.algorithm,
                json.dumps(r.get("params") or {}, sort_keys=True),
                *(_float(metrics.get(m)) for m in METRIC_COLUMNS),
                _float(r.get("seconds")),
                r.get("version"),
                r["group"] == best,
                r.get("error"),
            )
        )
    schema = (
        "group int, status string, algorithm string, params string, "
        + ", ".join(f"{m} double" for m in METRIC_COLUMNS)
        + ", seconds double, version int, best boolean, error string"
    )
    df = ctx.spark.createDataFrame(rows, schema)
    name = stmt.output
    if name:
        df.createOrReplaceTempView(name)
    return Table(df=df, name=name)


def _best_group(results: list[dict[str, Any]]) -> int | None:
    from mlsql.models.metrics import is_better

    best: dict[str, Any] | None = None
    for r in results:
        if r["status"] != "success":
            continue
        if best is None or is_better(
            r.get("task", ""), r.get("metrics") or {}, best.get("metrics") or {}
        ):
            best = r
    return None if best is None else int(best["group"])


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def check_model_path(ctx: RunContext, stmt: TrainStatement) -> None:
    """Model paths must be local folders (the store publishes with rename)."""
    from mlsql.engine.paths import is_local

    if not is_local(stmt.path):
        raise ctx.error(
            AnalysisError, f"model path '{stmt.path}' must be a local or mounted folder", stmt
        )
    from mlsql.models.algorithms import find_algorithm

    algorithm = find_algorithm(stmt.algorithm)
    if algorithm is not None and algorithm.family == "dec":  # a pretrained model it reuses
        from mlsql.models.algorithms.dec import check_references

        try:
            check_references(options_dict(stmt.options), ctx.resolve_path)
        except AnalysisError as exc:
            raise ctx.error(AnalysisError, exc.message, stmt) from exc
