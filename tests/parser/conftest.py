"""Parser test options: `--update-golden` (or `UPDATE_GOLDEN=1`) rewrites the golden JSON files.

The option is only known when pytest starts in `tests/parser` (`pytest tests/parser
--update-golden`); from the project root use the environment variable instead.
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register `--update-golden` (ignored if another conftest already did)."""
    try:
        parser.addoption(
            "--update-golden",
            action="store_true",
            default=False,
            help="rewrite tests/parser/golden/*.json from the current parser",
        )
    except ValueError:
        pass


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden files should be rewritten instead of compared."""
    flag = bool(request.config.getoption("--update-golden", default=False))
    return flag or os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")
