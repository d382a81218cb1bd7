"""A search's round as packs: balanced per task slot; the data read once per worker process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

from mlsql.engine.training.packs import pack, pack_spec
from mlsql.models.trials import TrialSpec
from mlsql.workers.trial_pack import cached_source


def _spec(group: int, resource: int | None) -> dict[str, Any]:
    trial = TrialSpec("RandomForest", group, {"labelCol": "label"}, resource=resource)
    return {"group": trial.to_dict(), "staging_dir": f"/s/{group}", "result_path": f"/r/{group}"}


def test_packs_are_at_most_the_slots_balanced_by_budget_in_order() -> None:
    specs = [_spec(g, r) for g, r in enumerate([1] * 9 + [3] * 3 + [9] * 3)]
    packs = pack(specs, 2)
    assert len(packs) == 2
    loads = [sum(s["group"]["resource"] for s in p) for p in packs]
    assert sorted(loads) == [22, 23]  # 45 units, split within one unit
    assert sorted(s["group"]["group"] for p in packs for s in p) == list(range(15))
    assert all(
        [s["group"]["group"] for s in p] == sorted(s["group"]["group"] for s in p) for p in packs
    )
    assert [len(p) for p in pack(specs[:1], 4)] == [1]
    assert len(pack([_spec(g, None) for g in range(5)], 8)) == 5


def test_pack_spec_keeps_the_data_fields_and_each_trials_own() -> None:
    specs = [{**_spec(g, 1), "topic": {"topic": "t"}, "group_id": "g"} for g in range(3)]
    merged = pack_spec(specs, cache_bytes=1000)
    assert merged["topic"] == {"topic": "t"} and merged["group_id"] == "g"
    assert merged["cache_bytes"] == 1000 and merged["result_path"] is None
    assert [t["staging_dir"] for t in merged["trials"]] == ["/s/0", "/s/1", "/s/2"]


def _counting(batches: list[pa.RecordBatch]) -> tuple[Any, list[int]]:
    calls = [0]

    def source() -> Any:
        calls[0] += 1
        yield from batches

    return source, calls


def test_cached_source_reads_once_and_re_reads_past_its_limit() -> None:
    batches = [pa.record_batch({"x": list(range(i, i + 100))}) for i in range(0, 500, 100)]
    source, calls = _counting(batches)
    cached = cached_source(source)
    next(iter(cached()))  # an interrupted pass is not kept
    for _ in range(3):
        assert [b["x"][0].as_py() for b in cached()] == [0, 100, 200, 300, 400]
    assert calls[0] == 2
    source, calls = _counting(batches)
    small = cached_source(source, max_bytes=batches[0].nbytes * 2)
    for _ in range(3):
        assert sum(b.num_rows for b in small()) == 500
    assert calls[0] == 3


def test_one_worker_process_trains_every_trial_of_its_pack(tmp_path: Path) -> None:
    from sklearn.datasets import load_iris

    x, y = load_iris(return_X_y=True)
    table = pa.table({**{f"f{i}": x[:, i] for i in range(4)}, "label": y})
    data = tmp_path / "iris.arrow"
    with pa.ipc.new_file(str(data), table.schema) as writer:
        writer.write_table(table)
    trials = []
    for group, trees in enumerate([1, 3, 9]):
        trial = TrialSpec("RandomForest", group, {"labelCol": "label"}, seed=1, resource=trees)
        staging = tmp_path / f"staging-{group}"
        trials.append(
            {
                "group": trial.to_dict(),
                "staging_dir": str(staging),
                "result_path": f"{staging}.json",
            }
        )
    spec = {**pack_spec(trials), "arrow_files": [str(data)]}
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    proc = subprocess.run(
        [sys.executable, "-m", "mlsql.workers.training", "--spec", str(spec_file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    pids = {e["pid"] for e in events if e.get("event") == "started"}
    assert [e["group"] for e in events if e.get("event") == "started"] == [0, 1, 2]
    assert len(pids) == 1
    results = [json.loads(Path(t["result_path"]).read_text()) for t in trials]
    assert [r["status"] for r in results] == ["success"] * 3
    assert [r["params"]["n_estimators"] for r in results] == [1, 3, 9]
    assert all((tmp_path / f"staging-{g}").is_dir() for g in range(3))
