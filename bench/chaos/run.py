"""Chaos overhead: loadgen throughput with chaos configured but matching nothing, against no
chaos, measured in the same run.

Two emulators start side by side; one gets a fault of every kind whose selectors match nothing
the load touches (``PUT /_emulator/chaos``). Scenarios run alternately on each, ``--rounds``
times (which server goes first alternates too), and the table gives the medians and their ratio
(the issue asks for within 5 %).

    bench/chaos/run.sh -d 6 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sqs"))

from run import (  # type: ignore[import-not-found]
    REPO,
    SHARED_BENCH,
    Scenario,
    Server,
    cpu_us,
    free_port,
    run_loadgen,
    start,
    stop,
)

NOWHERE = {"queue": "no-such-queue"}
UNMATCHED_CHAOS = {
    "seed": 1,
    "faults": [
        {"match": NOWHERE, "duplicate": {"probability": 1.0}},
        {"match": NOWHERE, "delay": {"ms": 100}},
        {"match": NOWHERE, "drop": {}},
        {"match": {"target": "no-such-target"}, "fail": {}},
        {"match": {"rule": "no-such-rule"}, "duplicate": {}},
        {"match": {"operation": "sqs:PurgeQueue"}, "error": {"code": "ThrottlingException"}},
        {"match": {"operation": "sqs:TagQueue"}, "lost_ack": {}},
        {"match": {"operation": "sqs:DeleteMessageBatch", **NOWHERE}, "partial_batch": {}},
    ],
}
SCENARIOS = (
    Scenario("SendMessage", ("sqs-send",)),
    Scenario("SendMessageBatch 10x1KiB", ("sqs-send-batch",)),
    Scenario(
        "EventBridge fan-out, 100 rules",
        ("eb-fanout", "--rules", "100", "--queues", "4", "--consumers", "2"),
    ),
)


def configure_chaos(server: Server) -> None:
    """``PUT /_emulator/chaos`` with faults that match nothing the load does."""
    request = urllib.request.Request(
        f"{server.url}/_emulator/chaos",
        data=json.dumps(UNMATCHED_CHAOS).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200


def rate(result: dict[str, object]) -> float:
    """Messages (or delivered events) per second of a loadgen result."""
    for key in ("msgs_per_s", "delivered_per_s", "events_per_s", "req_per_s"):
        value = result.get(key)
        if isinstance(value, int | float):
            return float(value)
    return 0.0


def main(argv: list[str] | None = None) -> int:
    """Run every scenario alternately on both servers and print the medians."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--duration", "-d", type=float, default=6.0)
    p.add_argument("--concurrency", "-c", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--emulator", default=str(REPO / ".venv" / "bin" / "eventbus-emulator"))
    p.add_argument("--shared", type=Path, default=SHARED_BENCH)
    a = p.parse_args(argv)
    taken: set[int] = set()
    servers = []
    for name in ("no chaos", "chaos, unmatched"):
        port = free_port(taken)
        servers.append(start(name, [a.emulator, "--port", str(port)], port, "/_emulator/health"))
    configure_chaos(servers[1])
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for round_number in range(a.rounds):
            order = servers if round_number % 2 == 0 else servers[::-1]  # no order bias
            for scenario in SCENARIOS:
                for server in order:
                    run_loadgen(a.python, server, scenario, a)
                    result = server.results[scenario.label]
                    sample = (rate(result), cpu_us(result) or 0.0)
                    samples.setdefault((server.name, scenario.label), []).append(sample)
    finally:
        for server in servers:
            stop(server)
    print(table(samples, [s.name for s in servers]))
    return 0


def table(samples: dict[tuple[str, str], list[tuple[float, float]]], names: list[str]) -> str:
    """Medians per scenario and server, and the chaos/no-chaos ratio."""
    lines = [
        "| scenario | no chaos /s | chaos, unmatched /s | ratio | CPU us/req no chaos "
        "| CPU us/req chaos |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        base = samples[(names[0], scenario.label)]
        chaos = samples[(names[1], scenario.label)]
        base_rate = statistics.median(r for r, _ in base)
        chaos_rate = statistics.median(r for r, _ in chaos)
        lines.append(
            f"| {scenario.label} | {base_rate:,.0f} | {chaos_rate:,.0f} "
            f"| {chaos_rate / base_rate:.3f} | {statistics.median(c for _, c in base):.1f} "
            f"| {statistics.median(c for _, c in chaos):.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
