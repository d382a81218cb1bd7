"""Issue 18.2: `mlsql shell` driven in a pseudo-terminal, as a user types: a multi-line statement
ended by `;`, a result table, a syntax error with its caret (nothing runs), Tab completion of a
keyword and of a table of the session, variables that persist, Ctrl-C cancelling a long
statement (the shell stays), history across runs, Ctrl-D leaving with exit code 0."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsql.cli.shell.input import is_complete, statement_text

pexpect = pytest.importorskip("pexpect")

# A fresh prompt: prompt_toolkit turns bracketed paste on as each prompt starts (the typed line
# is redrawn as the input is accepted, so "mlsql>" alone would also match that redraw).
PROMPT = r"\x1b\[\?2004h"
LONG_QUERY = "select count(*) as c from range(0, 5000000000000) as big;"


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("select 1 as a as t;", True),
        ("select 1 as a\n  as t;", True),
        ("select 1 as a as t", False),
        ("select ';' as a", False),
        ("select 'it''s;", False),
        ("select 1 as a -- the end;", False),
        ("select 1 as a /* ; */", False),
        ("select 1 as a /* unclosed ;", False),
        ("select '''block ; string", False),
        ("select `odd;name` as t;  -- done", True),
        ("!show tables", True),
        ("!show\ntables", False),
        ("", False),
    ],
)
def test_is_complete(text: str, complete: bool) -> None:
    assert is_complete(text) is complete


def test_statement_text_adds_the_semicolon_of_a_command() -> None:
    assert statement_text("!show tables  ") == "!show tables;"
    assert statement_text("select 1 as a as t;\n") == "select 1 as a as t;"


def spawn_shell(tmp_path: Path, *args: str) -> pexpect.spawn:
    """`mlsql shell` in a pseudo-terminal, history in `tmp_path`."""
    env = {
        **os.environ,
        "MLSQL_SHELL_HISTORY": str(tmp_path / "history"),
        "MLSQL_SPARK__MASTER": "local[2]",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlsql.cli.main", "shell", *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=240,
        dimensions=(40, 200),
    )
    child.logfile_read = (tmp_path / "terminal.log").open("w")
    child.expect(PROMPT)
    return child


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pexpect.spawn]:
    """One local shell for the module (its Spark session starts with the first statement)."""
    child = spawn_shell(
        tmp_path_factory.mktemp("shell"),
        "--conf",
        "spark.sql.shuffle.partitions=2",
        "--conf",
        "spark.ui.enabled=false",
        "--set",
        "greet=hi",
    )
    yield child
    if child.isalive():
        child.terminate(force=True)


def type_line(child: pexpect.spawn, line: str) -> None:
    child.send(line + "\r")


@pytest.mark.slow
def test_multi_line_statement_prints_a_table(shell: pexpect.spawn) -> None:
    type_line(shell, "select 41 + 1 as answer,")
    type_line(shell, "  'x;y' as semi")  # `;` in a string does not end the statement
    type_line(shell, "  as shelltab;")
    shell.expect(r"answer\s*┃\s*semi")
    shell.expect(r"│ 42\s*│ x;y\s*│")
    shell.expect(r"1 row\(s\)")
    shell.expect(PROMPT)


@pytest.mark.slow
def test_syntax_error_shows_the_caret_and_runs_nothing(shell: pexpect.spawn) -> None:
    type_line(shell, "save overwrite shelltab as csv.;")
    shell.expect("syntax error: <script>:1:32: expected a path in back-quotes after '.'")
    shell.expect(r"   1 \| save overwrite shelltab as csv\.;\r\n {38}\^")
    shell.expect(PROMPT)


@pytest.mark.slow
def test_tab_completes_a_table_and_a_keyword(shell: pexpect.spawn) -> None:
    test_multi_line_statement_prints_a_table(shell)  # shelltab exists (when run alone too)
    shell.send("sel\t")  # keyword -> select
    time.sleep(1.0)  # completion runs as a task of the prompt: let it finish first
    shell.send(" answer from shellt\t")  # table of the session -> shelltab
    time.sleep(1.0)
    shell.send(" as completed;\r")
    shell.expect(r"completed")
    shell.expect(r"│ 42\s*│")
    shell.expect(PROMPT)


@pytest.mark.slow
def test_variables_persist_between_statements(shell: pexpect.spawn) -> None:
    type_line(shell, 'set who = "world";')
    shell.expect(PROMPT)
    type_line(shell, "select 'hello ${who}' as greeting as g;")
    shell.expect("hello world")
    shell.expect(PROMPT)


@pytest.mark.slow
def test_set_flag_fills_a_variable(shell: pexpect.spawn) -> None:
    type_line(shell, "select '${greet} there' as g as greeting_table;")
    shell.expect("hi there")
    shell.expect(PROMPT)


@pytest.mark.slow
def test_ctrl_c_cancels_the_statement_not_the_shell(shell: pexpect.spawn) -> None:
    type_line(shell, LONG_QUERY)
    shell.expect(r"\[1/1\] select", timeout=120)
    shell.sendintr()
    shell.expect("cancelled: ", timeout=60)
    shell.expect(PROMPT)
    type_line(shell, "select 7 as still_here as t;")
    shell.expect(r"│ 7\s*│")
    shell.expect(PROMPT)
    assert shell.isalive()


@pytest.mark.slow
def test_ctrl_d_exits_and_history_is_kept(shell: pexpect.spawn) -> None:
    test_variables_persist_between_statements(shell)
    shell.sendeof()
    shell.expect(pexpect.EOF, timeout=120)
    shell.close()
    assert shell.exitstatus == 0
    history = Path(shell.logfile_read.name).with_name("history").read_text()
    assert "select 'hello ${who}' as greeting as g;" in history
