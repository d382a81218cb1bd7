"""The CLI's progress line for long statements."""

from __future__ import annotations

import io

from mlsql.cli.progress import ProgressPrinter
from mlsql.engine.jobs import Job


def test_training_progress_shows_bar_rows_epochs_and_status() -> None:
    job = Job(statement_index=4, statement_count=9, statement_kind="train")
    job.training = {
        "rows": 200,
        "groups": {
            0: {"rows": 100, "status": "reading"},
            1: {"rows": 200, "epoch": 3, "epochs": 10, "status": "training"},
        },
    }
    line = ProgressPrinter.describe(job)
    assert line.startswith("[4/9] train ▕" + "█" * 15 + "░" * 5 + "▏")
    assert (
        "group 0: 100/200 rows reading" in line
        and "group 1: 200/200 rows, epoch 3/10 training" in line
    )


def test_non_interactive_output_is_throttled_lines() -> None:
    out = io.StringIO()
    printer = ProgressPrinter(out)
    job = Job(statement_index=1, statement_count=2, statement_kind="load")
    job.listeners.append(printer)
    job.report(statement_index=1)
    job.report(statement_index=2, statement_kind="select")
    assert out.getvalue() == "[1/2] load\n"
