"""Reference page: the index of the generated pages."""

from __future__ import annotations

from mlsql.docs.markdown import page

TITLES = {
    "statements.md": "Statements: the grammar, statement by statement",
    "algorithms.md": "Algorithms and the options of `train`",
    "ets.md": "ETs (built-in transformers) and their parameters",
    "formats.md": "Data-source formats of `load` and `save`",
    "set-types.md": "`set` types",
    "commands.md": "`!` commands",
    "configuration.md": "Configuration keys (file, environment)",
    "jars.md": "JVM jars fetched from Maven Central",
    "examples.md": "Examples (the scripts of `examples/`)",
}


def render() -> str:
    """The index page."""
    items = "\n".join(f"- [{title}]({name})" for name, title in TITLES.items())
    return page(
        "Reference",
        "Generated from the code by `python -m mlsql.docs` (`make docs`); "
        "`mkdocs build --strict` builds the site. Start with the "
        "[getting-started page](../getting-started.md).",
        items,
    )
