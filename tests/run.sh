#!/usr/bin/env bash
# The project's test command (README.md and .ci/run call it): sets up what the suite needs, then
# runs lint, types and the tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# The last botocore whose SQS client speaks the query protocol, in its own environment: its model
# drives the query-protocol half of the suite, and its client is run as-is by one test.
if [ ! -x .venv-query/bin/python ]; then
  "$PY" -m venv .venv-query
fi
.venv-query/bin/python -m pip install -q --disable-pip-version-check 'botocore==1.31.80' 'boto3==1.28.80'

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
