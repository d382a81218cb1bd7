"""`mlsql kafka start|status|stop` through the command's own argument parser."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from mlsql.cli.commands import kafka as kafka_command


def _run(conf: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf-file")
    kafka_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--conf-file", str(conf), "kafka", *argv])
    return int(args.func(args))


def test_start_status_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "mlsql.toml"
    conf.write_text(f'work_dir = "{tmp_path / "work"}"\n')
    assert _run(conf, "status") == 3
    assert "stopped" in capsys.readouterr().out
    try:
        assert _run(conf, "start") == 0
        address = capsys.readouterr().out.split("bootstrap=")[1].strip()
        assert _run(conf, "status") == 0
        assert f"running (embedded) bootstrap={address}" in capsys.readouterr().out
    finally:
        assert _run(conf, "stop") == 0
    assert capsys.readouterr().out.strip() == "stopped"
    assert _run(conf, "stop") == 0
    assert capsys.readouterr().out.strip() == "not running"
