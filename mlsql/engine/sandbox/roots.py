"""Where an owner's scripts may read and write: the owner's roots and the path test against them.

`security.allowed_path_roots` lists roots; `{owner}` in a root is replaced by the owner that runs
the script, which gives every owner a folder of its own (`/data/{owner}` → `/data/alice`). A path
is inside a root when, after normalisation (`..`, `.`, repeated slashes, `file:` URIs and their
%-escapes) and, for local paths, symbolic-link resolution, it is the root or lies below it.
Remote paths (`hdfs://nn/…`, `s3a://bucket/…`) must have the root's scheme and authority and a
normalised path below the root's. Hadoop glob braces (`{a,b}`) are refused: their alternatives
may hold `/` and `..` that only Hadoop expands, after this check.
"""

from __future__ import annotations

import os
import posixpath
import re
from urllib.parse import unquote, urlsplit

OWNER_PLACEHOLDER = "{owner}"
OWNER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
LOCAL_SCHEMES = ("", "file")
GLOB_BRACES = ("{", "}")


class PathRefused(ValueError):
    """A path that is not inside any of the owner's roots (the message says why)."""


def valid_owner(owner: str) -> bool:
    """Whether `owner` can name a folder: letters, digits, `_ . @ -`; never `.` or `..`."""
    return bool(OWNER_NAME.match(owner)) and owner not in (".", "..")


def owner_roots(roots: list[str], owner: str) -> list[str]:
    """The configured roots with `{owner}` replaced by `owner`.

    Raises:
        PathRefused: a root needs the owner's name and `owner` cannot name a folder.
    """
    if any(OWNER_PLACEHOLDER in r for r in roots) and not valid_owner(owner):
        raise PathRefused(f"owner name {owner!r} cannot name a sandbox folder")
    return [r.replace(OWNER_PLACEHOLDER, owner) for r in roots]


def _local(path: str) -> str | None:
    """The file-system path of a local path or `file:` URI; None for other schemes."""
    parts = urlsplit(path)
    if len(parts.scheme) == 1:  # a Windows drive letter is not a scheme
        return path
    if parts.scheme not in LOCAL_SCHEMES:
        return None
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise PathRefused(f"file URI with a host: {path!r}")
        return unquote(parts.path)
    return path


def _real(path: str) -> str:
    """Absolute, normalised, symbolic links resolved (the parts that exist)."""
    try:
        return os.path.realpath(os.path.abspath(path))
    except (ValueError, OSError) as err:  # NUL bytes, loops
        raise PathRefused(f"path {path!r} cannot be resolved: {err}") from None


def _below(path: str, root: str, sep: str) -> bool:
    return path == root or path.startswith(root.rstrip(sep) + sep)


def _remote_key(path: str) -> tuple[str, str, str]:
    """(scheme, authority, normalised path) of a remote URI."""
    parts = urlsplit(path)
    clean = posixpath.normpath(unquote(parts.path) or "/")
    if clean.startswith("//"):
        clean = "/" + clean.lstrip("/")
    return parts.scheme.lower(), parts.netloc.lower(), clean


def inside(path: str, roots: list[str]) -> bool:
    """Whether `path` lies inside one of `roots` (see the module docstring).

    Raises:
        PathRefused: the path cannot be checked (glob braces, NUL bytes, a file URI's host).
    """
    if not path.strip():
        raise PathRefused("empty path")
    if any(brace in path for brace in GLOB_BRACES):
        raise PathRefused(f"glob braces are not allowed in sandboxed paths: {path!r}")
    local = _local(path)
    if local is not None:
        real = _real(local)
        for root in roots:
            root_local = _local(root)
            if root_local is not None and _below(real, _real(root_local), os.sep):
                return True
        return False
    scheme, authority, clean = _remote_key(path)
    for root in roots:
        if _local(root) is None:
            r_scheme, r_authority, r_clean = _remote_key(root)
            if (scheme, authority) == (r_scheme, r_authority) and _below(clean, r_clean, "/"):
                return True
    return False
