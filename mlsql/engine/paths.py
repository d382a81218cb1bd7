"""Validation of user-given paths against `security.allowed_path_roots`.

Relative paths: Spark qualifies data paths on the driver (against its default file system, the
driver's folder unless `fs.defaultFS` says otherwise), and `mlsql.models.store.ModelStore` makes
a relative model path absolute against the driver's folder (`mlsql.models.fs.absolute`), so no
relative path reaches an executor or a training worker, which run in folders of their own.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from mlsql.config import Config
from mlsql.errors import SecurityError

LOCAL_SCHEMES = ("", "file")


def is_local(path: str) -> bool:
    """Whether `path` names the local file system (no scheme, or file:)."""
    return urlparse(path).scheme in LOCAL_SCHEMES


def local_path(path: str) -> str:
    """The file-system path of a local `path` (strips `file:`)."""
    parsed = urlparse(path)
    return parsed.path if parsed.scheme == "file" else path


def check_path(path: str, config: Config) -> str:
    """`path` itself when allowed; raises SecurityError when outside every allowed root.

    With no roots configured every path is allowed. Local paths are compared after resolving
    `..` and symbolic links; other schemes (hdfs:, s3a:) must start with a configured root.
    """
    roots = config.security.allowed_path_roots
    if not roots:
        return path
    if is_local(path):
        real = os.path.realpath(local_path(path))
        for root in roots:
            if is_local(root):
                base = os.path.realpath(local_path(root))
                if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
                    return path
    elif any(path.startswith(root.rstrip("/") + "/") for root in roots if not is_local(root)):
        return path
    raise SecurityError(
        f"path '{path}' is outside the allowed roots {roots}",
        hint="add its folder to security.allowed_path_roots in the configuration",
    )
