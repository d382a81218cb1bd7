"""The IPython extension: `%load_ext mlsql.notebook` adds the `%%mlsql` cell magic and the
`%mlsql <script>` line magic (no options: the line is the script).

    %load_ext mlsql.notebook

    %%mlsql -o df -p pdf --limit 50 --set day=2024-01-01
    load sklearn.`iris` as iris;
    select label, count(*) as n from iris where sepal_length_cm > ${min_length} group by label as t;

A cell is an MLSQL script run by one engine per kernel on the kernel's Spark session (the active
one, or one built from the configuration). `${name}` takes the value of a Python variable of the
notebook (strings, numbers, booleans, dates; a list or dict is refused with a hint to turn it
into text); `--set k=v` wins over both. The last table is shown as an
HTML table (`--limit` rows); `-o name` stores it as a Spark DataFrame in the notebook, `-p name`
as a pandas DataFrame. Errors are shown as the engine renders them: position, snippet, hint.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Register the `%%mlsql` magic (IPython calls this on `%load_ext mlsql.notebook`)."""
    from mlsql.notebook.magics import MLSQLMagics

    ipython.register_magics(MLSQLMagics(ipython))


def unload_ipython_extension(ipython: Any) -> None:
    """Close the kernel's engine (its embedded Kafka broker and streams) on `%unload_ext`."""
    from mlsql.notebook.magics import close_kernel_engine

    close_kernel_engine()
