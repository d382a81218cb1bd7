"""Issue 18.4: `docs/reference/` is generated from the code (`python -m mlsql.docs`); these
tests fail when the committed pages are stale, check that every registry member is documented,
and build the MkDocs site with `--strict`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlsql.config import PROJECT_ROOT
from mlsql.docs import PAGES
from mlsql.docs.__main__ import DEFAULT_OUT, generate, main, stale_pages

STALE = "docs/reference is stale: run `.venv/bin/python -m mlsql.docs` and commit the result"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return generate()


@pytest.mark.parametrize("name", [name for name, _ in PAGES])
def test_committed_page_is_fresh(pages: dict[str, str], name: str) -> None:
    path = DEFAULT_OUT / name
    assert path.is_file(), f"{path} is missing. {STALE}"
    assert path.read_text() == pages[name], f"{name} differs. {STALE}"


def test_no_page_is_left_over(pages: dict[str, str]) -> None:
    assert stale_pages(DEFAULT_OUT, pages) == [], STALE


def test_check_mode_reports_a_stale_page(tmp_path: Path, pages: dict[str, str]) -> None:
    out = tmp_path / "reference"
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0
    (out / "ets.md").write_text(pages["ets.md"].replace("RateSampler", "RateSamplr"))
    (out / "old.md").write_text("a page nothing generates any more")
    assert stale_pages(out, pages) == ["ets.md", "old.md"]
    assert main(["--check", "--out", str(out)]) == 1


def test_every_registry_member_is_documented(pages: dict[str, str]) -> None:
    from mlsql.config import Config
    from mlsql.docs.grammar_rules import parser_rules
    from mlsql.engine import et, formats
    from mlsql.engine.compilers import commands
    from mlsql.engine.compilers import set as set_compiler
    from mlsql.jars import JAR_SETS
    from mlsql.models.algorithms import algorithm_names, get_algorithm
    from mlsql.models.params import COMMON_ALIASES, FRAMEWORK_KEYS

    for name in algorithm_names():
        assert f"**{name}**" in pages["algorithms.md"], name
        for alias in get_algorithm(name).aliases:
            assert alias in pages["algorithms.md"], alias
    for key in (*FRAMEWORK_KEYS, *COMMON_ALIASES):
        assert f"`{key}`" in pages["algorithms.md"], key
    et.load_ets()
    for item in et.ETS.values():
        assert f"## {item.name}\n" in pages["ets.md"], item.name
        for param in item.params:
            assert f"`{param.name}`" in pages["ets.md"], (item.name, param.name)
    for name in formats.FORMATS:
        assert f"`{name}`" in pages["formats.md"], name
    for name in set_compiler.SET_TYPES:
        assert f"`{name}`" in pages["set-types.md"], name
    for name in (*commands.COMMANDS, *(f"show {s}" for s in commands.SHOW)):
        assert f"`!{name}`" in pages["commands.md"], name
    for field in Config.model_fields:
        assert (
            f"`{field}`" in pages["configuration.md"]
            or f"## [{field}]" in pages["configuration.md"]
        )
    assert "`kafka.bootstrap_servers`" in pages["configuration.md"]
    assert "`MLSQL_SPARK__MASTER`" in pages["configuration.md"]
    for rule in parser_rules()["statement"].alternatives:
        assert f"## {rule.removesuffix('Statement')}\n" in pages["statements.md"], rule
    for jar_set in JAR_SETS.values():
        for artifact in jar_set.artifacts:
            assert f"`{artifact.file_name}`" in pages["jars.md"], artifact


def test_pages_carry_no_machine_paths(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        for fragment in (str(PROJECT_ROOT), "/tmp/", "/root/", "/home/"):
            assert fragment not in text, (name, fragment)


@pytest.mark.timeout(120)
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    """The documented site command, into a temporary folder (about 5-10 s)."""
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent))
    assert mkdocs, "mkdocs is missing: it is in the dev and docs extras (make setup)"
    started = time.monotonic()
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=110,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "algorithms" / "index.html").is_file()
    assert (tmp_path / "site" / "getting-started" / "index.html").is_file()
    print(f"mkdocs build --strict: {time.monotonic() - started:.1f} s")
