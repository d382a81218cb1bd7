# The two commands of the README: `make example` (set up, run the main job) and `make test`
# (set up, lint, type check, run the tests). Both run scripts/setup.sh first, which is quick
# when everything is already installed.
.PHONY: setup example test lint format regenerate bench console docs

setup:
	./scripts/setup.sh

example: setup
	.venv/bin/mlsql run examples/main.mlsql

test: setup
	./scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy mlsql workers server

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# The web console's bundle (server/console/static/, committed): needs Node.js and npm, which the
# server does not (tests/console/test_bundle.py fails when the committed bundle is stale).
console:
	cd console && npm ci --no-audit --no-fund && node build.mjs

regenerate:
	.venv/bin/python -m mlsql.parser.regenerate

# The reference pages (docs/reference/, generated from the code and committed) and the static site.
docs: setup
	.venv/bin/python -m mlsql.docs
	.venv/bin/mkdocs build --strict

bench: setup
	.venv/bin/python bench/kafka_throughput.py --out
	.venv/bin/python bench/predict_udf.py --out
	.venv/bin/python bench/server_load.py --requests 200 --concurrency 8 --time-cap 120
	.venv/bin/python bench/serving.py --requests 3000 --time-cap 8
	.venv/bin/python bench/streaming_throughput.py
	.venv/bin/python bench/clustering.py --time-cap 900
	.venv/bin/python bench/automl.py --time-cap 900
