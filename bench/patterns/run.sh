#!/usr/bin/env bash
# Reproduce the pattern-engine figures of bench/patterns/README.md.
# Run from the repository root; shared/ is expected beside the repository (../shared).
set -euo pipefail
PY="${PY:-python3}"
BENCH="${BENCH:-../shared/bench/matchbench.py}"
REPEAT="${REPEAT:-3}"
"$PY" "$BENCH" --repeat "$REPEAT" \
    --engine index=emulator.core.patterns:RuleIndex \
    --json-out "${OUT:-/tmp/patterns-index.json}"
# One rule at a time (no index): the cost grows with the rule count by design.
"$PY" "$BENCH" --rules 1,10,100,1000 --engine engine=emulator.core.patterns:Engine
