"""Batching, cache, selection and expressions without HTTP or workers."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from mlsql.server.serving.batching import AdaptiveBatcher, BatchAnswer
from mlsql.server.serving.cache import PredictionCache, row_key
from mlsql.server.serving.expressions import (
    ExpressionError,
    evaluate,
    parse_select,
    pipeline_items,
)
from mlsql.server.serving.selection import Exp3, Exp4Ensemble, gather_until


def _cost_per_batch(base_s: float, per_row_s: float, sizes: list[int]):
    """A batch taking base + rows x per-row seconds, reported as its cost (as a worker reports
    its CPU time), so a busy test machine's longer sleeps do not change what AIMD decides."""

    async def run(rows: list[Any]) -> BatchAnswer:
        sizes.append(len(rows))
        cost = base_s + per_row_s * len(rows)
        await asyncio.sleep(cost)
        return BatchAnswer([r * 2 for r in rows], cost_s=cost)

    return run


def test_batches_grow_under_load_and_answers_stay_in_order() -> None:
    sizes: list[int] = []

    async def run() -> tuple[list[list[int]], float]:
        batcher = AdaptiveBatcher("m", _cost_per_batch(0.002, 0.0001, sizes), slo_ms=40)
        answers = await asyncio.gather(*(batcher.submit([i, i + 1]) for i in range(0, 400, 2)))
        return answers, batcher.size

    answers, size = asyncio.run(run())
    assert answers == [[2 * i, 2 * i + 2] for i in range(0, 400, 2)]
    assert max(sizes) > 8 and size > 4  # additive increase while under the objective


def test_batches_shrink_when_over_the_objective() -> None:
    sizes: list[int] = []

    async def run() -> float:
        batcher = AdaptiveBatcher(
            "m", _cost_per_batch(0.001, 0.001, sizes), slo_ms=10, initial_size=64
        )
        await asyncio.gather(*(batcher.submit([i]) for i in range(300)))
        return batcher.size

    assert asyncio.run(run()) < 16  # 64 rows take 65 ms: cut multiplicatively towards 5 ms
    # The first request finds the batcher idle and goes at once, alone; the queue behind it
    # then leaves in batches of the current size.
    assert sizes[0] == 1 and sizes[1] >= 64 and min(sizes[-10:]) <= 10


def test_a_fixed_cost_over_the_objective_grows_batches_while_requests_wait() -> None:
    sizes: list[int] = []

    async def run() -> float:
        batcher = AdaptiveBatcher("m", _cost_per_batch(0.015, 0.00001, sizes), slo_ms=20)
        await asyncio.gather(*(batcher.submit([i]) for i in range(300)))
        return batcher.size

    assert asyncio.run(run()) > 8 and max(sizes) > 8  # batches of one would queue 300 x 15 ms


def test_batches_are_not_cut_for_waiting_on_a_busy_machine() -> None:
    """Round trips that grow with the batch (waiting for a core) while the worker's CPU cost
    stays flat (a forest's fixed cost): the batches grow instead of being cut."""
    sizes: list[int] = []

    async def run_batch(rows: list[Any]) -> BatchAnswer:
        sizes.append(len(rows))
        await asyncio.sleep(0.012 + 0.001 * len(rows))
        return BatchAnswer([r * 2 for r in rows], cost_s=0.006)

    async def run() -> tuple[list[list[int]], float]:
        batcher = AdaptiveBatcher("m", run_batch, slo_ms=20)
        answers = await asyncio.gather(*(batcher.submit([i]) for i in range(200)))
        return answers, batcher.size

    answers, size = asyncio.run(run())
    assert answers == [[2 * i] for i in range(200)]
    assert size > 8 and max(sizes) > 8


def test_a_cancelled_caller_does_not_cut_its_batch_short() -> None:
    """An ensemble's deadline cancels a straggler's request: its batch (a worker exchange) must
    still run to the end, or the worker's answer would be read by the next request."""
    finished: list[list[Any]] = []

    async def run() -> None:
        started = asyncio.Event()

        async def run_batch(rows: list[Any]) -> list[Any]:
            started.set()
            await asyncio.sleep(0.05)
            finished.append(rows)
            return rows

        batcher = AdaptiveBatcher("m", run_batch)
        caller = asyncio.create_task(batcher.submit([1]))  # idle: the direct path
        await started.wait()
        caller.cancel()
        await asyncio.sleep(0.2)
        assert caller.cancelled()
        assert await batcher.submit([2]) == [2]

    asyncio.run(run())
    assert finished == [[1], [2]]


