#!/usr/bin/env bash
# The project's test command (called by `make test` and .ci/run): lint, format check, type check,
# then the whole pytest suite on a real Spark session, a real Kafka broker and real servers.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/parser -x).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy mlsql workers server
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
