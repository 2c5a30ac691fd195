#!/usr/bin/env bash
# Chaos overhead: unmatched chaos vs none, side by side (see README.md).
# Creates the benchmark environment on first use; arguments go to run.py (e.g. -d 8).
set -euo pipefail
cd "$(dirname "$0")/../.."

BENCH_VENV=${BENCH_VENV:-/tmp/benchvenv}
if [ ! -x "$BENCH_VENV/bin/python" ]; then
  python3 -m venv --system-site-packages "$BENCH_VENV"
fi
"$BENCH_VENV/bin/python" -m pip install -q --disable-pip-version-check \
  aiohttp httpx uvloop httptools fastapi uvicorn psutil
[ -x .venv/bin/eventbus-emulator ] || { echo "run tests/run.sh first (creates .venv)" >&2; exit 1; }

exec "$BENCH_VENV/bin/python" bench/chaos/run.py --python "$BENCH_VENV/bin/python" "$@"
