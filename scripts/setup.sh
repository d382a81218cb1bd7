#!/usr/bin/env bash
# Sets up everything the project needs on a fresh machine, and is quick when already done:
#   Java 17+      a JDK (java runs Spark and the Kafka broker; javac builds mlsql-functions.jar):
#                 installed with apt-get when run as root on Debian/Ubuntu, else named exactly
#   .venv/        the Python virtual environment with the project installed (editable, with dev extras)
#   .cache/jars/  JVM jars of mlsql/jars/registry.py, fetched by `python -m mlsql.jars` from Maven
#                 Central (HTTPS, SHA-1 checked): broker/ (Apache Kafka 4.x), spark/ (Kafka
#                 connector, JDBC drivers, mlsql-functions.jar), tools/ (ANTLR tool)
# Re-runs a step only when its inputs (pyproject.toml, the jar registry, the Java sources) changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
STAMPS=.cache/stamps
mkdir -p "$STAMPS"

stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
digest() { cat "$@" | sha256sum | cut -d' ' -f1; }

[ -n "${JAVA_HOME:-}" ] && export PATH="$JAVA_HOME/bin:$PATH"
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
jdk_ok() { command -v javac >/dev/null && command -v java >/dev/null && [ "$(java_major)" -ge 17 ] 2>/dev/null; }
if ! jdk_ok; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    pkg=openjdk-17-jdk-headless
    apt-cache show "$pkg" >/dev/null 2>&1 || pkg=default-jdk-headless
    echo "setup: installing $pkg with apt-get"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg"
  fi
  if ! jdk_ok; then
    cat >&2 <<'MSG'
setup: a JDK 17 or newer is needed (java and javac on the PATH, or JAVA_HOME). Install one:
  Debian/Ubuntu:  sudo apt-get install openjdk-17-jdk-headless
  Fedora/RHEL:    sudo dnf install java-17-openjdk-devel
  macOS:          brew install openjdk@17   (then put "$(brew --prefix openjdk@17)/bin" on the PATH)
MSG
    exit 1
  fi
fi

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

# The jars (mlsql/jars/registry.py) and the engine's JVM functions (vec_*, compiled against the
# jars PySpark ships, so they match the installed Spark exactly). Without a stamp or with jars
# missing, the Python fetcher checks each file and downloads only what is absent.
# (docker/Dockerfile runs this script once before the code is copied: then only the packages.)
if [ -f mlsql/jars/registry.py ]; then
  want=$(digest mlsql/jars/*.py $(find mlsql/engine/functions/java -name '*.java' | sort) "$STAMPS/python")
  if ! stamp_ok jars "$want"; then
    echo "setup: checking the JVM jars (mlsql/jars/registry.py)"
    MLSQL_JARS_DIR="$PWD/.cache/jars" .venv/bin/python -m mlsql.jars broker spark tools
    echo "$want" > "$STAMPS/jars"
  fi
fi
echo "setup: ready (java $(java_major), .venv, .cache/jars)"
