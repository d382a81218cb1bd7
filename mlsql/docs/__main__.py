"""`python -m mlsql.docs [--check] [--out DIR]`: write the reference pages (or list stale ones)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from mlsql.config import PROJECT_ROOT
from mlsql.docs import PAGES

DEFAULT_OUT = PROJECT_ROOT / "docs" / "reference"


def generate() -> dict[str, str]:
    """Every page's file name and text."""
    out = {}
    for name, target in PAGES:
        module, _, function = target.partition(":")
        out[name] = getattr(importlib.import_module(module), function)()
    return out


def stale_pages(folder: Path, pages: dict[str, str]) -> list[str]:
    """Pages whose file in `folder` is missing or differs, and files no page generates."""
    stale = [
        n
        for n, text in pages.items()
        if not (folder / n).is_file() or (folder / n).read_text() != text
    ]
    extra = [p.name for p in folder.glob("*.md") if p.name not in pages] if folder.is_dir() else []
    return stale + extra


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, only compare) the pages."""
    parser = argparse.ArgumentParser(prog="python -m mlsql.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a page is stale")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the pages' folder")
    args = parser.parse_args(argv)
    pages = generate()
    stale = stale_pages(args.out, pages)
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name} (run python -m mlsql.docs)", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (args.out / name).write_text(text)
    for name in stale:
        if name not in pages:
            (args.out / name).unlink()
    print(f"wrote {len(pages)} pages into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
