"""User-given paths: made absolute on the driver, and checked against `security.allowed_path_roots`.

`qualify` is applied to every path a statement names (`RunContext.resolve_path`) before it goes
anywhere: a relative path means the driver's working folder, or, when `spark.hadoop.fs.defaultFS`
names another file system (`hdfs://nn`), the user's home there (`hdfs://nn/user/<user>/…`, as
Hadoop qualifies it). Executors and training workers run in folders of their own, so no path
that reaches them may be relative.
"""

from __future__ import annotations

import getpass
import os
import posixpath
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


def qualify(path: str, config: Config) -> str:
    """`path` with a relative local path made absolute (see the module docstring)."""
    from mlsql.models.fs import absolute, is_remote

    if not path or is_remote(path) or os.path.isabs(local_path(path)):
        return absolute(path) if path else path
    default_fs = config.spark.conf.get("spark.hadoop.fs.defaultFS", "")
    if default_fs and is_remote(default_fs):
        home = f"/user/{getpass.getuser()}"
        return default_fs.rstrip("/") + posixpath.normpath(posixpath.join(home, path))
    return absolute(path)


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
