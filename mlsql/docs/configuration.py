"""Reference pages: configuration keys (`mlsql.config.Config`, with the comments beside each field
in the source) and the JVM jar registry (`mlsql.jars.registry`)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from mlsql.docs.markdown import code, doc_of, first_line, page, table

FIELD = re.compile(r"^\s+(\w+):[^#\n]*(?:#\s*(.*))?$")


def _field_comments(cls: type) -> dict[str, str]:
    """Comments of a class's fields in its source: `# …` lines above a field and after it."""
    comments: dict[str, str] = {}
    above: list[str] = []
    for line in inspect.getsource(cls).splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped.lstrip("# "))
            continue
        match = FIELD.match(line)
        if match and not stripped.startswith(("def ", "@")):
            comments[match.group(1)] = " ".join([*above, match.group(2) or ""]).strip()
        above = []
    return comments


def _toml(value: Any) -> str:
    """A default as it would be written in the TOML file."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | Path):
        return f'"{value}"'
    return repr(value)


def _default(info: Any) -> str:
    if info.default_factory is None:
        return _toml(info.default)
    try:
        value = info.default_factory()
    except TypeError:
        return "(computed)"
    return _toml(value) if value in ({}, []) else "(computed)"


def _type_name(kind: Any) -> str:
    if get_args(kind):
        return str(kind).replace("typing.", "").replace("pathlib.", "")
    return getattr(kind, "__name__", None) or str(kind)


def _rows(model: type[BaseModel], prefix: str) -> tuple[list[list[str]], list[tuple[str, type]]]:
    rows, nested = [], []
    comments = _field_comments(model)
    for name, info in model.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            nested.append((f"{prefix}{name}", kind))
            continue
        key = f"{prefix}{name}"
        env = "MLSQL_" + key.upper().replace(".", "__")
        type_name = _type_name(kind)
        rows.append(
            [code(key), code(env), code(type_name), code(_default(info)), comments.get(name, "")]
        )
    return rows, nested


def render() -> str:
    """The configuration keys page."""
    from mlsql import config

    sections = []
    queue: list[tuple[str, type]] = [("", config.Config)]
    while queue:
        prefix, model = queue.pop(0)
        rows, nested = _rows(model, f"{prefix}." if prefix else "")
        title = f"[{prefix}]" if prefix else "Top level"
        if rows:
            head = ["key", "environment", "type", "default", "meaning"]
            sections.append(f"## {title}\n\n{first_line(model)}\n\n" + table(head, rows))
        queue.extend(nested)
    return page(
        "Configuration keys",
        doc_of(config)
        + "\n\nThe file's sections are the headings below (`[spark]`, `[kafka]`, …); "
        "`dict` keys such as `security.owners` and `serving.models` take sub-tables.",
        *sections,
    )


def jars() -> str:
    """The JVM jars page: every registered jar set and artifact."""
    from mlsql.jars import JAR_SETS, registry

    sections = []
    for jar_set in JAR_SETS.values():
        rows = [
            [code(str(a)), code(a.file_name), code(a.sha1) if a.sha1 else ""]
            for a in jar_set.artifacts
        ]
        when = "fetched on first use" if jar_set.on_demand else "fetched on request"
        when += (
            "; `mlsql setup` fetches it"
            if jar_set.essential
            else f"; `mlsql setup --set {jar_set.name}`"
        )
        sections.append(
            f"## {jar_set.name}\n\n{jar_set.purpose}; {when}.\n\n"
            + table(["artifact", "file", "SHA-1 pin"], rows)
        )
    return page(
        "JVM jars",
        doc_of(registry) + "\n\n`mlsql setup` fetches them now; `mlsql setup --check` says what "
        "is present and missing (and Java's version).",
        *sections,
    )
