"""Reference page: the scripts of `examples/` (the ones the tests run), quoted whole."""

from __future__ import annotations

from mlsql.config import PROJECT_ROOT
from mlsql.docs.markdown import page

EXAMPLES = PROJECT_ROOT / "examples"


def render() -> str:
    """The examples page: every `examples/*.mlsql`, with how to run it."""
    sections = []
    for script in sorted(EXAMPLES.glob("*.mlsql")):
        sections.append(
            f"## {script.name}\n\nRun it with `mlsql run examples/{script.name}` "
            f"(or in `mlsql shell`: paste it).\n\n```sql\n{script.read_text().rstrip()}\n```\n"
        )
    notebooks = ", ".join(f"`examples/{p.name}`" for p in sorted(EXAMPLES.glob("*.ipynb")))
    if notebooks:
        sections.append(f"## Notebooks\n\n{notebooks}: the `%mlsql` / `%%mlsql` magics in Jupyter.")
    return page("Examples", "The scripts in `examples/`, as committed.", *sections)
