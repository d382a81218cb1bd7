"""The worker pool with real worker processes: same answers as in-process, restarts, retries."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from mlsql.models.loader import load_model
from mlsql.server.serving.inputs import to_arrow
from mlsql.server.serving.models import SignatureBook
from mlsql.server.serving.pool import PoolError, WorkerPool
from mlsql.server.serving.protocol import table_bytes
from tests.server.serving.helpers import FEATURES, iris_frame, publish_model


@pytest.fixture(scope="module")
def rf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = {"labelCol": "species", "numTrees": "10", "seed": "3", "validationFraction": "0"}
    return publish_model(
        tmp_path_factory.mktemp("pool"), "rf", "RandomForest", params, iris_frame()
    )


def _request(path: Path, rows: list[tuple[float, ...]]) -> tuple[dict, bytes]:
    version = SignatureBook().version(str(path), "latest")
    header = {"op": "predict", "path": str(path), "version": version.version}
    return header, table_bytes(to_arrow(rows, version.signature.inputs))


def test_worker_answers_like_the_loader(rf_path: Path) -> None:
    frame = iris_frame()
    rows = [tuple(r) for r in frame[FEATURES].itertuples(index=False)]

    async def run() -> dict:
        async with WorkerPool(1) as pool:
            answer, _ = await pool.call(*_request(rf_path, rows))
            return answer

    answer = asyncio.run(run())
    expected = load_model(rf_path).predict(frame[FEATURES])
    assert answer["ok"] and answer["columns"]["prediction"] == list(expected["prediction"])
    np.testing.assert_allclose(
        answer["columns"]["probabilities"], np.vstack(expected["probabilities"]), atol=1e-12
    )


def test_bad_rows_answer_an_error_and_the_worker_stays(rf_path: Path) -> None:
    async def run() -> tuple[dict, dict, list[int], list[int]]:
        async with WorkerPool(1) as pool:
            pids = pool.pids()
            header, _ = _request(rf_path, [(1.0, 2.0, 3.0, 4.0)])
            bad, _ = await pool.call({**header, "path": str(rf_path) + "-missing"}, b"")
            good, _ = await pool.call(*_request(rf_path, [(1.0, 2.0, 3.0, 4.0)]))
            return bad, good, pids, pool.pids()

    bad, good, before, after = asyncio.run(run())
    assert not bad["ok"] and "missing" in bad["message"]
    assert good["ok"] and before == after


def test_killed_worker_is_replaced_and_in_flight_requests_retried(rf_path: Path) -> None:
    async def run() -> tuple[int, int, float, int]:
        async with WorkerPool(2) as pool:
            await pool.warm(str(rf_path), SignatureBook().version(str(rf_path), "latest").version)
            victim = pool.pids()[0]
            header, body = _request(rf_path, [(5.0, 3.0, 1.5, 0.2)] * 200)

            async def one() -> bool:
                try:
                    answer, _ = await pool.call(header, body)
                    return bool(answer["ok"])
                except PoolError:
                    return False

            tasks = [asyncio.create_task(one()) for _ in range(40)]
            await asyncio.sleep(0.05)
            os.kill(victim, signal.SIGKILL)
            results = await asyncio.gather(*tasks)
            killed_at = time.monotonic()
            while pool.alive < 2 and time.monotonic() - killed_at < 10:
                await asyncio.sleep(0.05)
            return sum(results), pool.alive, time.monotonic() - killed_at, victim

    ok, alive, seconds, victim = asyncio.run(run())
    assert ok == 40  # every request retried on the other worker
    assert alive == 2 and seconds < 5.0


def test_no_worker_in_time_is_a_clear_error(rf_path: Path) -> None:
    async def run() -> str:
        async with WorkerPool(1, request_timeout_s=0.5) as pool:
            for worker in pool.workers:
                assert worker is not None
                worker.kill()
            pool._supervisor.cancel()  # type: ignore[union-attr]  (no restarts: nothing free)
            with pytest.raises(PoolError) as info:
                await pool.call(*_request(rf_path, [(1.0, 2.0, 3.0, 4.0)]))
            return info.value.message

    assert "no model worker free" in asyncio.run(run())


def test_tcp_transport_answers_the_same(rf_path: Path) -> None:
    rows = [(5.1, 3.5, 1.4, 0.2), (6.3, 2.8, 5.1, 1.5)]

    async def run(transport: str) -> dict:
        async with WorkerPool(1, transport=transport) as pool:
            answer, _ = await pool.call(*_request(rf_path, rows))
            assert answer["ok"], answer
            return answer["columns"]  # (the CPU time each took differs)

    assert asyncio.run(run("tcp")) == asyncio.run(run("unix"))


def test_configured_models_are_loaded_at_start_and_served(rf_path: Path) -> None:
    from mlsql.config import ServedModelSettings, ServingSettings
    from mlsql.server.serving.service import ServingService

    settings = ServingSettings(workers=1, models={"iris": ServedModelSettings(path=str(rf_path))})

    async def run() -> tuple[list[dict], int, str]:
        service = await ServingService(settings).start()
        try:
            model = service.model("iris", {}, "anyone")
            rows = await service.predict(model, [[5.1, 3.5, 1.4, 0.2]])
            again = await service.predict(model, [[5.1, 3.5, 1.4, 0.2]])
            assert again == rows
            return rows, service.cache.hits, service.metrics_text()
        finally:
            await service.stop()

    rows, hits, metrics = asyncio.run(run())
    expected = load_model(rf_path).predict(iris_frame()[FEATURES].head(1))
    assert rows[0]["prediction"] == expected["prediction"].iloc[0] and hits == 1
    assert 'mlsql_serving_requests_total{model="iris",status="200"} 2' in metrics


def test_a_configured_model_that_cannot_load_stops_the_start(tmp_path: Path) -> None:
    from mlsql.config import ServedModelSettings, ServingSettings
    from mlsql.server.serving.models import ServingError
    from mlsql.server.serving.service import ServingService

    missing = ServedModelSettings(path=str(tmp_path / "nothing-here"))
    service = ServingService(ServingSettings(workers=1, models={"gone": missing}))
    with pytest.raises(ServingError, match="nothing-here"):
        asyncio.run(service.start())
    assert service.pool.alive == 0 and service.pool.workers == [None]
