"""Issue 18.1: JVM jars fetched on first use (checked, atomic, offline from the cache) and
`mlsql setup [--check]`. Downloads go to a real HTTP server on loopback laid out like Maven
Central; one test reads Maven Central itself for a small pinned jar."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsql.config import Config
from mlsql.jars import JAR_SETS, JarFetchError, ensure_jar_set, ensure_runtime_jars
from mlsql.jars.functions import JAR_NAME, build_functions_jar, functions_jar_current
from mlsql.jars.registry import Artifact, JarSet

ROOT = Path(__file__).resolve().parents[2]
MLSQL = [sys.executable, "-m", "mlsql.cli.main"]


def _jar_bytes(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("marker.txt", marker * 5000)
    return buffer.getvalue()


class FakeRepository:
    """A folder served over HTTP on 127.0.0.1 with Maven's layout (jar + .sha1 beside it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
            *a, directory=str(root), **k
        )
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/maven2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, artifact: Artifact, data: bytes, sha1: str | None = None) -> None:
        path = self.root / "maven2" / artifact.url("x").removeprefix("x/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        digest = sha1 or hashlib.sha1(data).hexdigest()
        path.with_name(path.name + ".sha1").write_text(f"{digest}  {path.name}\n")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[FakeRepository]:
    repo = FakeRepository(tmp_path / "repo")
    yield repo
    repo.stop()


@pytest.fixture
def test_set(monkeypatch: pytest.MonkeyPatch) -> JarSet:
    jar_set = JarSet("unit", "a test set")
    monkeypatch.setitem(JAR_SETS, "unit", jar_set)
    return jar_set


def _config(tmp_path: Path, repository: str) -> Config:
    return Config(jars_dir=tmp_path / "jars", jars_repository=repository)


def test_first_use_fetches_checks_and_then_works_offline(
    tmp_path: Path, repository: FakeRepository, test_set: JarSet
) -> None:
    a = Artifact("org.example", "alpha", "1.0")
    b = Artifact("org.example.deep", "beta", "2.1", classifier="complete")
    for artifact in (a, b):
        repository.publish(artifact, _jar_bytes(artifact.name))
    test_set.artifacts += [a, b]
    lines: list[tuple[str, bool]] = []
    config = _config(tmp_path, repository.url)
    jars = ensure_jar_set(config, "unit", lambda text, final: lines.append((text, final)))
    folder = tmp_path / "jars" / "unit"
    assert [p.name for p in jars] == ["alpha-1.0.jar", "beta-2.1-complete.jar"]
    assert sorted(os.listdir(folder)) == ["alpha-1.0.jar", "beta-2.1-complete.jar"]  # no temps
    assert zipfile.ZipFile(folder / "beta-2.1-complete.jar").read("marker.txt").startswith(b"beta")
    assert lines[-1][1] and "fetching 2 jar(s) for a test set" in lines[-1][0]
    assert "done" in lines[-1][0] and any("MB" in text for text, _ in lines[:-1])
    repository.stop()  # offline: a complete set never touches the network
    lines.clear()
    assert ensure_jar_set(config, "unit", lambda t, f: lines.append((t, f))) == jars
    assert lines == []


def test_checksum_mismatch_leaves_nothing_half_written(
    tmp_path: Path, repository: FakeRepository, test_set: JarSet
) -> None:
    bad = Artifact("org.example", "gamma", "3")
    repository.publish(bad, _jar_bytes("gamma"), sha1="0" * 40)
    test_set.artifacts.append(bad)
    with pytest.raises(JarFetchError, match="does not match the published"):
        ensure_jar_set(_config(tmp_path, repository.url), "unit", None)
    assert list((tmp_path / "jars" / "unit").iterdir()) == []


def test_registry_pin_must_match_the_published_sha1(
    tmp_path: Path, repository: FakeRepository, test_set: JarSet
) -> None:
    data = _jar_bytes("delta")
    pinned = Artifact("org.example", "delta", "1", sha1="1" * 40)
    repository.publish(pinned, data)
    test_set.artifacts.append(pinned)
    with pytest.raises(JarFetchError, match="differs from the registry"):
        ensure_jar_set(_config(tmp_path, repository.url), "unit", None)
    good = Artifact("org.example", "delta", "1", sha1=hashlib.sha1(data).hexdigest())
    test_set.artifacts[:] = [good]
    ensure_jar_set(_config(tmp_path, repository.url), "unit", None)
    assert (tmp_path / "jars" / "unit" / "delta-1.jar").read_bytes() == data


def test_unreachable_repository_says_how_to_work_offline(tmp_path: Path, test_set: JarSet) -> None:
    test_set.artifacts.append(Artifact("org.example", "eps", "1"))
    with pytest.raises(JarFetchError) as info:
        ensure_jar_set(_config(tmp_path, "http://127.0.0.1:9/maven2"), "unit", None)
    assert "cannot read http://127.0.0.1:9/maven2/org/example/eps/1/eps-1.jar.sha1" in str(
        info.value
    )
    assert "MLSQL_JARS_DIR" in str(info.value)


def test_auto_fetch_off_fetches_nothing(tmp_path: Path, test_set: JarSet) -> None:
    test_set.artifacts.append(Artifact("org.example", "zeta", "1"))
    config = Config(jars_dir=tmp_path / "jars", jars_auto_fetch=False)
    assert ensure_runtime_jars(config, "unit") == []
    assert not (tmp_path / "jars").exists()


def test_maven_central_serves_a_registry_jar(tmp_path: Path) -> None:
    """The real layout and checksum of Maven Central (network; 70 kB)."""
    slf4j = next(a for a in JAR_SETS["broker"].artifacts if a.name == "slf4j-api")
    jar_set = JarSet("central", "one real jar", artifacts=[slf4j])
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(JAR_SETS, "central", jar_set)
        ensure_jar_set(Config(jars_dir=tmp_path), "central", None)
    data = (tmp_path / "central" / slf4j.file_name).read_bytes()
    assert hashlib.sha1(data).hexdigest() == slf4j.sha1


def test_registry_matches_the_checkout_cache() -> None:
    """Every registered jar of the runtime sets is in the checkout's jars_dir (setup.sh fetched
    it through the same registry) with its pinned SHA-1."""
    config = Config.load()
    for name in ("broker", "spark"):
        for artifact in JAR_SETS[name].artifacts:
            path = Path(config.jars_dir) / name / artifact.file_name
            assert path.is_file(), path
            assert hashlib.sha1(path.read_bytes()).hexdigest() == artifact.sha1, path


def test_functions_jar_builds_with_the_local_jdk(tmp_path: Path) -> None:
    jar = build_functions_jar(tmp_path)
    assert jar.name == JAR_NAME and functions_jar_current(tmp_path)
    names = zipfile.ZipFile(jar).namelist()
    assert "mlsql/functions/VectorFunctions.class" in names
    assert "META-INF/MANIFEST.MF" in names


def _setup_cli(*args: str, jars_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MLSQL_JARS_DIR": str(jars_dir),
        "MLSQL_JARS_REPOSITORY": "http://127.0.0.1:9",
    }
    return subprocess.run(
        [*MLSQL, "setup", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_setup_check_reports_missing_jars(tmp_path: Path) -> None:
    done = _setup_cli("--check", jars_dir=tmp_path / "empty")
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "java: openjdk version" in out or "java: " in out
    assert f"broker: 0/{len(JAR_SETS['broker'].artifacts)} jars" in out
    assert "missing kafka_2.13-4.1.1.jar (org.apache.kafka:kafka_2.13:4.1.1)" in out
    assert f"spark/{JAR_NAME}: missing" in out
    assert not (tmp_path / "empty").exists()  # --check changes nothing


def test_setup_check_passes_on_the_checkout_cache() -> None:
    done = _setup_cli("--check", jars_dir=Path(Config.load().jars_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broker: 46/46 jars" in done.stdout and ": ok" in done.stdout


def test_setup_without_network_fails_clearly(tmp_path: Path) -> None:
    done = _setup_cli(jars_dir=tmp_path / "jars")
    assert done.returncode != 0
    assert "cannot read http://127.0.0.1:9/" in done.stderr and "Traceback" not in done.stderr


def test_setup_names_optional_sets_and_refuses_unknown_ones(tmp_path: Path) -> None:
    done = _setup_cli("--check", jars_dir=tmp_path / "empty")
    optional = [s for s in JAR_SETS.values() if not s.essential]
    for jar_set in optional:
        assert f"{jar_set.name} (optional, --set {jar_set.name}): 0/" in done.stdout
    assert f"{JAR_SETS['tools'].artifacts[0].file_name}" not in done.stdout  # not required
    done = _setup_cli("--check", "--set", "nope", jars_dir=tmp_path / "empty")
    assert done.returncode == 2 and "unknown jar set(s) nope" in done.stderr
