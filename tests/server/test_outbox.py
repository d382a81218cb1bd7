"""The callback outbox and start-up recovery on a real SQLite history file (no server, no Spark)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlsql.server.services.callbacks import STOPPING, Delivery
from mlsql.server.services.history import COLUMNS, JobHistory
from mlsql.server.services.recovery import recover


def row(job_id: str, status: str, **extra: Any) -> dict[str, Any]:
    """A history record of an async job with a callback."""
    record: dict[str, Any] = {c: None for c in COLUMNS}
    record.update(
        id=job_id,
        group_id=f"g-{job_id}",
        owner="ann",
        name=f"name-{job_id}",
        status=status,
        is_async=1,
        sql="select 1 as a as t;",
        timeout_ms=-1,
        submitted_at=1000,
        started_at=2000 if status != "queued" else None,
        statement_index=1,
        statement_count=1,
        progress=json.dumps({"statements": 1, "statement": 1}),
        callback="http://127.0.0.1:9/cb",
    )
    record.update(extra)
    return record


def open_with(path: Path, *records: dict[str, Any]) -> JobHistory:
    """A history holding `records`, each owing a callback."""
    history = JobHistory(path)
    for record in records:
        history.save(record)
        history.expect_callback(record["id"], record["callback"], {"X-Token": "t"}, 3)
    return history


def test_interrupted_jobs_owe_a_failed_callback_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    crashed = open_with(db, row("run", "running"), row("wait", "queued"))
    crashed.close()  # the process died here: nothing else was written
    history = JobHistory(db)
    interrupted, owed = recover(history)
    assert interrupted == 2
    assert sorted(t.job_id for t in owed) == ["run", "wait"]
    for task in owed:
        assert task.url == "http://127.0.0.1:9/cb" and task.headers == {"X-Token": "t"}
        assert task.max_retries == 3
        assert task.form["stat"] == "failed" and "interrupted" in task.form["msg"]
        info = json.loads(task.form["jobInfo"])
        assert info["jobId"] == task.job_id and info["status"] == "failed"
        assert info["error"]["code"] == "server_restarted"
        job = history.get(task.job_id)
        assert job is not None and job["status"] == "failed"
        assert job["callback_status"] == "pending"
    history.callback_done("run", "delivered", 1)
    history.close()
    again = JobHistory(db)
    assert [t.job_id for t in recover(again)[1]] == ["wait"]  # delivered: never again
    again.close()


def test_a_finished_job_keeps_its_stored_form_and_result(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    history = open_with(db, row("ok", "succeeded", finished_at=3000))
    form = {"stat": "succeeded", "res": '[{"a": 1}]', "jobInfo": "{}"}
    assert history.queue_callback("ok", form)
    assert not history.queue_callback("ok", form)  # queued once
    history.close()
    reopened = JobHistory(db)
    _, owed = recover(reopened)
    assert [(t.job_id, t.form) for t in owed] == [("ok", form)]


def test_a_succeeded_job_whose_form_was_never_stored_gets_its_result(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    history = open_with(db, row("done", "succeeded", finished_at=3000))
    history.save_result("done", [{"a": 1}])
    history.close()  # died between the job's last write and the outbox's
    reopened = JobHistory(db)
    _, owed = recover(reopened)
    assert len(owed) == 1
    assert owed[0].form["stat"] == "succeeded"
    assert json.loads(owed[0].form["res"]) == [{"a": 1}]


def test_a_delivery_cut_short_by_a_stop_stays_pending(tmp_path: Path) -> None:
    from mlsql.server.services.callbacks import CallbackTask
    from mlsql.server.services.runner import JobRunner

    history = open_with(tmp_path / "jobs.db", row("j", "succeeded", finished_at=3000))
    history.queue_callback("j", {"stat": "succeeded"})
    runner = JobRunner.__new__(JobRunner)  # only its bookkeeping of deliveries is used
    runner.history = history
    task = CallbackTask("j", "http://127.0.0.1:9/cb", {}, {}, 3)
    runner._callback_done(task, Delivery(False, 2, STOPPING))
    assert [r["job_id"] for r in history.outbox("pending")] == ["j"]
    runner._callback_done(task, Delivery(False, 4, "HTTP 500"))
    assert [r["job_id"] for r in history.outbox("failed")] == ["j"]
    job = history.get("j")
    assert job is not None and job["callback_status"] == "failed"
