"""One train statement from start to end, on the driver, driven by a plan.

1. the plan is built from the statement (``plans.plan_for``): a bad option fails here, at the
   option, before any work;
2. the per-job topics (data, evaluation, progress) are created and Spark executors write the
   table (and ``evaluateTable``) into them once — the driver never collects;
3. the runner asks the plan for trials, runs them as one Spark job (one task per trial; a task
   starts a training worker that reads the topic, ``launcher.run_worker``; trials beyond the
   task slots queue), gives the results back to the plan, and repeats until the plan has no
   more trials; a trial of a configuration that already trained continues from its last model
   (warm start, ``mlsql.models.budget``);
4. if a worker died or was stopped the job fails; otherwise every configuration's last
   successful model is published as a version and the statement's table lists them
   (``results.py``), marking the best (``mlsql.models.metrics.best_index``);
5. topics and unpublished staging folders are removed in success and in failure.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from mlsql.engine.context import RunContext, Table
from mlsql.engine.local_tables import local_frame
from mlsql.engine.source_errors import disk_full_error, is_disk_full
from mlsql.engine.training import results as table
from mlsql.engine.training.datapath import write_table
from mlsql.engine.training.options import TrainOptions, split_options
from mlsql.engine.training.plans import Plan, TrialHistory, plan_for
from mlsql.engine.training.progress import ProgressListener
from mlsql.errors import AnalysisError, WorkerError
from mlsql.kafka.transport import TopicRef, create_topic, delete_topic, topic_name
from mlsql.models.budget import unit_of
from mlsql.models.trials import TrialResult, TrialSpec
from mlsql.parser.ast import TrainStatement, options_dict

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyspark.sql import DataFrame

    from mlsql.models.store import ModelStore

MAX_TOPIC_PARTITIONS = 16
METRIC_COLUMNS = table.METRIC_COLUMNS


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


@dataclass
class Feed:
    """Where trials read their data: the topics and the references written into them."""

    topics: Topics
    refs: dict[str, TopicRef]


def run_training(stmt: TrainStatement, ctx: RunContext) -> Table:
    """Train the statement's plan through Kafka; returns the configurations table."""
    from mlsql.models.store import ModelStore

    stmt = driver_paths(stmt, ctx.resolve_path)
    opts = split_options(options_dict(stmt.options))
    store = ModelStore(ctx.resolve_path(stmt.path))
    slots = max(1, ctx.spark.sparkContext.defaultParallelism)
    plan = plan_for(stmt, ctx, opts, ctx.job.id, store.uri, slots)
    df = ctx.spark.table(stmt.table)
    eval_df = ctx.spark.table(opts.evaluate_table) if opts.evaluate_table else None
    topics = _topics(ctx, opts, df)
    stagings: list[str] = []
    try:
        ctx.job.check()
        feed = Feed(topics, _send_data(ctx, topics, df, eval_df))
        ctx.job.check()
        with ProgressListener(ctx.job, topics.bootstrap, topics.progress):
            _run_plan(ctx, stmt, plan, feed, store, stagings)
        ctx.job.check()  # a kill during the worker jobs must not publish
        lineage = _lineage(stmt, df, opts.evaluate_table)
        try:
            published = _publish(store, plan, opts.keep_version, lineage)
        except OSError as err:  # ENOSPC while re-sealing or renaming: no version published
            if not is_disk_full(str(err)):
                raise
            raise disk_full_error(ctx, stmt, "cannot publish the model", stmt.path) from err
    finally:
        _cleanup(topics, stagings, store)
    return _table(ctx, stmt, plan, published)


# Model options whose value is a file or model path the training worker opens (any group).
WORKER_PATH_OPTIONS = frozenset({"pythonfile", "pretrainedmodel", "existed_pretrain_model"})


def driver_paths(stmt: TrainStatement, resolve: Callable[[str], str]) -> TrainStatement:
    """`stmt` with its worker-opened path options checked and made absolute on the driver.

    Training workers run in folders of their own (Spark's work folder on a cluster), so a
    relative ``pythonFile`` or ``existed_pretrain_model`` must not reach them as it was written.
    """
    from mlsql.models.fs import absolute

    changed = False
    options = []
    for option in stmt.options:
        if option.value and option.key.rsplit(".", 1)[-1].lower() in WORKER_PATH_OPTIONS:
            value = absolute(resolve(option.value))
            changed = changed or value != option.value
            option = replace(option, value=value)
        options.append(option)
    return replace(stmt, options=tuple(options)) if changed else stmt


