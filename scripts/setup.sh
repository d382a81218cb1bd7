#!/usr/bin/env bash
# Sets up everything the project needs on a fresh machine, and is quick when already done:
#   .venv/           the Python virtual environment with the project installed (editable, with dev extras)
#   .cache/jars/     JVM jars from Maven Central: broker/ (Apache Kafka 4.x), spark/ (Kafka connector,
#                    JDBC driver), tools/ (ANTLR tool)
# Re-runs a step only when its inputs (pyproject.toml, conf/maven/*.xml) changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
STAMPS=.cache/stamps
mkdir -p "$STAMPS"

stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
digest() { cat "$@" | sha256sum | cut -d' ' -f1; }

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
want=$(digest pyproject.toml)
if ! stamp_ok python "$want"; then
  echo "setup: installing Python packages (first time takes several minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev,bench,notebook]"
  echo "$want" > "$STAMPS/python"
fi

for part in broker spark tools; do
  want=$(digest "conf/maven/$part.xml")
  if ! stamp_ok "jars-$part" "$want" || [ -z "$(ls -A ".cache/jars/$part" 2>/dev/null)" ]; then
    echo "setup: fetching $part jars from Maven Central"
    rm -rf ".cache/jars/$part"
    mvn -q -B -f "conf/maven/$part.xml" dependency:copy-dependencies \
      -DoutputDirectory="$ROOT/.cache/jars/$part" -DincludeScope=runtime
    echo "$want" > "$STAMPS/jars-$part"
  fi
done
# The engine's JVM functions (vec_dense, …; mlsql/engine/functions/java): compiled against the
# jars PySpark ships, so they match the installed Spark exactly and need no download.
fsrc=$(find mlsql/engine/functions/java -name '*.java' | sort)
want=$(digest $fsrc "$STAMPS/python")
if ! stamp_ok functions "$want" || [ ! -f .cache/jars/spark/mlsql-functions.jar ]; then
  echo "setup: compiling the engine's JVM functions"
  pyjars=$(.venv/bin/python -c 'import os, pyspark; print(os.path.join(os.path.dirname(pyspark.__file__), "jars"))')
  fout=$(mktemp -d)
  javac --release 17 -nowarn -cp "$pyjars/*" -d "$fout" $fsrc
  mkdir -p .cache/jars/spark
  jar cf .cache/jars/spark/mlsql-functions.jar -C "$fout" .
  rm -rf "$fout"
  echo "$want" > "$STAMPS/functions"
fi
echo "setup: ready (.venv, .cache/jars)"
