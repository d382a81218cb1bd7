"""Reads parser rules and the comment above each from `grammar/MLSQL.g4` (the source of truth
for statement syntax)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mlsql.config import PROJECT_ROOT

GRAMMAR = PROJECT_ROOT / "grammar" / "MLSQL.g4"
RULE = re.compile(r"((?:^//[^\n]*\n)*)^([a-z]\w*)\n((?:^[ \t]+[^\n]*\n)+?^[ \t]+;)", re.M)


@dataclass(frozen=True)
class Rule:
    """One parser rule: name, its comment (without `//`), its body as written."""

    name: str
    comment: str
    body: str

    @property
    def alternatives(self) -> list[str]:
        """The rule's alternatives (`a | b` → [a, b]), one line each."""
        text = " ".join(self.body.split()).strip(": ;")
        return [alt.strip() for alt in text.split(" | ")]

    def as_code(self) -> str:
        """The rule as it stands in the grammar."""
        return f"{self.name}\n{self.body}"


def parser_rules(path: Path = GRAMMAR) -> dict[str, Rule]:
    """Every parser rule of the grammar, by name."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the reference is generated in a checkout")
    rules: dict[str, Rule] = {}
    for match in RULE.finditer(path.read_text()):
        comment = "\n".join(line[2:].strip() for line in match.group(1).splitlines())
        rules[match.group(2)] = Rule(match.group(2), comment, match.group(3))
    return rules
