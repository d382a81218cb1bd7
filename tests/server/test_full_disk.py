"""A full disk during `save` and during a model publish: a 2 MB tmpfs made by the test.

The previous output (or model version) must stay intact, nothing half-written may be left, and
the error must say the disk is full, naming the path. Mounting needs root (CAP_SYS_ADMIN); where
it is not permitted the tests fail and say why (CI runs as root).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsql.errors import MLSQLError

SIZE = "2m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted for the test (unmounted afterwards)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        # CI runs as root (.ci/run installs system packages); a full disk cannot be faked
        # honestly without a real small file system, so this is a failure, not a skip.
        pytest.fail(f"cannot mount a 2 MB tmpfs (run the tests as root): {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave_bytes: int) -> None:
    """Write a filler file so that only about `leave_bytes` stay free on `disk`."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(disk / "filler.bin", "wb") as out:
        out.write(b"\0" * max(0, free - leave_bytes))


def leftovers(folder: Path) -> list[str]:
    """Names of staging or trash entries under `folder`."""
    return [p.name for p in folder.rglob("*") if "staging" in p.name or "trash" in p.name]


def test_save_on_a_full_disk_keeps_the_previous_output(run, small_disk: Path) -> None:
    out = small_disk / "out"
    run(
        f"select id, id * 2 as twice from range(0, 20) as small; save overwrite small as json.`{out}`;"
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert any(name.endswith(".json") for name in before)
    fill(small_disk, leave_bytes=16 * 1024)
    big = "select id, repeat('x', 200) as pad from range(0, 20000) as big;"
    with pytest.raises(MLSQLError) as caught:
        run(f"{big} save overwrite big as json.`{out}`;")
    message = str(caught.value)
    assert "disk full" in message and str(out) in message, message
    assert caught.value.line == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert leftovers(small_disk) == []


def test_model_publish_on_a_full_disk_keeps_the_previous_version(run, small_disk: Path) -> None:
    from mlsql.models.store import ModelStore, verify

    model = small_disk / "model"
    data = (
        "select id % 3 as a, id % 7 as b, cast(id % 2 as double) as label from range(0, 400) as d;"
    )
    train = 'train d as LogisticRegression.`{}` where keepVersion="true";'
    run(data + train.format(model))
    store = ModelStore(str(model))
    assert store.versions() == [0]
    fill(small_disk, leave_bytes=8 * 1024)
    forest = (
        f'train d as RandomForest.`{model}` where keepVersion="true" '
        'and `fitParam.0.n_estimators`="200";'
    )
    with pytest.raises(MLSQLError) as caught:
        run(data + forest)
    message = str(caught.value)
    assert "disk full" in message and str(model) in message, message
    assert store.versions() == [0]
    verify(store.version_dir(0))  # the sealed version 0 is intact (checksums)
    assert leftovers(model) == []