def test_a_lone_request_is_not_held() -> None:
    async def run() -> float:
        batcher = AdaptiveBatcher("m", _cost_per_batch(0.0, 0.0, []), wait_ms=200)
        started = time.perf_counter()
        await batcher.submit([1])
        return time.perf_counter() - started

    assert asyncio.run(run()) < 0.1


def test_a_bad_request_does_not_fail_its_batch_mates() -> None:
    async def run_batch(rows: list[Any]) -> list[Any]:
        await asyncio.sleep(0.005)
        if "bad" in rows:
            raise ValueError("bad row")
        return rows

    async def run() -> list[Any]:
        batcher = AdaptiveBatcher("m", run_batch, initial_size=8, wait_ms=20)
        await batcher.submit(["warm"])
        return await asyncio.gather(
            *(batcher.submit([x]) for x in ["a", "bad", "b"]), return_exceptions=True
        )

    a, bad, b = asyncio.run(run())
    assert a == ["a"] and b == ["b"] and isinstance(bad, ValueError)


def test_cache_is_lru_and_counts() -> None:
    cache = PredictionCache(2)
    k1, k2, k3 = row_key([1.0, "a"]), row_key([2.0, "a"]), row_key([1, "a"])
    assert k1 != k3  # 1.0 and 1 are different inputs to a model that reads types
    cache.put("m", 1, k1, {"p": 1})
    cache.put("m", 1, k2, {"p": 2})
    assert cache.get("m", 1, k1) == {"p": 1}
    cache.put("m", 1, k3, {"p": 3})  # evicts k2, the least recently used
    assert cache.get("m", 1, k2) is None and cache.get("m", 2, k1) is None
    assert (cache.hits, cache.misses, len(cache)) == (1, 2, 2)


def test_exp3_learns_the_better_arm() -> None:
    policy = Exp3(["v1", "v2"], gamma=0.1, seed=1)
    for _ in range(600):
        arm = policy.choose()
        policy.feedback(arm, 1.0 if arm == 1 else 0.0)
    p1, p2 = policy.probabilities()
    assert p2 > 0.8 > p1 and abs(p1 + p2 - 1) < 1e-12


def test_exp4_weights_members_by_feedback() -> None:
    ensemble = Exp4Ensemble([1, 2])
    answers = {
        1: {"prediction": "a", "probabilities": [0.9, 0.1]},
        2: {"prediction": "b", "probabilities": [0.05, 0.95]},
    }
    # equal weights: the mean probabilities are [0.475, 0.525]
    assert ensemble.combine(answers, ["a", "b"])["prediction"] == "b"
    for _ in range(5):
        ensemble.feedback(answers, "a")
    combined = ensemble.combine(answers, ["a", "b"])
    assert combined["prediction"] == "a" and ensemble.weights[2] < ensemble.weights[1]


def test_ensemble_answers_at_the_deadline_with_the_members_that_returned() -> None:
    async def member(delay: float, value: str) -> str:
        await asyncio.sleep(delay)
        return value

    async def run() -> tuple[dict, list, float]:
        started = time.perf_counter()
        calls = {1: member(0.001, "fast"), 2: member(5.0, "slow"), 3: member(0.002, "fast2")}
        answered, missing = await gather_until(calls, 0.1)
        return answered, missing, time.perf_counter() - started

    answered, missing, seconds = asyncio.run(run())
    assert answered == {1: "fast", 3: "fast2"} and missing == [2] and seconds < 1.0


def test_select_expressions() -> None:
    items = parse_select("select f(feature) as p, vec_argmax(g(`feature`)) q, 1.5 as c, 'x'")
    assert [i.alias for i in items] == ["p", "q", "c", "'x'"]
    calls: list[tuple[str, list[list[Any]]]] = []

    async def call(name: str, args: list[list[Any]]) -> list[Any]:
        calls.append((name, args))
        return [[0.1, 0.9] for _ in args[0]]

    rows = asyncio.run(evaluate(items, {"feature": [[1.0], [2.0]]}, 2, call))
    assert rows[0] == {"p": [0.1, 0.9], "q": 1, "c": 1.5, "'x'": "x"}
    assert calls[0] == ("f", [[[1.0], [2.0]]])
    (item,) = pipeline_items("a, b")
    assert item.alias == "feature" and item.expr.name == "b" and item.expr.args[0].name == "a"


@pytest.mark.parametrize(
    "text, problem",
    [("", "empty"), ("f(feature", "ends early"), ("f(x) + 1", "unexpected"), ("*", "unexpected")],
)
def test_bad_select_expressions(text: str, problem: str) -> None:
    with pytest.raises(ExpressionError, match=problem):
        parse_select(text)
