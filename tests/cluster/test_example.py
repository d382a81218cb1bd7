"""The README example, unchanged, on Spark standalone + three brokers.

Its `out` is relative (`work/example`): the driver resolves it against the folder `mlsql run`
runs in, before anything reaches an executor or a training worker (whose working folders are
the Spark workers' own).
"""

from __future__ import annotations

import pytest

from tests.cluster.conftest import ROOT, Cluster

pytestmark = pytest.mark.cluster


def test_readme_example_runs_unchanged_on_the_cluster(cluster: Cluster) -> None:
    script = (ROOT / "examples" / "main.mlsql").read_text()
    assert 'set out = "work/example"' in script
    outcome = cluster.run(script, "example", timeout_s=900)  # ~5 min at a load of 40
    print(f"\n[cluster] README example: {outcome.seconds:.1f}s")
    rows = outcome.rows()
    assert [r["group"] for r in rows] == [0, 1]
    assert all(r["status"] == "success" for r in rows)
    assert all(r["saved_rows"] == 178 for r in rows)
    assert rows[0]["agreement"] > 0.9
    out = cluster.base / "work" / "example"  # relative to the run's folder, the driver's
    assert sorted(p.name for p in (out / "model").glob("_model_*")) == ["_model_0", "_model_1"]
    assert not list((cluster.base / "spark").rglob("_model_*"))  # nothing in a worker's folder
