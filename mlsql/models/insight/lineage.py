"""Lineage of a trained model version: the train statement's text and its source tables.

The driver adds it to a staged version's metadata (``extra["lineage"]``) just before the
version is published, then re-seals the folder (``mlsql.models.store.seal``) so the checksums
cover the changed ``mlsql-model.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_INPUT_FILES = 20


def lineage_of(text: str, tables: list[str], input_files: list[str]) -> dict[str, Any]:
    """The lineage record: statement text, source tables and (at most 20) input files."""
    return {
        "statement": text.strip(),
        "source_tables": [t for t in tables if t],
        "input_files": list(input_files[:MAX_INPUT_FILES]),
        "input_files_total": len(input_files),
    }


def table_files(df: Any) -> list[str]:
    """The files a DataFrame reads (empty for in-memory or non-file sources)."""
    try:
        return [str(f) for f in df.inputFiles()]
    except Exception:  # a source without files (JDBC, in-memory): no files to record
        return []


def record_lineage(
    staging: Path, lineage: dict[str, Any], training_seconds: float | None = None
) -> None:
    """Write `lineage` (and the trial's training time) into a staged version's metadata and
    re-seal the folder."""
    from mlsql.models.metadata import ModelMetadata
    from mlsql.models.store import seal

    folder = Path(staging)
    metadata = ModelMetadata.read(folder)
    metadata.extra["lineage"] = lineage
    if training_seconds is not None:
        metadata.extra["training_seconds"] = round(float(training_seconds), 3)
    metadata.write(folder)
    seal(folder)
