"""Golden files: `golden/*.mlsql` scripts beside the `*.json` the parser is expected to produce.

A script may start with `-- key: value` metadata lines (they are comments to the parser);
`-- expect: error` marks a script that must fail, anything else must parse. The JSON holds
`ast.to_json` of the parsed script, or for error cases the error dicts and the rendered text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlsql.errors import ScriptSyntaxError
from mlsql.parser import ast, parse

GOLDEN_DIR = Path(__file__).parent / "golden"
META_LINE = re.compile(r"^--\s*([\w-]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class GoldenCase:
    """One golden script and what is known about it."""

    script: Path
    text: str
    meta: dict[str, str]

    @property
    def expected_path(self) -> Path:
        """Where the expected JSON lives."""
        return self.script.with_suffix(".json")

    @property
    def expects_error(self) -> bool:
        """Whether the script is meant not to parse."""
        return self.meta.get("expect", "ast") == "error"


def load_cases() -> list[GoldenCase]:
    """Every golden script, sorted by name."""
    cases = []
    for path in sorted(GOLDEN_DIR.glob("*.mlsql")):
        text = path.read_text(encoding="utf-8")
        cases.append(GoldenCase(path, text, read_meta(text)))
    return cases


def read_meta(text: str) -> dict[str, str]:
    """The leading `-- key: value` lines of a script."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        match = META_LINE.match(line)
        if not match:
            break
        meta[match.group(1).lower()] = match.group(2)
    return meta


def actual_json(case: GoldenCase) -> dict[str, Any]:
    """What the parser makes of the case, in the golden JSON form."""
    source = case.script.name
    try:
        script = parse(case.text, source)
    except ScriptSyntaxError as err:
        return {"errors": [d.to_dict() for d in err.details], "rendered": err.render().splitlines()}
    return {"ast": ast.to_json(script)}


def dump(data: dict[str, Any]) -> str:
    """Stable JSON text for golden files."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
