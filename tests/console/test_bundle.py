"""The committed console bundle is what `make console` builds from the sources, and it names the
grammar's keywords (a stale bundle fails here; rebuild with `make console`)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "server" / "console" / "static"


def build_info() -> dict[str, object]:
    """The build-info.json written by console/build.mjs."""
    return json.loads((STATIC / "build-info.json").read_text())


def grammar_keywords() -> list[str]:
    """Keywords of grammar/MLSQL.g4 (lexer rules whose body is one quoted word)."""
    text = (ROOT / "grammar" / "MLSQL.g4").read_text()
    found = re.findall(r"^[A-Z_]+\s*:\s*'([A-Za-z]+)'\s*;", text, flags=re.M)
    return sorted(set(found), key=str.lower)


def digest(files: list[str]) -> str:
    """The digest build.mjs computes over its inputs."""
    sha = hashlib.sha256()
    for name in files:
        sha.update(name.encode() + b"\0")
        sha.update((ROOT / name).read_bytes())
        sha.update(b"\0")
    return sha.hexdigest()


def test_bundle_is_built_from_the_current_sources() -> None:
    info = build_info()
    inputs = sorted(p.name for p in (ROOT / "console" / "src").iterdir())
    assert [f"console/src/{n}" for n in inputs] == [
        f for f in info["inputs"] if str(f).startswith("console/src/")
    ], "console/src changed: run `make console`"
    assert info["digest"] == digest(list(info["inputs"])), "stale bundle: run `make console`"


def test_bundle_highlights_the_grammar_keywords() -> None:
    keywords = grammar_keywords()
    assert {"load", "train", "register", "select", "where", "partitionBy"} <= set(keywords)
    assert sorted(build_info()["keywords"], key=str.lower) == keywords
    bundle = (STATIC / "console.js").read_text()
    assert json.dumps(build_info()["keywords"], separators=(",", ":")) in bundle


def test_no_asset_comes_from_elsewhere() -> None:
    page = (STATIC / "index.html").read_text()
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "data:,",  # no favicon
        "/console/static/console.css",
        "/console/static/console.js",
    ]
    for name in ("console.js", "console.css"):
        text = (STATIC / name).read_text()
        assert "https://cdn" not in text and "unpkg.com" not in text and "jsdelivr" not in text
