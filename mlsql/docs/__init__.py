"""The reference generated from the code into `docs/reference/`: one page per registry.

`python -m mlsql.docs` (or `mlsql docs`) writes the pages; `--check` reports the stale ones
without writing (tests/test_reference_docs.py fails on them). Each page is a function
`() -> str`, listed in `PAGES`; the text comes from the registries and their docstrings
(the grammar and the statement compilers, the algorithm registry and its parameter tables, the
ET, format, `set` type and `!` command registries, the configuration model, the jar registry),
so the reference changes in the same commit as the code.
"""

from __future__ import annotations

PAGES = (
    ("index.md", "mlsql.docs.index_page:render"),
    ("statements.md", "mlsql.docs.statements:render"),
    ("algorithms.md", "mlsql.docs.algorithms:render"),
    ("ets.md", "mlsql.docs.engine_pages:ets"),
    ("formats.md", "mlsql.docs.engine_pages:formats"),
    ("set-types.md", "mlsql.docs.engine_pages:set_types"),
    ("commands.md", "mlsql.docs.engine_pages:commands"),
    ("configuration.md", "mlsql.docs.configuration:render"),
    ("jars.md", "mlsql.docs.configuration:jars"),
    ("examples.md", "mlsql.docs.examples_page:render"),
)
