#!/usr/bin/env python3
"""Route matchbench's workload through RuleIndex, timed in CPU seconds of this process.

``shared/bench/matchbench.py`` times wall-clock seconds, which a busy shared machine bends by
2-3x; this script runs the same rules and events (it imports matchbench's generators) and divides
by ``time.process_time()`` instead, so that runs on a loaded machine stay comparable.

    python3 bench/patterns/cpu_bench.py [--rules 1,10,100,1000,10000] [--matchbench PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from emulator.core.patterns import RuleIndex  # noqa: E402

DEFAULT_MATCHBENCH = ROOT.parent / "shared" / "bench" / "matchbench.py"


def load_matchbench(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("matchbench", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def route(index: RuleIndex[int], events: list[dict[str, Any]], rounds: int) -> tuple[float, int]:
    """Best events per CPU second over ``rounds`` passes, and the misrouted count."""
    best, wrong = 0.0, 0
    for _ in range(rounds):
        start = time.process_time()
        for event in events:
            if set(index.match(event)) != {event["detail"]["shard"]}:
                wrong += 1
        best = max(best, len(events) / (time.process_time() - start))
    return best, wrong


def measure(mb: ModuleType, rules: int, n_events: int, rounds: int) -> dict[str, float]:
    patterns = [json.dumps(mb.make_pattern(i)) for i in range(rules)]
    rng = random.Random(1)
    events = [mb.make_event(rng.randrange(rules), n) for n in range(n_events)]
    start = time.process_time()
    index = RuleIndex.build(patterns)
    compile_us = (time.process_time() - start) / rules * 1e6
    per_second, wrong = route(index, events, rounds)
    return {
        "rules": rules,
        "events_per_cpu_s": per_second,
        "compile_us": compile_us,
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", default="1,10,100,1000,10000")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--matchbench", type=Path, default=DEFAULT_MATCHBENCH)
    args = parser.parse_args()
    mb = load_matchbench(args.matchbench)
    rows = [measure(mb, int(r), args.events, args.rounds) for r in args.rules.split(",")]
    print(f"{'rules':>7} {'events/CPU-s':>14} {'compile us/rule':>16} {'wrong':>6}")
    for row in rows:
        print(
            f"{row['rules']:>7} {row['events_per_cpu_s']:>14.0f} "
            f"{row['compile_us']:>16.1f} {row['wrong']:>6}"
        )
    by_rules = {row["rules"]: row["events_per_cpu_s"] for row in rows}
    if 10 in by_rules and 10000 in by_rules:
        print(f"slowdown 10 -> 10,000 rules: {by_rules[10] / by_rules[10000]:.2f}x")


if __name__ == "__main__":
    main()
