"""The machine a benchmark ran on, and where `make bench` keeps its tables (bench/results/).

Each benchmark writes ONE file per name (the latest run replaces the previous one), so
bench/results/ stays bounded: a header describing the machine (cores, RAM, load average at the
start, versions) followed by the table the benchmark printed.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
PACKAGES = (
    "pyspark",
    "pyarrow",
    "pandas",
    "numpy",
    "scikit-learn",
    "mlflow-skinny",
    "confluent-kafka",
    "kafka-python",
)


def _memory_gb() -> float:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 0.0
    return pages / 1024**3


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def describe(load_at_start: tuple[float, ...] | None = None) -> str:
    """Markdown lines: date, CPU, cores, RAM, load average at the start, versions."""
    load = load_at_start or os.getloadavg()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{name} {_version(name)}" for name in PACKAGES)
    return "\n".join(
        [
            f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {os.cpu_count()} cores ({cpu}), {_memory_gb():.0f} GB RAM, "
            f"{platform.system()} {platform.release()}",
            f"- load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            f"- Python {platform.python_version()}; {versions}",
            f"- command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}",
        ]
    )


def write_results(name: str, title: str, table: str, load_at_start: tuple[float, ...]) -> Path:
    """Write bench/results/<name>.md (replacing the previous run's) and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    load = (load_at_start + (0.0, 0.0, 0.0))[:3]
    text = f"# {title}\n\n{describe(load)}  \n\n```\n{table.rstrip()}\n```\n"
    path.write_text(text, encoding="utf-8")
    return path