def _run_plan(
    ctx: RunContext,
    stmt: TrainStatement,
    plan: Plan,
    feed: Feed,
    store: ModelStore,
    stagings: list[str],
) -> None:
    """Ask, run, tell, until the plan is done; fatal worker deaths stop everything."""
    launch = 0
    while specs := plan.next_trials():
        specs = [_warm_start(plan, s) for s in specs]
        plan.launched(specs)
        ctx.job.report(training={"plan": plan.summary()})
        workers = [_worker_spec(ctx, s, feed, store, stagings, launch) for s in specs]
        results = _launch(ctx, workers, feed.topics, packed=plan.search)
        ctx.job.check()
        _raise_if_fatal(ctx, stmt, results)
        plan.observe(results)
        ctx.job.report(training={"plan": plan.summary()})
        launch += 1
    finals = [h.last for h in plan.history.values() if h.last is not None]
    if not any(r.ok for r in finals):
        _raise_failed(ctx, stmt, finals)


def _warm_start(plan: Plan, spec: TrialSpec) -> TrialSpec:
    """A further round of a trained configuration continues from its last model."""
    history = plan.history.get(spec.group)
    last = history.last if history else None
    if last is None or not last.ok or not last.staging_dir or spec.resource is None:
        return spec
    if not unit_of(last.algorithm).warm:
        return spec
    return replace(spec, warm_start_from=last.staging_dir, warm_start_resource=last.resource)


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


def _worker_spec(
    ctx: RunContext,
    spec: TrialSpec,
    feed: Feed,
    store: ModelStore,
    stagings: list[str],
    launch: int,
) -> dict[str, Any]:
    staging = store.new_staging()  # an absolute path or URI: workers run in other folders
    stagings.append(staging)
    return {
        "group": spec.to_dict(),
        "staging_dir": staging,
        "result_path": f"{staging}.result.json",
        "topic": asdict(feed.refs["data"]),
        "eval_topic": asdict(feed.refs["evaluate"]) if "evaluate" in feed.refs else None,
        "group_id": f"{feed.topics.data}.group{spec.group}.launch{launch}",
        "timeout_s": ctx.config.kafka.request_timeout_s * 4,
    }


def _launch(
    ctx: RunContext, specs: list[dict[str, Any]], topics: Topics, *, packed: bool = False
) -> list[TrialResult]:
    """Run one Spark task per trial, or per pack of trials (a search: ``packs.py``); each
    task starts and watches its worker process."""
    from mlsql.engine.training.packs import pack, pack_spec

    bootstrap, progress_topic = topics.bootstrap, topics.progress
    timeout_s = ctx.config.training.worker_timeout_s
    sc = ctx.spark.sparkContext
    units = [pack_spec(p) for p in pack(specs, sc.defaultParallelism)] if packed else specs

    def task(items: Any) -> Any:
        from mlsql.engine.training.launcher import ProgressSink, run_worker
        from mlsql.engine.training.packs import run_pack

        for spec in items:
            sink = ProgressSink(bootstrap, progress_topic)
            try:
                if spec.get("trials"):
                    yield from (json.dumps(r) for r in run_pack(spec, sink, timeout_s))
                else:
                    yield json.dumps(run_worker(spec, sink, timeout_s))
            finally:
                sink.close()

    rdd = sc.parallelize([json.dumps(s) for s in units], len(units)).map(json.loads)
    algorithms = {int(s["group"]["group"]): s["group"]["algorithm"] for s in specs}
    found = []
    for text in rdd.mapPartitions(task).collect():
        data = json.loads(text)  # the launcher's own outcomes (killed, timeout) name no algorithm
        data.setdefault("algorithm", algorithms.get(int(data["group"]), ""))
        found.append(TrialResult.from_dict(data))
    return found


def _raise_if_fatal(ctx: RunContext, stmt: TrainStatement, results: list[TrialResult]) -> None:
    fatal = [r for r in results if r.fatal]
    if fatal:
        _raise_failed(ctx, stmt, fatal)


