"""The one file-system layer of the model store: local folders, ``hdfs://`` and ``s3a://``/``s3://``.

Built on ``pyarrow.fs`` (not fsspec): pyarrow is already a dependency of the engine (Arrow
batches), its S3 client is native C++ inside the wheel (no boto, aiobotocore or s3fs to pin),
and its ``HadoopFileSystem`` talks to HDFS through the same libhdfs the JVM side uses. One
``FileSystem`` per scheme and authority is kept per process (a documented cache: Spark's Python
workers and training workers open it once).

Locations are strings: a plain absolute path (or ``file:`` URI) for the local file system, a URI
for the others. ``absolute`` turns a relative path into the absolute one on the driver, so a
path means the same on every executor and worker whatever their working folder.

S3 settings come from the same keys Spark's ``s3a`` connector reads
(``spark.hadoop.fs.s3a.endpoint``, ``….access.key``, ``….secret.key``, ``….path.style.access``,
``….endpoint.region``, ``….connection.ssl.enabled`` in ``[spark.conf]``). ``s3_env`` turns
them into environment variables (``MLSQL_S3_*`` and the standard ``AWS_*``), which the engine
sets on the driver and passes to executors (``spark.executorEnv.*``); training workers inherit
them from the Python worker that starts them.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import pyarrow.fs as pafs

LOCAL_SCHEMES = ("", "file")
S3_SCHEMES = ("s3", "s3a", "s3n")
HDFS_SCHEMES = ("hdfs", "viewfs")
S3A = "spark.hadoop.fs.s3a."
# spark.hadoop.fs.s3a.<key> -> the environment variable the Python side reads
S3_ENV = {
    "endpoint": "MLSQL_S3_ENDPOINT",
    "path.style.access": "MLSQL_S3_PATH_STYLE",
    "connection.ssl.enabled": "MLSQL_S3_SSL",
    "endpoint.region": "AWS_REGION",
    "access.key": "AWS_ACCESS_KEY_ID",
    "secret.key": "AWS_SECRET_ACCESS_KEY",
    "session.token": "AWS_SESSION_TOKEN",
}

_filesystems: dict[tuple[str, str], pafs.FileSystem] = {}
_lock = threading.Lock()


def scheme(location: str | os.PathLike[str]) -> str:
    """The lower-case URI scheme of `location` ("" for plain paths)."""
    text = os.fspath(location)
    found = urlsplit(text).scheme.lower()
    return "" if len(found) == 1 else found  # a Windows drive letter is not a scheme


def is_remote(location: str | os.PathLike[str]) -> bool:
    """Whether `location` is on another file system than the local one (hdfs:, s3a:, …)."""
    return scheme(location) not in LOCAL_SCHEMES


def local_path(location: str | os.PathLike[str]) -> str:
    """The local file-system path of a plain path or ``file:`` URI."""
    text = os.fspath(location)
    parts = urlsplit(text)
    return unquote(parts.path) if parts.scheme.lower() == "file" else text


def absolute(location: str | os.PathLike[str], cwd: str | None = None) -> str:
    """`location` with a relative local path made absolute against `cwd` (the driver's folder).

    URIs with a scheme (``hdfs://``, ``s3a://``, ``file:/…``) are returned unchanged, except that
    a relative ``file:`` path is made absolute too.
    """
    text = os.fspath(location)
    if is_remote(text):
        return text
    path = local_path(text)
    if os.path.isabs(path):
        return text
    base = cwd if cwd is not None else os.getcwd()
    return os.path.normpath(os.path.join(base, path))


def join(location: str, *parts: str) -> str:
    """`location` joined with `parts` by ``/`` (keeps the scheme and authority)."""
    return posixpath.join(location.rstrip("/") if len(location) > 1 else location, *parts)


def s3_env(conf: Mapping[str, str]) -> dict[str, str]:
    """Environment variables for the Python side from the ``spark.hadoop.fs.s3a.*`` settings."""
    return {env: str(conf[S3A + key]) for key, env in S3_ENV.items() if S3A + key in conf}


def uses_s3(conf: Mapping[str, str]) -> bool:
    """Whether the Spark settings configure the ``s3a`` connector (then its jars are added)."""
    return any(key.startswith(S3A) for key in conf)


def _s3_filesystem() -> pafs.FileSystem:
    import pyarrow.fs as pafs

    endpoint = os.environ.get("MLSQL_S3_ENDPOINT", "")
    ssl = os.environ.get("MLSQL_S3_SSL", "true").lower() != "false"
    parts = urlsplit(endpoint if "://" in endpoint else f"//{endpoint}")
    kwargs: dict[str, object] = {}
    if endpoint:
        kwargs["endpoint_override"] = parts.netloc or endpoint
        kwargs["scheme"] = parts.scheme or ("https" if ssl else "http")
    if os.environ.get("AWS_ACCESS_KEY_ID"):
        kwargs["access_key"] = os.environ["AWS_ACCESS_KEY_ID"]
        kwargs["secret_key"] = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        if os.environ.get("AWS_SESSION_TOKEN"):
            kwargs["session_token"] = os.environ["AWS_SESSION_TOKEN"]
    kwargs["region"] = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION", "")
    if not kwargs["region"]:
        del kwargs["region"]
    path_style = os.environ.get("MLSQL_S3_PATH_STYLE", "false").lower() == "true"
    return pafs.S3FileSystem(force_virtual_addressing=not path_style and not endpoint, **kwargs)


def filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    """The file system of `location` and the path inside it (``bucket/key`` on S3).

    Raises:
        ValueError: An unsupported scheme.
    """
    import pyarrow.fs as pafs

    kind = scheme(location)
    if kind in LOCAL_SCHEMES:
        return pafs.LocalFileSystem(), absolute(local_path(location))
    parts = urlsplit(location)
    key = (kind, parts.netloc)
    with _lock:
        fs = _filesystems.get(key)
        if fs is None:
            if kind in S3_SCHEMES:
                fs = _s3_filesystem()
            elif kind in HDFS_SCHEMES:
                fs = pafs.HadoopFileSystem.from_uri(f"{kind}://{parts.netloc}/")
            else:
                raise ValueError(f"unsupported file system scheme {kind!r} in {location!r}")
            _filesystems[key] = fs
    if kind in S3_SCHEMES:
        return fs, f"{parts.netloc}{unquote(parts.path)}".rstrip("/")
    return fs, unquote(parts.path).rstrip("/") or "/"


def forget_filesystems() -> None:
    """Drops the cached file systems (after the S3 settings changed, e.g. in tests)."""
    with _lock:
        _filesystems.clear()


def is_file(location: str) -> bool:
    """Whether `location` is an existing file."""
    import pyarrow.fs as pafs

    fs, path = filesystem(location)
    return fs.get_file_info(path).type == pafs.FileType.File


def children(location: str) -> list[tuple[str, bool]]:
    """``(name, is_folder)`` of the entries directly under `location` (none if it is absent)."""
    import pyarrow.fs as pafs

    fs, path = filesystem(location)
    infos = fs.get_file_info(pafs.FileSelector(path, allow_not_found=True))
    return [(info.base_name, info.type == pafs.FileType.Directory) for info in infos]


def read_bytes(location: str) -> bytes:
    """The content of a file (FileNotFoundError when it is absent)."""
    fs, path = filesystem(location)
    with fs.open_input_stream(path) as src:
        return bytes(src.read())


def write_bytes(location: str, data: bytes) -> None:
    """Writes a file in one put (on S3 an object appears whole or not at all)."""
    fs, path = filesystem(location)
    with fs.open_output_stream(path) as out:
        out.write(data)


def remove_tree(location: str) -> None:
    """Deletes a folder (or prefix) and everything under it; absent is fine."""
    import pyarrow.fs as pafs

    fs, path = filesystem(location)
    info = fs.get_file_info(path)
    if info.type == pafs.FileType.Directory:
        fs.delete_dir(path)
    elif info.type == pafs.FileType.File:
        fs.delete_file(path)


def remove_file(location: str) -> None:
    """Deletes one file; absent is fine."""
    import pyarrow.fs as pafs

    fs, path = filesystem(location)
    if fs.get_file_info(path).type == pafs.FileType.File:
        fs.delete_file(path)


def upload_folder(folder: Path, location: str, skip: tuple[str, ...] = ()) -> None:
    """Copies every file under the local `folder` to `location` (names in `skip` are left out)."""
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if path.name in skip or "__pycache__" in path.parts:
            continue
        write_bytes(join(location, relative), path.read_bytes())


def download_folder(location: str, folder: Path) -> None:
    """Copies every file under `location` into the local `folder` (created)."""
    import pyarrow.fs as pafs

    fs, path = filesystem(location)
    infos = fs.get_file_info(pafs.FileSelector(path, recursive=True, allow_not_found=True))
    Path(folder).mkdir(parents=True, exist_ok=True)
    for info in infos:
        if info.type != pafs.FileType.File:
            continue
        relative = posixpath.relpath(info.path, path)
        if relative.startswith("..") or os.path.isabs(relative):
            continue
        target = Path(folder, *relative.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        with fs.open_input_stream(info.path) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)


def fresh_name(prefix: str) -> str:
    """A unique file or folder name starting with `prefix`."""
    return f"{prefix}{uuid.uuid4().hex}"
