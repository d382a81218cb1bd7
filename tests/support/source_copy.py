"""The package's tracked files copied out of the checkout, for tests that build and install it."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

from mlsql.config import PROJECT_ROOT


def source_copy(dest: Path) -> None:
    """The package's files (setup.py, pyproject.toml, mlsql/, workers/, server/, conf/) in `dest`."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "setup.py", "pyproject.toml", "README.md",
         "mlsql", "workers", "server", "conf"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    archive = dest.with_suffix(".tar")
    with tarfile.open(archive, "w") as tar:
        for name in listed:
            if (PROJECT_ROOT / name).is_file():
                tar.add(PROJECT_ROOT / name, arcname=name)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
