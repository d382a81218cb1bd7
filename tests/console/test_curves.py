"""Curves the console keeps of a training: loss per epoch from progress reports, scores per round
from a search's result rows, stored per owner and model path."""

from __future__ import annotations

from pathlib import Path

from mlsql.engine import Job
from mlsql.server.console.curves import CurveRecorder, CurveStore, search_rounds


def test_recorder_keeps_every_epoch_and_ignores_the_evaluation_loss() -> None:
    job, recorder = Job(), CurveRecorder()
    job.listeners.append(recorder)
    for epoch, loss in [(1, 0.9), (2, 0.7), (3, 0.5)]:
        job.report(training={"groups": {0: {"stage": "epoch", "epoch": epoch, "loss": loss}}})
    job.report(training={"groups": {1: {"stage": "epoch", "epoch": 1, "loss": 1.2}}})
    job.report(training={"groups": {0: {"stage": "saved", "epoch": 3, "loss": 0.8}}})
    assert recorder.curves() == {"0": [[1.0, 0.9], [2.0, 0.7], [3.0, 0.5]], "1": [[1.0, 1.2]]}


def test_search_rounds_from_madlib_columns() -> None:
    rows = [
        {"mst_key": 1, "s": 1, "metrics_type": ["f1"], "metrics_iters": [1, 3],
         "validation_metrics": [0.8, 0.9]},
        {"mst_key": 2, "s": 0, "metrics_type": ["f1"], "metrics_iters": [3],
         "validation_metrics": None, "training_metrics": [0.7]},
        {"group": 0, "accuracy": 0.9},
    ]  # fmt: skip
    assert search_rounds({"schema": {}, "data": rows}) == [
        {"config": 1, "bracket": 1, "metric": "f1", "points": [[1.0, 0.8], [3.0, 0.9]]},
        {"config": 2, "bracket": 0, "metric": "f1", "points": [[3.0, 0.7]]},
    ]
    assert search_rounds(None) == [] and search_rounds([{"a": 1}]) == []


def test_store_answers_the_owners_latest_job_for_a_path(tmp_path: Path) -> None:
    store = CurveStore(tmp_path / "db.sqlite3")
    store.save("j1", "ann", ["/m/a"], {"loss": {"0": [[1.0, 0.5]]}, "rounds": []})
    store.save("j2", "ann", ["/m/a", "/m/b"], {"loss": {"0": [[1.0, 0.4]]}, "rounds": []})
    store.save("j3", "bob", ["/m/a"], {"loss": {"0": [[1.0, 0.1]]}, "rounds": []})
    store.save("j4", "ann", ["/m/a"], {"loss": {}, "rounds": []})  # nothing to keep
    assert store.latest_for("ann", "/m/a") == {
        "jobId": "j2",
        "loss": {"0": [[1.0, 0.4]]},
        "rounds": [],
    }
    assert store.latest_for("ann", "/m/c") is None
    assert store.latest_for("eve", "/m/a") is None
