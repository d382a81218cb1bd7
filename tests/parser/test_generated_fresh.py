"""The committed ANTLR output in `mlsql/parser/generated/` matches a fresh run on the grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsql.parser.regenerate import GENERATED, RegenerateError, run_antlr

STALE = "mlsql/parser/generated is stale: run `.venv/bin/python -m mlsql.parser.regenerate`"


def generated_files(folder: Path) -> dict[str, str]:
    """Name -> text of the generated files (caches excluded)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.timeout(300)
def test_committed_parser_is_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "generated"
    try:
        run_antlr(fresh)
    except RegenerateError as err:
        pytest.fail(f"cannot regenerate the parser to compare: {err}")
    committed = generated_files(GENERATED)
    regenerated = generated_files(fresh)
    assert sorted(committed) == sorted(regenerated), STALE
    for name, text in regenerated.items():
        assert committed[name] == text, f"{name} differs. {STALE}"


def test_generated_code_has_no_absolute_paths() -> None:
    for name, text in generated_files(GENERATED).items():
        assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text, name
