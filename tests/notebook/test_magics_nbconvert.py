"""Issue 19.10: the `notebook` extra's Jupyter runs a notebook with `jupyter nbconvert --execute`;
the `%mlsql` line magic beside `%%mlsql`; a Python list or dict used as `${var}` gets a message
written for the notebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from mlsql.errors import AnalysisError
from mlsql.notebook.variables import notebook_variables

JUPYTER = Path(sys.executable).parent / "jupyter"

CELLS = [
    "%load_ext mlsql.notebook",
    "%mlsql select 1 as a, 'x' as b as first_t;",
    "min_n = 41\n%mlsql select ${min_n} + 1 as n as second_t;",
    "ids = [1, 2]",
    "%%mlsql\nselect 1 as a as t;\nselect * from t where a in (${ids}) as third_t;",
    '%%mlsql\nset ids = "7";\nselect ${ids} as v as fourth_t;',
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The notebook above run by `jupyter nbconvert --execute` on the venv's kernel."""
    tmp = tmp_path_factory.mktemp("nbconvert")
    kernels = tmp / "jupyter" / "kernels" / "mlsql-test"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (mlsql venv)",
        "language": "python",
        "env": {"MLSQL_WORK_DIR": str(tmp / "work"), "MLSQL_SPARK__MASTER": "local[1]"},
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    source = tmp / "magics.ipynb"
    nbformat.write(nb, source)
    done = subprocess.run(
        [
            str(JUPYTER),
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--allow-errors",
            "--ExecutePreprocessor.kernel_name=mlsql-test",
            "--ExecutePreprocessor.timeout=600",
            "--output",
            "executed.ipynb",
            str(source),
        ],
        env={**os.environ, "JUPYTER_PATH": str(tmp / "jupyter")},
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return list(nbformat.read(tmp / "executed.ipynb", as_version=4).cells)


def _html(cell: Any) -> str:
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return str(result["data"]["text/html"])


def test_jupyter_is_installed_by_the_notebook_extra() -> None:
    assert JUPYTER.exists()
    done = subprocess.run(
        [str(JUPYTER), "nbconvert", "--version"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout.strip()


def test_line_magic_runs_the_line(executed: list[Any]) -> None:
    table = _html(executed[1])
    assert "first_t" in table and "<tr><td>1</td><td>x</td></tr>" in table


def test_line_magic_takes_notebook_variables_not_ipython_expansion(executed: list[Any]) -> None:
    assert "<tr><td>42</td></tr>" in _html(executed[2])


def test_list_variable_gets_a_notebook_message(executed: list[Any]) -> None:
    [error] = [o for o in executed[4].outputs if o.output_type == "error"]
    text = "\n".join(error.traceback)
    assert error.ename == "MLSQLCellError"
    assert "${ids} names the notebook's Python list `ids`" in text
    assert ":2:29:" in text  # In[n]:line:column of ${ids} in the script (1-based)
    assert 'ids_sql = ", ".join(repr(v) for v in ids)' in text
    assert "--set" not in text


def test_a_cell_that_sets_the_variable_itself_wins(executed: list[Any]) -> None:
    assert "<tr><td>7</td></tr>" in _html(executed[5])


def test_dict_variable_message_suggests_json() -> None:
    with pytest.raises(AnalysisError) as info:
        notebook_variables("select '${conf}' as c as t;", {"conf": {"a": 1}}, "In[3]")
    err = info.value
    assert "Python dict `conf`" in err.message and "json.dumps(conf)" in (err.hint or "")
    assert (err.line, err.column) == (1, 8) and "In[3]:1:9:" in err.render()


def test_plain_values_become_text() -> None:
    values = notebook_variables("${a} ${b} ${c} ${missing}", {"a": 1.5, "b": True, "c": "x"})
    assert values == {"a": "1.5", "b": "True", "c": "x"}
