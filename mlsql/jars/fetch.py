"""Downloads the jar sets of the registry from a Maven repository into `jars_dir`, checked.

Each jar is streamed into a temporary file beside its final name while its SHA-1 is computed,
compared with the `.sha1` file the repository publishes next to it (and with the registry's pin
when there is one), then renamed into place: a failed or interrupted download leaves nothing
under the jar's name, and two processes fetching at once both end with the same complete file.
A set whose jars are all present is not looked at again, so runs work offline from the cache.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mlsql.errors import NotAvailableError
from mlsql.jars.registry import DEFAULT_REPOSITORY, JAR_SETS, Artifact, JarSet

if TYPE_CHECKING:
    from mlsql.config import Config

CHUNK = 1 << 16
TIMEOUT_S = 60.0
Progress = Callable[[str, bool], None]  # (text, final) -> None


class JarFetchError(NotAvailableError):
    """A jar could not be fetched (network, missing artifact, checksum mismatch)."""

    code = "jars"


def jar_set(name: str) -> JarSet:
    """The registered set `name`; raises KeyError naming the known sets."""
    if name not in JAR_SETS:
        raise KeyError(f"unknown jar set {name!r} (known: {', '.join(sorted(JAR_SETS))})")
    return JAR_SETS[name]


def missing_artifacts(jar_set: JarSet, folder: Path) -> list[Artifact]:
    """The artifacts of `jar_set` without a file in `folder`."""
    return [a for a in jar_set.artifacts if not (folder / a.file_name).is_file()]


def repository_url(config: Config | None = None) -> str:
    """Where jars come from: `jars_repository` (env `MLSQL_JARS_REPOSITORY`) or Maven Central."""
    configured = getattr(config, "jars_repository", "") if config is not None else ""
    return configured or os.environ.get("MLSQL_JARS_REPOSITORY") or DEFAULT_REPOSITORY


def _read_url(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https or file)
        return bytes(response.read())


def published_sha1(artifact: Artifact, repository: str, timeout: float = TIMEOUT_S) -> str:
    """The SHA-1 the repository publishes beside the jar (`<jar>.sha1`, first word)."""
    url = artifact.url(repository) + ".sha1"
    try:
        text = _read_url(url, timeout).decode("ascii", "replace").strip()
    except (urllib.error.URLError, OSError) as err:
        raise JarFetchError(f"cannot read {url}: {_reason(err)}", hint=OFFLINE_HINT) from err
    digest = text.split()[0].lower() if text else ""
    if len(digest) != 40:
        raise JarFetchError(f"{url} holds no SHA-1 ({text[:60]!r})")
    return digest


def fetch_artifact(
    artifact: Artifact,
    folder: Path,
    repository: str,
    on_bytes: Callable[[int], None] | None = None,
    timeout: float = TIMEOUT_S,
) -> Path:
    """Download one jar into `folder`, verified; returns its path."""
    expected = published_sha1(artifact, repository, timeout)
    if artifact.sha1 and artifact.sha1.lower() != expected:
        raise JarFetchError(
            f"{artifact}: the repository's SHA-1 {expected} differs from the registry's "
            f"{artifact.sha1} (mlsql/jars/registry.py)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    url = artifact.url(repository)
    handle, temp = tempfile.mkstemp(prefix=f".{artifact.file_name}.", dir=folder)
    try:
        digest = _stream(url, handle, timeout, on_bytes)
        if digest != expected:
            raise JarFetchError(f"{url}: SHA-1 {digest} does not match the published {expected}")
        os.replace(temp, folder / artifact.file_name)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return folder / artifact.file_name


def _stream(url: str, handle: int, timeout: float, on_bytes: Callable[[int], None] | None) -> str:
    sha1 = hashlib.sha1()  # noqa: S324 (Maven's published checksum, not a security primitive alone)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while chunk := resp.read(CHUNK):
                out.write(chunk)
                sha1.update(chunk)
                if on_bytes is not None:
                    on_bytes(len(chunk))
    except (urllib.error.URLError, OSError) as err:
        raise JarFetchError(f"cannot download {url}: {_reason(err)}", hint=OFFLINE_HINT) from err
    return sha1.hexdigest()


def _reason(err: BaseException) -> str:
    return str(getattr(err, "reason", None) or err)


OFFLINE_HINT = (
    "the jars are fetched once into jars_dir (MLSQL_JARS_DIR); without internet copy them there "
    "from a machine that ran `mlsql setup`, or set MLSQL_JARS_REPOSITORY to a reachable mirror"
)


def stderr_progress(text: str, final: bool) -> None:
    """A progress line on standard error: rewritten in place on a terminal, else final lines."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[2K{text}" + ("\n" if final else ""))
        sys.stderr.flush()
    elif final:
        print(text, file=sys.stderr, flush=True)


def ensure_jar_set(
    config: Config, name: str, progress: Progress | None = stderr_progress
) -> list[Path]:
    """Fetch the jars of set `name` that `config.jars_dir/<name>` lacks; returns the set's jars.

    Nothing is downloaded (and the network is not touched) when every jar is present.
    """
    chosen = jar_set(name)
    folder = Path(config.jars_dir) / name
    todo = missing_artifacts(chosen, folder)
    if todo:
        _fetch_all(chosen, todo, folder, repository_url(config), progress)
    return [folder / a.file_name for a in chosen.artifacts]


def _fetch_all(
    chosen: JarSet, todo: list[Artifact], folder: Path, repository: str, progress: Progress | None
) -> None:
    done = [0]
    say = progress or (lambda text, final: None)
    head = f"mlsql: fetching {len(todo)} jar(s) for {chosen.purpose} into {folder}"

    def on_bytes(count: int) -> None:
        done[0] += count
        say(f"{head}: {index + 1}/{len(todo)}, {done[0] / 1e6:.1f} MB", False)

    for index, artifact in enumerate(todo):
        say(f"{head}: {index + 1}/{len(todo)} {artifact.file_name}", False)
        fetch_artifact(artifact, folder, repository, on_bytes)
    say(f"{head}: done ({len(todo)} jar(s), {done[0] / 1e6:.1f} MB)", True)
