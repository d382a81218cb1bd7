"""`mlsql setup [--check] [--tools] [--set NAME]`: fetch the JVM jars now, or say what is present
and missing.

Without `--check` it fetches every essential jar set (`broker`, `spark`; `--tools` adds the ANTLR
tool, `--set s3` an optional set) into `jars_dir` and builds `mlsql-functions.jar` with the local
JDK. `--check` changes nothing: it prints Java's version and, per jar set, how many jars are
present and which are missing, and exits 1 when something needed is missing.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlsql.config import Config
    from mlsql.jars.registry import JarSet

JAVA_MIN = 17


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `setup` sub-command."""
    parser = sub.add_parser("setup", help="fetch the JVM jars (or --check what is missing)")
    parser.add_argument("--check", action="store_true", help="only report; change nothing")
    parser.add_argument(
        "--tools", action="store_true", help="also the ANTLR tool (make regenerate)"
    )
    parser.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="NAME",
        help="also this optional jar set (e.g. s3); repeatable",
    )  # fmt: skip
    parser.set_defaults(func=run_setup)


def run_setup(args: argparse.Namespace) -> int:
    """Fetch (or check) the jar sets in the configured jars_dir."""
    from mlsql.config import Config
    from mlsql.jars import JAR_SETS

    config = Config.load(args.conf_file)
    wanted = set(args.sets) | ({"tools"} if args.tools else set())
    unknown = wanted - set(JAR_SETS)
    if unknown:
        known = ", ".join(JAR_SETS)
        print(
            f"error: unknown jar set(s) {', '.join(sorted(unknown))}; known: {known}",
            file=sys.stderr,
        )
        return 2
    sets = [s for s in JAR_SETS.values() if s.essential or s.name in wanted]
    if args.check:
        return check(config, sets)
    from mlsql.jars import setup_jars

    setup_jars(config, [s.name for s in sets])
    print(f"jars ready in {config.jars_dir}")
    return check(config, sets)


def java_version() -> tuple[str, int] | None:
    """(`java -version`'s first line, major version), or None without Java."""
    java = shutil.which("java")
    if java is None:
        return None
    done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    first = (done.stderr or done.stdout).strip().splitlines()[0] if done.returncode == 0 else ""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', first)
    if not match:
        return (first or "unreadable", 0)
    major = int(match.group(1))
    return first, (int(match.group(2) or 0) if major == 1 else major)


def check(config: Config, sets: list[JarSet]) -> int:
    """Print Java's version and each set's present/missing jars; 1 when something is missing."""
    from mlsql.jars import JAR_SETS
    from mlsql.jars.fetch import missing_artifacts
    from mlsql.jars.functions import JAR_NAME, functions_jar_current, javac

    ok = True
    java = java_version()
    if java is None:
        print(f"java: missing (install Java {JAVA_MIN}+: scripts/setup.sh names the package)")
        ok = False
    else:
        good = java[1] >= JAVA_MIN
        print(f"java: {java[0]}" + ("" if good else f" (too old: {JAVA_MIN}+ needed)"))
        ok &= good
    print(f"javac: {javac() or f'missing (a JDK builds {JAR_NAME}, the vec_* functions)'}")
    jars_dir = Path(config.jars_dir)
    print(f"jars_dir: {jars_dir}")
    for jar_set in sets:
        folder = jars_dir / jar_set.name
        missing = missing_artifacts(jar_set, folder)
        total = len(jar_set.artifacts)
        state = "ok" if not missing else f"{len(missing)} missing"
        print(f"  {jar_set.name}: {total - len(missing)}/{total} jars ({jar_set.purpose}): {state}")
        for artifact in missing:
            print(f"    missing {artifact.file_name} ({artifact})")
        ok &= not missing
    for jar_set in JAR_SETS.values():
        if jar_set not in sets:
            folder = jars_dir / jar_set.name
            present = len(jar_set.artifacts) - len(missing_artifacts(jar_set, folder))
            print(
                f"  {jar_set.name} (optional, --set {jar_set.name}): "
                f"{present}/{len(jar_set.artifacts)} jars ({jar_set.purpose})"
            )
    spark = jars_dir / "spark"
    built = (
        "ok"
        if functions_jar_current(spark)
        else ("stale" if (spark / JAR_NAME).is_file() else "missing")
    )
    print(f"  spark/{JAR_NAME}: {built}")
    return 0 if ok else 1
