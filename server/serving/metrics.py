"""Serving metrics in the Prometheus text format (version 0.0.4), without a client library.

Counters: requests by model and status, cache hits and misses, worker restarts. Histograms:
request latency (seconds) and batch sizes, by model. Gauges (read when rendered): queue depth,
workers running, each model's current batch size.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


@dataclass
class Histogram:
    """Cumulative-bucket histogram of one label set."""

    buckets: tuple[float, ...]
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def observe(self, value: float) -> None:
        """Count one observation."""
        if not self.counts:
            self.counts = [0] * len(self.buckets)
        index = bisect.bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.count += 1

    def lines(self, name: str, labels: str) -> Iterable[str]:
        """Text lines of this histogram."""
        running = 0
        counts = self.counts or [0] * len(self.buckets)
        sep = "," if labels else ""
        for bound, n in zip(self.buckets, counts, strict=True):
            running += n
            yield f'{name}_bucket{{{labels}{sep}le="{bound:g}"}} {running}'
        yield f'{name}_bucket{{{labels}{sep}le="+Inf"}} {self.count}'
        yield f"{name}_sum{{{labels}}} {self.total:.6f}"
        yield f"{name}_count{{{labels}}} {self.count}"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class ServingMetrics:
    """Everything `/metrics` reports for serving."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str], int] = defaultdict(int)
        self.latency: dict[str, Histogram] = {}
        self.batch_sizes: dict[str, Histogram] = {}
        self.cache_hits = 0
        self.cache_misses = 0
        self.worker_restarts = 0
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def request(self, model: str, status: str, seconds: float | None = None) -> None:
        """Count a request (and its latency when it was answered)."""
        self.requests[(model, status)] += 1
        if seconds is not None:
            self.latency.setdefault(model, Histogram(LATENCY_BUCKETS)).observe(seconds)

    def batch(self, model: str, size: int) -> None:
        """Record the size of a batch sent to a worker."""
        self.batch_sizes.setdefault(model, Histogram(BATCH_BUCKETS)).observe(size)

    def gauge(self, name: str, doc: str, read: Callable[[], float]) -> None:
        """A gauge read when the metrics are rendered."""
        self.gauges[name] = (doc, read)

    def render(self, extra: dict[str, dict[str, float]] | None = None) -> str:
        """The Prometheus text (`extra`: labelled gauges, name → {model: value})."""
        out: list[str] = []
        out += _header("mlsql_serving_requests_total", "counter", "Prediction requests")
        for (model, status), n in sorted(self.requests.items()):
            out.append(
                f'mlsql_serving_requests_total{{model="{_label(model)}",status="{status}"}} {n}'
            )
        out += self._histograms("mlsql_serving_request_seconds", "Latency", self.latency)
        out += self._histograms("mlsql_serving_batch_size", "Rows per batch", self.batch_sizes)
        for name, doc, value in (
            ("mlsql_serving_cache_hits_total", "Prediction cache hits", self.cache_hits),
            ("mlsql_serving_cache_misses_total", "Prediction cache misses", self.cache_misses),
            (
                "mlsql_serving_worker_restarts_total",
                "Model workers restarted",
                self.worker_restarts,
            ),
        ):
            out += [*_header(name, "counter", doc), f"{name} {value}"]
        for name, (doc, read) in sorted(self.gauges.items()):
            out += [*_header(name, "gauge", doc), f"{name} {read():g}"]
        for name, values in sorted((extra or {}).items()):
            out += _header(name, "gauge", name.replace("_", " "))
            out += [f'{name}{{model="{_label(m)}"}} {v:g}' for m, v in sorted(values.items())]
        return "\n".join(out) + "\n"

    @staticmethod
    def _histograms(name: str, doc: str, by_model: dict[str, Histogram]) -> list[str]:
        lines = _header(name, "histogram", doc)
        for model, histogram in sorted(by_model.items()):
            lines += histogram.lines(name, f'model="{_label(model)}"')
        return lines


def _header(name: str, kind: str, doc: str) -> list[str]:
    return [f"# HELP {name} {doc}", f"# TYPE {name} {kind}"]
