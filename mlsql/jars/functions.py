"""Builds `mlsql-functions.jar` (the engine's `vec_*` Java UDFs) into the `spark` jar set.

The sources ship with the package (`mlsql/engine/functions/java`); they are compiled with `javac`
against the jars of the installed PySpark, so they match its Spark exactly and need no download.
A stamp beside the jar (digest of the sources and the PySpark version) tells when to rebuild.
Without a JDK nothing is built and the session starts without the `vec_*` functions.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from mlsql.errors import NotAvailableError

JAR_NAME = "mlsql-functions.jar"
SOURCES = Path(__file__).resolve().parent.parent / "engine" / "functions" / "java"
COMPILE_TIMEOUT_S = 300.0


def javac() -> str | None:
    """The `javac` of JAVA_HOME or the PATH, if any."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "javac").exists():
        return str(Path(home) / "bin" / "javac")
    return shutil.which("javac")


def _sources() -> list[Path]:
    return sorted(SOURCES.rglob("*.java"))


def _stamp() -> str:
    import pyspark

    digest = hashlib.sha256(pyspark.__version__.encode())
    for source in _sources():
        digest.update(source.read_bytes())
    return digest.hexdigest()


def functions_jar_current(folder: Path) -> bool:
    """Whether `folder` holds a jar built from the current sources for the installed PySpark."""
    stamp = folder / f"{JAR_NAME}.stamp"
    return (folder / JAR_NAME).is_file() and stamp.is_file() and stamp.read_text() == _stamp()


def build_functions_jar(folder: Path) -> Path:
    """Compile the sources into `folder/mlsql-functions.jar`; raises NotAvailableError without
    a JDK or when compilation fails."""
    compiler = javac()
    if compiler is None or not _sources():
        raise NotAvailableError(
            "javac (a JDK 17+) is needed to build mlsql-functions.jar (the vec_* functions)"
        )
    import pyspark

    pyjars = Path(pyspark.__file__).parent / "jars"
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [compiler, "--release", "17", "-nowarn", "-cp", f"{pyjars}/*", "-d", out,
             *map(str, _sources())],
            capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S,
        )  # fmt: skip
        if done.returncode != 0:
            raise NotAvailableError(f"javac failed building {JAR_NAME}:\n{done.stderr[-2000:]}")
        folder.mkdir(parents=True, exist_ok=True)
        _zip_classes(Path(out), folder / JAR_NAME)
    (folder / f"{JAR_NAME}.stamp").write_text(_stamp())
    return folder / JAR_NAME


def _zip_classes(classes: Path, jar: Path) -> None:
    """A jar is a zip with a manifest; written beside `jar` and renamed into place."""
    handle, temp = tempfile.mkstemp(prefix=f".{jar.name}.", dir=jar.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for path in sorted(classes.rglob("*.class")):
                archive.write(path, path.relative_to(classes).as_posix())
        os.replace(temp, jar)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