def _raise_failed(ctx: RunContext, stmt: TrainStatement, failed: list[TrialResult]) -> None:
    problems = "; ".join(f"group {r.group}: {r.error}" for r in failed[:10])
    if any(is_disk_full(r.error or "") for r in failed):
        doing = f"training failed, no model version was published ({problems})"
        raise disk_full_error(ctx, stmt, doing, stmt.path)
    raise ctx.error(
        WorkerError,
        f"training failed, no model version was published ({problems})",
        stmt,
        hint="check the parameters; a killed worker may mean too little memory for the data",
    )


def _lineage(stmt: TrainStatement, df: DataFrame, evaluate_table: str | None) -> dict[str, Any]:
    """The statement's text and source tables, for the model card (mlsql.models.insight)."""
    from mlsql.models.insight.lineage import lineage_of, table_files

    return lineage_of(stmt.text, [stmt.table, evaluate_table or ""], table_files(df))


def _publish(
    store: ModelStore, plan: Plan, keep_version: bool, lineage: dict[str, Any] | None = None
) -> table.Published:
    """Publishes every configuration's last successful model, in group order (with lineage)."""
    from mlsql.models.insight.lineage import record_lineage

    versions: dict[int, int] = {}
    for group in sorted(plan.history):
        last = plan.history[group].last
        if last is not None and last.ok and last.staging_dir:
            prepare = None
            if lineage is not None:
                prepare = partial(record_lineage, lineage=lineage, training_seconds=last.seconds)
            versions[group] = store.publish(last.staging_dir, keep_version, prepare)
    return table.Published(versions, store.uri, _best_group(plan.history))


def _cleanup(topics: Topics, stagings: list[str], store: ModelStore) -> None:
    for name in topics.names():
        try:
            delete_topic(topics.bootstrap, name)
        except Exception:
            pass
    for staging in stagings:
        store.discard(staging)


def _table(ctx: RunContext, stmt: TrainStatement, plan: Plan, published: table.Published) -> Table:
    histories = [h for _, h in sorted(plan.history.items()) if h.last is not None]
    rows = [table.row(h, published, plan.search) for h in histories]
    ddl = table.schema(plan.search)
    names = [part.split()[0] for part in _columns(ddl)]
    rows = table.sort_rows(rows, names, getattr(plan, "sorted_by", None))
    df = local_frame(ctx.spark, rows, ddl)
    name = stmt.output
    if name:
        df.createOrReplaceTempView(name)
    return Table(df=df, name=name)


def _columns(ddl: str) -> list[str]:
    """Top-level ``name type`` parts of a DDL schema (commas inside <> are not separators)."""
    parts, depth, current = [], 0, ""
    for char in ddl:
        depth += char == "<"
        depth -= char == ">"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def _best_group(histories: dict[int, TrialHistory]) -> int | None:
    from mlsql.models.metrics import best_index  # the one definition of "best"

    ok = [h.last for _, h in sorted(histories.items()) if h.last is not None and h.last.ok]
    index = best_index([(r.task or "", r.metrics) for r in ok])
    return None if index is None else ok[index].group


def check_model_path(ctx: RunContext, stmt: TrainStatement) -> None:
    """Model paths are local folders or hdfs:, s3a:, s3: URIs (``mlsql.models.fs``)."""
    from mlsql.models.fs import HDFS_SCHEMES, LOCAL_SCHEMES, S3_SCHEMES, scheme

    if scheme(stmt.path) not in (*LOCAL_SCHEMES, *S3_SCHEMES, *HDFS_SCHEMES):
        raise ctx.error(
            AnalysisError,
            f"model path '{stmt.path}' must be a local folder or an hdfs:, s3a: or s3: URI",
            stmt,
        )
    from mlsql.models.algorithms import find_algorithm

    algorithm = find_algorithm(stmt.algorithm)
    if algorithm is not None and algorithm.family == "dec":  # a pretrained model it reuses
        from mlsql.models.algorithms.dec import check_references

        try:
            check_references(options_dict(stmt.options), ctx.resolve_path)
        except AnalysisError as exc:
            raise ctx.error(AnalysisError, exc.message, stmt) from exc
