"""Reference pages of the engine's smaller registries: ETs, data-source formats, `set` types and
`!` commands."""

from __future__ import annotations

from mlsql.docs.markdown import code, doc_of, first_line, page, table


def ets() -> str:
    """The ETs page (`mlsql.engine.et.ETS`), with each ET's parameters."""
    from mlsql.engine import et

    et.load_ets()
    seen = {id(t): t for t in et.ETS.values()}
    sections = []
    for item in sorted(seen.values(), key=lambda t: t.name.lower()):
        aliases = f" (aliases: {', '.join(item.aliases)})" if item.aliases else ""
        fits = (
            " Fits and saves under the path; `register` makes SQL functions of it."
            if item.fits
            else ""
        )
        rows = [
            [
                code(p.name),
                p.doc,
                "required" if p.required else (p.default if p.default is not None else ""),
            ]
            for p in item.params
        ]
        body = table(["parameter", "meaning", "default"], rows) if rows else "No parameters.\n"
        sections.append(f"## {item.name}\n\n{' '.join(item.doc.split())}{aliases}.{fits}\n\n{body}")
    intro = doc_of(et) + "\n\nList them in a session with `!show et;` (or `!show et/<name>;`)."
    return page("ETs (built-in transformers)", intro, *sections)


def formats() -> str:
    """The data-source formats page (`mlsql.engine.formats.FORMATS`)."""
    from mlsql.engine import formats as f

    rows = [
        [code(name), code(fmt.name), first_line(type(fmt))]
        for name, fmt in sorted(f.FORMATS.items())
    ]
    files = ", ".join(code(n) for n in sorted(f.FILE_FORMATS))
    engine = ", ".join(code(n) for n in sorted(f.ENGINE_OPTIONS, key=str.lower))
    return page(
        "Data-source formats",
        doc_of(f),
        "## Formats with engine behaviour\n\n"
        + table(["name", "as written", "what it does"], rows),
        f"## Spark's data sources\n\nAny other name is Spark's own data source ({first_line(f.SparkFormat)}). "
        f"File formats (outputs are folders, overwritten atomically through staging): {files}.",
        f"## Options the engine consumes\n\nNot passed to Spark: {engine}.",
    )


def set_types() -> str:
    """The `set` types page (`mlsql.engine.compilers.set.SET_TYPES`)."""
    from mlsql.engine.compilers import set as set_compiler

    rows = [[code(name), first_line(func)] for name, func in set_compiler.SET_TYPES.items()]
    return page(
        "`set` types",
        '`set <key> = <value> options type="…";` stores a variable used as `${key}` later; '
        "the type says how the value is evaluated (default `text`; names are case-insensitive).",
        table(["type", "evaluation"], rows),
        "`shell` runs only when `security.allow_shell_set` is true (see the configuration page).",
    )


def commands() -> str:
    """The `!` commands page (`mlsql.engine.compilers.commands.COMMANDS` and `SHOW`)."""
    from mlsql.engine.compilers import commands as c

    rows = [[code("!" + name), first_line(func)] for name, func in c.COMMANDS.items()]
    shows = [[code(f"!show {name}"), first_line(func)] for name, func in c.SHOW.items()]
    return page(
        "`!` commands",
        doc_of(c),
        "## Commands\n\n" + table(["command", "what it does"], rows),
        "## `!show` topics\n\n" + table(["command", "what it shows"], shows),
    )
