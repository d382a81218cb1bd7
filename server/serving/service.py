"""`ServingService`: what the HTTP routes call. Cache → selection → batcher → worker pool.

A prediction of rows for a served model: each row is checked against the version's signature
(`inputs.py`); rows already in the prediction cache answer at once; the rest go to the
version's `AdaptiveBatcher`, whose batches become one Arrow frame to one worker of the pool.
A model with several versions asks one version chosen by Exp3, or every version (Exp4
ensemble, answering at `ensemble_deadline_ms` with those that returned). Answers carry the
version (and a query ``id`` for feedback when a policy chose).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping
from typing import Any

from mlsql.config import ServingSettings

from .batching import AdaptiveBatcher, BatchAnswer
from .cache import PredictionCache, row_key
from .inputs import InputError, normalise, numeric_only, to_arrow
from .metrics import ServingMetrics
from .models import (
    FunctionLike,
    ModelVersion,
    ServedModel,
    ServingError,
    SignatureBook,
    from_functions,
    names,
)
from .pool import PoolError, WorkerPool
from .protocol import matrix_bytes, table_bytes
from .selection import Exp3, Exp4Ensemble, FeedbackLog, gather_until, loss

Policy = Exp3 | Exp4Ensemble


class ServingService:
    """The serving layer of one server: pool, batchers, cache, policies, metrics."""

    def __init__(self, settings: ServingSettings | None = None) -> None:
        self.settings = settings or ServingSettings()
        self.metrics = ServingMetrics()
        self.pool = WorkerPool(
            self.settings.workers,
            transport=self.settings.transport,
            start_timeout_s=self.settings.start_timeout_s,
            request_timeout_s=self.settings.request_timeout_s,
            metrics=self.metrics,
        )
        self.cache = PredictionCache(self.settings.cache_entries)
        self.book = SignatureBook()
        self.configured: dict[str, ServedModel] = {}
        self.batchers: dict[str, AdaptiveBatcher] = {}
        self.policies: dict[tuple[str, str, tuple[str, ...]], Policy] = {}
        self.feedback_log = FeedbackLog()
        self.metrics.gauge(
            "mlsql_serving_workers", "Model workers running", lambda: self.pool.alive
        )
        self.metrics.gauge(
            "mlsql_serving_queue_depth", "Rows waiting for a batch or a worker", self._depth
        )

    # --- life -------------------------------------------------------------------------------
    async def start(self) -> ServingService:
        """Start the workers and load the configured models in each."""
        await self.pool.start()
        try:
            for name, spec in self.settings.models.items():
                options = {
                    "selection": spec.selection,
                    "versions": spec.versions,
                    "positiveClass": spec.positive_class,
                }
                served = self.book.served(
                    name, spec.path, spec.version, spec.output, options, "config"
                )
                self.configured[name] = served
                for version in served.versions:
                    await self.pool.warm(version.path, version.version)
        except BaseException:
            await self.pool.stop()  # a configured model that cannot load stops the start
            raise
        return self

    async def stop(self) -> None:
        """Stop batchers and workers."""
        await asyncio.gather(*(b.close() for b in self.batchers.values()))
        await self.pool.stop()

    def _depth(self) -> float:
        return float(self.pool.waiting + sum(b.queued_rows for b in self.batchers.values()))

    # --- models -----------------------------------------------------------------------------
    def models(self, functions: Mapping[str, FunctionLike], owner: str) -> dict[str, ServedModel]:
        """Every model an owner can ask: configured ones, then the session's functions."""
        return {**self.configured, **from_functions(self.book, functions, owner)}

    def model(self, name: str, functions: Mapping[str, FunctionLike], owner: str) -> ServedModel:
        """The model `name` for `owner` (session functions before configured models)."""
        fn = functions.get(name)
        if fn is not None:
            options = dict(getattr(fn, "options", ()))
            return self.book.served(
                name, fn.path, fn.version, fn.output, options, f"session:{owner}"
            )
        if name in self.configured:
            return self.configured[name]
        raise ServingError(
            404,
            "unknown_model",
            f"no model '{name}': functions registered by owner '{owner}': {names(functions)}; "
            f"configured: {names(self.configured)}",
        )

    # --- prediction -------------------------------------------------------------------------
    async def predict(self, model: ServedModel, instances: Any) -> list[dict[str, Any]]:
        """Every output of each row (plus ``version``; ``id`` and ``members`` under a policy)."""
        started = time.perf_counter()
        try:
            columns = model.current.signature.inputs
            rows = normalise(instances, columns, f"model '{model.name}'")
            out = await self._select(model, rows)
        except InputError as err:
            self.metrics.request(model.name, "400")
            raise ServingError(400, "invalid_input", err.message) from None
        except ServingError as err:
            self.metrics.request(model.name, str(err.status))
            raise
        self.metrics.request(model.name, "200", time.perf_counter() - started)
        return out

    async def _select(
        self, model: ServedModel, rows: list[tuple[Any, ...]]
    ) -> list[dict[str, Any]]:
        if not model.selection or len(model.versions) == 1 and model.selection != "exp4":
            version = model.current
            return [{**r, "version": version.version} for r in await self.rows(version, rows)]
        policy = self._policy(model)
        query = uuid.uuid4().hex
        if isinstance(policy, Exp3):
            arm = policy.choose()
            version = model.versions[arm]
            out = await self.rows(version, rows)
            self.feedback_log.put(query, (policy, arm, out))
            return [{**r, "version": version.version, "id": query} for r in out]
        return await self._ensemble(model, policy, rows, query)

    async def _ensemble(
        self, model: ServedModel, policy: Exp4Ensemble, rows: list[tuple[Any, ...]], query: str
    ) -> list[dict[str, Any]]:
        calls = {v.version: self.rows(v, rows) for v in model.versions}
        deadline = self.settings.ensemble_deadline_ms / 1000.0
        answered, missing = await gather_until(calls, deadline)
        if not answered:
            raise ServingError(503, "worker_unavailable", "no ensemble member answered")
        self.feedback_log.put(query, (policy, answered))
        classes = model.current.signature.classes
        out = []
        for i in range(len(rows)):
            combined = policy.combine({m: r[i] for m, r in answered.items()}, classes)
            members = sorted(answered)
            out.append(
                {
                    **combined,
                    "version": members,
                    "members": members,
                    "missing": missing,
                    "id": query,
                }
            )
        return out

    def _policy(self, model: ServedModel) -> Policy:
        key = (model.source, model.name, tuple(v.key for v in model.versions))
        policy = self.policies.get(key)
        if policy is None:
            arms = [v.version for v in model.versions]
            policy = Exp3(arms) if model.selection == "exp3" else Exp4Ensemble(arms)
            self.policies[key] = policy
        return policy

    def policy_state(self, model: ServedModel) -> dict[str, Any] | None:
        """The model's policy weights (None without a policy yet)."""
        key = (model.source, model.name, tuple(v.key for v in model.versions))
        policy = self.policies.get(key)
        return policy.state() if policy is not None else None

    def feedback(
        self, model: ServedModel, query: str, label: Any = None, reward: Any = None
    ) -> dict[str, Any]:
        """Update the policy that answered query `query` with its true label(s) or a reward."""
        record = self.feedback_log.pop(query)
        if record is None:
            raise ServingError(
                404,
                "unknown_query",
                f"no answered query '{query}' awaits feedback (each counts once)",
            )
        if label is None and reward is None:
            raise ServingError(
                400, "invalid_request", "feedback needs a label (or labels) or a reward"
            )
        policy = record[0]
        if isinstance(policy, Exp3):
            _, arm, out = record
            if reward is None:
                labels = label if isinstance(label, list) else [label] * len(out)
                reward = 1.0 - sum(
                    loss(r.get("prediction"), y) for r, y in zip(out, labels, strict=False)
                ) / max(len(out), 1)
            policy.feedback(arm, float(reward))
        else:
            _, answered = record
            if label is None:
                raise ServingError(400, "invalid_request", "ensemble feedback needs the true label")
            labels = label if isinstance(label, list) else [label]
            for i, y in enumerate(labels):
                policy.feedback({m: r[i] for m, r in answered.items() if i < len(r)}, y)
        return policy.state()

    async def rows(
        self, version: ModelVersion, rows: list[tuple[Any, ...]]
    ) -> list[dict[str, Any]]:
        """Every output of each row of one version: cached, else through its batcher."""
        keys = [row_key(r) for r in rows]
        out: list[dict[str, Any] | None] = [
            self.cache.get(version.key, version.version, k) for k in keys
        ]
        self.metrics.cache_hits = self.cache.hits
        self.metrics.cache_misses = self.cache.misses
        todo = [i for i, r in enumerate(out) if r is None]
        if todo:
            fresh = await self._batcher(version).submit([rows[i] for i in todo])
            for i, result in zip(todo, fresh, strict=True):
                out[i] = result
                self.cache.put(version.key, version.version, keys[i], result)
        return [dict(r) for r in out if r is not None]

    def _batcher(self, version: ModelVersion) -> AdaptiveBatcher:
        batcher = self.batchers.get(version.key)
        if batcher is None:
            batcher = AdaptiveBatcher(
                version.key,
                lambda rows: self._run_batch(version, rows),
                slo_ms=self.settings.slo_ms,
                wait_ms=self.settings.batch_wait_ms,
                max_size=self.settings.max_batch_size,
                max_in_flight=self.pool.size,
                metrics=self.metrics,
            )
            self.batchers[version.key] = batcher
        return batcher

    async def _run_batch(
        self, version: ModelVersion, rows: list[tuple[Any, ...]]
    ) -> list[dict[str, Any]]:
        """One batch on one worker: rows out (a float64 matrix when every input is numeric,
        else Arrow), the prediction columns back."""
        columns = version.signature.inputs
        header: dict[str, Any] = {
            "op": "predict",
            "path": version.path,
            "version": version.version,
            "positive_class": version.positive_class,
        }
        if version.positive_class is not None:
            # The version's signature (with its positive class) names the outputs: a multi-class
            # model then answers `probability` too, as the registered function's type declares.
            header["outputs"] = list(version.signature.output_names)
        if numeric_only(columns):
            header["body"], header["columns"] = "f8", [c.name for c in columns]
            payload = matrix_bytes(rows)
        else:
            payload = table_bytes(to_arrow(rows, columns))
        try:
            answer, body = await self.pool.call(header, payload)
        except PoolError as err:
            raise ServingError(err.status, err.code, err.message) from None
        if not answer.get("ok"):
            status = 400 if answer.get("code") == "invalid_input" else 500
            raise ServingError(status, str(answer.get("code")), str(answer.get("message")))
        outputs: dict[str, list[Any]] = answer["columns"]
        names = list(outputs)
        cpu_ms = answer.get("cpu_ms")
        return BatchAnswer(
            [
                dict(zip(names, values, strict=True))
                for values in zip(*outputs.values(), strict=True)
            ],
            cpu_ms / 1000.0 if isinstance(cpu_ms, int | float) else None,
        )

    def metrics_text(self) -> str:
        """Prometheus text of every serving metric."""
        sizes = {name: b.size for name, b in self.batchers.items()}
        return self.metrics.render({"mlsql_serving_batch_size_current": sizes})
