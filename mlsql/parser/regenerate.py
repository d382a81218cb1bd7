"""Regenerate the ANTLR parser in `mlsql/parser/generated/` from `grammar/MLSQL.g4`.

Usage: `python -m mlsql.parser.regenerate [--output DIR]`. Runs the ANTLR tool jar (fetched by the
set-up script into `<jars_dir>/tools/`) with the grammar's folder as working directory so that
the generated files carry no absolute path; the output is deterministic, which lets
`tests/parser/test_generated_fresh.py` regenerate into a temporary folder and compare.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mlsql.config import PROJECT_ROOT, Config

ANTLR_VERSION = "4.13.2"
GRAMMAR = PROJECT_ROOT / "grammar" / "MLSQL.g4"
GENERATED = PROJECT_ROOT / "mlsql" / "parser" / "generated"
INIT_TEXT = (
    '"""ANTLR-generated MLSQL lexer, parser and visitor: do not edit.\n\n'
    "Regenerate with `python -m mlsql.parser.regenerate` after changing grammar/MLSQL.g4.\n"
    '"""\n'
)


class RegenerateError(RuntimeError):
    """The ANTLR tool is missing or failed."""


def antlr_jar(config: Config | None = None) -> Path:
    """The ANTLR tool jar this project pins."""
    jars_dir = (config or Config()).jars_dir
    return jars_dir / "tools" / f"antlr4-{ANTLR_VERSION}-complete.jar"


def run_antlr(output: Path, grammar: Path = GRAMMAR, jar: Path | None = None) -> None:
    """Run the ANTLR tool on `grammar`, writing the Python3 target into `output` (created)."""
    jar = jar or antlr_jar()
    java = shutil.which("java")
    if java is None:
        raise RegenerateError("java is not on PATH: install a JDK (17+) to regenerate the parser")
    if not jar.is_file():
        raise RegenerateError(f"ANTLR jar not found at {jar}: run scripts/setup.sh to fetch it")
    output.mkdir(parents=True, exist_ok=True)
    cmd = [java, "-jar", str(jar), "-Dlanguage=Python3", "-visitor", "-no-listener"]
    cmd += ["-Xexact-output-dir", "-o", str(output.resolve()), grammar.name]
    done = subprocess.run(cmd, cwd=grammar.parent, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or "error(" in done.stderr:
        raise RegenerateError(f"ANTLR failed on {grammar.name}:\n{done.stdout}{done.stderr}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    (output / "__init__.py").write_text(INIT_TEXT)


def regenerate(output: Path = GENERATED, grammar: Path = GRAMMAR) -> list[Path]:
    """Regenerate into `output`, replacing its previous content; returns the files written."""
    with tempfile.TemporaryDirectory(prefix="mlsql-antlr-") as tmp:
        fresh = Path(tmp) / "generated"
        run_antlr(fresh, grammar)
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(fresh, output)
    return sorted(output.iterdir())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: regenerate and list the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=GENERATED, help="output folder")
    args = parser.parse_args(argv)
    try:
        files = regenerate(args.output)
    except (RegenerateError, subprocess.TimeoutExpired) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for file in files:
        print(file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
