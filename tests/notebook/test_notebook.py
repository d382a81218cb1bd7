"""examples/notebook.ipynb executed by nbclient on a real IPython kernel (the venv's Python)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from mlsql.config import Config
from mlsql.kafka.broker import stop_detached

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
CELL_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The example notebook's code cells after running it top to bottom."""
    from nbclient import NotebookClient

    tmp = tmp_path_factory.mktemp("notebook")
    kernels = tmp / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (mlsql venv)",
        "language": "python",
        "env": {"MLSQL_WORK_DIR": str(tmp / "work"), "MLSQL_SPARK__MASTER": "local[2]"},
    }
    (kernels / "kernel.json").write_text(json.dumps(spec))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
        nb = nbformat.read(NOTEBOOK, as_version=4)
        try:
            NotebookClient(
                nb,
                timeout=CELL_TIMEOUT_S,
                kernel_name="python3",
                resources={"metadata": {"path": tmp}},
            ).execute()
        finally:  # the kernel's engine started a detached broker in its work dir: stop it
            stop_detached(Config.load(work_dir=str(tmp / "work")))
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _cell(cells: list[Any], starts: str) -> Any:
    return next(c for c in cells if c.source.startswith(starts))


def _html(cell: Any) -> str:
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return result["data"]["text/html"]


def test_cells_show_their_last_table_as_html(executed: list[Any]) -> None:
    table = _html(_cell(executed, "%%mlsql -o by_label"))
    assert "<caption>by_label · 3 row(s)</caption>" in table
    assert "<th>label</th><th>n</th><th>avg_petal_length</th>" in table
    assert "<tr><td>0</td><td>50</td><td>1.46</td></tr>" in table
    assert "<tr><td>2</td><td>50</td><td>5.55</td></tr>" in table


def test_python_variables_and_the_row_limit(executed: list[Any]) -> None:
    table = _html(_cell(executed, "%%mlsql -p long_petals"))
    assert "<caption>long_petals · first 3 row(s)</caption>" in table
    assert table.count("<tr><td>") == 3
    assert "<tr><td>2</td><td>6.9</td></tr>" in table


def test_python_cells_read_the_stored_dataframes(executed: list[Any]) -> None:
    cell = _cell(executed, 'print("labels with 50 rows:"')
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert text == "labels with 50 rows: 3\nlong petals: 4 shortest: 6.6\n"


def test_train_register_predict_in_a_cell(executed: list[Any]) -> None:
    table = _html(_cell(executed, "%%mlsql\ntrain iris"))
    assert "<caption>accuracy · 1 row(s)</caption>" in table
    assert "<tr><td>True</td></tr>" in table


def test_errors_show_the_rendered_mlsql_error(executed: list[Any]) -> None:
    [error] = [o for o in _cell(executed, "%%mlsql\nselect petal_size").outputs]
    assert error.output_type == "error" and error.ename == "MLSQLCellError"
    text = "\n".join(error.traceback)
    assert text.startswith("analysis error in select statement at line 1: In[")
    assert "petal_size" in text and "   1 | select petal_size from iris as oops;" in text
    assert "Traceback" not in text and "site-packages" not in text
