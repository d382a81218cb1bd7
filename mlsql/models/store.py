"""The model store: versioned, sealed, atomically published model folders under a model path.

Layout of a model path::

    <path>/_model_0/            one version (MLSQL's naming): mlsql-model.json, model file,
    <path>/_model_1/            and the .mlsql-model marker
    <path>/.staging-<uuid>/     a version being written (never visible as a version)
    <path>/.mlsql-store.lock    serialises publishing

A training worker writes its files into a staging folder and ``seal``s it: the marker file lists
the SHA-256 of every file, so loading refuses folders the engine did not write (no marker, or
metadata that is not ours) and folders that changed since. The driver then calls ``publish``:
it takes the store lock, numbers the version, fsyncs, and ``os.rename``s the staging folder to
``_model_<N>`` in one step. A training that fails or is killed leaves only a staging folder,
which ``clean_staging`` removes once it is old. Without ``keepVersion`` the new version replaces
the older ones once it is published (versions of the same run, i.e. the other parameter groups
of the same ``train`` statement, are kept, so the best group can be chosen among them).

A model path that is a URI of another file system (``s3a://``, ``s3://``, ``hdfs://``) gets a
``RemoteModelStore`` (``mlsql.models.remote_store``): the same layout and the same promise
without rename (the marker is written last and is the commit). A relative local path is made
absolute when the store is made (on the driver), so executors and workers see the same folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from mlsql.errors import AnalysisError, WorkerError
from mlsql.models.fs import absolute, is_remote, local_path
from mlsql.models.metadata import ENGINE, FORMAT_VERSION, METADATA_FILE, ModelMetadata

MARKER_FILE = ".mlsql-model"
VERSION_DIR = re.compile(r"^_model_(\d+)$")
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".trash-"
LOCK_FILE = ".mlsql-store.lock"
STALE_STAGING_S = 24 * 3600.0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    found = [p for p in folder.rglob("*") if p.is_file() and p.name != MARKER_FILE]
    return sorted(p for p in found if "__pycache__" not in p.parts)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal(folder: Path) -> None:
    """Marks `folder` as written by the engine: fsyncs its files and writes the checksum marker.

    Raises:
        AnalysisError: The folder has no valid ``mlsql-model.json``.
    """
    folder = Path(folder)
    ModelMetadata.read(folder)
    checksums = {}
    for path in _files(folder):
        with open(path, "rb") as src:
            os.fsync(src.fileno())
        checksums[path.relative_to(folder).as_posix()] = _sha256(path)
    marker = {"engine": ENGINE, "format_version": FORMAT_VERSION, "files": checksums}
    with open(folder / MARKER_FILE, "w", encoding="utf-8") as out:
        json.dump(marker, out, indent=2, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    _fsync_dir(folder)


def verify(folder: Path) -> ModelMetadata:
    """The metadata of a sealed folder, after checking the marker and every checksum.

    Raises:
        AnalysisError: The folder was not written by this engine or was changed since.
    """
    folder = Path(folder)
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AnalysisError(
            f"{folder} was not written by {ENGINE} (no {MARKER_FILE} marker); refusing to load it"
        ) from exc
    except ValueError as exc:
        raise AnalysisError(f"{folder}: corrupt {MARKER_FILE} marker") from exc
    files = marker.get("files") if isinstance(marker, dict) else None
    if marker.get("engine") != ENGINE or not isinstance(files, dict) or METADATA_FILE not in files:
        raise AnalysisError(f"{folder}: {MARKER_FILE} marker is not from {ENGINE}")
    for name, expected in files.items():
        path = folder / name
        if ".." in Path(name).parts or not path.is_file() or _sha256(path) != expected:
            raise AnalysisError(f"{folder}: {name} is missing or changed since the model was saved")
    return ModelMetadata.read(folder)


Prepare = Callable[[Path], None]


def publishable(folder: Path, prepare: Prepare | None, named: str | Path) -> ModelMetadata:
    """The metadata of a staging `folder` about to be published: verified, then `prepare`d.

    Raises:
        WorkerError: `folder` (the staging folder `named`) is not a complete, sealed model.
    """
    try:
        meta = verify(folder)
    except AnalysisError as exc:
        raise WorkerError(f"cannot publish {named}: {exc.message}") from exc
    if prepare is not None:
        prepare(folder)
        meta = ModelMetadata.read(folder)
    return meta


class ModelStore:
    """The versions of one model path (a ``RemoteModelStore`` for hdfs:/s3a:/s3: URIs)."""

    def __new__(cls, path: str | os.PathLike[str]) -> ModelStore:
        if cls is ModelStore and is_remote(os.fspath(path)):
            from mlsql.models.remote_store import RemoteModelStore

            return super().__new__(RemoteModelStore)
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.uri = absolute(os.fspath(path))
        self.path = Path(local_path(self.uri))

    def version_dir(self, version: int) -> Path:
        """The folder of a version number."""
        return self.path / f"_model_{version}"

    def _numbers(self) -> list[int]:
        if not self.path.is_dir():
            return []
        matches = (VERSION_DIR.match(p.name) for p in self.path.iterdir() if p.is_dir())
        return sorted(int(m.group(1)) for m in matches if m)

    def versions(self) -> list[int]:
        """Version numbers of sealed folders, ascending (unsealed folders are not versions)."""
        return [n for n in self._numbers() if (self.version_dir(n) / MARKER_FILE).is_file()]

    def metadata(self, version: int) -> ModelMetadata:
        """The verified metadata of a version."""
        return verify(self.version_dir(version))

    def resolve(self, version: int | str = "latest") -> int:
        """A version number from a number, ``"latest"`` or ``"best"``.

        Raises:
            AnalysisError: No such version, or no versions at all.
        """
        versions = self.versions()
        if not versions:
            raise AnalysisError(f"no model versions under {self.path}")
        if isinstance(version, str) and version.lower() in ("latest", "best"):
            return versions[-1] if version.lower() == "latest" else self.best()
        try:
            number = int(version)
        except ValueError as exc:
            raise AnalysisError(
                f"model version must be a number, latest or best: {version!r}"
            ) from exc
        if number not in versions:
            raise AnalysisError(f"no model version {number} under {self.path}; have {versions}")
        return number

    def best(self) -> int:
        """The version the last train statement marked best (``mlsql.models.selection``)."""
        from mlsql.models.selection import best_version

        return best_version(self)

    def new_staging(self) -> str:
        """Creates an empty staging folder inside the model path (removing stale ones first)."""
        self.path.mkdir(parents=True, exist_ok=True)
        self.clean_staging()
        folder = self.path / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        folder.mkdir()
        return str(folder)

    def discard(self, staging: str) -> None:
        """Removes a staging folder that was not published (and its worker's result file)."""
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{staging}.result.json")

    def clean_staging(self, max_age_s: float = STALE_STAGING_S) -> list[Path]:
        """Removes staging and trash folders older than `max_age_s`; returns what was removed."""
        if not self.path.is_dir():
            return []
        now, removed = time.time(), []
        for folder in self.path.iterdir():
            if not folder.name.startswith((STAGING_PREFIX, TRASH_PREFIX)):
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - folder.stat().st_mtime >= max_age_s:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
        return removed

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_FILE, "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def publish(
        self, staging_dir: str | Path, keep_version: bool, prepare: Prepare | None = None
    ) -> int:
        """Publishes a sealed staging folder as the next version.

        Args:
            staging_dir: A folder a training worker wrote and sealed.
            keep_version: Keep older versions; otherwise they are removed after publishing
                (except versions with the same ``run_id``, the sibling parameter groups).
            prepare: Called with the verified folder before it is re-sealed and published
                (e.g. to add lineage to its metadata).

        Returns:
            The new version number.

        Raises:
            WorkerError: The staging folder is not a complete, sealed model.
        """
        staging_dir = Path(staging_dir)
        meta = publishable(staging_dir, prepare, staging_dir)
        with self._locked():
            staging_dir = self._move_inside(staging_dir)
            numbers = self._numbers()
            version = numbers[-1] + 1 if numbers else 0
            meta.version = version
            meta.write(staging_dir)
            seal(staging_dir)
            os.rename(staging_dir, self.version_dir(version))
            _fsync_dir(self.path)
            if not keep_version:
                self._prune(version, meta.run_id)
        self.clean_staging()
        return version

    def _move_inside(self, staging_dir: Path) -> Path:
        if staging_dir.parent.resolve() == self.path.resolve():
            return staging_dir
        target = self.path / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        shutil.copytree(staging_dir, target)
        shutil.rmtree(staging_dir, ignore_errors=True)
        return target

    def _prune(self, keep: int, run_id: str | None) -> None:
        for number in self._numbers():
            if number == keep:
                continue
            folder = self.version_dir(number)
            if run_id is not None and _run_id(folder) == run_id:
                continue
            trash = self.path / f"{TRASH_PREFIX}{uuid.uuid4().hex}"
            os.rename(folder, trash)
            shutil.rmtree(trash, ignore_errors=True)


def _run_id(folder: Path) -> str | None:
    try:
        return ModelMetadata.read(folder).run_id
    except AnalysisError:
        return None


def publish(model_path: str | os.PathLike[str], staging_dir: str | Path, keep_version: bool) -> int:
    """Publishes a worker's sealed staging folder as the next version of `model_path`.

    The engine calls this on the driver once the training worker succeeded; see
    ``ModelStore.publish``.
    """
    return ModelStore(model_path).publish(staging_dir, keep_version)
