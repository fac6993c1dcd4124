#!/usr/bin/env bash
# Installs Pantau with its test dependencies, starts a throwaway PostgreSQL server on 127.0.0.1 (installing
# Debian's postgresql if needed), and runs the whole test suite against SQLite and PostgreSQL.
# Extra arguments go to pytest:  bash tests/run-all.sh -k storage
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[test]"
if [ -z "${PANTAU_TEST_POSTGRES_URL:-}" ]; then
  PANTAU_TEST_POSTGRES_URL=$(bash .ci/start-postgres)
  export PANTAU_TEST_POSTGRES_URL
fi
python3 -m pytest "$@"
