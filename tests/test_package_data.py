"""Issue 18.1 (package data): a wheel built from the repository carries `conf/` as `mlsql/conf/`,
and an installed copy (not the checkout) finds its configuration, the Kafka broker's templates
and Spark's logging configuration there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.source_copy import source_copy

pytestmark = pytest.mark.slow

CONF_FILES = {
    "mlsql/conf/mlsql.toml",
    "mlsql/conf/log4j2-spark.properties",
    "mlsql/conf/kafka/server.properties",
    "mlsql/conf/kafka/log4j2.properties",
}
PROBE = """
import mlsql, mlsql.config as c, mlsql.engine.spark as s, mlsql.kafka.broker_process as b
print(mlsql.__file__)
for path in (c.DEFAULT_CONF_FILE, s.LOG4J_CONF, b.CONF_DIR / "server.properties"):
    print(path, path.is_file())
print(c.Config.load().server.port)
"""


def test_installed_wheel_finds_its_configuration(tmp_path: Path) -> None:
    src, wheels, target = tmp_path / "src", tmp_path / "wheels", tmp_path / "installed"
    source_copy(src)
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(src)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    wheel = next(wheels.glob("*.whl"))
    assert set(zipfile.ZipFile(wheel).namelist()) >= CONF_FILES
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("MLSQL_CONF", None)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    installed = target / "mlsql"
    assert lines[0] == str(installed / "__init__.py")  # the installed copy, not the checkout
    for line in lines[1:4]:
        path, exists = line.rsplit(" ", 1)
        assert Path(path).is_relative_to(installed / "conf"), line
        assert exists == "True", line
    assert lines[4] == "9003"  # conf/mlsql.toml's server.port, read from the package data
