#!/usr/bin/env bash
# Installs Pantau with its test dependencies, starts a throwaway PostgreSQL server on 127.0.0.1 (installing
# Debian's postgresql if needed), installs Debian's redis-server for the distributed-crawl tests (which start
# their own), and runs the whole test suite against SQLite and PostgreSQL.
# Extra arguments go to pytest:  bash tests/run-all.sh -k storage
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[test]"
# The HTML report test drives Debian's headless Chromium; install it where we may (CI runs as root): only when
# missing, without recommended packages, one line of output (.ci/install-debian).
if ! command -v chromium >/dev/null 2>&1; then
  bash .ci/install-debian chromium || echo "warning: without chromium the browser test will fail under CI" >&2
fi
# The distributed-crawl tests start their own Redis server (Debian's redis-server) on a free loopback port.
if ! command -v redis-server >/dev/null 2>&1; then
  bash .ci/install-debian redis-server || echo "warning: without redis-server the worker tests will fail under CI" >&2
fi
if [ -z "${PANTAU_TEST_POSTGRES_URL:-}" ]; then
  PANTAU_TEST_POSTGRES_URL=$(bash .ci/start-postgres)
  export PANTAU_TEST_POSTGRES_URL
fi
python3 -m pytest "$@"
