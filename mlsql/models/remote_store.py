"""The model store on a file system without atomic rename (S3) or reached remotely (HDFS).

Same layout as a local model path (``mlsql.models.store``), through ``mlsql.models.fs``::

    <uri>/_model_<N>/...            a version's files
    <uri>/_model_<N>/.mlsql-model   the checksum marker: written last, it is the commit
    <uri>/_model_<N>/.claim-<id>    the claim of the publisher that owns number N (removed after)
    <uri>/.staging-<id>/            a sealed folder a training worker uploaded

**Publishing without rename.** The driver downloads the staging folder, verifies its seal,
claims the next number (writes ``_model_<N>/.claim-<id>``, then lists ``_model_<N>/``: if any
other claim or a marker is there it withdraws and tries ``N+1``; with read-after-write listing,
as S3 and HDFS give, two publishers cannot both see only their own claim), uploads every file,
and writes the marker last. Readers count a version only when its marker exists, and the marker
lists the checksum of every file, so a version is visible whole or not at all. A publish that
fails before the marker leaves no version (its files are deleted; if even that fails they stay
invisible under a number no one reuses).

**Reading.** ``version_dir`` materialises a version into a local cache folder named after the
SHA-256 of the version's URI and marker (a changed version gets a new folder), and the loader
verifies and loads it there as it does any local version. Versions are removed (pruned) by
deleting the marker first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from mlsql.errors import AnalysisError, WorkerError
from mlsql.models import fs
from mlsql.models.metadata import METADATA_FILE, ModelMetadata
from mlsql.models.store import (
    MARKER_FILE,
    STAGING_PREFIX,
    TRASH_PREFIX,
    VERSION_DIR,
    ModelStore,
    Prepare,
    publishable,
    seal,
)

CLAIM_PREFIX = ".claim-"
CACHE_ENV = "MLSQL_MODEL_CACHE"
MAX_CLAIMS = 64
_publishing = threading.Lock()  # one publisher per process at a time (claims order the rest)


def cache_root() -> Path:
    """Local folder holding materialised remote versions (``$MLSQL_MODEL_CACHE`` or the temp)."""
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir(), "mlsql-model-cache"))


class RemoteModelStore(ModelStore):
    """The versions of a model path on S3 or HDFS (see the module docstring)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.uri = os.fspath(path).rstrip("/")
        digest = hashlib.sha256(self.uri.encode()).hexdigest()[:16]
        self.path = cache_root() / digest  # where versions are materialised (and messages)

    def _version_uri(self, version: int) -> str:
        return fs.join(self.uri, f"_model_{version}")

    def _numbers(self) -> list[int]:
        matches = (VERSION_DIR.match(name) for name, folder in fs.children(self.uri) if folder)
        return sorted(int(m.group(1)) for m in matches if m)

    def versions(self) -> list[int]:
        """Version numbers whose marker exists (the commit), ascending."""
        return [
            n for n in self._numbers() if fs.is_file(fs.join(self._version_uri(n), MARKER_FILE))
        ]

    def version_dir(self, version: int) -> Path:
        """A local, verified-on-load copy of a version (downloaded once per marker)."""
        uri = self._version_uri(version)
        try:
            marker = fs.read_bytes(fs.join(uri, MARKER_FILE))
        except FileNotFoundError as exc:
            raise AnalysisError(f"no model version {version} under {self.uri}") from exc
        key = hashlib.sha256(uri.encode() + b"\0" + marker).hexdigest()[:24]
        folder = self.path / key
        if not folder.is_dir():
            part = self.path / fs.fresh_name(".part-")
            try:
                fs.download_folder(uri, part)
                with contextlib.suppress(FileNotFoundError):
                    (part / MARKER_FILE).write_bytes(marker)  # the marker that was read
                with contextlib.suppress(OSError):  # another process may have been first
                    os.rename(part, folder)
            finally:
                shutil.rmtree(part, ignore_errors=True)
        return folder

    def new_staging(self) -> str:
        """A fresh staging location (a prefix: nothing is created until a worker uploads)."""
        self.clean_staging()
        return fs.join(self.uri, fs.fresh_name(STAGING_PREFIX))

    def discard(self, staging: str) -> None:
        """Removes an unpublished staging prefix (best effort)."""
        with contextlib.suppress(OSError):
            fs.remove_tree(staging)

    def clean_staging(self, max_age_s: float = 24 * 3600.0) -> list[Path]:
        """Removes staging and trash prefixes whose files are all older than `max_age_s`."""
        import pyarrow.fs as pafs

        removed: list[Path] = []
        for name, folder in fs.children(self.uri):
            if not folder or not name.startswith((STAGING_PREFIX, TRASH_PREFIX)):
                continue
            location = fs.join(self.uri, name)
            filesystem, path = fs.filesystem(location)
            infos = filesystem.get_file_info(pafs.FileSelector(path, recursive=True))
            times = [i.mtime.timestamp() for i in infos if i.mtime is not None]
            if not times or time.time() - max(times) >= max_age_s:
                self.discard(location)
                removed.append(Path(name))
        return removed

    def publish(
        self, staging_dir: str | Path, keep_version: bool, prepare: Prepare | None = None
    ) -> int:
        """Publishes a sealed staging folder (a local folder or a URI) as the next version.

        Raises:
            WorkerError: The staging folder is not a complete, sealed model, or the upload failed.
        """
        staging = os.fspath(staging_dir)
        with tempfile.TemporaryDirectory(prefix="mlsql-publish-") as tmp:
            local = Path(tmp, "model")
            if fs.is_remote(staging):
                fs.download_folder(staging, local)
            else:
                shutil.copytree(staging, local)
            meta = publishable(local, prepare, staging)
            with _publishing:
                version = self._commit(local, meta)
            if not keep_version:
                self._prune(version, meta.run_id)
        if fs.is_remote(staging):
            self.discard(staging)
        return version

    def _commit(self, local: Path, meta: ModelMetadata) -> int:
        version, claim = self._claim()
        target = self._version_uri(version)
        try:
            meta.version = version
            meta.write(local)
            seal(local)
            fs.upload_folder(local, target, skip=(MARKER_FILE,))
            fs.write_bytes(fs.join(target, MARKER_FILE), (local / MARKER_FILE).read_bytes())
        except BaseException as exc:
            with contextlib.suppress(OSError):
                fs.remove_tree(target)
            if isinstance(exc, OSError):
                raise WorkerError(f"cannot publish to {target}: {exc}") from exc
            raise
        with contextlib.suppress(OSError):
            fs.remove_file(claim)
        return version

    def _claim(self) -> tuple[int, str]:
        """Claims the next free version number (see the module docstring)."""
        numbers = self._numbers()
        version = numbers[-1] + 1 if numbers else 0
        for _ in range(MAX_CLAIMS):
            claim = fs.join(self._version_uri(version), fs.fresh_name(CLAIM_PREFIX))
            fs.write_bytes(claim, b"")
            others = [
                name
                for name, _ in fs.children(self._version_uri(version))
                if name != claim.rsplit("/", 1)[-1]
            ]
            if not others:
                return version, claim
            fs.remove_file(claim)
            version += 1
        raise WorkerError(f"cannot claim a version number under {self.uri}")

    def _prune(self, keep: int, run_id: str | None) -> None:
        for number in self.versions():
            if number == keep:
                continue
            if run_id is not None and self._run_id(number) == run_id:
                continue
            uri = self._version_uri(number)
            fs.remove_file(fs.join(uri, MARKER_FILE))  # invisible first, then gone
            with contextlib.suppress(OSError):
                fs.remove_tree(uri)

    def _run_id(self, number: int) -> str | None:
        """The run of a version, from its metadata file alone (no download of the model)."""
        try:
            data = json.loads(fs.read_bytes(fs.join(self._version_uri(number), METADATA_FILE)))
        except (OSError, ValueError):
            return None
        run_id = data.get("run_id") if isinstance(data, dict) else None
        return str(run_id) if run_id is not None else None
