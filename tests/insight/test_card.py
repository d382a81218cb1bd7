"""Model cards: `!desc model `path`` and `GET /models/card` (real uvicorn on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mlsql.errors import AnalysisError


def _card(run, path: Path) -> dict[tuple[str, str], str]:
    rows = run(f"!desc model `{path}`;").rows()
    return {(r["section"], r["name"]): r["details"] for r in rows}


def test_desc_model_shows_kinds_metrics_and_lineage(run, models) -> None:
    card = _card(run, models["mixed"])
    kinds = {
        name: details.split(" ")[0]
        for (section, name), details in card.items()
        if section.startswith("input ")
    }
    assert kinds == {"x": "numeric", "colour": "categorical", "note": "text", "when": "timestamp"}
    assert "one-hot" in next(d for (s, n), d in card.items() if n == "colour")
    assert card[("model", "classes")] == "0, 1"
    assert card[("version 0", "rows seen")] == "300"
    assert float(card[("version 0", "training seconds")]) > 0
    assert "metric f1" in {n for (s, n) in card if s == "version 0"}
    assert card[("version 0", "statement")].startswith("train mixed as LogisticRegression.")
    assert card[("version 0", "source tables")] == "mixed"


def test_card_lists_every_version(run, models, tmp_path: Path) -> None:
    path = tmp_path / "two"
    run(
        f"""load sklearn.`iris` as iris;
        train iris as LogisticRegression.`{path}` where labelCol="label" and validationFraction="0"
          and fitParam.0.maxIter="5" and fitParam.1.maxIter="50";"""
    )
    card = _card(run, path)
    assert {s for (s, n) in card if s.startswith("version ")} == {"version 0", "version 1"}
    assert card[("version 1", "source tables")] == "iris"


def test_desc_model_of_nothing_is_an_error(run, tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="no model versions"):
        run(f"!desc model `{tmp_path / 'none'}`;")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def api(engine, tmp_path: Path) -> Iterator[str]:
    import uvicorn

    from server.app import create_app

    app = create_app(engine, db_path=tmp_path / "jobs.sqlite3", owns_engine=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_card_as_json_through_rest(api: str, models) -> None:
    with httpx.Client(base_url=api, timeout=60) as client:
        body = client.get("/models/card", params={"path": str(models["rf"])}).json()
        assert body["task"] == "classification"
        assert body["classes"] == ["setosa", "versicolor", "virginica"]
        assert [c["kind"] for c in body["inputs"]] == ["numeric"] * 4
        (version,) = body["versions"]
        assert version["rows_seen"] == 150 and "accuracy" in version["metrics"]
        assert version["lineage"]["source_tables"] == ["iris2"]
        missing = client.get("/models/card", params={"path": str(models["rf"]) + "-none"})
        assert missing.status_code == 404 and missing.json()["code"] == "model_not_found"
