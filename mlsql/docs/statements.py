"""Reference page: every statement, from the grammar's `statement` rule, the AST classes and the
compiler registered for each (`mlsql.engine.compilers.COMPILERS`)."""

from __future__ import annotations

from mlsql.docs.grammar_rules import Rule, parser_rules
from mlsql.docs.markdown import code, doc_of, first_line, page

# Helper rules shown beside a statement's own rule.
SUB_RULES = {
    "saveStatement": ("saveMode", "partitionClause"),
    "setStatement": ("setValue",),
}
SHARED_RULES = ("optionsClause", "option", "optionValue", "path", "identifier")


def _statement_classes() -> dict[str, list[type]]:
    """Grammar rule name → AST statement classes it builds (`modelStatement` builds four)."""
    from mlsql.parser import ast

    out: dict[str, list[type]] = {}
    for cls in vars(ast).values():
        if isinstance(cls, type) and issubclass(cls, ast.Statement) and cls is not ast.Statement:
            if cls is ast.ModelStatement:
                continue
            base = "modelStatement" if issubclass(cls, ast.ModelStatement) else None
            rule = base or cls.__name__[0].lower() + cls.__name__[1:]
            out.setdefault(rule, []).append(cls)
    return out


def _compiled_by(cls: type) -> str:
    from mlsql.engine.compilers import COMPILERS, load_compilers

    load_compilers()
    func = COMPILERS.get(cls)
    if func is None:
        return "expanded before compilation (`mlsql/engine/includes.py`)"
    return f"`{func.__module__}.{func.__name__}`: {first_line(func)}"


def _section(rule: Rule, rules: dict[str, Rule], classes: list[type]) -> str:
    title = rule.name.removesuffix("Statement")
    grammar = "\n".join(rules[n].as_code() for n in (rule.name, *SUB_RULES.get(rule.name, ())))
    parts = [f"## {title}\n", f"Form: {code(rule.comment)}\n" if rule.comment else ""]
    parts.append(f"```antlr\n{grammar}\n```\n")
    for cls in classes:
        parts.append(
            f"- **{cls.__name__}**: {first_line(cls)}  \n  Compiled by {_compiled_by(cls)}"
        )
    return "\n".join(parts) + "\n"


def render() -> str:
    """The statements page."""
    from mlsql.engine import compilers

    rules = parser_rules()
    classes = _statement_classes()
    sections = [
        _section(rules[name], rules, classes.get(name, []))
        for name in rules["statement"].alternatives
    ]
    shared = "\n".join(rules[n].as_code() for n in SHARED_RULES)
    general = (
        "## Options, paths and names\n\n"
        "Shared by the statements above (`where` and `options` are synonyms):\n\n"
        f"```antlr\n{shared}\n```\n"
    )
    intro = (
        f"{rules['script'].comment}\n\nA script is `statement? (';' statement?)*`; keywords are "
        "case-insensitive. Statements are compiled by the registry of `mlsql.engine.compilers`:\n\n"
        f"> {' '.join(doc_of(compilers).split(chr(10) * 2)[1].split())}"
    )
    return page("Statements", intro, *sections, general)
