"""Model cards: everything a reader should know about a stored model, from its metadata only.

``model_card(path)`` returns a JSON-able dict: the model (algorithm, task, label, classes),
its input columns with their user-facing kinds (``numeric``, ``categorical``, ``text``,
``timestamp``, ``vector``) and featurisation (encoding, fitted width, categories, fill and
scaling), its outputs (from ``mlsql.models.signature``), and one entry per version with its
metrics, primary metric, training time, rows seen and lineage (train statement text and source
tables, recorded by the training runner; older versions have none). ``card_rows`` flattens a
card into ``(section, name, details)`` rows for ``!desc model `path```. Never imports pyspark.
"""

from __future__ import annotations

import json
from typing import Any

from mlsql.models.metadata import ModelMetadata
from mlsql.models.signature import ModelSignature

KINDS = {
    "numeric": "numeric",
    "bool": "numeric",
    "onehot": "categorical",
    "ordinal": "categorical",
    "text": "text",
    "datetime": "timestamp",
    "vector": "vector",
}
"""Featuriser kind → the kind a model card shows."""

ENCODINGS = {
    "numeric": "as is",
    "bool": "0/1",
    "onehot": "one-hot",
    "ordinal": "ordinal codes",
    "text": "hashed tokens",
    "datetime": "date/time parts",
    "vector": "one feature per element",
}


def model_card(path: str, version: int | str = "latest") -> dict[str, Any]:
    """The card of the model under `path` (the described version's signature, every version).

    Raises:
        AnalysisError: No model versions under `path`.
    """
    from mlsql.models.store import ModelStore

    store = ModelStore(path)
    number = store.resolve(version)
    metadata = store.metadata(number)
    signature = ModelSignature.from_metadata(metadata)
    versions = [_version(store.metadata(v), v) for v in store.versions()]
    return {
        "path": store.uri,  # the URI on S3/HDFS (store.path is the local cache there)
        "version": number,
        "algorithm": signature.algorithm,
        "task": signature.task,
        "label": signature.label_column,
        "classes": list(signature.classes) if signature.classes is not None else None,
        "inputs": _inputs(metadata),
        "featurisation": _featurisation(metadata),
        "outputs": [o.to_dict() for o in signature.outputs],
        "versions": versions,
    }


def _inputs(metadata: ModelMetadata) -> list[dict[str, Any]]:
    plans = (metadata.features or {}).get("columns") or []
    if not plans:
        return [
            {"name": str(n), "kind": "unknown", "dtype": ""}
            for n in metadata.extra.get("input_columns", [])
        ]
    return [
        {
            "name": p["name"],
            "kind": KINDS.get(p.get("kind", ""), "unknown"),
            "dtype": p.get("dtype"),
        }
        for p in plans
    ]


def _featurisation(metadata: ModelMetadata) -> dict[str, Any]:
    features = metadata.features or {}
    spec = features.get("spec") or {}
    columns = []
    for plan in features.get("columns") or []:
        kind = plan.get("kind", "")
        entry: dict[str, Any] = {
            "name": plan["name"],
            "encoding": ENCODINGS.get(kind, kind),
            "width": len(plan.get("outputs") or []) or plan.get("width", 0),
        }
        if plan.get("categories"):
            entry["categories"] = plan["categories"][:20]
            entry["categories_total"] = len(plan["categories"])
        if plan.get("scale"):
            entry["standardised"] = True
        if plan.get("fill"):
            entry["missing_filled_with"] = "training mean"
        columns.append(entry)
    return {
        "standardize": bool(spec.get("standardize", False)),
        "vector_col": spec.get("vector_col"),
        "columns": columns,
    }


def _version(metadata: ModelMetadata, number: int) -> dict[str, Any]:
    extra = metadata.extra or {}
    return {
        "version": number,
        "group": metadata.group,
        "status": metadata.status,
        "trained_at": metadata.created,
        "training_seconds": extra.get("training_seconds", extra.get("seconds")),
        "rows_seen": extra.get("rows"),
        "evaluated_on": extra.get("evaluated_on"),
        "evaluation_rows": extra.get("evaluation_rows"),
        "metrics": dict(metadata.metrics),
        "primary_metric": metadata.primary_metric,
        "params": dict(metadata.params),
        "lineage": extra.get("lineage"),
    }


def card_rows(card: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(section, name, details)`` rows of a card, for ``!desc model``."""
    rows = [
        ("model", "path", card["path"]),
        ("model", "algorithm", card["algorithm"]),
        ("model", "task", card["task"]),
        ("model", "described version", str(card["version"])),
    ]
    if card["label"]:
        rows.append(("model", "label", card["label"]))
    if card["classes"] is not None:
        rows.append(("model", "classes", ", ".join(map(str, card["classes"]))))
    encodings = {c["name"]: c for c in card["featurisation"]["columns"]}
    for i, column in enumerate(card["inputs"], 1):
        enc = encodings.get(column["name"], {})
        details = f"{column['kind']} ({column['dtype']})"
        if enc:
            details += f"; {enc['encoding']}, {enc['width']} feature(s)"
        rows.append((f"input {i}", column["name"], details))
    if card["featurisation"]["standardize"]:
        rows.append(("featurisation", "standardize", "true"))
    for output in card["outputs"]:
        rows.append(("output", output["name"], output["type"]))
    for v in card["versions"]:
        section = f"version {v['version']}"
        rows.append((section, "trained at", str(v["trained_at"])))
        if v["training_seconds"] is not None:
            rows.append((section, "training seconds", str(v["training_seconds"])))
        rows.append((section, "rows seen", str(v["rows_seen"])))
        for name, value in sorted(v["metrics"].items()):
            rows.append((section, f"metric {name}", str(value)))
        lineage = v["lineage"] or {}
        if lineage:
            rows.append((section, "statement", lineage.get("statement", "")))
            rows.append((section, "source tables", ", ".join(lineage.get("source_tables", []))))
            if lineage.get("input_files"):
                rows.append((section, "input files", json.dumps(lineage["input_files"])))
    return rows
