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
if [ $# -gt 0 ]; then
  exec .venv/bin/python -m pytest "$@"
fi
.venv/bin/python -m pytest
# The prediction tests again on a real multi-process Spark: local-cluster starts separate
# executor JVMs and Python workers, so nothing may rely on the driver's process or memory.
echo "== pytest (prediction on local-cluster[2,1,1024])"
MLSQL_TEST_MASTER="local-cluster[2,1,1024]" .venv/bin/python -m pytest tests/engine/test_predict.py
